"""Load the shipped exercise files, so `migrate` alone gives a working library.

Runs the same idempotent sync as `manage.py load_library`, on the historical models.
"""

from django.db import migrations


def load(apps, schema_editor):
    from stepwise.library.actions.shipped import sync_shipped

    sync_shipped(
        apps.get_model("library", "ExerciseDefinition"),
        apps.get_model("library", "ExerciseVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
