"""The state of the in-memory facet index: a token that changes with every write it depends on."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchIndexState(models.Model):
    """One row per in-memory index (``key``), whose ``token`` changes on every relevant write.

    The token is written in the same transaction as the change (signal
    handlers in ``directory/search/signals.py``), so a process compares it with the
    token its index was built from and rebuilds when they differ: committed
    changes reach every process, and a rolled-back change brings back a token
    whose index matches the data again. A random token, not a counter, so
    that a rolled-back counter can never name two different states.
    """

    key = models.CharField(_("key"), max_length=40, primary_key=True)
    token = models.UUIDField(_("token"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index states")

    def __str__(self) -> str:
        return f"{self.key}: {self.token}"
