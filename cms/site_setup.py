"""Creating the site's page tree: a home page per language under one Wagtail site.

Idempotent, so that ``make run``, ``seed_demo`` and production set-up can all
call it. French is the source locale; English pages are its translations.
"""

from django.conf import settings
from django.db import transaction

from wagtail.models import Collection, Locale, Page, Site

from .models import HomePage


@transaction.atomic
def site_ensure(*, title_fr: str = "Continuum", title_en: str = "Continuum") -> HomePage:
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }
    # Wagtail's migrations create these; a flushed test database has lost them.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["fr"]))
    home = HomePage.objects.filter(locale=locales["fr"]).first()
    if home is None:
        home = HomePage(
            title=title_fr,
            slug="accueil",
            locale=locales["fr"],
            intro=(
                "Services, formations et communauté de pratique pour l'accueil et "
                "l'établissement durable des personnes immigrantes en Estrie."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        previous_root = site.root_page if site else None
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True, site_name="Continuum")
        site.root_page = home
        site.site_name = "Continuum"
        site.save()
        # Wagtail's placeholder "Welcome" page is not ours to keep.
        if previous_root is not None and previous_root.specific_class is Page:
            previous_root.delete()
    if not HomePage.objects.filter(locale=locales["en"]).exists():
        english = home.copy_for_translation(locales["en"])
        english.title = title_en
        english.slug = "home"
        english.intro = (
            "Services, training and a community of practice to welcome newcomers "
            "and help them settle for good in Estrie."
        )
        english.save_revision().publish()
    return home
