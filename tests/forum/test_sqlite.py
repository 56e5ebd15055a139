"""`make run` on SQLite: the forum posts, renders its thread page and searches (with the
accent-insensitive fallback, since SQLite has no full-text vectors)."""

import subprocess
import sys

from tests.background.test_sqlite import PROCESS_LIMIT, ROOT, dev_environment

SCRIPT = """
from django.conf import settings


class NoMigrations(dict):
    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


settings.MIGRATION_MODULES = NoMigrations()
settings.ALLOWED_HOSTS = ["testserver"]
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from directory import access, data_version
from forum import services
from forum.models import Category
from tests.factories import MembershipFactory

call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
from django.db import connection
with connection.schema_editor() as editor:
    data_version.store_create(editor)
access.roles_ensure()

member = MembershipFactory().user
category = Category.objects.create(slug="accueil", name="Accueil", public=True)
thread = services.thread_create(
    author=member, space=category, title="Intégration à Magog", body="Première question."
)
services.post_create(author=member, thread=thread, body="Une réponse sur l'**intégration**.")
client = Client()
page = client.get(f"/fr/forum/threads/{thread.pk}/{thread.slug}/")
assert page.status_code == 200, page.status_code
assert "<strong>intégration</strong>" in page.content.decode()
results = client.get("/fr/forum/search/", {"q": "integration"}).content.decode()
assert "Intégration à Magog" in results, results[-3000:]
print("FORUM-SQLITE-OK")
"""


def test_the_forum_posts_renders_and_searches_on_sqlite(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=dev_environment(tmp_path / "db.sqlite3"),
        capture_output=True,
        text=True,
        timeout=PROCESS_LIMIT,
    )
    assert "FORUM-SQLITE-OK" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
