"""The Modérateurs role moderates the forum; posts get a French full-text index.

The GIN index exists only on PostgreSQL (the ``french_unaccent`` configuration
comes from directory 0004); ``make run`` on SQLite searches with its fallback.
"""

from django.db import migrations

from directory import access
from forum.access import MODERATOR_PERMISSIONS


def grant(apps, schema_editor):
    access.permissions_create(apps, "forum", "wagtailadmin")
    access.role_grant(apps, access.MODERATORS, list(MODERATOR_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=access.MODERATORS.name):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="forum")
        )


def search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS forum_post_search_vector_gin"
            " ON forum_post USING gin (search_vector)"
        )


def search_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS forum_post_search_vector_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("directory", "0016_member_profile"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(search_index, search_index_drop, elidable=False),
    ]
