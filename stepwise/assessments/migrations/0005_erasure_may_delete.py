"""Let the one deliberate erasure path delete responses and score revisions on PostgreSQL.

The written-once trigger (0003) keeps refusing every UPDATE, and every DELETE of a published
instrument version; it refuses a DELETE of a response or a score revision too, unless the deleting
transaction has said `SET LOCAL stepwise.erasing = 'on'`; only
`stepwise.ops.erasure` does that, inside the transaction that erases one client's record (a
verified erasure request, or the end of the retention period). `SET LOCAL` ends with the
transaction, so nothing else ever runs with it.
"""

from django.db import migrations

ERASABLE = """
CREATE OR REPLACE FUNCTION assessments_written_once() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME <> 'assessments_instrumentversion'
            AND current_setting('stepwise.erasing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'published instruments, responses and scores are written once';
END;
$$ LANGUAGE plpgsql;
"""

WRITTEN_ONCE = """
CREATE OR REPLACE FUNCTION assessments_written_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published instruments, responses and scores are written once';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ERASABLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WRITTEN_ONCE)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_shared_results")]
    operations = [migrations.RunPython(forwards, backwards)]
