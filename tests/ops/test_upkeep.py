"""The ops scheduler: each upkeep job runs once per period across every worker of the fleet."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from stepwise.ops.upkeep import JOBS, UPKEEP_EVERY, Job, run_upkeep
from stepwise.reminders.models import UpkeepTurn


def _recording_job(name: str, every: timedelta, seen: list[tuple[str, str]]) -> Job:
    def first(now: datetime) -> None:
        seen.append((name, "first"))

    def second(now: datetime) -> None:
        seen.append((name, "second"))

    return Job(name, every, (first, second))


def test_a_job_runs_once_per_period_whichever_workers_ask(db: None) -> None:
    seen: list[tuple[str, str]] = []
    jobs = [_recording_job("every-minute", timedelta(minutes=1), seen)]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ran = [run_upkeep(f"host-{n}:1", jobs=jobs) for n in range(4)]
        assert ran == [["every-minute"], [], [], []]

        clock.shift(timedelta(seconds=59))
        assert run_upkeep("host-2:1", jobs=jobs) == []  # not yet a minute

        clock.shift(timedelta(seconds=1))
        assert run_upkeep("host-3:1", jobs=jobs) == ["every-minute"]
        assert run_upkeep("host-0:1", jobs=jobs) == []

    assert seen == [("every-minute", "first"), ("every-minute", "second")] * 2
    turn = UpkeepTurn.objects.get(job="every-minute")
    assert (turn.runs, turn.last_run_by) == (2, "host-3:1")


def test_each_job_keeps_its_own_period(db: None) -> None:
    seen: list[tuple[str, str]] = []
    jobs = [
        _recording_job("fast", timedelta(minutes=1), seen),
        _recording_job("slow", timedelta(hours=1), seen),
    ]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert run_upkeep("a", jobs=jobs) == ["fast", "slow"]
        clock.shift(timedelta(minutes=1))
        assert run_upkeep("b", jobs=jobs) == ["fast"]


def test_forcing_runs_every_job_and_takes_no_turn(db: None) -> None:
    seen: list[tuple[str, str]] = []
    jobs = [_recording_job("job", timedelta(minutes=10), seen)]

    assert run_upkeep("a", jobs=jobs) == ["job"]
    assert run_upkeep("b", jobs=jobs, force=True) == ["job"]

    assert len(seen) == 4
    assert UpkeepTurn.objects.get(job="job").runs == 1


def test_the_fleet_jobs_are_each_apps_upkeep_actions() -> None:
    owners = {job.name: [f"{a.__module__}.{a.__name__}" for a in job.actions] for job in JOBS}

    assert owners == {
        "rolling-windows": [
            "stepwise.homework.actions.upkeep.extend_rolling_windows",
            "stepwise.reminders.actions.digests.schedule_digests",
        ],
        "dashboard-figures": ["stepwise.progress.stored.refresh_out_of_date"],
        "planner-statistics": ["stepwise.ops.upkeep._planner_statistics"],
        "alert-escalation": ["stepwise.assessments.actions.escalation.escalate_due_alerts"],
    }
    assert UPKEEP_EVERY["dashboard-figures"] == timedelta(minutes=1)


def test_send_reminders_once_beats_and_runs_the_upkeep_from_ops(db: None) -> None:
    """`manage.py send_reminders` (cron's `--once`, serve's `--loop`) is ops's worker loop."""
    from io import StringIO

    from django.core.management import call_command, get_commands

    from stepwise.reminders.models import WorkerHeartbeat

    assert get_commands()["send_reminders"] == "stepwise.ops"
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    out = StringIO()
    try:
        call_command("send_reminders", "--once", "--worker-id", "cron:1", stdout=out)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    assert out.getvalue().startswith("Reminders: claimed 0")
    assert WorkerHeartbeat.objects.filter(worker_id="cron:1").exists()
    assert not UpkeepTurn.objects.exists()  # forced: every job ran, no turn was taken
