"""The forum's models, one module per concern, re-exported here."""

from .events import ThreadEvent
from .moderation import Flag, ModerationAction, Suspension
from .notifications import Notification, NotificationSettings, Watch, WatchLevel
from .peers import PeerQuestion
from .polls import Poll, PollBallot, PollChoice, PollOption
from .spaces import Category, ForumGroup, GroupMembership
from .threads import (
    Attachment,
    Draft,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Tag,
    Thread,
)

__all__ = [
    "Attachment",
    "Category",
    "Draft",
    "Flag",
    "ForumGroup",
    "GroupMembership",
    "ModerationAction",
    "Notification",
    "NotificationSettings",
    "PeerQuestion",
    "Poll",
    "PollBallot",
    "PollChoice",
    "PollOption",
    "Post",
    "PostRevision",
    "Reaction",
    "ReadState",
    "Suspension",
    "Tag",
    "Thread",
    "ThreadEvent",
    "Watch",
    "WatchLevel",
]
