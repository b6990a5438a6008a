"""The audit trail, moved here from the `declarations` app (issue 14) without touching the database.

The table, its index and its append-only trigger (declarations migrations 0001 and 0007) keep their
names (`db_table`), so this migration only records the model in the `audit` app's state;
declarations migration 0020 removes it from the `declarations` app's state. The content type (and
so permissions and admin history) moves to the new app label with it.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_type_relabel(apps, *, old: str, new: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="auditevent").exists():
        ContentType.objects.filter(app_label=old, model="auditevent").update(app_label=new)


def content_type_forward(apps, schema_editor):
    _content_type_relabel(apps, old="declarations", new="audit")


def content_type_backward(apps, schema_editor):
    _content_type_relabel(apps, old="audit", new="declarations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('declarations', '0019_reference_models_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=32)),
                        ('from_status', models.CharField(blank=True, max_length=20)),
                        ('to_status', models.CharField(blank=True, max_length=20)),
                        ('reason', models.TextField(blank=True)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('declaration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='declarations.declaration')),
                    ],
                    options={
                        'db_table': 'declarations_auditevent',
                        'ordering': ['created_at', 'id'],
                        'indexes': [models.Index(fields=['declaration', 'created_at'], name='audit_declaration_time')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward, elidable=True),
    ]
