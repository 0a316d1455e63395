from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _sync_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Pick up changed shipped files on every `migrate` (and after a test flush)."""
    from stepwise.library.actions.shipped import sync_shipped
    from stepwise.library.models import ExerciseDefinition, ExerciseVersion

    tables = connections[using].introspection.table_names()
    if ExerciseVersion._meta.db_table not in tables:
        return  # migrated backwards: nothing to load into
    sync_shipped(ExerciseDefinition, ExerciseVersion)


class LibraryConfig(AppConfig):
    name = "stepwise.library"
    label = "library"
    verbose_name = "Exercise library"

    def ready(self) -> None:
        post_migrate.connect(_sync_after_migrate, sender=self)
