"""The cartographie's rights, granted to the directory team and to Animation.

``directory.view_full_portrait`` (the staff portrait: needs and unpublished
records) and ``directory.connect_organisations`` (introduce organisations,
record their partnerships), declared on Partnership (directory/access.py).
Numbered 0025 to keep merges with the recensement's migrations simple.
"""

from django.db import migrations

from directory import access

PERMISSIONS = [access.VIEW_FULL_PORTRAIT, access.CONNECT_ORGANISATIONS]


def grant(apps, schema_editor):
    access.permissions_create(apps, "directory")
    for role in (access.DIRECTORY_TEAM, access.ANIMATION):
        access.role_grant(apps, role, PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="directory",
        codename__in=[perm.split(".", 1)[1] for perm in PERMISSIONS],
    )
    for group in Group.objects.filter(name__in=[access.DIRECTORY_TEAM.name, access.ANIMATION.name]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0019_recensement_grants"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="partnership",
            options={
                "permissions": [
                    (
                        "view_full_portrait",
                        "Can see the full portrait: needs and unpublished records",
                    ),
                    (
                        "connect_organisations",
                        "Can introduce organisations to each other and record their partnerships",
                    ),
                ],
                "verbose_name": "partnership",
                "verbose_name_plural": "partnerships",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
