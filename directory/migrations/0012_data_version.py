"""The directory's data version (directory/data_version.py) replaces the facet index token.

A PostgreSQL sequence (a one-row table on SQLite), moved after each commit,
instead of a row every write updated inside its own transaction.
"""

from django.db import migrations

from directory import data_version


def store_create(apps, schema_editor):
    data_version.store_create(schema_editor)


def store_drop(apps, schema_editor):
    data_version.store_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0011_invitations_and_notices"),
    ]

    operations = [
        migrations.DeleteModel(name="SearchIndexState"),
        migrations.RunPython(store_create, store_drop),
    ]
