"""The forum's models, one module per concern, re-exported here."""

from .events import ThreadEvent
from .moderation import Flag, ModerationAction, Suspension
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
    "Post",
    "PostRevision",
    "Reaction",
    "ReadState",
    "Suspension",
    "Tag",
    "Thread",
    "ThreadEvent",
]
