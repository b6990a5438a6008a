"""The audit trail is append-only: PostgreSQL refuses any UPDATE or DELETE of an audit event.

(TRUNCATE, which only the test runner's flush uses, is not a row operation and is not blocked.)
"""
from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION declarations_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on declarations_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER declarations_auditevent_no_update_or_delete
    BEFORE UPDATE OR DELETE ON declarations_auditevent
    FOR EACH ROW EXECUTE FUNCTION declarations_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS declarations_auditevent_no_update_or_delete ON declarations_auditevent;
DROP FUNCTION IF EXISTS declarations_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("declarations", "0006_country_help_text")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
