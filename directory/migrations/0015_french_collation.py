"""Name columns sort in French (directory/collation.py).

PostgreSQL gets an ICU collation for Canadian French, deterministic (strings that
differ are never equal: equality, uniqueness and LIKE behave as before); the name
columns then use it, so that every ORDER BY on them sorts as a French reader
expects. SQLite has no CREATE COLLATION: Django registers a Python function of the
same name on each connection (directory/apps.py), before this migration rebuilds
the tables.
"""

from django.db import migrations, models

COLLATION = "continuum_fr"  # directory.collation.FRENCH_COLLATION, frozen here
LOCALE = "fr-CA"  # directory.collation.FRENCH_COLLATION_LOCALE


def collation_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "{COLLATION}"'
            f" (provider = icu, locale = '{LOCALE}', deterministic = true)"
        )


def collation_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{COLLATION}"')


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0014_location_archive_history"),
    ]

    operations = [
        migrations.RunPython(collation_create, collation_drop, elidable=False),
        migrations.AlterField(
            model_name="initiative",
            name="name",
            field=models.CharField(
                db_collation="continuum_fr", max_length=250, verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="location",
            name="name",
            field=models.CharField(
                blank=True, db_collation="continuum_fr", max_length=250, verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name",
            field=models.CharField(
                db_collation="continuum_fr", max_length=250, verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="name",
            field=models.CharField(
                db_collation="continuum_fr", max_length=250, verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="territory",
            name="name",
            field=models.CharField(
                db_collation="continuum_fr", max_length=120, unique=True, verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                blank=True,
                db_collation="continuum_fr",
                help_text="How your name appears to other members, for example on the forum.",
                max_length=120,
                verbose_name="display name",
            ),
        ),
    ]
