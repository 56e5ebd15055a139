# Locations can be archived (and restored); the history covers initiatives, partnerships
# and memberships, and deletions.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0013_phone_postal_code_validation"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="changerequest",
            name="change_request_location_update_has_location",
        ),
        migrations.AddField(
            model_name="location",
            name="archived_at",
            field=models.DateTimeField(
                blank=True,
                help_text="An archived location no longer appears in the directory.",
                null=True,
                verbose_name="archived on",
            ),
        ),
        migrations.AddField(
            model_name="location",
            name="archived_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="archived by",
            ),
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="kind",
            field=models.CharField(
                choices=[
                    ("create", "New record"),
                    ("update", "Update"),
                    ("archive", "Archive"),
                    ("restore", "Restore"),
                ],
                max_length=10,
                verbose_name="kind of change",
            ),
        ),
        migrations.AlterField(
            model_name="recordhistory",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("submitted", "Submitted for verification"),
                    ("published", "Published"),
                    ("returned_to_draft", "Returned to draft"),
                    ("archived", "Archived"),
                    ("restored", "Restored"),
                    ("deleted", "Deleted"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="recordhistory",
            name="target_kind",
            field=models.CharField(
                choices=[
                    ("organisation", "Organisation"),
                    ("service", "Service"),
                    ("location", "Location"),
                    ("initiative", "Initiative or project"),
                    ("partnership", "Partnership"),
                    ("membership", "Membership"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="record type",
            ),
        ),
        migrations.AddConstraint(
            model_name="changerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("location__isnull", True), ("target_kind", "location"), _negated=True
                    ),
                    ("kind", "create"),
                    _connector="OR",
                ),
                name="change_request_location_exists_unless_create",
            ),
        ),
    ]
