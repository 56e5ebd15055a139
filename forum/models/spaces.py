"""Where discussions happen: staff-managed categories and member groups.

A thread lives in exactly one *space*: a category (a theme the staff keep:
accueil, francisation, emploi...) or a group (open to every member, or
private: an organisation's own space or a working group across
organisations). Who may read and post in a space is decided in
``forum/access.py``; every read goes through ``visible_to`` querysets that
ask it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.collation import FRENCH_COLLATION
from directory.models import BilingualMixin
from forum import access


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Categories the user may read: public ones for everyone, all of them for members."""
        return self.filter(access.category_read_q(user))


class Category(BilingualMixin, models.Model):
    """A theme of discussion kept by staff. ``public`` ones are readable by visitors."""

    bilingual_fields = ("name", "description")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, db_collation=FRENCH_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    public = models.BooleanField(
        _("readable by visitors"),
        default=False,
        help_text=_(
            "Visitors who are not signed in may read the discussions of this category. "
            "Only members may post, always."
        ),
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first in the forum.")
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_forum_categories",
        help_text=_("Members who moderate this category, besides the Modérateurs role."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name"]
        permissions = [
            ("moderate_any", _("Can moderate every forum space")),
        ]

    def __str__(self) -> str:
        return str(self.i18n.name)


class ForumGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Groups the user may read: open groups for members, private ones for their members."""
        return self.filter(access.group_read_q(user))

    def listed_for(self, user):
        """Groups the user may see in the list (to read them, or to ask to join)."""
        return self.filter(access.group_listed_q(user))


class ForumGroup(models.Model):
    """Members gathered around a purpose.

    *Open* groups are read by every member; joining (one click) lets one post.
    *Private* groups are read only by their members, who join by invitation
    or by a request a group moderator accepts. A private group tied to an
    ``organisation`` is that organisation's own space: its active members
    belong to it without joining, and its administrators moderate it.
    """

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open to every member")
        PRIVATE = "private", _("Private")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, db_collation=FRENCH_COLLATION)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forum_groups",
        help_text=_("Set for an organisation's own space: its members belong to the group."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    objects = ForumGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum group")
        verbose_name_plural = _("forum groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class GroupMembership(models.Model):
    """A member's tie to a group: invited, requested, then active (or removed: deleted)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")

    group = models.ForeignKey(
        ForumGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_group_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    joined_at = models.DateTimeField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="forum_group_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} ({self.get_state_display()})"
