"""Threads, posts and what members attach to them.

A post's ``html`` is rendered from its Markdown ``body`` once, when it is
saved (``forum/markdown.py``), and sanitised then: pages serve it as is.
Every change to a thread is also written as a :class:`~forum.models.ThreadEvent`
in the same transaction (``forum/services.py``).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.collation import FRENCH_COLLATION
from forum import access


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60, db_collation=FRENCH_COLLATION)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one reading rule of threads: every surface (pages, search, profile
        sections, feeds, notifications, sockets) starts here.

        Threads of spaces the user may read; hidden threads only for those who
        moderate their space. ``user`` may be None (the public).
        """
        return self.filter(access.thread_read_q(user))

    def in_public_spaces(self):
        """Threads anyone may read (public categories, not hidden): for public surfaces."""
        return self.visible_to(None)


class Thread(models.Model):
    """A discussion in one space: a category *or* a group, never both."""

    category = models.ForeignKey(
        "forum.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="threads",
    )
    group = models.ForeignKey(
        "forum.ForumGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="threads",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_threads",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="threads")
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    solution = models.ForeignKey(
        "forum.Post",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    last_posted_at = models.DateTimeField(_("last post on"), db_index=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    #: The number given to the last post (posts keep their numbers: hidden or moved
    #: posts leave gaps). Guarded by the thread row's lock.
    last_number = models.PositiveIntegerField(default=0, editable=False)
    #: The last ThreadEvent's ``seq``; guarded by the thread row's lock.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-pinned", "-last_posted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(category__isnull=False) & Q(group__isnull=True))
                | (Q(category__isnull=True) & Q(group__isnull=False)),
                name="forum_thread_in_one_space",
            )
        ]
        indexes = [
            models.Index(fields=["category", "-pinned", "-last_posted_at"]),
            models.Index(fields=["group", "-pinned", "-last_posted_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def space(self):
        return self.category if self.category_id else self.group


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Posts the user may read: in threads they may read; hidden posts only for
        moderators of the space and for their author (others see a placeholder)."""
        return self.filter(access.post_read_q(user))

    def in_threads_visible_to(self, user):
        """Every post of readable threads, hidden ones included (shown as placeholders)."""
        return self.filter(thread__in=Thread.objects.visible_to(user))


class Post(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by a moderator")
        AUTO_HIDDEN = "auto_hidden", _("Hidden after flags, awaiting a moderator")

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_posts",
    )
    body = models.TextField(_("text (Markdown)"))
    html = models.TextField(_("rendered text"), editable=False)
    client_id = models.CharField(
        _("client id"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "An id the client chose, so that a post resent after a reconnect is kept once."
        ),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.VISIBLE, db_index=True
    )
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)
    edit_count = models.PositiveIntegerField(_("edits"), default=0)
    quotes = models.ManyToManyField(
        "self",
        verbose_name=_("quoted posts"),
        symmetrical=False,
        blank=True,
        related_name="quoted_by",
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned members"),
        blank=True,
        related_name="forum_mentions",
    )
    #: Full-text document (PostgreSQL only; the thread's title weighs on its first post).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="forum_post_number_unique"),
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="forum_post_client_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.thread} #{self.number}"

    @property
    def is_hidden(self) -> bool:
        return self.state != self.State.VISIBLE


class PostRevision(models.Model):
    """A post's text before an edit: the edit history readers may open."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("text (Markdown)"))
    html = models.TextField(_("rendered text"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("edited on"), auto_now_add=True)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["post", "created_at"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        THANKS = "thanks", _("Thanks")
        INSIGHTFUL = "insightful", _("Insightful")
        CELEBRATE = "celebrate", _("Celebrate")

    #: The emoji shown for each kind (with the kind's label for screen readers).
    EMOJI = {"like": "👍", "thanks": "🙏", "insightful": "💡", "celebrate": "🎉"}

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_reactions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="forum_reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.EMOJI.get(self.kind, self.kind)} {self.post_id}"


class Draft(models.Model):
    """What a member is writing, kept on the server so any device picks it up.

    One draft per member and target: a reply in a thread, or a new thread in
    a category or a group.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_drafts",
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    category = models.ForeignKey(
        "forum.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "forum.ForumGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("saved on"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, category__isnull=True, group__isnull=True)
                    | Q(thread__isnull=True, category__isnull=False, group__isnull=True)
                    | Q(thread__isnull=True, category__isnull=True, group__isnull=False)
                ),
                name="forum_draft_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="forum_draft_unique_reply",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forum_draft_unique_category",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(group__isnull=False),
                name="forum_draft_unique_group",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.user_id}:{self.thread_id}"


class ReadState(models.Model):
    """How far a member has read a thread: the "new since your last visit" marker."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    last_visit_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="forum_read_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.thread_id}={self.last_read_number}"


def attachment_path(instance, filename: str) -> str:
    # The original name is kept in the row; the stored name reveals nothing.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"forum/{uuid.uuid4().hex}.{extension[:8]}"


class Attachment(models.Model):
    """A file joined to a post (or to a draft before it is posted).

    ``content_type`` is what the file's first bytes say it is, never what the
    browser claimed. Served through a view that checks the right to read the
    post, never straight from the media folder.
    """

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
