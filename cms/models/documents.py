"""The site's documents: a title, a description for readers and search, a download count."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.search import index


class SiteDocument(AbstractDocument):
    """``WAGTAILDOCS_DOCUMENT_MODEL``. Served by Wagtail's view, which counts each download
    (``cms/signals.py``: ``document_served`` is sent only once the reader passed the
    collection's restrictions)."""

    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the document is for, in a sentence or two: shown beside the link."),
    )
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)

    admin_form_fields = (*WagtailDocument.admin_form_fields, "description")
    search_fields = [*AbstractDocument.search_fields, index.SearchField("description")]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def download_counted(self) -> None:
        """One more download, counted in the database: two at once make two."""
        type(self).objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)

    @property
    def kind_label(self) -> str:
        """PDF, DOCX, PPTX…: what readers see beside the link."""
        return self.file_extension.upper()
