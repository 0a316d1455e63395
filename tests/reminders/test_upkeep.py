"""Periodic upkeep runs once across all reminder workers, whichever machines they run on; each
kind of worker (reminders, tasks) reports its heartbeat to /healthz."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.ops.upkeep import take_turn
from stepwise.ops.worker import Worker
from stepwise.reminders.models import UpkeepTurn, WorkerHeartbeat, WorkerKind


def _runs() -> dict[str, tuple[int, str]]:
    return {t.job: (t.runs, t.last_run_by) for t in UpkeepTurn.objects.all()}


def test_two_workers_run_each_upkeep_job_once(db: None) -> None:
    first, second = Worker(worker_id="host-a:1"), Worker(worker_id="host-b:1")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first.maintain()
        second.maintain()

        assert _runs() == {
            "rolling-windows": (1, "host-a:1"),
            "dashboard-figures": (1, "host-a:1"),
            "planner-statistics": (1, "host-a:1"),
            "alert-escalation": (1, "host-a:1"),
        }

        clock.shift(timedelta(seconds=61))  # the minute jobs' turn comes round; the others' not yet
        second.maintain()
        first.maintain()

    assert _runs() == {
        "rolling-windows": (1, "host-a:1"),
        "dashboard-figures": (2, "host-b:1"),
        "planner-statistics": (1, "host-a:1"),
        "alert-escalation": (2, "host-b:1"),
    }


def test_a_turn_is_taken_by_one_caller_only_until_it_comes_round_again(db: None) -> None:
    now = timezone.now()
    every = timedelta(minutes=10)

    taken = [take_turn("job", f"w{n}", every, now) for n in range(5)]

    assert taken == [True, False, False, False, False]
    assert not take_turn("job", "w9", every, now + every - timedelta(seconds=1))
    assert take_turn("job", "w9", every, now + every)


def test_a_forced_upkeep_runs_whatever_the_turns_say(db: None) -> None:
    Worker(worker_id="a").maintain()
    Worker(worker_id="b").maintain(force=True)  # `send_reminders --once`: cron, tests

    assert UpkeepTurn.objects.get(job="dashboard-figures").runs == 1  # forcing takes no turn


def _beat(worker_id: str, kind: str, seconds_ago: int) -> None:
    then = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, kind=kind, beat_at=then, started_at=then)


def test_healthz_reports_each_kind_of_worker_and_how_many_are_alive(
    db: None, client: HttpClient
) -> None:
    _beat("a:1", WorkerKind.REMINDERS, 5)
    _beat("b:1", WorkerKind.REMINDERS, 10)
    _beat("b:2", WorkerKind.REMINDERS, 4000)  # a worker that stopped long ago
    _beat("tasks:a:3", WorkerKind.TASKS, 2)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["reminder_worker"], body["reminder_workers_alive"]) == ("ok", 2)
    assert (body["task_worker"], body["task_workers_alive"]) == ("ok", 1)
    assert body["task_worker_age_seconds"] <= 5


def test_healthz_answers_503_when_the_task_workers_went_quiet(
    db: None, client: HttpClient, settings: Any
) -> None:
    settings.STEPWISE_WORKER_STALE_SECONDS = 120
    _beat("a:1", WorkerKind.REMINDERS, 5)
    _beat("tasks:a:3", WorkerKind.TASKS, 200)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["task_worker"] == "stale"
    assert response.json()["reminder_worker"] == "ok"


def test_healthz_fails_when_a_task_worker_is_expected_but_never_ran(
    db: None, client: HttpClient, settings: Any
) -> None:
    settings.STEPWISE_TASK_WORKER_EXPECTED = True

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["task_worker"] == "stale"
