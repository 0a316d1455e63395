from __future__ import annotations

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Dashboards, charts, adherence and exports. Reads the other apps' data; its one table holds
    each client's dashboard figures, derived data that is recomputed whenever it is out of date."""

    name = "stepwise.progress"
    label = "progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from stepwise.progress import follow

        follow.connect()
