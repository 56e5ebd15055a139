"""The toolkit's e-mails: a new version of a fiche, to the members who subscribed."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from django.contrib.auth import get_user_model

from directory import mail
from directory.background import retrying

TEMPLATES = "cms/email/"


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def toolkit_update_notify(*, announcement_id: int) -> int:
    """One e-mail per subscriber, in their language, linking to the fiche in it.

    Reads the announcement again: a fiche deleted or made private meanwhile
    tells nobody.
    """
    from wagtail.models import Locale

    from cms.models import FicheAnnouncement, FichePage
    from cms.selectors import pages_visible_to

    announcement = FicheAnnouncement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    translations = {
        fiche.locale_id: fiche
        for fiche in pages_visible_to(
            FichePage.objects.live().filter(translation_key=announcement.translation_key), None
        )
    }
    if not translations:
        return 0
    fallback = next(
        (f for f in translations.values() if f.pk == announcement.fiche_id),
        next(iter(translations.values())),
    )

    def context(recipient) -> dict:
        locale = Locale.get_active()
        fiche = translations.get(locale.pk, fallback)
        _site, _root, path = fiche.get_url_parts()
        return {"fiche": fiche, "announcement": announcement, "fiche_url": mail.absolute_url(path)}

    User = get_user_model()
    recipients = User.objects.filter(toolkit_subscription__isnull=False, is_active=True)
    return mail.members_notify(
        recipients,
        subject_template=f"{TEMPLATES}toolkit_update_subject.txt",
        body_template=f"{TEMPLATES}toolkit_update_message.txt",
        context=context,
    )
