"""The tariff look-up searches folded text and shows each line's headings (reference.search_text).

Lines already loaded get their headings and search text from the tariff file shipped in
reference/data/ (`load_reference_data` keeps them up to date afterwards). The trigram
indexes on the raw descriptions served the old search only.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def search_columns_fill(apps, schema_editor):
    from reference.services import DATA_DIR, tariff_headings_read
    from reference.search_text import search_texts

    TariffLine = apps.get_model("declarations", "TariffLine")
    lines = list(TariffLine.objects.only("pk", "hs_code", "description_vi", "description_en"))
    if not lines:
        return
    headings = tariff_headings_read(data_dir=DATA_DIR)
    for line in lines:
        line.parents = headings.get(line.hs_code, [])
        line.search_text, line.search_own = search_texts(
            parents=line.parents, description_vi=line.description_vi, description_en=line.description_en)
    TariffLine.objects.bulk_update(lines, ["parents", "search_text", "search_own"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0013_reference_names_in_both_languages'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='tariffline',
            name='tariff_desc_vi_trgm',
        ),
        migrations.RemoveIndex(
            model_name='tariffline',
            name='tariff_desc_en_trgm',
        ),
        migrations.AddField(
            model_name='tariffline',
            name='parents',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name='tariffline',
            name='search_own',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='tariffline',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='tariffline',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('search_text', config='simple', weight='B'), '||', django.contrib.postgres.search.SearchVector('search_own', config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        # Kept in the row uncompressed: the look-up tests it several times per candidate line, and
        # reading it from TOAST each time cost ten times the rest of the query.
        migrations.RunSQL(
            "ALTER TABLE declarations_tariffline ALTER COLUMN search_vector SET STORAGE PLAIN",
            "ALTER TABLE declarations_tariffline ALTER COLUMN search_vector SET STORAGE EXTENDED",
        ),
        migrations.RunPython(search_columns_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='tariffline',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='tariff_search_vector'),
        ),
        migrations.AddIndex(
            model_name='tariffline',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_text'], name='tariff_search_text_trgm', opclasses=['gin_trgm_ops']),
        ),
    ]
