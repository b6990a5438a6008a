"""`ReferencePrice.unit` points at the unit's new home, `reference.Unit` (issue 14).

The table and its foreign key constraint stay as they are (`declarations_unit`), so only the state changes.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0001_initial'),
        ('risk', '0006_rules_created_inactive_and_change_previews'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='referenceprice',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.unit'),
                ),
            ],
            database_operations=[],
        ),
    ]
