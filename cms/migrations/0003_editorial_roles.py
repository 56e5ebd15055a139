"""Editors draft, moderators approve: page permissions, the "Publication" workflow, and the
CMS roles' rights on documents, images, news categories, the menu and search promotions
(cms/editorial.py)."""

from django.db import migrations

from directory import access


def editorial_create(apps, schema_editor):
    from cms.editorial import editorial_ensure

    access.permissions_create(
        apps, "cms", "wagtailcore", "wagtaildocs", "wagtailimages", "wagtailsearchpromotions", "wagtailadmin"
    )
    editorial_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_pages_toolkit_search"),
        ("directory", "0016_member_profile"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(editorial_create, migrations.RunPython.noop)]
