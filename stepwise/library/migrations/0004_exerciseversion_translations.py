"""Exercise versions keep their text in other languages; the shipped translations are loaded."""

from django.db import migrations, models


def load(apps, schema_editor):
    from stepwise.library.actions.shipped import sync_shipped

    sync_shipped(
        apps.get_model("library", "ExerciseDefinition"),
        apps.get_model("library", "ExerciseVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("library", "0003_behavioural_category")]

    operations = [
        migrations.AddField(
            model_name="exerciseversion",
            name="translations",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
