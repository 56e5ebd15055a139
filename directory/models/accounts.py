"""Accounts: a person who signs in is a directory member.

E-mail is the login; there is no username. Members belong to organisations
through :class:`~directory.models.Membership`.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from directory.collation import FRENCH_COLLATION


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        blank=True,
        db_collation=FRENCH_COLLATION,
        help_text=_("How your name appears to other members, for example on the forum."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Language of the e-mails the platform sends you."),
    )
    job_title = models.CharField(_("job title"), max_length=160, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    handle = models.SlugField(
        _("handle"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        allow_unicode=False,
        help_text=_("Your @name on the forum: letters, digits and hyphens."),
    )
    expertise = models.ManyToManyField(
        "directory.ServiceCategory",
        verbose_name=_("areas of expertise"),
        blank=True,
        related_name="experts",
        help_text=_("What other members may ask you about."),
    )
    territories = models.ManyToManyField(
        "directory.Territory",
        verbose_name=_("territories"),
        blank=True,
        related_name="members",
        help_text=_("The territories you work in."),
    )
    notices_off = models.JSONField(
        _("notices turned off"),
        default=list,
        blank=True,
        help_text=_("The kinds of e-mail notices the member chose not to receive."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown to others; never the e-mail address."""
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or _("Member %(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        if not self.handle:
            self.handle = handle_free(self.display_name or self.first_name or "", exclude=self.pk)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.public_name


#: Longest handle a name gives before the number that makes it unique.
HANDLE_BASE_LENGTH = 32


def handle_free(name: str, *, exclude: int | None = None) -> str:
    """A handle for ``name`` that no other member has: ``marie-tremblay``, then ``-2``...

    Accents are folded ("Hélène" gives ``helene``), so that a mention typed on
    any keyboard finds the member. A member without a name gets ``membre``.
    Two members saved at the same instant may pick the same candidate: the
    unique constraint refuses the second, never a silent duplicate.
    """
    base = slugify(name)[:HANDLE_BASE_LENGTH].strip("-") or "membre"
    taken = set(
        User.objects.filter(handle__startswith=base)
        .exclude(pk=exclude)
        .values_list("handle", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
