"""Worker health for /healthz: for each kind of worker (reminders, tasks), how long since any
worker of that kind last beat, and how many beat recently, whichever machines they run on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from stepwise.reminders import conf
from stepwise.reminders.models import WorkerHeartbeat, WorkerKind


@dataclass(frozen=True)
class WorkerHealth:
    kind: str
    reported: bool  # False: no worker of this kind ever ran here and none is expected
    healthy: bool
    age_seconds: int | None
    alive: int  # workers of this kind that beat within the stale limit


def _expected(kind: str) -> bool:
    if kind == WorkerKind.REMINDERS:
        return conf.worker_expected()
    return conf.task_worker_expected()


def fleet_health(now: datetime | None = None) -> list[WorkerHealth]:
    """One entry per worker kind, in `WorkerKind` order, from one query."""
    now = now or timezone.now()
    stale = conf.worker_stale_seconds()
    rows = {
        row["kind"]: row
        for row in WorkerHeartbeat.objects.values("kind").annotate(
            last=Max("beat_at"),
            alive=Count("pk", filter=Q(beat_at__gte=now - timedelta(seconds=stale))),
        )
    }
    report = []
    for kind in WorkerKind.values:
        row = rows.get(kind)
        if row is None:
            expected = _expected(kind)
            report.append(WorkerHealth(kind, expected, not expected, None, 0))
            continue
        age = max(0, int((now - row["last"]).total_seconds()))
        report.append(WorkerHealth(kind, True, age <= stale, age, row["alive"]))
    return report


def worker_health(now: datetime | None = None) -> WorkerHealth:
    """The reminder workers' health (the kind every install runs)."""
    return fleet_health(now)[0]
