"""The cartographie's part of the demo: partnerships written by hand.

``services.json`` gives a few partnerships; these add the ties the region's
organisations are known to have (referrals for francisation, concertation
tables, Centraide's funding), so that the portrait shows a real-looking
network: clusters in Sherbrooke and Haute-Yamaska, organisations with no
partner yet, and suggestions between those that serve the same people.
Idempotent: an existing partnership is left as it is.
"""

from datetime import date

from directory.models import Organisation, Partnership

#: (source slug, target slug, kind, description, since)
PARTNERSHIPS = (
    (
        "sanc",
        "centre-saint-michel",
        "referral",
        "Le SANC dirige les personnes nouvellement arrivées vers la francisation à temps complet.",
        date(2019, 9, 1),
    ),
    (
        "sanc",
        "ville-de-sherbrooke",
        "concertation",
        "Table de concertation sur l'accueil des personnes immigrantes à Sherbrooke.",
        date(2018, 1, 15),
    ),
    (
        "actions-interculturelles",
        "ville-de-sherbrooke",
        "co_delivery",
        "Activités de loisirs et de participation citoyenne offertes ensemble dans les quartiers.",
        date(2021, 5, 1),
    ),
    (
        "fcce",
        "actions-interculturelles",
        "concertation",
        "Rencontres régulières entre les associations ethnoculturelles et l'organisme.",
        None,
    ),
    (
        "centraide-estrie",
        "sanc",
        "funding",
        "Soutien financier à la mission.",
        None,
    ),
    (
        "centraide-estrie",
        "actions-interculturelles",
        "funding",
        "Soutien financier à la mission.",
        None,
    ),
    (
        "cegep-de-sherbrooke",
        "udes",
        "concertation",
        "Accueil concerté des étudiantes et étudiants internationaux.",
        date(2022, 8, 15),
    ),
    (
        "sery",
        "clinique-des-refugies-granby",
        "referral",
        "Les familles réfugiées accueillies par le SERY passent le bilan de santé à la clinique.",
        date(2017, 3, 1),
    ),
    (
        "vision-attractivite",
        "cje-coaticook",
        "concertation",
        "Attraction et rétention des jeunes et des personnes immigrantes dans la MRC.",
        None,
    ),
    (
        "vision-attractivite",
        "comite-accueil-lambton",
        "concertation",
        "Partage des pratiques d'accueil municipal.",
        None,
    ),
    (
        "cea-coaticook",
        "cje-coaticook",
        "referral",
        "Les élèves en francisation sont orientés vers l'aide à la recherche d'emploi.",
        date(2023, 1, 10),
    ),
)


def demo_cartographie_seed() -> int:
    """Create the partnerships that are missing; how many were created."""
    slugs = {slug for row in PARTNERSHIPS for slug in row[:2]}
    organisations = Organisation.objects.in_bulk(slugs, field_name="slug")
    created = 0
    for source, target, kind, description, since in PARTNERSHIPS:
        if source not in organisations or target not in organisations:
            continue
        _partnership, made = Partnership.objects.get_or_create(
            source=organisations[source],
            target=organisations[target],
            kind=kind,
            defaults={"description": description, "started_on": since},
        )
        created += made
    return created
