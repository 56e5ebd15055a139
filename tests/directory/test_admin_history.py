"""Staff edits in the Wagtail admin of initiatives, partnerships and memberships are history."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from wagtail.admin.forms import WagtailAdminModelForm

from directory.catalogue.admin import (
    InitiativeViewSet,
    MembershipViewSet,
    PartnershipViewSet,
    ServiceViewSet,
)
from directory.editing import history
from directory.editing.fields import snapshot
from directory.models import (
    Initiative,
    Membership,
    Partnership,
    RecordHistory,
    RecordKind,
    Service,
)
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("french_site")]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def admin_form_data(viewset_class, staff_user, instance=None, **overrides) -> dict:
    """What the admin form posts for ``instance`` (or a new record) with ``overrides`` changed."""
    form_class = viewset_class().get_form_class()
    kwargs = {"for_user": staff_user} if issubclass(form_class, WagtailAdminModelForm) else {}
    form = form_class(instance=instance, **kwargs)
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def entries(**filters) -> dict:
    """History entries by organisation name: (kind, action, actor, channel)."""
    return {
        entry.organisation.name: (entry.target_kind, entry.action, entry.actor, entry.channel)
        for entry in RecordHistory.objects.filter(**filters).select_related("organisation")
    }


# --- Initiatives ---------------------------------------------------------------------------------


def test_creating_an_initiative_is_in_the_history_of_its_lead_partners_and_funders(
    staff_client, staff
):
    lead, partner, funder = (
        OrganisationFactory(name=n) for n in ("Pilote", "Partenaire", "Bailleur")
    )
    data = admin_form_data(
        InitiativeViewSet,
        staff,
        name="Table régionale en immigration",
        slug="table-regionale",
        lead=str(lead.pk),
        partners=[str(partner.pk)],
        funders=[str(funder.pk)],
    )

    post(staff_client, reverse("directory_initiatives:add"), data)

    created = (RecordKind.INITIATIVE, RecordHistory.Action.CREATED, staff, "admin")
    assert entries() == {"Pilote": created, "Partenaire": created, "Bailleur": created}
    entry = RecordHistory.objects.filter(organisation=lead).get()
    assert entry.target_label == "Table régionale en immigration"
    assert entry.changes["name"] == [None, "Table régionale en immigration"]
    assert entry.changes["partners"] == [None, [str(partner.uuid)]]


def test_an_organisation_dropped_from_an_initiative_sees_it_in_its_history(staff_client, staff):
    lead, kept, dropped = (OrganisationFactory(name=n) for n in ("Pilote", "Reste", "Retiré"))
    initiative = InitiativeFactory(lead=lead, name="Projet Passerelle")
    initiative.partners.set([kept, dropped])
    data = admin_form_data(
        InitiativeViewSet, staff, instance=initiative, partners=[str(kept.pk)], name="Passerelle"
    )

    post(staff_client, reverse("directory_initiatives:edit", args=[initiative.pk]), data)

    updated = (RecordKind.INITIATIVE, RecordHistory.Action.UPDATED, staff, "admin")
    assert entries() == {"Pilote": updated, "Reste": updated, "Retiré": updated}
    entry = RecordHistory.objects.get(organisation=dropped)
    assert set(entry.changes) == {"name", "partners"}
    assert entry.changes["partners"] == [
        sorted([str(kept.uuid), str(dropped.uuid)]),
        [str(kept.uuid)],
    ]


def test_saving_an_initiative_unchanged_leaves_no_entry(staff_client, staff):
    initiative = InitiativeFactory(lead=OrganisationFactory())

    post(
        staff_client,
        reverse("directory_initiatives:edit", args=[initiative.pk]),
        admin_form_data(InitiativeViewSet, staff, instance=initiative),
    )

    assert not RecordHistory.objects.exists()


def test_deleting_an_initiative_is_in_the_history_with_what_it_was(staff_client, staff):
    lead, partner = OrganisationFactory(name="Pilote"), OrganisationFactory(name="Partenaire")
    initiative = InitiativeFactory(lead=lead, name="Projet Passerelle")
    initiative.partners.add(partner)

    post(staff_client, reverse("directory_initiatives:delete", args=[initiative.pk]), {})

    assert not Initiative.objects.exists()
    deleted = (RecordKind.INITIATIVE, RecordHistory.Action.DELETED, staff, "admin")
    assert entries() == {"Pilote": deleted, "Partenaire": deleted}
    entry = RecordHistory.objects.get(organisation=lead)
    assert entry.target_label == "Projet Passerelle"
    assert entry.changes["name"] == ["Projet Passerelle", None]


# --- Partnerships --------------------------------------------------------------------------------


def test_partnership_create_edit_and_delete_are_in_both_organisations_histories(
    staff_client, staff
):
    source, target = OrganisationFactory(name="Source"), OrganisationFactory(name="Cible")
    data = admin_form_data(
        PartnershipViewSet, staff, source=str(source.pk), target=str(target.pk), kind="referral"
    )
    post(staff_client, reverse("directory_partnerships:add"), data)
    partnership = Partnership.objects.get()
    data = admin_form_data(PartnershipViewSet, staff, instance=partnership, kind="funding")
    post(staff_client, reverse("directory_partnerships:edit", args=[partnership.pk]), data)
    post(staff_client, reverse("directory_partnerships:delete", args=[partnership.pk]), {})

    for organisation in (source, target):
        actions = list(
            RecordHistory.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("target_kind", "action")
        )
        assert actions == [
            (RecordKind.PARTNERSHIP, RecordHistory.Action.CREATED),
            (RecordKind.PARTNERSHIP, RecordHistory.Action.UPDATED),
            (RecordKind.PARTNERSHIP, RecordHistory.Action.DELETED),
        ]
    edit = RecordHistory.objects.filter(action=RecordHistory.Action.UPDATED).first()
    assert edit.changes == {"kind": ["referral", "funding"]}
    assert edit.target_label == "Source → Cible"


def test_moving_a_partnership_to_another_organisation_tells_all_three(staff_client, staff):
    source, old, new = (OrganisationFactory(name=n) for n in ("Source", "Ancien", "Nouveau"))
    partnership = PartnershipFactory(source=source, target=old)
    data = admin_form_data(PartnershipViewSet, staff, instance=partnership, target=str(new.pk))

    post(staff_client, reverse("directory_partnerships:edit", args=[partnership.pk]), data)

    assert set(entries()) == {"Source", "Ancien", "Nouveau"}


# --- Memberships ---------------------------------------------------------------------------------


def test_membership_create_edit_and_delete_are_in_its_organisations_history(
    staff_client, staff, organisation
):
    person = UserFactory(display_name="Karim Haddad")
    data = admin_form_data(
        MembershipViewSet,
        staff,
        user=str(person.pk),
        organisation=str(organisation.pk),
        role="member",
        state="active",
    )
    post(staff_client, reverse("directory_memberships:add"), data)
    membership = Membership.objects.get(user=person)
    data = admin_form_data(MembershipViewSet, staff, instance=membership, role="admin")
    post(staff_client, reverse("directory_memberships:edit", args=[membership.pk]), data)
    post(staff_client, reverse("directory_memberships:delete", args=[membership.pk]), {})

    history = list(RecordHistory.objects.filter(organisation=organisation).order_by("pk"))
    assert [(e.target_kind, e.action, e.target_label) for e in history] == [
        (RecordKind.MEMBERSHIP, RecordHistory.Action.CREATED, "Karim Haddad"),
        (RecordKind.MEMBERSHIP, RecordHistory.Action.UPDATED, "Karim Haddad"),
        (RecordKind.MEMBERSHIP, RecordHistory.Action.DELETED, "Karim Haddad"),
    ]
    assert history[1].changes == {"role": ["member", "admin"]}
    assert history[0].changes["user"] == [None, str(person.uuid)]
    assert history[2].changes["role"] == ["admin", None]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_admin_changes_are_shown_on_the_organisations_history_in_each_language(
    staff, organisation, organisation_admin, client, language
):
    person = UserFactory(display_name="Karim Haddad")
    membership = MembershipFactory(user=person, organisation=organisation, role="member")
    before = snapshot(membership)
    membership.role = Membership.Role.ADMIN
    membership.save()
    history.admin_edit_log(record=membership, before=before, actor=staff)
    partner = OrganisationFactory(name="Carrefour d'accueil")
    partnership = PartnershipFactory(source=organisation, target=partner, kind="co_delivery")
    history.admin_edit_log(record=partnership, before=None, actor=staff)
    client.force_login(organisation_admin)

    with translation.override(language):
        url = reverse("directory:manage_organisation", args=[organisation.slug])
        expected = [
            capfirst(Membership._meta.get_field("role").verbose_name),
            Membership.Role.MEMBER.label,
            Membership.Role.ADMIN.label,
            RecordKind.MEMBERSHIP.label.lower(),
            RecordKind.PARTNERSHIP.label.lower(),
            Partnership.Kind.CO_DELIVERY.label,
            capfirst(Partnership._meta.get_field("target").verbose_name),
        ]
        expected = [str(text) for text in expected]
    html = client.get(url).content.decode()

    assert f'<html lang="{language}"' in html
    for text in [*expected, "Karim Haddad", "Carrefour d&#x27;accueil"]:
        assert escape(text) in html or text in html, text
    assert person.email not in html


def test_manage_page_queries_do_not_grow_with_admin_history(
    staff, organisation, organisation_admin, client
):
    url = reverse("directory:manage_organisation", args=[organisation.slug])
    client.force_login(organisation_admin)

    def add(size):
        for _ in range(size):
            initiative = InitiativeFactory(lead=organisation)
            initiative.partners.add(OrganisationFactory())
            history.admin_edit_log(record=initiative, before=None, actor=staff)
            membership = MembershipFactory(organisation=organisation)
            history.admin_edit_log(record=membership, before=None, actor=staff)
            partnership = PartnershipFactory(source=organisation)
            history.admin_delete_log(record=partnership, actor=staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(2)
    small = count()
    add(8)
    large = count()

    assert large == small


# --- Services deleted in the admin -----------------------------------------------------------


def test_deleting_a_service_in_the_admin_keeps_an_entry_with_its_name(
    staff_client, staff, organisation
):
    service = ServiceFactory(organisation=organisation, name="Jumelage interculturel")

    post(staff_client, reverse("directory_services:delete", args=[service.pk]), {})

    assert not Service.objects.exists()
    entry = RecordHistory.objects.get(organisation=organisation)
    assert (entry.target_kind, entry.action, entry.target_label, entry.service) == (
        RecordKind.SERVICE,
        RecordHistory.Action.DELETED,
        "Jumelage interculturel",
        None,
    )
    assert entry.changes["name"] == ["Jumelage interculturel", None]


def test_editing_a_service_in_the_admin_is_still_logged(staff_client, staff, organisation):
    service = ServiceFactory(organisation=organisation)
    data = admin_form_data(ServiceViewSet, staff, instance=service, fees="10 $ par séance")

    post(staff_client, reverse("directory_services:edit", args=[service.pk]), data)

    entry = RecordHistory.objects.get(service=service)
    assert entry.changes == {"fees": ["", "10 $ par séance"]}


def test_delete_pages_render(staff_client, organisation):
    records = {
        "directory_initiatives": InitiativeFactory(lead=organisation),
        "directory_partnerships": PartnershipFactory(source=organisation),
        "directory_memberships": MembershipFactory(organisation=organisation),
    }
    for name, record in records.items():
        url = reverse(f"{name}:delete", args=[record.pk])
        assert staff_client.get(url).status_code == 200, url
