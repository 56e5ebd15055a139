"""The directory's models, one module per concern, re-exported here."""

from .accounts import User, UserManager
from .background import PeriodicRun, TaskWorker
from .bilingual import BilingualMixin, LocalizedText
from .catalogue import Location, Phone, Service, ServiceAtLocation, ServiceStatus
from .changes import EDITABLE_RECORD_KINDS, ChangeRequest, RecordHistory, RecordKind
from .imports import ImportJob
from .invitations import Invitation
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

__all__ = [
    "EDITABLE_RECORD_KINDS",
    "BilingualMixin",
    "ChangeRequest",
    "ClientStatus",
    "ImportJob",
    "Initiative",
    "Invitation",
    "Language",
    "LocalizedText",
    "Location",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "PeriodicRun",
    "Phone",
    "PublicationState",
    "RecordHistory",
    "RecordKind",
    "RecordSource",
    "Service",
    "ServiceAtLocation",
    "ServiceCategory",
    "ServiceStatus",
    "TaskWorker",
    "Territory",
    "User",
    "UserManager",
]
