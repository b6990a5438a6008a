"""The reference tables, moved here from the `declarations` app (issue 14) without touching the database.

The tables, their indexes, constraints, the search column's storage and the triggers that bump
`ReferenceDataVersion` were created by declarations migrations 0001-0016 and keep their names
(`db_table`), so this migration only records the models in the `reference` app's state;
declarations migration 0017 removes them from the `declarations` app's state. Content types
(and so permissions and admin history) move to the new app label with them.
"""
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

MODELS = (
    "country", "currency", "customsoffice", "hssection", "port", "referencedataversion", "unit", "hscode",
    "tariffline", "exchangerate",
)


def _content_types_relabel(apps, *, old: str, new: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=set(MODELS) - taken).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _content_types_relabel(apps, old="declarations", new="reference")


def content_types_backward(apps, schema_editor):
    _content_types_relabel(apps, old="reference", new="declarations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('declarations', '0018_status_awaiting_payment_label'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Country',
                    fields=[
                        ('code', models.CharField(max_length=2, primary_key=True, serialize=False)),
                        ('name_vi', models.CharField(blank=True, max_length=120, verbose_name='name in Vietnamese')),
                        ('name_en', models.CharField(max_length=120, verbose_name='name in English')),
                        ('mfn_treatment', models.BooleanField(default=True, help_text='Goods from countries without MFN treatment pay the standard rate, one and a half times the MFN rate.', verbose_name='most-favoured-nation treatment')),
                    ],
                    options={
                        'verbose_name': 'country',
                        'verbose_name_plural': 'countries',
                        'db_table': 'declarations_country',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Currency',
                    fields=[
                        ('code', models.CharField(max_length=3, primary_key=True, serialize=False)),
                        ('name_vi', models.CharField(blank=True, max_length=120, verbose_name='name in Vietnamese')),
                        ('name_en', models.CharField(max_length=120, verbose_name='name in English')),
                    ],
                    options={
                        'verbose_name': 'currency',
                        'verbose_name_plural': 'currencies',
                        'db_table': 'declarations_currency',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='CustomsOffice',
                    fields=[
                        ('code', models.CharField(max_length=4, primary_key=True, serialize=False)),
                        ('name_vi', models.CharField(max_length=255, verbose_name='name in Vietnamese')),
                        ('name_en', models.CharField(blank=True, max_length=255, verbose_name='name in English')),
                        ('province', models.CharField(blank=True, max_length=80)),
                        ('kind', models.CharField(blank=True, max_length=20)),
                    ],
                    options={
                        'verbose_name': 'customs office',
                        'verbose_name_plural': 'customs offices',
                        'db_table': 'declarations_customsoffice',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='HSSection',
                    fields=[
                        ('number', models.CharField(max_length=5, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=255)),
                    ],
                    options={
                        'db_table': 'declarations_hssection',
                    },
                ),
                migrations.CreateModel(
                    name='Port',
                    fields=[
                        ('locode', models.CharField(max_length=5, primary_key=True, serialize=False)),
                        ('name_vi', models.CharField(blank=True, max_length=120, verbose_name='name in Vietnamese')),
                        ('name_en', models.CharField(max_length=120, verbose_name='name in English')),
                        ('country', models.CharField(max_length=2)),
                        ('subdivision', models.CharField(blank=True, max_length=10)),
                        ('function', models.CharField(blank=True, max_length=8)),
                        ('iata', models.CharField(blank=True, max_length=3)),
                    ],
                    options={
                        'verbose_name': 'port',
                        'verbose_name_plural': 'ports',
                        'db_table': 'declarations_port',
                        'ordering': ['locode'],
                    },
                ),
                migrations.CreateModel(
                    name='ReferenceDataVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.BigIntegerField()),
                    ],
                    options={
                        'db_table': 'declarations_referencedataversion',
                    },
                ),
                migrations.CreateModel(
                    name='Unit',
                    fields=[
                        ('code', models.CharField(max_length=3, primary_key=True, serialize=False)),
                        ('name_vi', models.CharField(blank=True, max_length=120, verbose_name='name in Vietnamese')),
                        ('name_en', models.CharField(max_length=120, verbose_name='name in English')),
                    ],
                    options={
                        'verbose_name': 'unit',
                        'verbose_name_plural': 'units',
                        'db_table': 'declarations_unit',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='HSCode',
                    fields=[
                        ('code', models.CharField(max_length=6, primary_key=True, serialize=False)),
                        ('description', models.TextField()),
                        ('level', models.PositiveSmallIntegerField()),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='reference.hscode')),
                        ('section', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='codes', to='reference.hssection')),
                    ],
                    options={
                        'db_table': 'declarations_hscode',
                    },
                ),
                migrations.CreateModel(
                    name='TariffLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hs_code', models.CharField(max_length=8, unique=True)),
                        ('description_vi', models.TextField()),
                        ('description_en', models.TextField(blank=True)),
                        ('standard_rate', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True)),
                        ('standard_rate_raw', models.CharField(blank=True, max_length=120)),
                        ('mfn_rate', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True)),
                        ('mfn_rate_raw', models.CharField(blank=True, max_length=120)),
                        ('mfn_rate_note', models.CharField(blank=True, max_length=255)),
                        ('preferential', models.JSONField(blank=True, default=dict)),
                        ('export_duty_rate', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name='export duty rate (%)')),
                        ('vat_rate', models.DecimalField(decimal_places=2, default=Decimal('10'), max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='VAT rate (%)')),
                        ('special_consumption_tax_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='special consumption tax rate (%)')),
                        ('environmental_tax_per_unit', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='environmental tax per unit (VND)')),
                        ('environmental_tax_unit', models.CharField(blank=True, max_length=3, verbose_name='environmental tax unit')),
                        ('specialised_procedures', models.TextField(blank=True)),
                        ('parents', models.JSONField(blank=True, default=list, editable=False)),
                        ('search_text', models.TextField(blank=True, editable=False)),
                        ('search_own', models.TextField(blank=True, editable=False)),
                        ('search_vector', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('search_text', config='simple', weight='B'), '||', django.contrib.postgres.search.SearchVector('search_own', config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField())),
                    ],
                    options={
                        'db_table': 'declarations_tariffline',
                        'ordering': ['hs_code'],
                        'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='tariff_search_vector'), django.contrib.postgres.indexes.GinIndex(fields=['search_text'], name='tariff_search_text_trgm', opclasses=['gin_trgm_ops'])],
                    },
                ),
                migrations.CreateModel(
                    name='ExchangeRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('valid_on', models.DateField()),
                        ('rate', models.DecimalField(decimal_places=4, max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0.0001'))])),
                        ('currency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rates', to='reference.currency')),
                    ],
                    options={
                        'db_table': 'declarations_exchangerate',
                        'ordering': ['currency', '-valid_on'],
                        'constraints': [models.UniqueConstraint(fields=('currency', 'valid_on'), name='exchange_rate_unique_per_day'), models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='exchange_rate_positive')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
