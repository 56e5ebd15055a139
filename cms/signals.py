"""Reactions of the site to Wagtail's signals, connected in ``CmsConfig.ready``."""

from wagtail.documents.models import document_served
from wagtail.signals import page_published


def fiche_published(sender, instance, **kwargs) -> None:
    from cms.toolkit.services import fiche_version_announce

    fiche_version_announce(fiche=instance)


def document_downloaded(sender, instance, **kwargs) -> None:
    """Sent by Wagtail's serve view once the reader passed the collection's restrictions."""
    instance.download_counted()


def signals_connect() -> None:
    from cms.models import FichePage, SiteDocument

    page_published.connect(fiche_published, sender=FichePage, dispatch_uid="cms_fiche_published")
    document_served.connect(
        document_downloaded, sender=SiteDocument, dispatch_uid="cms_doc_counted"
    )
