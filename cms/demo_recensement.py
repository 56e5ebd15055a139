"""Demo of the recensement and the tournée: a finished campaign, visits, needs, follow-ups.

Written by hand, as the regional team would have entered it in the autumn:
some organisations answered the survey, some opened the link and stopped,
some never did (two reminders each). Visits in Magog, Granby and
Sherbrooke, with the needs heard and what was promised. Called once at the
end of ``cms.demo.demo_seed``; a second run finds the campaign and changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from directory.editing.fields import snapshot, spec_for
from directory.models import (
    Campaign,
    CampaignAnswer,
    CampaignInvitation,
    CampaignQuestion,
    ChangeRequest,
    ClientStatus,
    DocumentFinding,
    FollowUp,
    Language,
    Need,
    Organisation,
    PublicationState,
    RecordSource,
    Service,
    ServiceCategory,
    Territory,
    Visit,
)

CAMPAIGN_TITLE = "Recensement des services aux personnes immigrantes — automne 2026"

QUESTIONS = [
    (
        CampaignQuestion.Kind.YES_NO,
        "Offrez-vous des services le soir ou la fin de semaine?",
        "Do you offer services in the evening or on weekends?",
        [],
    ),
    (
        CampaignQuestion.Kind.CHOICE,
        "Combien de personnes immigrantes avez-vous accompagnées au cours de la dernière année?",
        "How many immigrants did you support over the last year?",
        [
            {"fr": "Moins de 50", "en": "Fewer than 50"},
            {"fr": "De 50 à 200", "en": "50 to 200"},
            {"fr": "Plus de 200", "en": "More than 200"},
        ],
    ),
    (
        CampaignQuestion.Kind.LONG_TEXT,
        "Vers quels organismes orientez-vous le plus souvent les personnes que vous accueillez?",
        "Which organisations do you most often refer people to?",
        [],
    ),
    (
        CampaignQuestion.Kind.NEEDS,
        "Quels besoins des personnes immigrantes restent sans réponse sur votre territoire?",
        "Which needs of immigrants remain unmet in your territory?",
        [],
    ),
]

# slug: (days before today it answered, respondent, answers by question position, comment)
ANSWERS = {
    "sanc": (
        40,
        "Mélanie Roy, coordonnatrice à l'accueil",
        {
            1: "yes",
            2: "Plus de 200",
            3: "Clinique des réfugiés, Centre Saint-Michel, RIFE, "
            "Pro-Gestion Estrie pour l'emploi.",
        },
        "Nos heures du jeudi soir sont nouvelles depuis septembre.",
    ),
    "sery": (
        35,
        "Luis Herrera, directeur",
        {
            1: "yes",
            2: "De 50 à 200",
            3: "Clinique des réfugiés de Granby, CJE, Francisation "
            "Québec, et le CAB de Granby pour l'aide alimentaire.",
        },
        "",
    ),
    "cea-coaticook": (
        31,
        "Nathalie Bergeron, conseillère pédagogique",
        {1: "yes", 2: "Moins de 50", 3: "Le CJE de Coaticook et les employeurs agricoles."},
        "Nos groupes du soir sont pleins; une liste d'attente s'allonge.",
    ),
    "comite-accueil-lambton": (
        28,
        "Gilles Poulin, bénévole responsable",
        {
            1: "no",
            2: "Moins de 50",
            3: "La municipalité, le CJE du Granit, la Clinique des "
            "réfugiés de Sherbrooke quand il le faut.",
        },
        "Nous sommes tous bénévoles : nos disponibilités varient.",
    ),
    "rife": (
        26,
        "Fatou Diallo, agente de jumelage",
        {1: "yes", 2: "De 50 à 200", 3: "Le SANC nous réfère la plupart des familles."},
        "",
    ),
}
OPENED_ONLY = ["cje-memphremagog"]
NEVER_OPENED = ["mrc-brome-missisquoi", "pro-gestion-estrie", "cje-granit"]

# slug: [(category code, territory code or "", client status codes, text)]
SURVEY_NEEDS = {
    "sanc": [
        (
            "ACC.INTERP",
            "sherbrooke",
            ["REFUGIE_RPCE"],
            "Interprètes en dari et en tigrigna pour "
            "les rendez-vous au CHUS : les délais dépassent souvent deux semaines.",
        ),
        (
            "LOG.RECHERCHE",
            "sherbrooke",
            ["REFUGIE_RPCE", "REFUGIE_PARRAINE"],
            "Logements de quatre chambres et plus pour les familles nombreuses; "
            "l'attente à l'OMH dépasse un an.",
        ),
    ],
    "sery": [
        (
            "FRA.TEMPS_PARTIEL",
            "mrc-de-la-haute-yamaska",
            ["TET"],
            "Francisation à temps partiel "
            "le soir pour les travailleurs des usines de Granby, qui ne peuvent pas suivre les "
            "cours de jour.",
        ),
    ],
    "cea-coaticook": [
        (
            "TRA",
            "mrc-de-coaticook",
            ["TET"],
            "Transport vers les cours pour les travailleurs "
            "agricoles qui habitent dans les rangs, sans autobus le soir.",
        ),
    ],
    "comite-accueil-lambton": [
        (
            "ACC.INTERP",
            "mrc-du-granit",
            [],
            "Un service d'interprétariat, même au téléphone : "
            "rien n'existe dans le Granit et les familles arrivent sans un mot de français.",
        ),
    ],
    "rife": [
        (
            "VIE.JUMELAGE",
            "sherbrooke",
            [],
            "Plus de familles d'ici prêtes à être jumelées : une "
            "quinzaine de familles nouvellement arrivées attendent.",
        ),
    ],
}

# date (days ago), place, organisations, notes, needs, follow-ups (action, due in days, done)
VISITS = [
    (
        45,
        "Magog, bureaux du Carrefour jeunesse-emploi Memphrémagog",
        ["cje-memphremagog"],
        "Rencontre avec l'équipe d'intervention. Le CJE reçoit de plus en plus de jeunes "
        "adultes demandeurs d'asile, envoyés par le Programme d'aide sociale. Les conseillères "
        "se débrouillent avec des applications de traduction, ce qui ne convient pas pour les "
        "entrevues d'employabilité. Intérêt marqué pour la communauté de pratique.",
        [
            (
                "ACC.INTERP",
                "mrc-de-memphremagog",
                ["DEMANDEUR_ASILE"],
                "Interprétariat pour les "
                "jeunes adultes demandeurs d'asile (espagnol, créole haïtien) lors des rencontres "
                "individuelles.",
            ),
        ],
        [
            ("Envoyer au CJE les coordonnées de la Banque d'interprètes du SANC", -30, True),
            (
                "Inviter l'équipe du CJE à la prochaine rencontre de la communauté de pratique",
                4,
                False,
            ),
        ],
    ),
    (
        23,
        "Granby, locaux de SERY",
        ["sery", "clinique-des-refugies-granby"],
        "Rencontre conjointe SERY et Clinique des réfugiés de Granby. Beaucoup de travailleurs "
        "étrangers temporaires de l'agroalimentaire travaillent de soir : les cours de "
        "francisation de jour ne leur conviennent pas. La clinique signale des familles "
        "arrivées depuis plus d'un an toujours sans médecin de famille.",
        [
            (
                "FRA.TEMPS_PARTIEL",
                "mrc-de-la-haute-yamaska",
                ["TET"],
                "Francisation à temps "
                "partiel en dehors des heures de travail (fin de semaine) pour les travailleurs de "
                "quarts de soir.",
            ),
            (
                "SAN.ACCES",
                "mrc-de-la-haute-yamaska",
                ["REFUGIE_RPCE"],
                "Inscription auprès d'un "
                "médecin de famille pour les familles réfugiées arrivées depuis plus d'un an.",
            ),
        ],
        [
            (
                "Vérifier avec Francisation Québec si un groupe de fin de semaine peut ouvrir à "
                "Granby en janvier",
                -2,
                False,
            ),
            (
                "Mettre SERY en contact avec la Clinique des réfugiés de Sherbrooke pour l'accès "
                "au GAP",
                10,
                False,
            ),
        ],
    ),
    (
        9,
        "Sherbrooke, Service d'aide aux Néo-Canadiens",
        ["sanc", "ville-de-sherbrooke"],
        "Suivi du recensement avec le SANC et la Ville. Le logement des familles nombreuses "
        "reste le premier enjeu : les grands logements sont rares et chers. La Ville prépare "
        "sa politique d'habitation et veut les données du recensement.",
        [
            (
                "LOG.RECHERCHE",
                "sherbrooke",
                ["REFUGIE_RPCE"],
                "Logement pour les familles de "
                "cinq enfants et plus, près des écoles et du transport en commun.",
            ),
        ],
        [
            (
                "Transmettre à la Ville la synthèse des besoins en logement tirée du recensement",
                6,
                False,
            ),
        ],
    ),
]


def recensement_seed(*, users: dict, organisations: dict[str, Organisation]) -> None:
    """The demo's campaign, visits and needs (skipped when the campaign already exists)."""
    if Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        return
    staff = users["staff editor"]
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    territories = {t.code: t for t in Territory.objects.all()}
    statuses = {s.code: s for s in ClientStatus.objects.all()}
    today = timezone.localdate()
    now = timezone.now()

    def need(organisation, row, **origin):
        code, territory, status_codes, text = row
        record = Need.objects.create(
            organisation=organisation,
            category=categories.get(code),
            territory=territories.get(territory),
            text=text,
            created_by=staff if origin.get("visit") else None,
            **origin,
        )
        record.client_statuses.set([statuses[s] for s in status_codes if s in statuses])

    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=CAMPAIGN_TITLE,
            title_en="Inventory of services to immigrants — fall 2026",
            introduction="Merci de prendre quelques minutes pour vérifier la fiche de votre "
            "organisme et nous dire quels besoins vous observez. Vos réponses nourrissent le "
            "portrait régional des services.",
            introduction_en="Please take a few minutes to check your organisation's record "
            "and tell us which needs you see. Your answers feed the regional portrait.",
            starts_on=today - timedelta(days=60),
            ends_on=today - timedelta(days=14),
            state=Campaign.State.CLOSED,
            auto_reminders=True,
            reminder_interval_days=10,
            max_reminders=2,
            created_by=staff,
        )
        questions = {}
        for position, (kind, label, label_en, choices) in enumerate(QUESTIONS, start=1):
            questions[position] = CampaignQuestion.objects.create(
                campaign=campaign,
                position=position,
                kind=kind,
                label=label,
                label_en=label_en,
                choices=choices,
            )
        invited_at = now - timedelta(days=60)
        for slug in [*ANSWERS, *OPENED_ONLY, *NEVER_OPENED]:
            organisation = organisations.get(slug)
            if organisation is None:
                continue
            answered = ANSWERS.get(slug)
            invitation = CampaignInvitation.objects.create(
                campaign=campaign,
                organisation=organisation,
                email=organisation.email or f"info@{slug}.example.org",
                expires_at=campaign.closes_at,
                invited_at=invited_at,
                invited_by=staff,
                opened_at=invited_at + timedelta(days=3) if slug not in NEVER_OPENED else None,
                reminders_sent=0 if answered else 2,
                last_reminder_at=None if answered else invited_at + timedelta(days=20),
            )
            if not answered:
                continue
            days_ago, respondent, values, comment = answered
            submitted = now - timedelta(days=days_ago)
            answer = CampaignAnswer.objects.create(
                invitation=invitation,
                sequence=1,
                respondent_name=respondent,
                answers={str(questions[p].pk): v for p, v in values.items()},
                comment=comment,
                submitted_at=submitted,
            )
            invitation.answered_at = submitted
            invitation.save(update_fields=["answered_at"])
            services = list(organisation.services.filter(state=PublicationState.PUBLISHED))
            confirmed = services[1:] if slug == "sery" else services
            answer.confirmed_services.set(confirmed)
            for service in confirmed:
                Service.objects.filter(pk=service.pk).update(
                    verified_at=submitted, assured_date=timezone.localdate(submitted)
                )
            for row in SURVEY_NEEDS.get(slug, []):
                need(
                    organisation,
                    row,
                    source=Need.Source.SURVEY,
                    campaign_answer=answer,
                    recorded_on=timezone.localdate(submitted),
                )
            if slug == "sery" and services:
                # SERY corrected the schedule of one service: it waits in the validation queue.
                service = services[0]
                previous = snapshot(service, spec_for(service).fields)
                request = ChangeRequest.objects.create(
                    organisation=organisation,
                    target_kind="service",
                    service=service,
                    kind=ChangeRequest.Kind.UPDATE,
                    proposed={
                        "schedule": "Du lundi au jeudi, de 8 h 30 à 16 h 30; le mardi "
                        "jusqu'à 19 h sur rendez-vous."
                    },
                    previous=previous,
                )
                answer.change_requests.add(request)

        for days_ago, place, slugs, notes, needs, follow_ups in VISITS:
            met = [organisations[s] for s in slugs if s in organisations]
            if not met:
                continue
            visit = Visit.objects.create(
                date=today - timedelta(days=days_ago),
                place=place,
                notes=notes,
                created_by=staff,
            )
            visit.organisations.set(met)
            visit.staff_attendees.set([staff])
            for row in needs:
                need(met[0], row, source=Need.Source.VISIT, visit=visit, recorded_on=visit.date)
            for action, due_in, done in follow_ups:
                FollowUp.objects.create(
                    visit=visit,
                    action=action,
                    owner=staff,
                    due_on=today + timedelta(days=due_in),
                    done_at=now - timedelta(days=20) if done else None,
                    done_by=staff if done else None,
                )

        saint_michel = organisations.get("centre-saint-michel")
        if saint_michel is not None:
            service = Service.objects.create(
                organisation=saint_michel,
                name="Halte-garderie pendant les cours de francisation",
                slug="halte-garderie-francisation-saint-michel",
                description="Garde des enfants de 18 mois à 5 ans pendant les cours du jour.",
                state=PublicationState.PENDING,
                source=RecordSource.DOCUMENT,
                source_notes="Dépliant « Francisation 2026-2027 », Centre Saint-Michel",
            )
            service.categories.set([categories[c] for c in ("FAM.GARDE",) if c in categories])
            service.client_statuses.set(
                [statuses[c] for c in ("RP_ECONOMIQUE", "RP_FAMILLE") if c in statuses]
            )
            service.territories.set([t for c, t in territories.items() if c == "sherbrooke"])
            service.languages.set(Language.objects.filter(code="fr"))
            service.locations.set(saint_michel.locations.all()[:1])
            DocumentFinding.objects.create(
                service=service,
                reference="Dépliant « Francisation 2026-2027 », Centre Saint-Michel",
                document_date=today - timedelta(days=95),
                notes="À confirmer : la halte-garderie est-elle offerte aussi le soir?",
                recorded_by=staff,
            )
