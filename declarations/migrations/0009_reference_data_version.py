"""A version for the reference data that processes keep copies of (reference.cache).

Every statement that writes one of the tables below sets the single row of
declarations_referencedataversion to the next value of a sequence (sequences ignore
rollbacks, so a version number is never handed out twice).
"""
from django.db import migrations, models

TABLES = (
    "declarations_customsoffice", "declarations_country", "declarations_port", "declarations_currency",
    "declarations_unit", "declarations_tariffline", "declarations_exchangerate",
)

FORWARD = """
CREATE SEQUENCE declarations_reference_version_seq;
INSERT INTO declarations_referencedataversion (id, version) VALUES (1, nextval('declarations_reference_version_seq'));
CREATE OR REPLACE FUNCTION declarations_reference_version_bump() RETURNS trigger AS $$
BEGIN
    INSERT INTO declarations_referencedataversion (id, version) VALUES (1, nextval('declarations_reference_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {table}_bumps_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}\n"
    f"    FOR EACH STATEMENT EXECUTE FUNCTION declarations_reference_version_bump();\n"
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_bumps_reference_version ON {table};\n" for table in TABLES) + """
DROP FUNCTION IF EXISTS declarations_reference_version_bump();
DROP SEQUENCE IF EXISTS declarations_reference_version_seq;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0008_review_queue_office_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReferenceDataVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
