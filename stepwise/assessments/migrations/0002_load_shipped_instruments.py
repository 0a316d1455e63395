"""Copy the shipped instrument files into the database, so `migrate` alone makes them usable.

Later changes to the files are picked up by `manage.py load_instruments` and after every
`migrate` (a post_migrate handler runs the same idempotent step).
"""

from django.db import migrations


def load(apps, schema_editor):
    from stepwise.assessments.actions.shipped import sync_shipped_instruments

    model = apps.get_model("assessments", "InstrumentVersion")
    sync_shipped_instruments(model, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
