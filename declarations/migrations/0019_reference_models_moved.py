"""The reference tables leave the `declarations` app's state for the `reference` app (issue 14).

Reference migration 0001 recorded them there with the same tables; here the foreign keys of
declarations and goods items point at them under their new label, and the models are removed
from this app's state. Nothing in the database changes: tables, constraints, indexes, the search
column and the triggers of migration 0009 stay as they are. The foreign keys of `risk` and
`accounts` moved first (their migrations below), so no state ever points at a removed model.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0018_status_awaiting_payment_label'),
        ('reference', '0001_initial'),
        ('risk', '0007_reference_unit'),
        ('accounts', '0004_reference_customs_offices'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='declaration',
                    name='customs_office',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='declarations', to='reference.customsoffice'),
                ),
                migrations.AlterField(
                    model_name='declaration',
                    name='partner_country',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country'),
                ),
                migrations.AlterField(
                    model_name='declaration',
                    name='port_of_loading',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.port'),
                ),
                migrations.AlterField(
                    model_name='declaration',
                    name='port_of_discharge',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.port'),
                ),
                migrations.AlterField(
                    model_name='declaration',
                    name='invoice_currency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.currency'),
                ),
                migrations.AlterField(
                    model_name='goodsitem',
                    name='tariff_line',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.tariffline'),
                ),
                migrations.AlterField(
                    model_name='goodsitem',
                    name='origin_country',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.country'),
                ),
                migrations.AlterField(
                    model_name='goodsitem',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.unit'),
                ),
                # Models that point at others first.
                migrations.DeleteModel(name='ExchangeRate'),
                migrations.DeleteModel(name='HSCode'),
                migrations.DeleteModel(name='HSSection'),
                migrations.DeleteModel(name='TariffLine'),
                migrations.DeleteModel(name='Country'),
                migrations.DeleteModel(name='Currency'),
                migrations.DeleteModel(name='CustomsOffice'),
                migrations.DeleteModel(name='Port'),
                migrations.DeleteModel(name='Unit'),
                migrations.DeleteModel(name='ReferenceDataVersion'),
            ],
            database_operations=[],
        ),
    ]
