from django.db import migrations


def put_out_of_date(apps, schema_editor):
    """Rows stored in the positional layout: emptied and out of date, so the next read (or the
    worker) computes them again in the named-key layout (`stored.FiguresData`)."""
    ClientFigures = apps.get_model("progress", "ClientFigures")
    ClientFigures.objects.update(fresh_version=0, data={})


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_dashboard_columns"),
    ]

    operations = [
        migrations.RunPython(put_out_of_date, migrations.RunPython.noop, elidable=True),
    ]
