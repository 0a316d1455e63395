"""Periodic upkeep runs once across the fleet: whichever worker takes a job's turn runs it.

Every reminder worker, on every machine, asks `take_turn(job, ...)` each loop. The turn is a
compare-and-set on the job's row: `UPDATE ... SET due_at = now + every WHERE due_at <= now`.
One statement, so exactly one worker's update matches (PostgreSQL re-checks the condition on
the row a concurrent update left; SQLite runs one writer at a time), and it holds no lock or
session state between statements, so it works behind a transaction-mode pooler. A worker that
dies during a job loses only that run: the jobs are idempotent and the next turn comes round
after `every`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from stepwise.reminders.models import UpkeepTurn


def take_turn(job: str, worker_id: str, every: timedelta, now: datetime) -> bool:
    """True when this worker is the one to run `job` now; the next turn is `every` later."""
    UpkeepTurn.objects.get_or_create(job=job, defaults={"due_at": now})
    won = UpkeepTurn.objects.filter(job=job, due_at__lte=now).update(
        due_at=now + every, last_run_by=worker_id[:80], last_run_at=now, runs=F("runs") + 1
    )
    return won == 1
