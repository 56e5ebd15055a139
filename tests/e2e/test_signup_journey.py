"""A newcomer signs up in French, confirms their address, asks to join an organisation,
and its admin, in another browser, accepts: the journey as two people see it."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.e2e

ORGANISATION = "Carrefour d'accueil de Sherbrooke"


def _heading(page):
    return page.get_by_role("heading", level=1)


def _mail_to(mailoutbox, address):
    mails = [mail for mail in mailoutbox if mail.to == [address]]
    assert len(mails) == 1, [mail.subject for mail in mailoutbox]
    return mails[0]


def test_newcomer_signs_up_in_french_asks_to_join_and_is_accepted_by_the_admin(
    new_page, mailoutbox
):
    organisation = OrganisationFactory(name=ORGANISATION, name_en="Sherbrooke Welcome Centre")
    admin = MembershipFactory(
        organisation=organisation,
        role="admin",
        state="active",
        user=UserFactory(display_name="Élise Gagnon", preferred_language="fr"),
    ).user
    address = f"nadia-{uuid.uuid4().hex[:8]}@example.org"

    # Nadia creates her account on the French site.
    nadia = new_page()
    nadia.goto("/fr/accounts/signup/")
    expect(_heading(nadia)).to_have_text("Créer un compte")
    nadia.get_by_label("Nom affiché").fill("Nadia Benali")
    nadia.get_by_label("Courriel").fill(address)
    nadia.get_by_label(re.compile(r"^Mot de passe(?! \(confirmation)")).fill(PASSWORD)
    nadia.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(PASSWORD)
    nadia.get_by_role("button", name="Créer mon compte").click()
    expect(_heading(nadia)).to_have_text("Consultez vos courriels")

    # She reads the confirmation e-mail, in French, and opens its link.
    confirmation = _mail_to(mailoutbox, address)
    assert confirmation.subject == (
        "[Continuum] Confirmez votre adresse courriel pour terminer la création de votre compte"
    )
    assert confirmation.body.startswith("Bonjour Nadia Benali,")
    link = re.search(r"http://\S+/fr/accounts/confirm-email/\S+/", confirmation.body).group(0)
    nadia.goto(link)
    expect(_heading(nadia)).to_have_text("Confirmez votre adresse courriel")
    expect(nadia.get_by_role("main")).to_contain_text(address)
    nadia.get_by_role("button", name="Confirmer").click()

    # Confirmed, she is signed in and lands on her account page.
    expect(_heading(nadia)).to_have_text("Mon compte")
    expect(nadia.get_by_role("main")).to_contain_text("Connecté·e en tant que Nadia Benali.")
    expect(nadia.get_by_role("main")).to_contain_text(
        "Vous n'êtes encore membre d'aucune organisation."
    )

    # She asks to join the organisation, with a word for its admins.
    join = nadia.get_by_role("region", name="Demander à vous joindre à une organisation")
    join.get_by_label("Organisation").select_option(label=ORGANISATION)
    join.get_by_label("Message à l'équipe d'administration (facultatif)").fill(
        "Je suis intervenante au CIUSSS de l'Estrie."
    )
    join.get_by_role("button", name="Envoyer ma demande").click()
    expect(nadia.get_by_role("status")).to_contain_text(
        f"Votre demande d'adhésion à {ORGANISATION} a été envoyée"
    )
    her_row = nadia.get_by_role("row").filter(has_text=ORGANISATION)
    expect(her_row).to_contain_text("En attente de réponse")

    # The admin is told by e-mail, in French, without Nadia's address.
    notice = _mail_to(mailoutbox, admin.email)
    assert notice.subject == f"[Continuum] Nouvelle demande d'adhésion à {ORGANISATION}"
    assert address not in notice.body

    # Élise, the admin, signs in from her own browser and accepts.
    elise = new_page()
    elise.goto("/fr/accounts/login/")
    expect(_heading(elise)).to_have_text("Se connecter")
    elise.get_by_label("Courriel").fill(admin.email)
    elise.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    elise.get_by_role("button", name="Se connecter").click()
    expect(_heading(elise)).to_have_text("Mon compte")
    requests = elise.get_by_role("region", name="Demandes en attente de votre réponse")
    card = requests.get_by_role("listitem").filter(has_text="Nadia Benali demande à se joindre à")
    expect(card).to_contain_text(ORGANISATION)
    expect(card).to_contain_text("Je suis intervenante au CIUSSS de l'Estrie.")
    expect(card).not_to_contain_text(address)
    card.get_by_label("Note à la personne (facultatif)").fill("Bienvenue parmi nous!")
    card.get_by_role("button", name=re.compile(r"^Accepter")).click()
    expect(elise.get_by_role("status")).to_contain_text(
        f"Nadia Benali est maintenant membre de {ORGANISATION}."
    )
    expect(elise.get_by_role("region", name="Demandes en attente de votre réponse")).to_have_count(
        0
    )

    # Nadia sees her membership active, and has the answer in her mailbox.
    nadia.reload()
    her_row = nadia.get_by_role("row").filter(has_text=ORGANISATION)
    expect(her_row).to_contain_text("Actif")
    expect(her_row).to_contain_text("Membre")
    expect(her_row.get_by_role("link", name=re.compile(r"^Quitter"))).to_be_visible()
    answer = [mail for mail in mailoutbox if mail.to == [address]][-1]
    assert answer.subject == f"[Continuum] Vous êtes maintenant membre de {ORGANISATION}"
    assert "Bienvenue parmi nous!" in answer.body
