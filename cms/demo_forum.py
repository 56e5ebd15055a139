"""The forum's part of the demo: the community of practice as its members would use it.

Written by hand, in French (one thread in English, as happens in Lennoxville):
questions a municipal agent hired under a regional programme actually asks,
answered by people of the demo's organisations. Categories accueil,
francisation, emploi, logement (members only) and régionalisation; an open
group of municipal agents; a private working group on housing whose thread
the public and non-members never see.

Idempotent: spaces and members are found or created, a thread is written
only when no thread has its title, so a second run changes nothing.
Threads are written through the forum's services (numbers, events, search
documents, signals), then dated in the past so that the forum looks lived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.demo_password import demo_password_hash
from directory.models import Membership, Organisation
from forum import services
from forum.models import Category, ForumGroup, GroupMembership, Post, Tag, Thread


@dataclass(frozen=True)
class DemoMember:
    key: str
    email: str
    display_name: str
    job_title: str
    organisation: str  # slug in cms/demo_data/services.json


#: The members who write in the demo forum (besides the directory demo's accounts).
MEMBERS = (
    DemoMember(
        "julie",
        "julie.gagnon@demo.continuum.local",
        "Julie Gagnon",
        "Agente d'attraction, Place aux jeunes du Granit",
        "cje-granit",
    ),
    DemoMember(
        "marc",
        "marc-andre.roy@demo.continuum.local",
        "Marc-André Roy",
        "Conseiller en développement social, Ville de Sherbrooke",
        "ville-de-sherbrooke",
    ),
    DemoMember(
        "fatou",
        "fatou.diallo@demo.continuum.local",
        "Fatou Diallo",
        "Intervenante en employabilité, SERY",
        "sery",
    ),
    DemoMember(
        "nathalie",
        "nathalie.bergeron@demo.continuum.local",
        "Nathalie Bergeron",
        "Conseillère pédagogique en francisation",
        "cegep-de-sherbrooke",
    ),
    DemoMember(
        "sarah",
        "sarah.mitchell@demo.continuum.local",
        "Sarah Mitchell",
        "Career advisor",
        "champlain-lennoxville",
    ),
)

CATEGORIES = (
    # slug, name, English name, description, public, position
    (
        "accueil",
        "Accueil",
        "Welcome",
        "Les premières semaines : arrivée, démarches, premiers contacts avec la communauté.",
        True,
        10,
    ),
    (
        "francisation",
        "Francisation",
        "French classes",
        "Cours de français, listes d'attente, francisation en milieu de travail.",
        True,
        20,
    ),
    (
        "emploi",
        "Emploi",
        "Employment",
        "Recherche d'emploi, reconnaissance des diplômes, intégration en entreprise.",
        True,
        30,
    ),
    (
        "logement",
        "Logement",
        "Housing",
        "Trouver un logement, la pénurie, les recours. Réservé aux membres.",
        False,
        40,
    ),
    (
        "regionalisation",
        "Régionalisation",
        "Regionalisation",
        "Attirer et retenir les personnes immigrantes hors de Sherbrooke.",
        True,
        50,
    ),
)

TAGS = {
    "refugies": "réfugiés",
    "ecoles": "écoles",
    "travailleurs-etrangers": "travailleurs étrangers temporaires",
    "diplomes": "diplômes",
    "penurie": "pénurie",
    "mrc": "MRC",
}


@dataclass
class DemoThread:
    space: str  # category slug, or "group:<slug>"
    title: str
    author: str
    body: str
    days_ago: int
    tags: tuple[str, ...] = ()
    replies: list[tuple[str, str]] = field(default_factory=list)  # (author, body)
    accepted: int | None = None  # index of the accepted reply
    reactions: tuple[tuple[int, str, str], ...] = ()  # (post index, member, kind)


THREADS = [
    DemoThread(
        "accueil",
        "Accueil d'une famille réfugiée à Lac-Mégantic : par où commencer?",
        "julie",
        "Bonjour à toutes et à tous,\n\n"
        "Une famille syrienne (les parents et trois enfants de 4, 9 et 13 ans) arrive à "
        "Lac-Mégantic à la fin du mois, parrainée par un groupe de citoyens de la paroisse. "
        "C'est une première pour nous à la MRC du Granit et je suis seule dans ce dossier.\n\n"
        "- Qui fait l'évaluation de santé à l'arrivée quand on est si loin de Sherbrooke?\n"
        "- Pour l'école, est-ce qu'on inscrit les enfants tout de suite même s'ils ne parlent "
        "pas français?\n"
        "- Avez-vous une liste de ce qu'il faut régler la première semaine?\n\n"
        "Merci d'avance, toute expérience est bienvenue!",
        40,
        tags=("refugies", "ecoles"),
        replies=[
            (
                "organisation admin",
                "Bonjour Julie,\n\n"
                "Pour la santé : la **Clinique des réfugiés du CIUSSS** à Sherbrooke reçoit "
                "aussi les familles parrainées de toute l'Estrie. Appelez-les avant l'arrivée, "
                "ils organisent souvent le premier rendez-vous le même jour que d'autres "
                "démarches pour limiter les allers-retours (prévoyez un transport, c'est "
                "1 h 30 de route).\n\n"
                "Pour la première semaine, voici notre liste au SANC :\n\n"
                "1. Numéro d'assurance sociale et carte d'assurance maladie (RAMQ)\n"
                "2. Compte bancaire\n"
                "3. Inscription à l'école et au service de garde\n"
                "4. Allocation canadienne pour enfants\n"
                "5. Une première visite de l'épicerie et de la pharmacie avec un bénévole\n\n"
                "Je vous envoie notre aide-mémoire par courriel si vous voulez.",
            ),
            (
                "member",
                "Pour l'école, oui : on inscrit tout de suite. Le centre de services scolaire "
                "offre des classes d'accueil, mais en région c'est souvent du soutien "
                "linguistique dans la classe ordinaire. Demandez une rencontre avec la "
                "direction avant le premier jour, avec un interprète. L'équipe de @sanc "
                "peut vous aider à en trouver un.",
            ),
            (
                "julie",
                "Merci beaucoup Karim et Ana, c'est exactement ce qu'il me fallait. "
                "Je contacte la clinique cette semaine et je vous redonne des nouvelles.",
            ),
        ],
        accepted=0,
        reactions=((1, "julie", "thanks"), (1, "marc", "like"), (2, "julie", "thanks")),
    ),
    DemoThread(
        "accueil",
        "Trousse de bienvenue municipale : qu'est-ce que vous y mettez?",
        "marc",
        "On refait la trousse de bienvenue que la Ville remet aux nouveaux arrivants. "
        "Pour l'instant : carte des quartiers, horaire des bibliothèques, carte Accès "
        "loisirs. Qu'est-ce qui est vraiment utile selon vous? Qu'est-ce que personne ne lit?",
        25,
        replies=[
            (
                "fatou",
                "Ce qui sert le plus chez nous à Granby : une page avec les numéros "
                "importants (811, 911, 211) expliqués en mots simples, et le calendrier des "
                "collectes. Les dépliants de 20 pages, personne ne les lit.",
            ),
            (
                "organisation admin",
                "Ajoutez un laissez-passer d'autobus pour le premier mois : c'est ce qui "
                "permet d'aller à tous les autres rendez-vous.",
            ),
        ],
        reactions=((1, "marc", "insightful"),),
    ),
    DemoThread(
        "francisation",
        "Cours de français pour les travailleurs d'une usine à Granby",
        "fatou",
        "Une entreprise de transformation alimentaire de Granby vient d'embaucher douze "
        "travailleurs guatémaltèques (permis de travail fermés). L'employeur veut des cours "
        "de français **sur place**, après les quarts de travail, mais ne sait pas à qui "
        "s'adresser. Quelqu'un a déjà monté ça?",
        18,
        tags=("travailleurs-etrangers",),
        replies=[
            (
                "nathalie",
                "Oui! La francisation en milieu de travail est offerte par Francisation Québec "
                "(MIFI) : l'employeur fait la demande, un groupe peut commencer dès 6 à 8 "
                "personnes, et les cours sont gratuits pour les travailleurs. Nous donnons "
                "aussi des cours à temps partiel le soir au cégep :\n\n"
                "[Cégep de Sherbrooke](/fr/directory/organisations/cegep-de-sherbrooke/)\n\n"
                "Le plus difficile, c'est l'horaire : prévoyez les cours juste après le quart, "
                "sur place, sinon la participation chute après trois semaines.",
            ),
            (
                "fatou",
                "Merci Nathalie, je transmets à l'employeur. Je vous tiens au courant du "
                "nombre d'inscriptions.",
            ),
        ],
        accepted=0,
        reactions=((1, "fatou", "thanks"),),
    ),
    DemoThread(
        "francisation",
        "Listes d'attente en francisation à temps complet cet hiver",
        "member",
        "Plusieurs personnes que nous accompagnons attendent depuis trois mois une place "
        "en francisation à temps complet. Est-ce que c'est pareil ailleurs en Estrie? "
        "Que proposez-vous en attendant?",
        9,
        replies=[
            (
                "nathalie",
                "Même chose ici. En attendant, on oriente vers les cours à temps partiel du "
                "soir et vers les ateliers de conversation des bibliothèques. Ça ne remplace "
                "pas le temps complet, mais les gens gardent le contact avec la langue.",
            ),
        ],
    ),
    DemoThread(
        "emploi",
        "Reconnaissance des diplômes : une infirmière formée au Maroc",
        "organisation admin",
        "Une personne que nous accompagnons est infirmière, formée et diplômée au Maroc, "
        "avec huit ans d'expérience. Elle voudrait travailler dans le réseau de la santé "
        "en Estrie. Quelqu'un connaît le parcours actuel avec l'Ordre (OIIQ) et les délais?",
        30,
        tags=("diplomes",),
        replies=[
            (
                "fatou",
                "Le parcours commence par la demande d'équivalence à l'OIIQ; il faut souvent "
                "un stage d'intégration. Entre-temps, elle peut travailler comme préposée aux "
                "bénéficiaires : plusieurs de nos participantes l'ont fait, ça aide pour le "
                "français du milieu.",
            ),
        ],
    ),
    DemoThread(
        "emploi",
        "Hiring bilingual newcomers in Lennoxville — any advice?",
        "sarah",
        "Hi everyone! Several of our international graduates would like to stay in the "
        "region after their studies, and local employers keep asking us for bilingual "
        "staff. Is there a job fair or a matching programme in Estrie we should know about? "
        "(Je peux aussi lire les réponses en français!)",
        12,
        replies=[
            (
                "marc",
                "Bonjour Sarah! La Ville organise une journée de recrutement avec les "
                "employeurs au printemps; je vous envoie les détails. Les carrefours "
                "jeunesse-emploi font aussi du jumelage avec les entreprises.",
            ),
            ("sarah", "Thank you Marc-André, that's perfect. Merci!"),
        ],
        reactions=((1, "sarah", "thanks"),),
    ),
    DemoThread(
        "logement",
        "Pénurie de logements à Sherbrooke : des familles à l'hôtel",
        "marc",
        "Le taux d'inoccupation est sous 1 % à Sherbrooke. Nous avons actuellement trois "
        "familles nouvellement arrivées logées à l'hôtel, faute de logement abordable. "
        "Comment faites-vous pour convaincre les propriétaires de louer à des personnes "
        "sans historique de crédit au Canada?",
        6,
        tags=("penurie",),
        replies=[
            (
                "organisation admin",
                "On accompagne les visites et on présente la famille nous-mêmes; certains "
                "propriétaires acceptent une lettre de l'organisme et deux mois payés "
                "d'avance. Mais soyons honnêtes : sans logements, on déplace le problème.",
            ),
            (
                "member",
                "Est-ce qu'on pourrait en parler au comité régional? Je pense qu'il faut une "
                "démarche commune auprès des associations de propriétaires.",
            ),
        ],
    ),
    DemoThread(
        "logement",
        "Modèle de lettre de garantie pour les propriétaires",
        "organisation admin",
        "Quelqu'un a-t-il un modèle de lettre de l'organisme pour rassurer un propriétaire? "
        "Je voudrais éviter d'en rédiger une de zéro.",
        3,
    ),
    DemoThread(
        "regionalisation",
        "Attirer des familles immigrantes à Coaticook : ce qui a marché",
        "julie",
        "Nos collègues de Coaticook ont accueilli neuf familles en deux ans. Ce qui a fait "
        "la différence selon eux : un comité d'accueil de citoyens, une personne-ressource "
        "à la municipalité, et des visites exploratoires payées pour les familles avant "
        "qu'elles décident. Est-ce que d'autres MRC ont essayé les séjours exploratoires?",
        21,
        tags=("mrc",),
        replies=[
            (
                "marc",
                "Oui, avec le MIFI dans le cadre du programme de régionalisation. Le séjour "
                "doit inclure une rencontre avec un employeur : c'est ce qui convainc.",
            ),
        ],
    ),
    DemoThread(
        "regionalisation",
        "Tournée de découverte du Granit au printemps : qui veut se joindre?",
        "julie",
        "Nous organisons une tournée de découverte de la région du Granit pour des "
        "personnes immigrantes de Montréal et de Sherbrooke, en mai. Les organismes qui "
        "veulent présenter leurs services pendant la tournée sont les bienvenus.",
        2,
        tags=("mrc",),
    ),
    DemoThread(
        "group:agents-municipaux",
        "Présentez-vous : agents et agentes en immigration des municipalités",
        "marc",
        "Bienvenue dans le groupe! Présentez-vous en quelques lignes : votre municipalité "
        "ou votre MRC, depuis quand vous êtes en poste, et un dossier qui vous occupe.",
        35,
        replies=[
            (
                "julie",
                "Julie, MRC du Granit, en poste depuis huit mois. Mon dossier du moment : "
                "l'accueil d'une première famille réfugiée à Lac-Mégantic.",
            ),
        ],
    ),
    DemoThread(
        "group:comite-logement",
        "Ordre du jour de la rencontre du comité régional sur le logement",
        "marc",
        "Voici l'ordre du jour proposé pour notre prochaine rencontre (en ligne, 14 h) :\n\n"
        "1. Portrait des familles logées temporairement, par MRC\n"
        "2. Démarche commune auprès des associations de propriétaires\n"
        "3. Fonds d'urgence pour le premier mois de loyer : état des discussions\n\n"
        "Ce fil est privé : seuls les membres du comité le voient.",
        4,
        replies=[
            (
                "organisation admin",
                "Je présenterai le portrait de Sherbrooke. Pour le point 3, Centraide serait "
                "prêt à en discuter.",
            ),
        ],
    ),
]

GROUPS = (
    # slug, name, description, visibility, members
    (
        "agents-municipaux",
        "Agents et agentes en immigration des municipalités",
        "Pour les personnes qui travaillent l'accueil et l'immigration dans une municipalité "
        "ou une MRC, souvent seules dans leur organisation.",
        ForumGroup.Visibility.OPEN,
        ("marc", "julie"),
    ),
    (
        "comite-logement",
        "Comité régional sur le logement des nouveaux arrivants",
        "Groupe de travail privé entre organismes : portrait, démarches communes, "
        "suivi des familles logées temporairement.",
        ForumGroup.Visibility.PRIVATE,
        ("marc", "organisation admin", "julie"),
    ),
)


def _members(users: dict) -> dict:
    """The demo's forum members, with an active membership in their organisation."""
    User = get_user_model()
    members = {"organisation admin": users["organisation admin"], "member": users["member"]}
    organisations = {
        o.slug: o for o in Organisation.objects.filter(slug__in=[m.organisation for m in MEMBERS])
    }
    for spec in MEMBERS:
        user, created = User.objects.get_or_create(
            email=spec.email,
            defaults={"display_name": spec.display_name, "job_title": spec.job_title},
        )
        if created:
            user.password = demo_password_hash()
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=spec.email, defaults={"verified": True, "primary": True}
            )
        organisation = organisations.get(spec.organisation)
        if organisation is not None:
            Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                defaults={"role": Membership.Role.MEMBER, "state": Membership.State.ACTIVE},
            )
        members[spec.key] = user
    return members


def _spaces(members: dict) -> dict:
    spaces = {}
    for slug, name, name_en, description, public, position in CATEGORIES:
        category, _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": description,
                "public": public,
                "position": position,
            },
        )
        spaces[slug] = category
    for slug, name, description, visibility, group_members in GROUPS:
        group, created = ForumGroup.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "visibility": visibility},
        )
        if created:
            for index, key in enumerate(group_members):
                GroupMembership.objects.get_or_create(
                    group=group,
                    user=members[key],
                    defaults={
                        "state": GroupMembership.State.ACTIVE,
                        "role": GroupMembership.Role.MODERATOR
                        if index == 0
                        else GroupMembership.Role.MEMBER,
                        "joined_at": timezone.now(),
                    },
                )
        spaces[f"group:{slug}"] = group
    for slug, name in TAGS.items():
        Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    return spaces


def _backdate(thread: Thread, days_ago: int) -> None:
    start = timezone.now() - timedelta(days=days_ago, hours=3)
    posts = list(thread.posts.order_by("number"))
    moments = [start + timedelta(hours=5 * index + index * index) for index in range(len(posts))]
    for post, moment in zip(posts, moments, strict=True):
        Post.objects.filter(pk=post.pk).update(created_at=moment)
    Thread.objects.filter(pk=thread.pk).update(created_at=start, last_posted_at=moments[-1])


def _thread_write(spec: DemoThread, spaces: dict, members: dict) -> None:
    if Thread.objects.filter(title=spec.title).exists():
        return
    thread = services.thread_create(
        author=members[spec.author],
        space=spaces[spec.space],
        title=spec.title,
        body=spec.body,
        tags=Tag.objects.filter(slug__in=spec.tags),
    )
    replies = [
        services.post_create(author=members[author], thread=thread, body=body)
        for author, body in spec.replies
    ]
    posts = [thread.posts.get(number=1), *replies]
    for index, member, kind in spec.reactions:
        services.reaction_toggle(post=posts[index], user=members[member], kind=kind)
    if spec.accepted is not None:
        services.answer_accept(thread=thread, post=replies[spec.accepted], by=members[spec.author])
    _backdate(thread, spec.days_ago)


def demo_forum_seed(users: dict) -> dict:
    """Create the demo forum once (``users``: the directory demo's accounts by role)."""
    with transaction.atomic():
        members = _members(users)
        spaces = _spaces(members)
        for spec in THREADS:
            _thread_write(spec, spaces, members)
        _peers_and_notifications(members, spaces)
    return {"forum_threads": Thread.objects.count()}


# --- Members and peers, notifications, polls (branch issue9-notify) ------------------------
# Who knows what and where (areas of expertise are codes of the service taxonomy,
# territories names of cms/demo_data), the "introduce yourself" thread, a poll choosing
# the date of the next meeting of municipal agents, watches, e-mail choices and a
# question from a newcomer to a peer. Written once: the poll's thread is the marker.

EXPERTISE = {
    # member: (areas of expertise, territories, handle)
    "julie": (("REG.ATTRACTION", "REG.RETENTION", "EMP.RECHERCHE"), ("MRC du Granit",), None),
    "marc": (
        ("REG.ACCUEIL_LOCAL", "LOG.RECHERCHE", "ORG.CONCERTATION"),
        ("Sherbrooke",),
        "marc-andre",
    ),
    "fatou": (
        ("EMP.RECHERCHE", "RAC.EVAL", "EMP.EMPLOYEURS"),
        ("Sherbrooke", "MRC de Memphrémagog"),
        None,
    ),
    "nathalie": (("FRA.TEMPS_PARTIEL", "FRA.TRAVAIL", "EDU.ADULTES"), ("Sherbrooke",), None),
    "sarah": (("EDU.POSTSEC", "EMP.STAGE"), ("Sherbrooke",), None),
    "organisation admin": (("ACC.ARRIVEE", "ACC.ASILE", "LOG.URGENCE"), ("Sherbrooke",), None),
}

POLL_THREAD = "Prochaine rencontre des agents municipaux : on choisit la date"
POLL_BODY = (
    "Bonjour tout le monde,\n\n"
    "Notre dernière rencontre à Magog a été très utile (merci Julie pour le compte rendu). "
    "Je propose qu'on se revoie avant les Fêtes ou au début de janvier, en personne à "
    "Sherbrooke avec un lien Teams pour celles et ceux du Granit et de Coaticook.\n\n"
    "Cochez toutes les dates qui vous conviennent dans le sondage ci-dessous. "
    "Je fermerai le sondage le 7 décembre et j'enverrai l'invitation."
)
POLL_OPTIONS = (
    "Mardi 15 décembre 2026, 9 h 30 à 11 h 30",
    "Jeudi 17 décembre 2026, 13 h 30 à 15 h 30",
    "Mardi 12 janvier 2027, 9 h 30 à 11 h 30",
    "Jeudi 14 janvier 2027, 13 h 30 à 15 h 30",
)
TOPICS_QUESTION = "Quels sujets voulez-vous aborder à la rencontre ?"
TOPICS = (
    "Logement temporaire des familles à l'arrivée",
    "Séjours exploratoires : ce qui fonctionne",
    "Francisation des travailleurs étrangers temporaires en usine",
    "Accueil des étudiants internationaux hors Sherbrooke",
)
INTRODUCTION_TITLE = "Présentez-vous ici !"
INTRODUCTION_BODY = (
    "Bienvenue dans la communauté de pratique ! Vous arrivez dans votre poste ou dans "
    "la communauté ? Dites-nous en deux ou trois lignes qui vous êtes, votre organisation, "
    "votre territoire et ce sur quoi vous travaillez en ce moment. On est plusieurs à avoir "
    "commencé seuls dans notre organisation : n'hésitez pas à poser vos questions."
)


def _peers_and_notifications(members: dict, spaces: dict) -> None:
    from directory.models import ServiceCategory, Territory
    from forum.models import NotificationSettings, Poll, WatchLevel
    from forum.notifications import services as notification_services
    from forum.peers import services as peer_services
    from forum.polls import services as poll_services

    if Thread.objects.filter(title=POLL_THREAD).exists():
        return
    for key, (codes, territories, handle) in EXPERTISE.items():
        member = members[key]
        member.expertise.set(ServiceCategory.objects.filter(code__in=codes))
        member.territories.set(Territory.objects.filter(name__in=territories))
        if handle and member.handle != handle:
            member.handle = handle
            member.save(update_fields=["handle"])
    # E-mail choices, before anything notifies them: a weekly digest for Julie, a daily
    # one without the text of posts for Nathalie; the others get an e-mail each time.
    NotificationSettings.objects.get_or_create(
        user=members["julie"], defaults={"frequency": NotificationSettings.Frequency.WEEKLY}
    )
    NotificationSettings.objects.get_or_create(
        user=members["nathalie"],
        defaults={"frequency": NotificationSettings.Frequency.DAILY, "include_content": False},
    )
    notification_services.watch_set(
        user=members["julie"], category=spaces["logement"], level=WatchLevel.WATCHING
    )
    notification_services.watch_set(
        user=members["fatou"],
        tag=Tag.objects.get(slug="travailleurs-etrangers"),
        level=WatchLevel.WATCHING,
    )
    notification_services.watch_set(
        user=members["sarah"], category=spaces["regionalisation"], level=WatchLevel.TRACKING
    )

    Tag.objects.get_or_create(slug="presentations", defaults={"name": "présentations"})
    if not Thread.objects.filter(title=INTRODUCTION_TITLE).exists():
        introduction = services.thread_create(
            author=members["marc"],
            space=spaces["accueil"],
            title=INTRODUCTION_TITLE,
            body=INTRODUCTION_BODY,
            tags=Tag.objects.filter(slug="presentations"),
        )
        services.post_create(
            author=members["sarah"],
            thread=introduction,
            body=(
                "Hi everyone! Sarah, career advisor at Champlain Regional College in "
                "Lennoxville. I help international students find internships and stay in "
                "the region after graduation. Je comprends bien le français, je l'écris "
                "un peu moins vite !"
            ),
        )
        _backdate(introduction, 40)

    group = spaces["group:agents-municipaux"]
    thread = services.thread_create(
        author=members["marc"], space=group, title=POLL_THREAD, body=POLL_BODY
    )
    dates = poll_services.poll_create(
        thread=thread,
        by=members["marc"],
        question="Quelles dates vous conviennent ?",
        options=list(POLL_OPTIONS),
        kind=Poll.Kind.MULTIPLE,
        closes_at=timezone.now() + timedelta(days=9),
    )
    topics = poll_services.poll_create(
        thread=thread,
        by=members["marc"],
        question=TOPICS_QUESTION,
        options=list(TOPICS),
        kind=Poll.Kind.SINGLE,
        results=Poll.Results.AFTER_CLOSE,
        closes_at=timezone.now() + timedelta(days=9),
    )
    options = list(dates.options.all())
    poll_services.poll_vote(
        poll=dates, voter=members["julie"], option_ids=[options[1].pk, options[2].pk]
    )
    poll_services.poll_vote(poll=dates, voter=members["marc"], option_ids=[options[2].pk])
    poll_services.poll_vote(
        poll=topics, voter=members["julie"], option_ids=[topics.options.all()[1].pk]
    )
    services.post_create(
        author=members["julie"],
        thread=thread,
        body=(
            "Le 17 décembre ou le 12 janvier pour moi. @marc-andre, je peux présenter "
            "notre bilan des séjours exploratoires au Granit si ça intéresse le groupe."
        ),
    )
    _backdate(thread, 2)

    # A newcomer to the community asks a peer who knows employers (member → Fatou).
    peer_services.peer_question_send(
        sender=members["member"],
        recipient=members["fatou"],
        subject="Employeurs qui embauchent des travailleurs étrangers à Magog",
        body=(
            "Bonjour Fatou, je commence comme agente d'accueil et une entreprise de Magog "
            "me demande de l'aide pour accueillir six soudeurs qui arrivent en février. "
            "Avez-vous un contact au SERY ou une trousse pour les employeurs ? Merci !"
        ),
    )
