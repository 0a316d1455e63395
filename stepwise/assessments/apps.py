from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db.models.signals import post_migrate


def _load_shipped_instruments(
    sender: AppConfig, using: str = "default", apps: Apps | None = None, **kwargs: Any
) -> None:
    """After every `migrate` (and every test-database flush), the shipped files are in the DB."""
    if apps is None:  # `flush` sends the signal without the migration state
        from django.apps import apps as installed

        apps = installed
    try:
        model = apps.get_model("assessments", "InstrumentVersion")
    except LookupError:  # migrated backwards past the model
        return
    from stepwise.assessments.actions.shipped import sync_shipped_instruments

    sync_shipped_instruments(model, using=using)


class AssessmentsConfig(AppConfig):
    name = "stepwise.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        post_migrate.connect(
            _load_shipped_instruments, sender=self, dispatch_uid="assessments.load_instruments"
        )
