"""Background tasks: worker heartbeats, one row per periodic run, the import's task.

The directory team (Équipe du répertoire) may see the background tasks in
the admin (``directory.view_background_tasks``, directory/access.py).
"""

from django.db import migrations, models

from directory import access


def grant(apps, schema_editor):
    access.permissions_create(apps, "directory")
    access.role_grant(apps, access.DIRECTORY_TEAM, [access.VIEW_BACKGROUND_TASKS])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="directory", codename="view_background_tasks"
    ).first()
    for group in Group.objects.filter(name=access.DIRECTORY_TEAM.name):
        if permission is not None:
            group.permissions.remove(permission)


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0009_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='TaskWorker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('worker_id', models.CharField(max_length=64, unique=True, verbose_name='worker')),
                ('hostname', models.CharField(max_length=255, verbose_name='machine')),
                ('pid', models.PositiveIntegerField(verbose_name='process')),
                ('queues', models.CharField(max_length=255, verbose_name='queues')),
                ('started_at', models.DateTimeField(verbose_name='started on')),
                ('last_seen_at', models.DateTimeField(db_index=True, verbose_name='last heartbeat')),
            ],
            options={
                'verbose_name': 'task worker',
                'verbose_name_plural': 'task workers',
                'ordering': ['started_at'],
                'permissions': [('view_background_tasks', 'Can see the background tasks and their errors')],
                'default_permissions': (),
            },
        ),
        migrations.AddField(
            model_name='importjob',
            name='task_result_id',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='task'),
        ),
        migrations.CreateModel(
            name='PeriodicRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(max_length=255, verbose_name='job')),
                ('period_start', models.DateTimeField(verbose_name='period')),
                ('enqueued_at', models.DateTimeField(auto_now_add=True, verbose_name='enqueued on')),
                ('task_result_id', models.CharField(blank=True, max_length=64, verbose_name='task')),
            ],
            options={
                'verbose_name': 'periodic run',
                'verbose_name_plural': 'periodic runs',
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('job', 'period_start'), name='periodic_run_once_per_period')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
