"""The demo's pages, written by hand in French and English: home, lines of work, news,
the toolkit (modules, fiches and their documents), the workshop programme, partners,
the contact form and the main menu.

Called once at the end of ``demo_seed()``. Idempotent: a page is found by its
slug under its parent (and its translation by locale) and left as it is; the
second run changes nothing. Documents are found by title. One page, the
glossary of the toolkit, stays in French only: the English tree has its alias,
which shows the « not yet translated » notice.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from wagtail.models import Collection, Locale, Page, Site

from directory import access
from directory.models import Service

from .demo_documents import docx_bytes, pdf_bytes
from .demo_password import demo_password_hash
from .models import (
    FicheDocument,
    FichePage,
    FicheService,
    FormField,
    FormPage,
    HomePage,
    LineOfWorkPage,
    MainMenu,
    MainMenuItem,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    Partner,
    PartnersPage,
    SiteDocument,
    StandardPage,
    ToolkitIndexPage,
    ToolkitModulePage,
    WorkshopIndexPage,
    WorkshopMaterial,
    WorkshopPage,
)

MODERATOR_EMAIL = "moderatrice@demo.continuum.local"


def _rich(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _body(*paragraphs: str) -> str:
    return json.dumps([{"type": "rich_text", "value": _rich(*paragraphs)}])


@dataclass
class Bilingual:
    """One page in French and English: fields shared, then each language's own."""

    model: type
    slug_fr: str
    slug_en: str
    fr: dict
    en: dict
    shared: dict = field(default_factory=dict)


def _page(parent: Page, spec: Bilingual, *, en_parent: Page | None, before_save=None) -> Page:
    """The French page under ``parent`` and its English translation; created once."""
    french = spec.model.objects.child_of(parent).filter(slug=spec.slug_fr).first()
    if french is None:
        french = spec.model(slug=spec.slug_fr, locale=parent.locale, **spec.shared, **spec.fr)
        if before_save:
            before_save(french)
        parent.add_child(instance=french)
        french.save_revision().publish()
    if en_parent is not None:
        english_locale = en_parent.locale
        if french.get_translation_or_none(english_locale) is None:
            # What copy_for_translation does, with the English slug from the start (a slug
            # changed afterwards would leave a redirect behind).
            english = french.copy(
                to=en_parent,
                update_attrs={"locale": english_locale, "slug": spec.slug_en, **spec.en},
                copy_revisions=False,
                keep_live=False,
                reset_translation_key=False,
                log_action="wagtail.copy_for_translation",
            )
            english.save_revision().publish()
    return french


def _english(page: Page) -> Page | None:
    return page.get_translation_or_none(Locale.objects.get(language_code="en"))


# --- Documents -----------------------------------------------------------------------


def _document(title: str, description: str, filename: str, paragraphs: list[str]) -> SiteDocument:
    document = SiteDocument.objects.filter(title=title).first()
    if document is not None:
        return document
    maker = pdf_bytes if filename.endswith(".pdf") else docx_bytes
    document = SiteDocument(
        title=title,
        description=description,
        collection=Collection.get_first_root_node(),
    )
    document.file.save(filename, ContentFile(maker(title, paragraphs)), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def _service(organisation_slug: str, name: str) -> Service | None:
    return Service.objects.filter(organisation__slug=organisation_slug, name=name).first()


# --- Content --------------------------------------------------------------------------

LINES_OF_WORK = [
    Bilingual(
        LineOfWorkPage,
        "recensement",
        "inventory",
        fr={
            "title": "Recensement des services",
            "summary": "Faire l'inventaire des services offerts aux personnes immigrantes "
            "dans les neuf territoires de l'Estrie : documents, sondage et entrevues.",
            "body": _body(
                "Chaque organisme qui accueille, loge, forme ou emploie des personnes "
                "immigrantes reçoit un lien privé vers un court sondage. Les réponses "
                "alimentent le répertoire, que les organismes mettent ensuite à jour eux-mêmes.",
                "Les entrevues complètent le portrait là où les documents ne disent pas tout : "
                "heures d'ouverture réelles, langues parlées, statuts acceptés.",
            ),
        },
        en={
            "title": "Inventory of services",
            "summary": "Taking stock of the services offered to immigrants in the nine "
            "territories of Estrie: documents, a survey and interviews.",
            "body": _body(
                "Every organisation that welcomes, houses, trains or employs newcomers receives "
                "a private link to a short survey. The answers feed the directory, which the "
                "organisations then keep up to date themselves.",
                "Interviews complete the picture where documents fall short: actual opening "
                "hours, languages spoken, immigration statuses accepted.",
            ),
        },
        shared={"number": 1, "contact_name": "Équipe du répertoire"},
    ),
    Bilingual(
        LineOfWorkPage,
        "tournee-des-partenaires",
        "partner-tour",
        fr={
            "title": "Tournée des partenaires",
            "summary": "Rencontrer les partenaires de chaque MRC pour enrichir le portrait "
            "et comprendre les besoins sur le terrain.",
            "body": _body(
                "De Lac-Mégantic à Cowansville, l'équipe rencontre les comités d'accueil, "
                "les municipalités, les carrefours jeunesse-emploi et les écoles. Chaque "
                "visite laisse des notes et des suivis, liés aux organismes du répertoire."
            ),
        },
        en={
            "title": "Partner tour",
            "summary": "Meeting the partners of each MRC to enrich the portrait and "
            "understand needs on the ground.",
            "body": _body(
                "From Lac-Mégantic to Cowansville, the team meets welcome committees, "
                "municipalities, youth employment centres and schools. Each visit leaves "
                "notes and follow-ups, linked to the organisations in the directory."
            ),
        },
        shared={"number": 2},
    ),
    Bilingual(
        LineOfWorkPage,
        "cartographie",
        "mapping",
        fr={
            "title": "Cartographie des services",
            "summary": "Un portrait clair des organismes, initiatives et services : où ils "
            "se complètent, où ils se chevauchent, où il manque quelque chose.",
            "body": _body(
                "Le répertoire public, sa carte et la matrice de couverture par territoire "
                "montrent par exemple qu'un service de francisation existe à Sherbrooke et à "
                "Magog, mais qu'une famille arrivée à Coaticook doit souvent se déplacer."
            ),
        },
        en={
            "title": "Mapping of services",
            "summary": "A clear portrait of organisations, initiatives and services: where "
            "they complement each other, where they overlap, where something is missing.",
            "body": _body(
                "The public directory, its map and the coverage matrix by territory show, for "
                "instance, that French courses exist in Sherbrooke and Magog, while a family "
                "settling in Coaticook often has to travel."
            ),
        },
        shared={"number": 3},
    ),
    Bilingual(
        LineOfWorkPage,
        "formation-et-trousse",
        "training-and-toolkit",
        fr={
            "title": "Ateliers de formation et trousse d'accompagnement",
            "summary": "Des ateliers pour les équipes municipales et communautaires, et une "
            "trousse de fiches pratiques tenue à jour.",
            "body": _body(
                "Les ateliers s'adressent aux personnes qui accueillent : agentes de "
                "développement, élus, bénévoles des comités d'accueil, employeurs. La trousse "
                "reprend l'essentiel sous forme de fiches à télécharger."
            ),
        },
        en={
            "title": "Training workshops and toolkit",
            "summary": "Workshops for municipal and community teams, and a toolkit of "
            "practical sheets kept up to date.",
            "body": _body(
                "The workshops are for the people who welcome newcomers: development officers, "
                "elected officials, welcome committee volunteers, employers. The toolkit sums "
                "them up in sheets to download."
            ),
        },
        shared={"number": 4},
    ),
    Bilingual(
        LineOfWorkPage,
        "communaute-de-pratique",
        "community-of-practice",
        fr={
            "title": "Communauté de pratique",
            "summary": "Un lieu d'échange entre intervenantes et intervenants de toute "
            "l'Estrie : forum, groupes de travail et calendrier des rencontres.",
            "body": _body(
                "Comment trouver un logement pour une famille de six à Windsor ? Qui offre "
                "de l'interprétariat en dari ? La communauté de pratique met en lien celles "
                "et ceux qui se posent ces questions chaque semaine."
            ),
        },
        en={
            "title": "Community of practice",
            "summary": "A place for practitioners across Estrie to share: a forum, working "
            "groups and a calendar of meetings.",
            "body": _body(
                "How do you find housing for a family of six in Windsor? Who offers Dari "
                "interpreting? The community of practice connects the people who face these "
                "questions every week."
            ),
        },
        shared={"number": 5},
    ),
]

CATEGORIES = [
    ("vie-du-projet", "Vie du projet", "Project news"),
    ("formation", "Formation", "Training"),
    ("regionalisation", "Régionalisation", "Regionalisation"),
]

NEWS = [
    Bilingual(
        NewsArticlePage,
        "premiers-constats-du-recensement",
        "first-findings-of-the-inventory",
        fr={
            "title": "Recensement : les premiers constats",
            "summary": "Trente organismes ont répondu au sondage. Le portrait montre une "
            "offre riche à Sherbrooke et des trous dans les MRC rurales.",
            "body": _body(
                "Depuis le printemps, trente organismes ont rempli le sondage du recensement. "
                "Sans surprise, la majorité des services d'accueil et de francisation se "
                "trouvent à Sherbrooke.",
                "Dans le Haut-Saint-François et le Granit, ce sont souvent les comités "
                "d'accueil bénévoles et les carrefours jeunesse-emploi qui font le premier "
                "contact. Le répertoire les rend maintenant visibles.",
            ),
        },
        en={
            "title": "Inventory: the first findings",
            "summary": "Thirty organisations answered the survey. The portrait shows a rich "
            "offer in Sherbrooke and gaps in the rural MRCs.",
            "body": _body(
                "Since the spring, thirty organisations have filled in the inventory survey. "
                "Unsurprisingly, most welcome and French-language services are in Sherbrooke.",
                "In Haut-Saint-François and Le Granit, volunteer welcome committees and youth "
                "employment centres often make the first contact. The directory now shows them.",
            ),
        },
        shared={"categories": ["vie-du-projet", "regionalisation"], "tags": ["recensement"]},
    ),
    Bilingual(
        NewsArticlePage,
        "atelier-accueillir-dans-les-mrc",
        "workshop-welcoming-in-the-mrcs",
        fr={
            "title": "Atelier « Accueillir dans les MRC » : retour sur la première cohorte",
            "summary": "Quatorze agentes et agents de développement ont suivi l'atelier. "
            "Ce qu'ils en retiennent, et ce qui change pour la prochaine session.",
            "body": _body(
                "Réunis à Coaticook pendant une matinée, les participantes et participants "
                "ont travaillé sur un cas réel : l'arrivée d'une famille colombienne dans une "
                "municipalité de 1 500 habitants.",
                "Leur demande principale : une liste claire des services à qui référer selon "
                "le statut d'immigration. La fiche « Premier contact » a été revue en "
                "conséquence.",
            ),
        },
        en={
            "title": "“Welcoming in the MRCs” workshop: looking back on the first cohort",
            "summary": "Fourteen development officers took the workshop. What they took "
            "away, and what changes for the next session.",
            "body": _body(
                "Gathered in Coaticook for a morning, participants worked on a real case: a "
                "Colombian family arriving in a town of 1,500 people.",
                "Their main request: a clear list of services to refer people to, by "
                "immigration status. The “First contact” sheet was revised accordingly.",
            ),
        },
        shared={"categories": ["formation"], "tags": ["atelier", "mrc"]},
    ),
    Bilingual(
        NewsArticlePage,
        "francisation-hors-sherbrooke",
        "french-courses-outside-sherbrooke",
        fr={
            "title": "Francisation hors de Sherbrooke : ce que disent les partenaires",
            "summary": "Horaires de travail, transport, garde d'enfants : pourquoi les "
            "cours de français restent difficiles d'accès en région.",
            "body": _body(
                "Lors de la tournée des partenaires, la question est revenue dans presque "
                "toutes les MRC : les travailleuses et travailleurs étrangers temporaires "
                "veulent apprendre le français, mais les cours tombent pendant leurs quarts.",
                "Des formules à temps partiel, le soir ou en entreprise, existent déjà à "
                "certains endroits. Le répertoire indique désormais les horaires quand "
                "l'organisme les a donnés.",
            ),
        },
        en={
            "title": "French courses outside Sherbrooke: what partners say",
            "summary": "Work schedules, transport, childcare: why French courses remain "
            "hard to reach in the regions.",
            "body": _body(
                "During the partner tour, the question came up in almost every MRC: temporary "
                "foreign workers want to learn French, but classes fall during their shifts.",
                "Part-time, evening or workplace formats already exist in some places. The "
                "directory now shows schedules when the organisation has given them.",
            ),
        },
        shared={"categories": ["regionalisation", "formation"], "tags": ["francisation"]},
    ),
]


@dataclass
class FicheSpec:
    page: Bilingual
    document_title: str
    document_description: str
    filename: str
    paragraphs: list[str]
    services: list[tuple[str, str]] = field(default_factory=list)


def _fiche(slug_fr, slug_en, title_fr, title_en, summary_fr, summary_en, body_fr, body_en):
    return Bilingual(
        FichePage,
        slug_fr,
        slug_en,
        fr={"title": title_fr, "summary": summary_fr, "body": _body(*body_fr)},
        en={"title": title_en, "summary": summary_en, "body": _body(*body_en)},
        shared={"version": "1.0"},
    )


MODULES = [
    (
        Bilingual(
            ToolkitModulePage,
            "accueillir",
            "welcoming",
            fr={
                "title": "Accueillir",
                "intro": "Le premier contact avec une personne ou une famille qui arrive : "
                "qui fait quoi, à qui référer, quoi ne pas oublier.",
            },
            en={
                "title": "Welcoming",
                "intro": "The first contact with a person or family who arrives: who does "
                "what, where to refer them, what not to forget.",
            },
        ),
        [
            FicheSpec(
                _fiche(
                    "premier-contact",
                    "first-contact",
                    "Premier contact avec une famille nouvellement arrivée",
                    "First contact with a newly arrived family",
                    "Les questions à poser, et celles à éviter, lors de la première rencontre.",
                    "The questions to ask, and those to avoid, at the first meeting.",
                    [
                        "Commencez par l'essentiel : logement, école des enfants, soins de "
                        "santé. Le statut d'immigration oriente les services auxquels la "
                        "famille a droit ; demandez-le simplement, sans exiger de document.",
                        "Notez la langue parlée à la maison et réservez un interprète au "
                        "besoin : la banque d'interprètes du SANC couvre plus de trente "
                        "langues.",
                    ],
                    [
                        "Start with the essentials: housing, the children's school, health "
                        "care. Immigration status determines which services the family may "
                        "use; ask simply, without demanding documents.",
                        "Note the language spoken at home and book an interpreter if needed.",
                    ],
                ),
                "Aide-mémoire du premier contact",
                "Une page à imprimer : les dix points à couvrir lors de la première rencontre.",
                "aide-memoire-premier-contact.pdf",
                [
                    "1. Accueillir la famille dans sa langue, avec un interprète au besoin.",
                    "2. Vérifier le logement : bail, chauffage, meubles de base.",
                    "3. Inscrire les enfants à l'école et au service de garde.",
                    "4. Prendre rendez-vous pour le bilan de santé à l'arrivée.",
                    "5. Expliquer l'inscription aux cours de français (Francisation Québec).",
                ],
                [
                    ("sanc", "Accueil et installation des nouveaux arrivants"),
                    ("sanc", "Banque d'interprètes"),
                ],
            ),
            FicheSpec(
                _fiche(
                    "comite-accueil-municipal",
                    "municipal-welcome-committee",
                    "Mettre sur pied un comité d'accueil municipal",
                    "Setting up a municipal welcome committee",
                    "Qui inviter, comment le financer et quoi faire la première année.",
                    "Who to invite, how to fund it and what to do in the first year.",
                    [
                        "Un comité d'accueil réunit la municipalité, l'école, les organismes "
                        "communautaires et des citoyens déjà établis. À Lambton comme dans "
                        "Brome-Missisquoi, les comités qui durent ont un mandat écrit et une "
                        "personne-ressource à la municipalité.",
                        "La première année : une trousse de bienvenue, une activité de "
                        "rencontre et une liste à jour des services de la MRC.",
                    ],
                    [
                        "A welcome committee brings together the municipality, the school, "
                        "community organisations and residents who have settled. The "
                        "committees that last have a written mandate and a contact person at "
                        "the municipality.",
                        "The first year: a welcome kit, a meet-and-greet and an up-to-date "
                        "list of the MRC's services.",
                    ],
                ),
                "Modèle de mandat d'un comité d'accueil",
                "Un mandat type à adapter : rôle, membres, rencontres et suivi.",
                "modele-mandat-comite-accueil.docx",
                [
                    "Mandat : accueillir les nouvelles et nouveaux résidents et faciliter leur "
                    "établissement durable dans la municipalité.",
                    "Membres : une personne élue, la direction de l'école, deux organismes "
                    "communautaires, trois citoyennes ou citoyens.",
                    "Rencontres : quatre fois par année, et au besoin lors d'une arrivée.",
                ],
                [
                    ("comite-accueil-lambton", "Accueil des nouveaux résidents"),
                    ("mrc-brome-missisquoi", "Comité d'accueil des personnes immigrantes"),
                ],
            ),
        ],
    ),
    (
        Bilingual(
            ToolkitModulePage,
            "sensibiliser",
            "raising-awareness",
            fr={
                "title": "Sensibiliser",
                "intro": "Préparer la population, les élus et les employeurs à l'arrivée de "
                "personnes immigrantes.",
            },
            en={
                "title": "Raising awareness",
                "intro": "Preparing residents, elected officials and employers for the "
                "arrival of immigrants.",
            },
        ),
        [
            FicheSpec(
                _fiche(
                    "parler-immigration-au-conseil",
                    "talking-immigration-to-council",
                    "Parler d'immigration au conseil municipal",
                    "Talking about immigration to the town council",
                    "Des chiffres de l'Estrie et des arguments pour une présentation de dix "
                    "minutes.",
                    "Figures for Estrie and arguments for a ten-minute presentation.",
                    [
                        "Les élus veulent savoir trois choses : combien de personnes arrivent, "
                        "ce que la municipalité y gagne et ce que cela lui demande.",
                        "Appuyez-vous sur les besoins de main-d'œuvre des entreprises locales "
                        "et sur l'exemple d'une municipalité voisine.",
                    ],
                    [
                        "Elected officials want to know three things: how many people arrive, "
                        "what the municipality gains and what it takes.",
                        "Rely on local businesses' labour needs and on a neighbouring town's "
                        "example.",
                    ],
                ),
                "Présentation type pour le conseil municipal",
                "Le plan d'une présentation de dix minutes, avec les questions fréquentes.",
                "presentation-conseil-municipal.pdf",
                [
                    "Diapositive 1 : qui arrive dans notre MRC, et pourquoi.",
                    "Diapositive 2 : les besoins des employeurs d'ici.",
                    "Diapositive 3 : ce que fait déjà le comité d'accueil.",
                    "Diapositive 4 : ce que nous demandons au conseil.",
                ],
                [("mifi-estrie", "Programme d'appui aux collectivités")],
            ),
            FicheSpec(
                _fiche(
                    "activite-de-rapprochement",
                    "bringing-people-together",
                    "Organiser une activité de rapprochement interculturel",
                    "Organising an intercultural get-together",
                    "Une soirée, un repas ou un jumelage : comment choisir et réussir.",
                    "An evening, a meal or a pairing: how to choose and succeed.",
                    [
                        "Les activités qui fonctionnent partent d'un intérêt commun : la "
                        "cuisine, le sport des enfants, le jardin communautaire.",
                        "Prévoyez la garde des enfants et le transport ; annoncez l'activité "
                        "dans les langues des familles invitées.",
                    ],
                    [
                        "Activities that work start from a shared interest: cooking, the "
                        "children's sports, the community garden.",
                        "Plan childcare and transport; announce the activity in the languages "
                        "of the invited families.",
                    ],
                ),
                "Liste de vérification d'une activité de rapprochement",
                "Avant, pendant et après : tout ce qu'il faut prévoir.",
                "verification-activite-rapprochement.docx",
                [
                    "Avant : choisir un lieu accessible, prévoir la garde des enfants.",
                    "Pendant : accueillir chaque famille par son nom.",
                    "Après : remercier, et demander ce qui pourrait être mieux.",
                ],
                [
                    ("actions-interculturelles", "Activités de rapprochement interculturel"),
                    ("rife", "Jumelage interculturel de familles"),
                ],
            ),
        ],
    ),
    (
        Bilingual(
            ToolkitModulePage,
            "integrer-en-emploi",
            "employment",
            fr={
                "title": "Intégrer en emploi",
                "intro": "Accompagner les employeurs et les personnes immigrantes, de "
                "l'embauche à la rétention.",
            },
            en={
                "title": "Employment",
                "intro": "Supporting employers and immigrants, from hiring to retention.",
            },
        ),
        [
            FicheSpec(
                _fiche(
                    "accueillir-un-travailleur-etranger",
                    "welcoming-a-foreign-worker",
                    "Accueillir une travailleuse ou un travailleur étranger temporaire",
                    "Welcoming a temporary foreign worker",
                    "Les premières semaines en entreprise et hors de l'entreprise.",
                    "The first weeks at work and outside it.",
                    [
                        "Le permis de travail lié à un employeur rend la personne dépendante "
                        "de celui-ci : expliquez-lui ses droits et les ressources "
                        "indépendantes de l'entreprise.",
                        "Le logement, le transport et les cours de français hors des heures "
                        "de travail décident souvent de la rétention.",
                    ],
                    [
                        "An employer-specific work permit makes the person dependent on the "
                        "employer: explain their rights and the resources independent of the "
                        "company.",
                        "Housing, transport and French courses outside working hours often "
                        "decide whether people stay.",
                    ],
                ),
                "Guide de l'employeur : les trente premiers jours",
                "Un guide pour les employeurs des MRC : logement, transport, francisation.",
                "guide-employeur-trente-jours.pdf",
                [
                    "Semaine 1 : accueil à l'aéroport, logement prêt, épicerie de base.",
                    "Semaine 2 : carte d'assurance maladie, compte bancaire, téléphone.",
                    "Semaine 3 : inscription aux cours de français, activité d'accueil.",
                    "Semaine 4 : premier bilan avec la personne, dans sa langue.",
                ],
                [
                    ("cea-coaticook", "Francisation pour travailleurs étrangers"),
                    ("mifi-estrie", "Inscription aux cours de français (Francisation Québec)"),
                ],
            ),
            FicheSpec(
                _fiche(
                    "reconnaissance-des-competences",
                    "recognition-of-skills",
                    "Reconnaissance des diplômes et des compétences",
                    "Recognition of diplomas and skills",
                    "À qui référer une personne dont le diplôme n'est pas reconnu ici.",
                    "Where to refer someone whose diploma is not recognised here.",
                    [
                        "L'évaluation comparative des études effectuées hors du Québec est "
                        "souvent la première étape ; les ordres professionnels ont leurs "
                        "propres exigences.",
                        "En attendant, un emploi lié au domaine, même à un autre niveau, "
                        "garde la personne dans son métier.",
                    ],
                    [
                        "The comparative evaluation of studies done outside Québec is often "
                        "the first step; professional orders have their own requirements.",
                        "Meanwhile, a job in the same field, even at another level, keeps the "
                        "person in their trade.",
                    ],
                ),
                "Schéma : les étapes de la reconnaissance",
                "Un schéma d'une page des démarches, de l'évaluation des études à l'ordre "
                "professionnel.",
                "etapes-reconnaissance-competences.pdf",
                [
                    "Étape 1 : rassembler les diplômes et relevés de notes, traduits.",
                    "Étape 2 : demander l'évaluation comparative des études.",
                    "Étape 3 : s'informer auprès de l'ordre professionnel, s'il y en a un.",
                    "Étape 4 : chercher un emploi lié au domaine pendant les démarches.",
                ],
                [("pro-gestion-estrie", "Intégration en emploi des personnes immigrantes")],
            ),
        ],
    ),
]


def _home_sections(language: str, news_index: Page) -> str:
    french = language == "fr"
    directory = f"/{language}/directory/"
    signup = f"/{language}/accounts/signup/"
    return json.dumps(
        [
            {
                "type": "lines_of_work",
                "value": {
                    "heading": "Cinq chantiers" if french else "Five lines of work",
                    "intro": "Ce que le projet fait, avec les organismes de toute l'Estrie."
                    if french
                    else "What the project does, with organisations across Estrie.",
                },
            },
            {
                "type": "upcoming_events",
                "value": {
                    "heading": "Rencontres et ateliers à venir"
                    if french
                    else "Upcoming meetings and workshops",
                    "intro": "",
                    "count": 3,
                    "more_page": None,
                },
            },
            {
                "type": "latest_news",
                "value": {
                    "heading": "Nouvelles" if french else "News",
                    "intro": "",
                    "count": 3,
                    "more_page": news_index.pk,
                },
            },
            {
                "type": "active_discussions",
                "value": {
                    "heading": "Discussions actives" if french else "Active discussions",
                    "intro": "",
                    "count": 5,
                    "more_page": None,
                },
            },
            {
                "type": "directory_figures",
                "value": {
                    "heading": "Le répertoire en chiffres"
                    if french
                    else "The directory in figures",
                    "intro": "Des organismes vérifiés par l'équipe, dans les neuf territoires."
                    if french
                    else "Organisations verified by the team, in the nine territories.",
                },
            },
            {
                "type": "calls_to_action",
                "value": {
                    "heading": "Passer à l'action" if french else "Get involved",
                    "intro": "",
                    "items": [
                        {
                            "type": "item",
                            "id": str(uuid.uuid4()),
                            "value": {
                                "text": "Trouver un service" if french else "Find a service",
                                "description": "",
                                "page": None,
                                "link_url": directory,
                            },
                        },
                        {
                            "type": "item",
                            "id": str(uuid.uuid4()),
                            "value": {
                                "text": "Joindre la communauté" if french else "Join the community",
                                "description": "",
                                "page": None,
                                "link_url": signup,
                            },
                        },
                        {
                            "type": "item",
                            "id": str(uuid.uuid4()),
                            "value": {
                                "text": "S'abonner au calendrier"
                                if french
                                else "Subscribe to the calendar",
                                "description": "",
                                "page": None,
                                "link_url": "/events/feed.ics",
                            },
                        },
                    ],
                },
            },
        ]
    )


def _moderator() -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=MODERATOR_EMAIL, defaults={"display_name": "Nadia Bouchard", "is_staff": True}
    )
    if created:
        user.password = demo_password_hash()
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=MODERATOR_EMAIL, defaults={"verified": True, "primary": True}
        )
        user.groups.add(Group.objects.get_or_create(name=access.MODERATORS.name)[0])


def _news(news_index: Page) -> None:
    categories = {}
    for slug, name, name_en in CATEGORIES:
        categories[slug], _created = NewsCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en}
        )
    today = timezone.localdate()
    for days_ago, spec in zip((40, 18, 5), NEWS, strict=True):
        shared = dict(spec.shared)
        wanted_categories = shared.pop("categories")
        tags = shared.pop("tags")

        def before_save(page, wanted_categories=wanted_categories, tags=tags, days=days_ago):
            page.date = today - timedelta(days=days)
            page.categories = [categories[slug] for slug in wanted_categories]
            page.tags.add(*tags)

        _page(
            news_index,
            Bilingual(spec.model, spec.slug_fr, spec.slug_en, spec.fr, spec.en, shared),
            en_parent=_english(news_index),
            before_save=before_save,
        )


def _toolkit(toolkit: Page) -> list[FichePage]:
    fiches = []
    for module_spec, fiche_specs in MODULES:
        module = _page(toolkit, module_spec, en_parent=_english(toolkit))
        for spec in fiche_specs:
            document = _document(
                spec.document_title, spec.document_description, spec.filename, spec.paragraphs
            )
            services = [s for s in (_service(*key) for key in spec.services) if s is not None]

            def before_save(page, document=document, services=services):
                page.documents = [FicheDocument(document=document)]
                page.related_services = [FicheService(service=s) for s in services]

            fiches.append(
                _page(module, spec.page, en_parent=_english(module), before_save=before_save)
            )
    # A page not translated yet: its English alias says so and keeps the French text.
    glossary = _page(
        toolkit,
        Bilingual(
            StandardPage,
            "glossaire",
            "",
            fr={
                "title": "Glossaire de l'accueil",
                "intro": "Les mots de l'immigration qu'on entend dans les comités d'accueil.",
                "body": _body(
                    "<b>Résidence permanente</b> : le statut qui permet de vivre et de "
                    "travailler au Canada sans limite de temps.",
                    "<b>Permis de travail fermé</b> : un permis lié à un seul employeur.",
                    "<b>Régionalisation</b> : l'établissement de personnes immigrantes hors "
                    "des grands centres, dans les MRC.",
                ),
            },
            en={},
        ),
        en_parent=None,
    )
    english_toolkit = _english(toolkit)
    english = Locale.objects.get(language_code="en")
    if english_toolkit is not None and glossary.get_translation_or_none(english) is None:
        glossary.copy_for_translation(english, alias=True)
    return fiches


def _workshops(programme: Page, fiches: list[FichePage]) -> None:
    spec = Bilingual(
        WorkshopPage,
        "accueillir-dans-les-mrc",
        "welcoming-in-the-mrcs",
        fr={
            "title": "Accueillir dans les MRC : les premiers pas",
            "summary": "Une matinée pour les équipes municipales et les comités d'accueil "
            "qui reçoivent leurs premières familles immigrantes.",
            "objectives": "<ul><li>Connaître les services de la région et à qui référer "
            "selon le statut d'immigration.</li><li>Préparer le premier contact avec une "
            "famille.</li><li>Mettre en place un comité d'accueil.</li></ul>",
            "audience": "Agentes et agents de développement, élus, bénévoles des comités "
            "d'accueil.",
            "duration": "3 heures",
        },
        en={
            "title": "Welcoming in the MRCs: first steps",
            "summary": "A morning for municipal teams and welcome committees receiving their "
            "first immigrant families.",
            "objectives": "<ul><li>Know the region's services and where to refer people by "
            "immigration status.</li><li>Prepare the first contact with a family.</li>"
            "<li>Set up a welcome committee.</li></ul>",
            "audience": "Development officers, elected officials, welcome committee volunteers.",
            "duration": "3 hours",
        },
        shared={"code": "accueil-mrc", "trainer": "Élise Tremblay"},
    )

    def before_save(page):
        page.materials = [WorkshopMaterial(fiche=fiche) for fiche in fiches[:2]]

    _page(programme, spec, en_parent=_english(programme), before_save=before_save)


def _contact(home: Page) -> Page:
    spec = Bilingual(
        FormPage,
        "nous-joindre",
        "contact-us",
        fr={
            "title": "Nous joindre",
            "intro": _rich(
                "Une question sur le répertoire, la trousse ou les ateliers ? "
                "Écrivez-nous : l'équipe répond en deux jours ouvrables."
            ),
            "thank_you_text": _rich("Merci ! Votre message est bien reçu."),
            "subject": "Message reçu par le formulaire « Nous joindre »",
        },
        en={
            "title": "Contact us",
            "intro": _rich(
                "A question about the directory, the toolkit or the workshops? "
                "Write to us: the team answers within two working days."
            ),
            "thank_you_text": _rich("Thank you! Your message was received."),
            "subject": "Message from the “Contact us” form",
        },
        shared={"to_address": "info@demo.continuum.local"},
    )
    french_labels = [
        ("Votre nom", "singleline", True),
        ("Courriel", "email", True),
        ("Organisme", "singleline", False),
        ("Message", "multiline", True),
    ]
    english_labels = ["Your name", "E-mail", "Organisation", "Message"]

    def before_save(page):
        page.form_fields = [
            FormField(label=label, field_type=kind, required=required, sort_order=index)
            for index, (label, kind, required) in enumerate(french_labels)
        ]

    page = _page(home, spec, en_parent=_english(home), before_save=before_save)
    english = _english(page)
    if english is not None:
        english = english.specific
        form_fields = list(english.form_fields.all())
        if form_fields and form_fields[0].label == french_labels[0][0]:
            for form_field, label in zip(form_fields, english_labels, strict=True):
                form_field.label = label
            english.form_fields = form_fields
            english.save_revision().publish()
    return page


def _partners(home: Page) -> None:
    spec = Bilingual(
        PartnersPage,
        "partenaires",
        "partners",
        fr={
            "title": "Partenaires et bailleurs de fonds",
            "intro": "Le projet est porté avec les organismes et les MRC de l'Estrie.",
        },
        en={
            "title": "Partners and funders",
            "intro": "The project is carried with the organisations and MRCs of Estrie.",
        },
    )

    def before_save(page):
        page.partners = [
            Partner(
                name="Ministère de l'Immigration, de la Francisation et de l'Intégration",
                kind=Partner.Kind.FUNDER,
            ),
            Partner(name="Centraide Estrie", kind=Partner.Kind.FUNDER),
            Partner(name="Service d'aide aux Néo-Canadiens", kind=Partner.Kind.PARTNER),
            Partner(name="MRC de Brome-Missisquoi", kind=Partner.Kind.PARTNER),
            Partner(name="Carrefour jeunesse-emploi du Granit", kind=Partner.Kind.PARTNER),
        ]

    _page(home, spec, en_parent=_english(home), before_save=before_save)


def _menu(pages: list[Page]) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    menu = MainMenu.for_site(site)
    if menu.items.exists():
        return
    menu.items = [MainMenuItem(page=page, sort_order=index) for index, page in enumerate(pages)]
    menu.save()


@transaction.atomic
def demo_pages_seed() -> None:
    """Build the demo's pages once (see the module's docstring)."""
    french, english = Locale.objects.get(language_code="fr"), Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=french)
    home_en = HomePage.objects.get(locale=english)
    _moderator()
    for spec in LINES_OF_WORK:
        _page(home, spec, en_parent=home_en)
    news_index = _page(
        home,
        Bilingual(
            NewsIndexPage,
            "nouvelles",
            "news",
            fr={"title": "Nouvelles", "intro": "Ce qui bouge dans le projet et dans la région."},
            en={"title": "News", "intro": "What is happening in the project and the region."},
        ),
        en_parent=home_en,
    )
    _news(news_index)
    toolkit = _page(
        home,
        Bilingual(
            ToolkitIndexPage,
            "trousse",
            "toolkit",
            fr={
                "title": "Trousse d'accompagnement",
                "intro": "Des fiches pratiques pour accueillir, sensibiliser et intégrer, "
                "écrites avec les organismes de l'Estrie et mises à jour au fil des ateliers.",
            },
            en={
                "title": "Toolkit",
                "intro": "Practical sheets for welcoming, raising awareness and employment, "
                "written with Estrie's organisations and updated after each workshop.",
            },
        ),
        en_parent=home_en,
    )
    fiches = _toolkit(toolkit)
    programme = _page(
        home,
        Bilingual(
            WorkshopIndexPage,
            "ateliers",
            "workshops",
            fr={
                "title": "Ateliers de formation",
                "intro": "Des ateliers pratiques pour celles et ceux qui accueillent.",
            },
            en={
                "title": "Training workshops",
                "intro": "Practical workshops for the people who welcome newcomers.",
            },
        ),
        en_parent=home_en,
    )
    _workshops(programme, fiches)
    contact = _contact(home)
    _partners(home)
    if not home.sections:
        home.sections = _home_sections("fr", news_index)
        home.save_revision().publish()
    if not home_en.sections:
        home_en.sections = _home_sections("en", _english(news_index))
        home_en.save_revision().publish()
    _menu([toolkit, programme, news_index, contact])
