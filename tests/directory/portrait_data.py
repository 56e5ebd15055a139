"""A small hand-made directory whose portrait is known by heart (tests of the cartographie).

Territories S (Sherbrooke), M (Memphrémagog), C (Coaticook); clients R
(government-assisted refugees), E (international students), T (temporary
workers). Published unless said:

- A « Accueil A »: a1 French full time (FRA.TEMPS_PLEIN) in S and M, for R and E, in
  French; a2 housing search (LOG.RECHERCHE) in S, for R, in French and Spanish.
- B « Bureau B »: b1 French (FRA, the top level) in S, for R, in French; b2
  employment (EMP) in S, for T, in Spanish.
- C « Carrefour C »: c1 French full time in S and C, for R, in French; c2 housing
  search in C for R, *inactive* (not in the offer).
- D « Dépôt D », a draft organisation: d1 housing search in M for R (staff only).
- E « Entraide E »: e1 employment in M for R, a *draft* service (staff only).
- F « Forum F »: f1 French with no territory (serves none: counted nowhere).

Partnerships: A → B referral; B → C funding that ended yesterday (not counted);
A → D co-delivery (D is a draft: staff version only).
"""

from datetime import timedelta

from django.utils import timezone

from directory.models import ClientStatus, Language, ServiceCategory, Territory
from tests.factories import OrganisationFactory, PartnershipFactory, ServiceFactory

S, M, C = "sherbrooke", "mrc-de-memphremagog", "mrc-de-coaticook"
R, E, T = "REFUGIE_RPCE", "ETUDIANT_INTL", "TET"


def _service(organisation, slug, category, territories, statuses, languages, **fields):
    service = ServiceFactory(organisation=organisation, slug=slug, name=slug.upper(), **fields)
    service.categories.set(ServiceCategory.objects.filter(code=category))
    service.territories.set(Territory.objects.filter(code__in=territories))
    service.client_statuses.set(ClientStatus.objects.filter(code__in=statuses))
    service.languages.set(Language.objects.filter(code__in=languages))
    return service


def portrait_data() -> dict:
    """Build the data set (reference data loaded first); the organisations by letter."""
    a = OrganisationFactory(name="Accueil A", slug="accueil-a", acronym="AA")
    b = OrganisationFactory(name="Bureau B", slug="bureau-b", acronym="BB")
    c = OrganisationFactory(name="Carrefour C", slug="carrefour-c", acronym="CC")
    d = OrganisationFactory(name="Dépôt D", slug="depot-d", acronym="DD", state="draft")
    e = OrganisationFactory(name="Entraide E", slug="entraide-e", acronym="EE")
    f = OrganisationFactory(name="Forum F", slug="forum-f", acronym="FF")
    _service(a, "a1", "FRA.TEMPS_PLEIN", [S, M], [R, E], ["fr"])
    _service(a, "a2", "LOG.RECHERCHE", [S], [R], ["fr", "es"])
    _service(b, "b1", "FRA", [S], [R], ["fr"])
    _service(b, "b2", "EMP", [S], [T], ["es"])
    _service(c, "c1", "FRA.TEMPS_PLEIN", [S, C], [R], ["fr"])
    _service(c, "c2", "LOG.RECHERCHE", [C], [R], ["fr"], status="inactive")
    _service(d, "d1", "LOG.RECHERCHE", [M], [R], ["fr"], state="draft")
    _service(e, "e1", "EMP", [M], [R], ["fr"], state="draft")
    _service(f, "f1", "FRA", [], [R], ["fr"])
    PartnershipFactory(source=a, target=b, kind="referral")
    PartnershipFactory(
        source=b,
        target=c,
        kind="funding",
        ended_on=timezone.localdate() - timedelta(days=1),
    )
    PartnershipFactory(source=a, target=d, kind="co_delivery")
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}
