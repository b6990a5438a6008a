"""The audit trail leaves the `declarations` app's state for `customs_portal.audit` (issue 14).

Audit migration 0001 recorded the model there with the same table; here it is removed from this
app's state. Nothing in the database changes: the table, its index and the append-only trigger of
migration 0007 stay as they are.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0019_reference_models_moved'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEvent')],
            database_operations=[],
        ),
    ]
