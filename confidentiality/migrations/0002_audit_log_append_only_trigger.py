"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the audit log (CONF-6).

The application refuses them too (AuditEntry and its queryset); the trigger covers raw SQL and
other clients. SQLite relies on the application alone: its test databases are emptied with DELETE.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION confidentiality_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS confidentiality_auditentry_append_only ON confidentiality_auditentry;
CREATE TRIGGER confidentiality_auditentry_append_only
    BEFORE UPDATE OR DELETE ON confidentiality_auditentry
    FOR EACH ROW EXECUTE FUNCTION confidentiality_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS confidentiality_auditentry_append_only ON confidentiality_auditentry;
DROP FUNCTION IF EXISTS confidentiality_auditentry_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("confidentiality", "0001_audit_log")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
