"""Grant the recensement's and the tournée's permissions to the roles that run them.

Also: history entries may say a record was confirmed in a survey answer.

*Équipe du répertoire* and *Animation* run campaigns, record visits and read
the needs heard; *Animation* also opens the Wagtail admin, where that work is
done. ``access.LATER_GRANTS`` repeats these grants for ``roles_ensure``.
"""

from django.db import migrations, models

from directory import access

PERMISSIONS = (access.MANAGE_CAMPAIGNS, access.MANAGE_VISITS, access.VIEW_NEEDS)


def grants_add(apps, schema_editor):
    access.permissions_create(apps, "directory", "wagtailadmin")
    access.role_grant(apps, access.DIRECTORY_TEAM, PERMISSIONS)
    access.role_grant(apps, access.ANIMATION, (access.ACCESS_ADMIN, *PERMISSIONS))


def grants_remove(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="directory",
        codename__in=[perm.split(".", 1)[1] for perm in PERMISSIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0018_visits_and_needs")]

    operations = [
        # History entries of records confirmed in a survey answer (recensement).
        migrations.AlterField(
            model_name="recordhistory",
            name="channel",
            field=models.CharField(
                choices=[
                    ("site", "Edited on the site (record not public yet)"),
                    ("change_request", "Change request approved by staff"),
                    ("staff_site", "Edited by staff on the site"),
                    ("admin", "Edited by staff in the administration"),
                    ("survey", "Confirmed by the organisation in a survey answer"),
                ],
                max_length=20,
                verbose_name="through",
            ),
        ),
        migrations.RunPython(grants_add, grants_remove),
    ]
