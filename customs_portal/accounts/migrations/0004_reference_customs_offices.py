"""`User.offices` points at the office's new home, `reference.CustomsOffice` (issue 14).

The join table and its columns stay as they are (`accounts_user_offices.customsoffice_id`), so only
the state changes.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_api_tokens'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='offices',
                    field=models.ManyToManyField(blank=True, related_name='officers', to='reference.customsoffice', verbose_name='customs offices'),
                ),
            ],
            database_operations=[],
        ),
    ]
