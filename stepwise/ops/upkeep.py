"""Periodic upkeep: one list of jobs, each an app's own upkeep action, run once across the fleet.

Every worker (`manage.py send_reminders`, started by `manage.py serve`), on every machine, asks
`take_turn(job, ...)` for each job on each turn of its loop (`stepwise/ops/worker.py`). The turn
is a compare-and-set on the job's row: `UPDATE ... SET due_at = now + every WHERE due_at <= now`.
One statement, so exactly one worker's update matches (PostgreSQL re-checks the condition on
the row a concurrent update left; SQLite runs one writer at a time), and it holds no lock or
session state between statements, so it works behind a transaction-mode pooler. A worker that
dies during a job loses only that run: the jobs are idempotent and the next turn comes round
after `every`.

The jobs live in their apps (homework extends windows, reminders plans digests, progress
refreshes figures, assessments escalates alerts, `lib.db` gives SQLite statistics); ops sits
above them all, so only ops knows the list and no app imports another for upkeep's sake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from stepwise.assessments.actions.escalation import escalate_due_alerts
from stepwise.homework.actions.upkeep import extend_rolling_windows
from stepwise.lib.db import refresh_planner_statistics
from stepwise.progress.stored import refresh_out_of_date
from stepwise.reminders.actions.digests import schedule_digests
from stepwise.reminders.models import UpkeepTurn

Action = Callable[[datetime], object]


@dataclass(frozen=True)
class Job:
    name: str  # the job's row in `reminders_upkeepturn`
    every: timedelta  # across all workers together
    actions: Sequence[Action]  # run in order, each given the same `now`


def _planner_statistics(now: datetime) -> None:
    refresh_planner_statistics()


JOBS: tuple[Job, ...] = (
    # Occurrences two weeks ahead (homework), then the therapists' digests (reminders).
    Job("rolling-windows", timedelta(minutes=10), (extend_rolling_windows, schedule_digests)),
    # The dashboard's stored figures, ready before a therapist opens it on a new day.
    Job("dashboard-figures", timedelta(minutes=1), (refresh_out_of_date,)),
    # SQLite ANALYZE (nothing on PostgreSQL).
    Job("planner-statistics", timedelta(hours=1), (_planner_statistics,)),
    # Alerts nobody acknowledged in time go to the practice's admins (idempotent).
    Job("alert-escalation", timedelta(minutes=1), (escalate_due_alerts,)),
)

# How often each job runs, across all workers together.
UPKEEP_EVERY: dict[str, timedelta] = {job.name: job.every for job in JOBS}


def take_turn(job: str, worker_id: str, every: timedelta, now: datetime) -> bool:
    """True when this worker is the one to run `job` now; the next turn is `every` later."""
    UpkeepTurn.objects.get_or_create(job=job, defaults={"due_at": now})
    won = UpkeepTurn.objects.filter(job=job, due_at__lte=now).update(
        due_at=now + every, last_run_by=worker_id[:80], last_run_at=now, runs=F("runs") + 1
    )
    return won == 1


def run_upkeep(worker_id: str, *, force: bool = False, jobs: Sequence[Job] = JOBS) -> list[str]:
    """Run each job whose turn this worker takes (every job when `force`d: `--once`, cron,
    tests; forcing takes no turn). Returns the names of the jobs run."""
    ran = []
    for job in jobs:
        if force or take_turn(job.name, worker_id, job.every, timezone.now()):
            for action in job.actions:
                action(timezone.now())
            ran.append(job.name)
    return ran
