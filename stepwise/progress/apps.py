from __future__ import annotations

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Read-only: dashboards, charts, adherence and exports. Owns no data and no models."""

    name = "stepwise.progress"
    label = "progress"
    verbose_name = "Progress"
