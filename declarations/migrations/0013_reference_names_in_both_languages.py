"""Country, currency, unit, port and customs-office names in Vietnamese and English.

The names loaded so far are the English ones (the office names the Vietnamese ones), so the
columns are renamed; the new columns stay empty, and the names fall back to the other
language, until `manage.py load_reference_data` fills them.
"""
from django.db import migrations, models


def _name_fields(model_name, max_length):
    return [
        migrations.RenameField(model_name=model_name, old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name=model_name, name="name_en",
            field=models.CharField(max_length=max_length, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name=model_name, name="name_vi",
            field=models.CharField(blank=True, default="", max_length=max_length, verbose_name="name in Vietnamese"),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0012_amendment_requests'),
    ]

    operations = [
        *_name_fields("country", 120),
        *_name_fields("currency", 120),
        *_name_fields("unit", 120),
        *_name_fields("port", 120),
        migrations.RenameField(model_name="customsoffice", old_name="name", new_name="name_vi"),
        migrations.AlterField(
            model_name="customsoffice", name="name_vi",
            field=models.CharField(max_length=255, verbose_name="name in Vietnamese"),
        ),
        migrations.AlterField(
            model_name="customsoffice", name="name_en",
            field=models.CharField(blank=True, max_length=255, verbose_name="name in English"),
        ),
        migrations.AlterModelOptions(name="country", options={"ordering": ["code"], "verbose_name": "country", "verbose_name_plural": "countries"}),
        migrations.AlterModelOptions(name="currency", options={"ordering": ["code"], "verbose_name": "currency", "verbose_name_plural": "currencies"}),
        migrations.AlterModelOptions(name="customsoffice", options={"ordering": ["code"], "verbose_name": "customs office", "verbose_name_plural": "customs offices"}),
        migrations.AlterModelOptions(name="port", options={"ordering": ["locode"], "verbose_name": "port", "verbose_name_plural": "ports"}),
        migrations.AlterModelOptions(name="unit", options={"ordering": ["code"], "verbose_name": "unit", "verbose_name_plural": "units"}),
    ]
