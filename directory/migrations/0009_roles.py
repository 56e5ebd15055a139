"""The platform's roles, as Wagtail groups that staff edit in the admin (directory/access.py).

Wagtail creates "Moderators" (pages: add, edit, publish) and "Editors"
(pages: add, edit); they become *Éditeurs* and *Rédacteurs*. The
directory team gets the directory's permissions; *Modérateurs* and
*Animation* start empty: the forum, events and campaigns grant theirs in
their own migrations with ``access.role_grant``.
"""

from django.db import migrations

from directory import access

WAGTAIL_GROUPS = (("Moderators", access.EDITORS.name), ("Editors", "Rédacteurs"))


def roles_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    access.permissions_create(apps, "directory", "wagtailadmin")
    for old, new in WAGTAIL_GROUPS:
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for role in access.ROLES:
        access.role_grant(apps, role, role.permissions)


def roles_remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old, new in WAGTAIL_GROUPS:
        Group.objects.filter(name=new).update(name=old)
    Group.objects.filter(
        name__in=[access.DIRECTORY_TEAM.name, access.MODERATORS.name, access.ANIMATION.name]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0008_access_permissions"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
