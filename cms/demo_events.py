"""The demo's events, written by hand in French, dated from the day the demo runs.

Called once at the end of ``demo_seed()`` (cms/demo.py). What it builds:

- the monthly meeting of the community of practice ("le 2e mardi du mois"),
  starting two months ago and running until two months past the second
  daylight-saving change to come, so that it crosses both; one of its
  occurrences is moved to the Thursday, another cancelled; the last past
  one has its minutes;
- two training workshops, one full with a waiting list;
- a webinar, and a partner event (registration on the partner's side);
- hosted by organisations of ``demo_data/services.json``.

Idempotent: each event is found again by its title and kind. A single event
of an older demo that is over is moved to its date relative to today, so
that ``make run`` always shows upcoming events (and a non-empty feed).
Registrations are written directly (no e-mail is sent for the demo).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from directory import access
from directory.models import Organisation, ServiceCategory, Territory
from events import access as events_access
from events import services
from events.models import (
    Event,
    EventAudience,
    EventKind,
    EventMode,
    Occurrence,
    Registration,
    RegistrationState,
)

ZONE = ZoneInfo(settings.TIME_ZONE)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _daylight_changes(start: date, count: int = 2) -> list[date]:
    """The next ``count`` days on which America/Toronto changes its UTC offset."""
    changes, day = [], start
    offset = _at(day, 12).utcoffset()
    while len(changes) < count:
        day += timedelta(days=1)
        current = _at(day, 12).utcoffset()
        if current != offset:
            changes.append(day)
            offset = current
    return changes


def _weekday_after(day: date, weekday: int, days: int) -> date:
    target = day + timedelta(days=days)
    return target + timedelta(days=(weekday - target.weekday()) % 7)


def _organisations(*slugs: str) -> list[Organisation]:
    found = Organisation.objects.in_bulk(list(slugs), field_name="slug")
    return [found[slug] for slug in slugs if slug in found]


def _event(by, *, title: str, kind: str, organisations, territories=(), categories=(), **fields):
    """Create the event, or find it again (moving a past single event to its new date)."""
    existing = Event.objects.filter(title=title, kind=kind).first()
    if existing is None:
        return services.event_create(
            by=by,
            organisations=organisations,
            territories=list(Territory.objects.filter(code__in=territories)),
            categories=list(ServiceCategory.objects.filter(code__in=categories)),
            state="published",
            title=title,
            kind=kind,
            **fields,
        ), True
    if not existing.rrule and existing.end < timezone.now():
        existing = services.event_update(
            event=existing, by=by, start=fields["start"], end=fields["end"]
        )
    return existing, False


def _register(occurrence: Occurrence, people: list, state: str) -> None:
    now = timezone.now()
    for index, person in enumerate(people):
        values = {"occurrence": occurrence, "state": state}
        values["created_at"] = now - timedelta(days=10, minutes=-index)
        if isinstance(person, tuple):
            name, email = person
            values.update(name=name, email=email, confirmed_at=now)
        else:
            values.update(user=person, confirmed_at=now)
        Registration.objects.create(**values)


def _animator(editor):
    """The demo's editor, who holds the Animation role (cms/demo.py), even on a database
    flushed since ``migrate`` (tests), where the roles are created again first."""
    if not editor.has_perm(events_access.MANAGE_EVENTS):
        access.roles_ensure()
        editor.groups.add(Group.objects.get(name=access.ANIMATION.name))
        editor = type(editor).objects.get(pk=editor.pk)  # a fresh permission cache
    return editor


def demo_events_seed(*, users: dict) -> dict[str, int]:
    """Build the demo's events (see the module's docstring); how many were created."""
    by = _animator(users["staff editor"])
    member = users["member"]
    admin = users["organisation admin"]
    today = timezone.localdate()
    created = 0

    # --- The community of practice, monthly, crossing both daylight-saving changes ---
    months_back = today.replace(day=1) - timedelta(days=45)
    first = _second_tuesday(months_back.year, months_back.month)
    second_change = _daylight_changes(today)[-1]
    until = _at(second_change + timedelta(days=62), 23, 59)
    meeting, new = _event(
        by,
        title="Rencontre de la communauté de pratique en accueil et intégration",
        title_en="Community of practice meeting: welcome and integration",
        kind=EventKind.MEETING,
        organisations=_organisations("fcce", "vision-attractivite"),
        territories=["sherbrooke"],
        categories=["ORG.CONCERTATION"],
        description=(
            "Chaque 2e mardi du mois, les intervenantes et intervenants en accueil, en "
            "francisation, en emploi et en vie communautaire de l’Estrie se retrouvent pour "
            "partager leurs pratiques, leurs bons coups et leurs casse-têtes.\n\n"
            "Au menu : un tour de table des nouvelles des organismes, un sujet de fond préparé "
            "par un membre, et 20 minutes pour les situations à débloquer ensemble. L’ordre du "
            "jour est publié une semaine avant dans le forum."
        ),
        description_en=(
            "Every 2nd Tuesday, people working in welcome, French courses, employment and "
            "community life in Estrie meet to share their practices. In French."
        ),
        mode=EventMode.HYBRID,
        venue="Salle communautaire de la FCCE",
        municipality="Sherbrooke",
        online_url="https://meet.jit.si/continuum-cdp-estrie-demo",
        accessibility_notes=(
            "Salle au rez-de-chaussée, accessible en fauteuil roulant. Sous-titrage "
            "automatique activé pour les personnes qui se joignent en ligne."
        ),
        language="fr",
        start=_at(first, 13, 30),
        end=_at(first, 15, 30),
        rrule=f"FREQ=MONTHLY;BYDAY=2TU;UNTIL={until.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}",
    )
    if new:
        created += 1
        upcoming = list(meeting.occurrences.filter(start__gt=timezone.now()).order_by("start"))
        past = list(meeting.occurrences.filter(end__lte=timezone.now()).order_by("start"))
        if len(upcoming) >= 4:
            moved = upcoming[1]
            moved_day = timezone.localtime(moved.start).date() + timedelta(days=2)
            services.occurrence_update(
                occurrence=moved,
                by=by,
                start=_at(moved_day, 13, 30),
                end=_at(moved_day, 15, 30),
                note=(
                    "Exceptionnellement le jeudi : la salle est réservée pour l’assemblée "
                    "générale de la FCCE le mardi."
                ),
            )
            services.occurrence_cancel(
                occurrence=upcoming[3],
                by=by,
                note="Annulée : semaine de relâche pour la plupart des organismes. On se "
                "retrouve le mois suivant!",
            )
            _register(upcoming[0], [member, admin], RegistrationState.CONFIRMED)
        if past:
            services.occurrence_minutes_update(
                occurrence=past[-1],
                by=by,
                minutes=(
                    "Présents : 14 personnes de 9 organismes (6 en ligne).\n"
                    "1. Tour de table : ouverture d’un nouveau point de service du SANC à "
                    "Magog; le Cégep ajoute un groupe de francisation le soir.\n"
                    "2. Sujet de fond : l’accueil des familles arrivées en plein hiver "
                    "(vêtements, transport, inscription à l’école).\n"
                    "Suivi : la FCCE fait circuler une liste des friperies par MRC."
                ),
            )

    # --- A full workshop, with a waiting list ---
    day = _weekday_after(today, 2, 12)  # a Wednesday, 12 days or so from now
    workshop, new = _event(
        by,
        title="Atelier de formation : l’accueil interculturel au quotidien",
        title_en="Training workshop: intercultural welcome, day to day",
        kind=EventKind.WORKSHOP,
        organisations=_organisations("actions-interculturelles"),
        territories=["sherbrooke"],
        categories=["ORG.FORMATION"],
        description=(
            "Un atelier pratique de trois heures pour les équipes qui reçoivent des personnes "
            "immigrantes au comptoir ou au téléphone : comprendre les chocs culturels, "
            "adapter son français sans infantiliser, et savoir vers qui orienter.\n\n"
            "Mises en situation en petits groupes. Places limitées pour garder les échanges "
            "vivants."
        ),
        mode=EventMode.IN_PERSON,
        venue="Locaux d’Actions interculturelles, salle B",
        municipality="Sherbrooke",
        capacity=3,
        registration_deadline_hours=24,
        accessibility_notes="Ascenseur à l’entrée arrière. Boucle magnétique sur demande.",
        start=_at(day, 9),
        end=_at(day, 12),
    )
    if new:
        created += 1
        occurrence = workshop.occurrences.get()
        _register(
            occurrence,
            [member, ("Josée Bergeron", "josee.bergeron@example.org"),
             ("Mamadou Sow", "mamadou.sow@example.org")],
            RegistrationState.CONFIRMED,
        )  # fmt: skip
        _register(
            occurrence,
            [("Valérie Côté", "valerie.cote@example.org"),
             ("Thi Lan Nguyen", "thilan.nguyen@example.org")],
            RegistrationState.WAITLISTED,
        )  # fmt: skip

    # --- A second workshop, hybrid, hosted by the SANC (its admin manages it) ---
    day = _weekday_after(today, 3, 20)  # a Thursday
    _, new = _event(
        by,
        title="Atelier de formation : comprendre les statuts d’immigration",
        title_en="Training workshop: understanding immigration statuses",
        kind=EventKind.WORKSHOP,
        organisations=_organisations("sanc"),
        territories=["sherbrooke"],
        categories=["JUR.STATUT", "ACC.DEMARCHES"],
        description=(
            "Résident permanent, travailleur temporaire, étudiant étranger, demandeur d’asile : "
            "à quels services chacun a-t-il droit en Estrie? Un survol clair, avec des cas "
            "concrets, par l’équipe d’accompagnement du SANC."
        ),
        description_en=(
            "Permanent residents, temporary workers, international students, asylum seekers: "
            "which services each may use in Estrie. Given in French; questions welcome in "
            "English."
        ),
        mode=EventMode.HYBRID,
        venue="Service d’aide aux Néo-Canadiens, salle de formation",
        municipality="Sherbrooke",
        online_url="https://meet.jit.si/continuum-statuts-demo",
        capacity=25,
        registration_deadline_hours=48,
        start=_at(day, 13, 30),
        end=_at(day, 16),
    )
    created += new

    # --- A webinar ---
    day = _weekday_after(today, 1, 26)  # a Tuesday
    _, new = _event(
        by,
        title="Webinaire : se loger en région quand on vient d’arriver",
        title_en="Webinar: finding a home in the regions when you have just arrived",
        kind=EventKind.WEBINAR,
        organisations=_organisations("vision-attractivite", "cje-coaticook"),
        territories=["mrc-de-coaticook", "mrc-du-granit", "mrc-de-memphremagog"],
        categories=["LOG.RECHERCHE", "REG.ATTRACTION"],
        description=(
            "Une heure pour faire le point sur la recherche de logement hors de Sherbrooke : "
            "les bons réflexes, le rôle des comités d’accueil locaux et les ressources de "
            "chaque MRC. Période de questions à la fin."
        ),
        mode=EventMode.ONLINE,
        online_url="https://meet.jit.si/continuum-logement-demo",
        start=_at(day, 12),
        end=_at(day, 13),
    )
    created += new

    # --- A partner event, registration on the partner's side ---
    day = _weekday_after(today, 5, 40)  # a Saturday
    _, new = _event(
        by,
        title="Fête interculturelle de la Haute-Yamaska",
        title_en="Haute-Yamaska intercultural festival",
        kind=EventKind.PARTNER,
        organisations=_organisations("sery"),
        territories=["mrc-de-la-haute-yamaska"],
        categories=["VIE.LOISIRS"],
        description=(
            "Musique, cuisine du monde et kiosques des organismes : Solidarité ethnique "
            "régionale de la Yamaska invite toute la population à sa fête annuelle. Gratuit, "
            "pour toute la famille."
        ),
        mode=EventMode.IN_PERSON,
        venue="Centre culturel France-Arsenault",
        municipality="Granby",
        audience=EventAudience.PUBLIC,
        registration_enabled=False,
        start=_at(day, 13),
        end=_at(day, 17),
    )
    created += new
    return {"events_created": created}
