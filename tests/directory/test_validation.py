"""Phone numbers, postal codes and plain text: one rule for the forms, the admin, the importer
and the pages (directory/catalogue/validation.py)."""

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.catalogue.admin import LocationViewSet, OrganisationViewSet
from directory.catalogue.validation import (
    phone_number_parse,
    postal_code_normalise,
)
from directory.editing import services as editing
from directory.models import Location, Phone
from directory.templatetags.directory_tags import tel_href
from tests.factories import LocationFactory, PhoneFactory

from .test_editing import form_data, submit
from .test_profiles import html as profile_html

# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number", "extension", "uri"),
    [
        ("819 555-0123", "819 555-0123", "", "tel:+18195550123"),
        ("(819) 555.0123", "819 555-0123", "", "tel:+18195550123"),
        ("8195550123", "819 555-0123", "", "tel:+18195550123"),
        ("819 555–0123 poste 12", "819 555-0123", "12", "tel:+18195550123;ext=12"),
        ("819-555-0123 x 12", "819 555-0123", "12", "tel:+18195550123;ext=12"),
        ("1 800 555-0199", "1 800 555-0199", "", "tel:+18005550199"),
        ("+1 (819) 555-0199", "+1 819 555-0199", "", "tel:+18195550199"),
        ("+33 (0)1 23 45 67 89", "+33 1 23 45 67 89", "", "tel:+33123456789"),
        ("811", "811", "", "tel:811"),
        ("٨١٩ ٥٥٥ ٠١٢٣", "819 555-0123", "", "tel:+18195550123"),
        ("８１９ ５５５ ０１２３", "819 555-0123", "", "tel:+18195550123"),
    ],
)
def test_phone_numbers_are_read_as_people_write_them(typed, number, extension, uri):
    phone = phone_number_parse(typed)
    assert (phone.number, phone.extension, phone.uri) == (number, extension, uri)
    assert phone_number_parse(phone.number).number == phone.number  # stable


@pytest.mark.parametrize(
    "typed",
    [
        "abc<script>alert(1)</script>",
        "555-0123",  # Québec dials ten digits
        "819 555 0123 ou 819 555 0124",
        "1-800-FLOWERS",
        "819 055-0123",
        "+0 123 456 789",
        "12345678901234567",
        "javascript:alert(1)",
        "",
    ],
)
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValidationError):
        phone_number_parse(typed)


def test_an_extension_given_twice_must_agree():
    assert phone_number_parse("819 555-0123 #12", "poste 12").extension == "12"
    with pytest.raises(ValidationError):
        phone_number_parse("819 555-0123 #12", "13")


@pytest.mark.parametrize(
    ("typed", "written"),
    [("j1h5n4", "J1H 5N4"), (" J1H-5N4 ", "J1H 5N4"), ("j1h  5n4\u200e", "J1H 5N4")],
)
def test_postal_codes_are_written_as_canada_post_writes_them(typed, written):
    assert postal_code_normalise(typed) == written


@pytest.mark.parametrize("typed", ["ZZZ ZZZ", "J1H", "D1H 5N4", "J1H 5N4 5", "<b>J1H</b>"])
def test_what_is_not_a_canadian_postal_code_is_refused(typed):
    with pytest.raises(ValidationError):
        postal_code_normalise(typed)


# --- The pages never link what is not a phone number --------------------------------------


@pytest.mark.parametrize("stored", ["abc<script>alert(1)</script>", "javascript:alert(1)", "555"])
def test_no_tel_link_is_built_from_a_value_that_is_not_a_phone_number(stored):
    assert tel_href(stored) == ""


def test_a_valid_number_with_an_odd_extension_links_without_it():
    assert tel_href("819 555-0123", "3 ou 4") == "tel:+18195550123"


@pytest.mark.django_db
def test_a_profile_shows_an_old_bad_number_as_text_not_as_a_link(client, organisation):
    """Saved before numbers were validated (factories skip validation, as old data did)."""
    PhoneFactory(organisation=organisation, number="abc<script>x</script>")
    PhoneFactory(organisation=organisation, number="819 566-5373")
    html = profile_html(client, organisation)
    assert 'href="tel:+18195665373"' in html
    assert "abc&lt;script&gt;x&lt;/script&gt;" in html
    assert html.count('href="tel:') == 1


# --- The self-service forms --------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("french_site")


@pytest.mark.django_db
def test_the_organisation_form_refuses_a_phone_that_is_not_a_number(
    organisation_admin, organisation
):
    with pytest.raises(editing.InvalidEdit) as error:
        submit(
            organisation_admin,
            organisation,
            **{"phones-0-number": "abc<script>alert(1)</script>", "phones-0-kind": "voice"},
        )
    assert error.value.form.phones.forms[0].errors["number"] == [
        "Ce n'est pas un numéro de téléphone : écrivez les 10 chiffres avec l'indicatif "
        "régional (819 555-0123), ou un numéro international commençant par + "
        "(+33 1 23 45 67 89)."
    ]
    assert not Phone.objects.exists()


@pytest.mark.django_db
def test_the_organisation_form_saves_numbers_in_their_written_form(draft_admin, draft_organisation):
    submit(
        draft_admin,
        draft_organisation,
        **{"phones-0-number": "(819) 555.0123 poste 12", "phones-0-kind": "voice"},
    )
    phone = Phone.objects.get(organisation=draft_organisation)
    assert (phone.number, phone.extension) == ("819 555-0123", "12")


@pytest.mark.django_db
def test_the_phone_form_refuses_an_extension_that_is_not_digits(organisation_admin, organisation):
    with pytest.raises(editing.InvalidEdit) as error:
        submit(
            organisation_admin,
            organisation,
            **{
                "phones-0-number": "819 555-0123",
                "phones-0-extension": "3 ou 4",
                "phones-0-kind": "voice",
            },
        )
    assert error.value.form.phones.forms[0].errors["extension"]


@pytest.mark.django_db
def test_the_location_form_refuses_a_postal_code_that_is_not_canadian(
    organisation_admin, organisation
):
    location = LocationFactory(organisation=organisation)
    with pytest.raises(editing.InvalidEdit) as error:
        submit(organisation_admin, location, postal_code="ZZZ ZZZ")
    assert error.value.form.errors["postal_code"] == [
        "Ce n'est pas un code postal canadien : écrivez-le comme J1H 5N4."
    ]


@pytest.mark.django_db
def test_the_location_form_saves_the_postal_code_as_canada_post_writes_it(
    draft_admin, draft_organisation
):
    location = Location(organisation=draft_organisation)
    data = form_data(location, kind="physical", name="Bureau", postal_code="j1h5n4")
    editing.change_request_submit(user=draft_admin, target=location, data=data)
    assert draft_organisation.locations.get().postal_code == "J1H 5N4"


@pytest.mark.django_db
def test_a_control_character_typed_in_a_form_is_refused(organisation_admin, organisation):
    with pytest.raises(editing.InvalidEdit) as error:
        submit(organisation_admin, organisation, mission="Accueil\x1b[31m")
    assert "U+001B" in error.value.form.errors["mission"][0]


@pytest.mark.django_db
def test_phone_inputs_bring_up_the_phone_keypad_and_postal_codes_capitals(organisation):
    from directory.editing.forms import LocationForm, OrganisationProfileForm

    profile = OrganisationProfileForm(instance=organisation, organisation=organisation)
    number = str(profile.phones.forms[0]["number"])
    assert 'type="tel"' in number and 'type="text"' not in number
    location = LocationForm(instance=Location(organisation=organisation), organisation=organisation)
    assert 'autocapitalize="characters"' in str(location["postal_code"])


# --- The Wagtail admin --------------------------------------------------------------------


def _admin_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_postal_code_and_normalises_a_good_one(client, staff, organisation):
    location = LocationFactory(organisation=organisation, postal_code="")
    client.force_login(staff)
    url = reverse("directory_locations:edit", args=[location.pk])
    data = _admin_data(LocationViewSet().get_form_class()(instance=location))

    refused = client.post(url, {**data, "postal_code": "ZZZ ZZZ"})
    assert refused.status_code == 200
    assert "Ce n&#x27;est pas un code postal canadien" in refused.content.decode()

    accepted = client.post(url, {**data, "postal_code": "j1h5n4"})
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    location.refresh_from_db()
    assert location.postal_code == "J1H 5N4"


@pytest.mark.django_db
def test_the_admin_refuses_control_characters_in_panels_forms(client, staff, organisation):
    client.force_login(staff)
    form = OrganisationViewSet().get_form_class()(instance=organisation, for_user=staff)
    response = client.post(
        reverse("directory_organisations:edit", args=[organisation.pk]),
        {**_admin_data(form), "mission": "Accueil\x00"},
    )
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.mission != "Accueil\x00"


# --- The model ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_saved_phone_that_is_not_a_number_fails_full_clean(organisation):
    phone = Phone(organisation=organisation, number="abc<script>")
    with pytest.raises(ValidationError) as error:
        phone.full_clean()
    assert "number" in error.value.message_dict
