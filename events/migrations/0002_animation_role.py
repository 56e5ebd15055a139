"""The Animation role manages every event (``events.manage_events``, events/access.py).

Also listed in ``directory.access.LATER_GRANTS`` so that ``roles_ensure``
gives a flushed database the same grant.
"""

from django.db import migrations

from directory import access

MANAGE_EVENTS = "events.manage_events"


def grant(apps, schema_editor):
    access.permissions_create(apps, "events")
    access.role_grant(apps, access.ANIMATION, [MANAGE_EVENTS])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="events", codename="manage_events"
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name=access.ANIMATION.name):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("directory", "0016_member_profile"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
