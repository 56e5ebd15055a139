"""The directory's models, one module per concern, re-exported here."""

from .accounts import User, UserManager
from .background import PeriodicRun, TaskWorker
from .bilingual import BilingualMixin, LocalizedText
from .catalogue import Location, Phone, Service, ServiceAtLocation, ServiceStatus
from .changes import EDITABLE_RECORD_KINDS, ChangeRequest, RecordHistory, RecordKind
from .imports import ImportJob
from .invitations import Invitation
from .needs import Need
from .organisations import (
    Initiative,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    PublicationState,
    RecordSource,
)
from .recensement import (
    Campaign,
    CampaignAnswer,
    CampaignInvitation,
    CampaignQuestion,
    DocumentFinding,
)
from .reference import ClientStatus, Language, ServiceCategory, Territory
from .visits import FollowUp, Visit, VisitAttachment

__all__ = [
    "EDITABLE_RECORD_KINDS",
    "BilingualMixin",
    "Campaign",
    "CampaignAnswer",
    "CampaignInvitation",
    "CampaignQuestion",
    "ChangeRequest",
    "ClientStatus",
    "DocumentFinding",
    "FollowUp",
    "ImportJob",
    "Initiative",
    "Invitation",
    "Language",
    "LocalizedText",
    "Location",
    "Membership",
    "Need",
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
    "Visit",
    "VisitAttachment",
]
