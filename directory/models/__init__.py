"""The directory's models, one module per concern, re-exported here."""

from .accounts import User, UserManager
from .bilingual import BilingualMixin, LocalizedText
from .catalogue import Location, Phone, Service, ServiceAtLocation, ServiceStatus
from .changes import EDITABLE_RECORD_KINDS, ChangeRequest, RecordHistory, RecordKind
from .imports import ImportJob
from .organisations import (
    Initiative,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    PublicationState,
    RecordSource,
)
from .reference import ClientStatus, Language, ServiceCategory, Territory
from .search_index import SearchIndexState

__all__ = [
    "EDITABLE_RECORD_KINDS",
    "BilingualMixin",
    "ChangeRequest",
    "ClientStatus",
    "ImportJob",
    "Initiative",
    "Language",
    "LocalizedText",
    "Location",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "Phone",
    "PublicationState",
    "RecordHistory",
    "RecordKind",
    "RecordSource",
    "SearchIndexState",
    "Service",
    "ServiceAtLocation",
    "ServiceCategory",
    "ServiceStatus",
    "Territory",
    "User",
    "UserManager",
]
