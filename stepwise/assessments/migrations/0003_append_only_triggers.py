"""On PostgreSQL the database itself refuses UPDATE and DELETE of published instrument versions,
submitted responses and stored score revisions (SECURITY.md 16). TRUNCATE stays an operator's
tool; SQLite relies on the model and queryset guards, as the access log does."""

from django.db import migrations

TABLES = (
    "assessments_instrumentversion",
    "assessments_assessmentresponse",
    "assessments_scorerevision",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION assessments_written_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published instruments, responses and scores are written once';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_written_once BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION assessments_written_once();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_written_once ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_written_once();")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_load_shipped_instruments")]
    operations = [migrations.RunPython(forwards, backwards)]
