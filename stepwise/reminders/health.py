"""The reminder worker's health for /healthz: how long since any worker last beat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from stepwise.reminders import conf
from stepwise.reminders.models import WorkerHeartbeat


@dataclass(frozen=True)
class WorkerHealth:
    reported: bool  # False: no worker ever ran here and none is expected (nothing to say)
    healthy: bool
    age_seconds: int | None


def worker_health(now: datetime | None = None) -> WorkerHealth:
    now = now or timezone.now()
    last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        expected = conf.worker_expected()
        return WorkerHealth(reported=expected, healthy=not expected, age_seconds=None)
    age = max(0, int((now - last).total_seconds()))
    return WorkerHealth(reported=True, healthy=age <= conf.worker_stale_seconds(), age_seconds=age)
