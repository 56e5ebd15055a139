"""Tournée des partenaires: visits, follow-ups, needs heard, attachments, the dashboard."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from directory import access
from directory.models import FollowUp, Need, Visit
from directory.tournee import selectors, services
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def animator(roles):
    user = UserFactory(display_name="Marie-Ève Côté", is_staff=False)
    user.groups.add(roles[access.ANIMATION.key])
    return user


@pytest.fixture
def partners(db):
    return [
        OrganisationFactory(name="Centre d'action bénévole de Granby", slug="cab-granby"),
        OrganisationFactory(name="Carrefour jeunesse-emploi Haute-Yamaska", slug="cje-hy"),
    ]


def visit_make(user, partners, **extra):
    return services.visit_save(
        user=user,
        values={
            "date": timezone.localdate() - timedelta(days=2),
            "place": "Granby, bureaux du CAB",
            "organisations": partners,
            "staff_attendees": [user],
            "notes": "Rencontre sur l'accueil des travailleurs étrangers temporaires.",
        },
        **extra,
    )


def test_a_visit_is_recorded_with_its_follow_ups_and_needs(animator, partners):
    visit = visit_make(
        animator,
        partners,
        follow_ups=[
            {
                "action": "Envoyer la liste des cours de francisation",
                "owner": animator,
                "due_on": timezone.localdate() + timedelta(days=5),
            },
            {"action": ""},
        ],
        needs=[{"organisation": partners[0], "text": "Francisation à temps partiel le soir"}],
    )
    assert set(visit.organisations.all()) == set(partners)
    assert visit.follow_ups.count() == 1
    need = Need.objects.get()
    assert (need.source, need.visit, need.organisation) == ("visit", visit, partners[0])
    assert need.recorded_on == visit.date


def test_a_need_of_an_organisation_not_met_is_refused(animator, partners):
    other = OrganisationFactory()
    with pytest.raises(ValidationError):
        visit_make(animator, partners, needs=[{"organisation": other, "text": "Logement"}])
    assert not Visit.objects.exists()


def test_a_visit_needs_an_organisation(animator):
    with pytest.raises(ValidationError):
        visit_make(animator, [])


def test_visits_are_refused_to_staff_without_the_role(partners, roles):
    admin_only = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        visit_make(admin_only, partners)


def test_follow_ups_due_soon_include_late_ones_and_leave_out_done_and_far_ones(animator, partners):
    today = timezone.localdate()
    visit = visit_make(
        animator,
        partners,
        follow_ups=[
            {"action": "En retard", "due_on": today - timedelta(days=1)},
            {"action": "Bientôt", "due_on": today + timedelta(days=3)},
            {"action": "Plus tard", "due_on": today + timedelta(days=60)},
            {"action": "Fait", "due_on": today},
        ],
    )
    services.follow_up_done(user=animator, follow_up=visit.follow_ups.get(action="Fait"))
    due = [f.action for f in selectors.follow_ups_due_soon(user=animator)]
    assert due == ["En retard", "Bientôt"]
    assert list(selectors.follow_ups_due_soon(user=UserFactory(is_staff=True))) == []


def test_marking_a_follow_up_done_twice_keeps_the_first_date(animator, partners):
    visit = visit_make(animator, partners, follow_ups=[{"action": "Appeler"}])
    follow_up = visit.follow_ups.get()
    first = services.follow_up_done(user=animator, follow_up=follow_up).done_at
    second = services.follow_up_done(user=animator, follow_up=follow_up).done_at
    assert first == second


# --- Attachments ----------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("compte-rendu.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("notes.txt", "Notes de la rencontre à Magog".encode(), "text/plain; charset=utf-8"),
        (
            "rapport",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_an_attachment_is_typed_by_its_content(animator, partners, name, content, stored_as):
    visit = visit_make(animator, partners)
    attachment = services.attachment_add(
        user=animator,
        visit=visit,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )
    assert attachment.content_type == stored_as
    assert attachment.size == len(content)


def test_an_executable_named_like_a_pdf_is_refused(animator, partners):
    visit = visit_make(animator, partners)
    upload = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(user=animator, visit=visit, upload=upload)
    assert error.value.code == "type"
    assert not visit.attachments.exists()


@override_settings(VISIT_ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(animator, partners):
    visit = visit_make(animator, partners)
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"x" * 200)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(user=animator, visit=visit, upload=upload)
    assert error.value.code == "too_large"


def test_an_attachment_is_served_only_to_those_who_run_visits(client, animator, partners):
    visit = visit_make(animator, partners)
    attachment = services.attachment_add(
        user=animator, visit=visit, upload=SimpleUploadedFile("cr.pdf", b"%PDF-1.7\nbody")
    )
    url = f"/admin/tournee/attachments/{attachment.pk}/"
    outsider = UserFactory(is_staff=True)
    client.force_login(outsider)
    refused = client.get(url)  # Wagtail turns the refusal into a redirect to the dashboard
    assert refused.status_code in (302, 403)
    assert refused.get("Content-Disposition") is None
    animator.is_staff = False
    client.force_login(animator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\nbody"


# --- Where staff see it -------------------------------------------------------------------------


def test_the_dashboard_shows_follow_ups_due_soon_only_to_those_who_run_visits(
    client, animator, partners
):
    visit_make(
        animator,
        partners,
        follow_ups=[{"action": "Rappeler la directrice", "due_on": timezone.localdate()}],
    )
    client.force_login(animator)
    assert "Rappeler la directrice" in client.get("/admin/").content.decode()
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    assert "Rappeler la directrice" not in client.get("/admin/").content.decode()


def test_an_organisation_profile_shows_its_visits_and_needs_to_staff_only(
    client, animator, partners
):
    visit_make(
        animator,
        partners,
        needs=[{"organisation": partners[0], "text": "Interprétariat en arabe"}],
    )
    url = partners[0].get_absolute_url()
    assert "Interprétariat en arabe" not in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert "Interprétariat en arabe" not in client.get(url).content.decode()
    client.force_login(animator)
    page = client.get(url).content.decode()
    assert "Interprétariat en arabe" in page
    assert f"/admin/tournee/{Visit.objects.get().pk}/" in page


def test_needs_are_visible_only_with_the_permission(animator, partners, staff):
    visit_make(animator, partners, needs=[{"organisation": partners[1], "text": "Logement"}])
    assert Need.objects.visible_to(animator).count() == 1
    assert Need.objects.visible_to(staff).count() == 1
    assert Need.objects.visible_to(UserFactory(is_staff=True)).count() == 0
    assert Need.objects.visible_to(None).count() == 0


def test_the_visit_pages_work_for_the_animation_role(client, animator, partners):
    visit = visit_make(animator, partners, follow_ups=[{"action": "Écrire au CJE"}])
    client.force_login(animator)
    assert client.get("/admin/tournee/").status_code == 200
    assert client.get(f"/admin/tournee/{visit.pk}/").status_code == 200
    assert client.get("/admin/tournee/new/").status_code == 200
    response = client.post(
        f"/admin/tournee/{visit.pk}/",
        {"action": "done", "follow_up": visit.follow_ups.get().pk},
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().is_done


def test_staff_list_needs_by_territory_and_record_one_heard_elsewhere(
    client, animator, partners, reference_data
):
    from directory.models import ServiceCategory, Territory

    granby = Territory.objects.get(code="mrc-de-la-haute-yamaska")
    partners[0].territories.set([granby])
    housing = ServiceCategory.objects.get(code="LOG")
    client.force_login(animator)
    response = client.post(
        "/admin/tournee/needs/",
        {
            "organisation": partners[0].pk,
            "category": ServiceCategory.objects.get(code="LOG.RECHERCHE").pk,
            "text": "Logements abordables pour les familles de six personnes",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.source, need.created_by) == ("staff", animator)
    listed = client.get(
        "/admin/tournee/needs/", {"territory": granby.pk, "category": housing.pk}
    ).content.decode()
    assert "Logements abordables" in listed
    elsewhere = Territory.objects.get(code="sherbrooke")
    assert (
        "Logements abordables"
        not in client.get("/admin/tournee/needs/", {"territory": elsewhere.pk}).content.decode()
    )
