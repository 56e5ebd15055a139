"""Downloads of documents are counted, once each, also when many happen at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client

from wagtail.models import Collection, CollectionViewRestriction

from cms.models import SiteDocument


def _document(collection=None) -> SiteDocument:
    document = SiteDocument(
        title="Aide-mémoire du premier contact",
        collection=collection or Collection.get_first_root_node(),
    )
    document.file.save("aide-memoire.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save()
    return document


@pytest.mark.django_db
def test_each_download_is_counted(client, site):
    document = _document()
    for _ in range(3):
        response = client.get(document.url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    document.refresh_from_db()
    assert document.download_count == 3


@pytest.mark.django_db
def test_a_download_refused_by_the_collections_restriction_is_not_counted(client, site):
    private = Collection.get_first_root_node().add_child(name="Interne")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = _document(private)
    response = client.get(document.url)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.download_count == 0


@pytest.mark.django_db(transaction=True)
def test_downloads_at_the_same_time_are_all_counted(site):
    document = _document()

    def download(_):
        try:
            response = Client().get(document.url)
            b"".join(response.streaming_content)
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(download, range(16)))
    assert statuses == [200] * 16
    document.refresh_from_db()
    assert document.download_count == 16


@pytest.mark.django_db
def test_editors_see_the_downloads_report_and_members_do_not(
    client, site, editorial, roles, member
):
    from directory import access

    from ..factories import UserFactory

    document = _document()
    SiteDocument.objects.filter(pk=document.pk).update(download_count=7)
    editor = UserFactory(is_staff=True)
    editor.groups.add(roles[access.EDITORS.key])
    client.force_login(editor)
    response = client.get("/admin/reports/toolkit-downloads/")
    assert response.status_code == 200
    assert "Aide-mémoire du premier contact" in response.text
    client.force_login(member)
    assert client.get("/admin/reports/toolkit-downloads/").status_code in (302, 403)
