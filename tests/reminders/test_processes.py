"""Worker processes against PostgreSQL: exactly once with four workers, a SIGKILL mid-batch,
a SIGTERM mid-send (SECURITY.md items 17-19).

These run `manage.py send_reminders` as real subprocesses, which must reach the test database:
pytest-django's SQLite test database lives in this process's memory, so on SQLite they are
skipped (the in-process tests in test_worker.py cover the same rules on both engines).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment, ItemKind, Occurrence
from stepwise.lib.tz import local_today
from stepwise.reminders import actions
from stepwise.reminders.models import Reminder, State, UpkeepTurn, WorkerHeartbeat, WorkerKind
from stepwise.reminders.worker import UPKEEP_EVERY
from tests.conftest import World
from tests.factories import exercise
from tests.fakes.providers import fake_provider
from tests.fakes.smtp import SmtpSink
from tests.processes import needs_postgres, process_env, wait_until
from tests.reminders.conftest import SECRET_NOTE, SECRET_TITLE

ROOT = Path(__file__).resolve().parents[2]


def make_due_reminders(
    world: World, count: int, channel: str = "email", client: Client | None = None
) -> list[int]:
    """`count` reminders due now for one client, made with bulk inserts (for volume tests)."""
    client = client or world.carl_client
    now = timezone.now()
    today = local_today(client.time_zone, now)
    assignment = Assignment.objects.create(
        client=client,
        kind=ItemKind.EXERCISE,
        exercise=exercise(),
        title=SECRET_TITLE,
        note=SECRET_NOTE,
        reminder_time=clock_time(0),  # today's send time has passed: all are due
        created_by=world.alice,
    )
    Occurrence.objects.bulk_create(
        Occurrence(
            assignment=assignment,
            client=client,
            key=f"bulk-{n}",
            opens=today,
            due=today + timedelta(days=1),
            ordinal=n,
        )
        for n in range(count)
    )
    actions.preferences_for(client)
    rows = [
        Reminder(
            client=client,
            occurrence=occurrence,
            kind="due",
            channel=channel,
            key=f"occ:{occurrence.pk}:{channel}:due",
            send_at=now - timedelta(minutes=1),
        )
        for occurrence in Occurrence.objects.filter(assignment=assignment)
    ]
    Reminder.objects.bulk_create(rows, batch_size=1000)
    return [r.pk for r in Reminder.objects.filter(occurrence__assignment=assignment)]


def worker_env(**extra: str) -> dict[str, str]:
    return process_env(**extra)


def smtp_env(sink: SmtpSink) -> dict[str, str]:
    return worker_env(EMAIL_BACKEND="smtp", EMAIL_HOST=sink.host, EMAIL_PORT=str(sink.port))


def sms_env(url: str) -> dict[str, str]:
    return worker_env(
        SMS_BACKEND="http",
        SMS_API_URL=url,
        SMS_ACCOUNT_SID="AC123",
        SMS_AUTH_TOKEN="secret-token",
        SMS_FROM="+15005550006",
        SMS_TIMEOUT="10",
    )


Starter = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def start_worker() -> Iterator[Starter]:
    """Start `send_reminders` processes; any still running when the test ends is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "send_reminders", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_deliver_each_of_10000_reminders_exactly_once(
    world: World, smtp_sink: SmtpSink, start_worker: Starter
) -> None:
    assert connection.vendor == "postgresql"
    ids = make_due_reminders(world, 10_000)
    env = smtp_env(smtp_sink)
    workers = [start_worker(env, "--once", "--batch", "25") for _ in range(4)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0, 0], outputs
    message_ids = Counter(m["Message-ID"] for m in smtp_sink.messages)
    assert len(message_ids) == 10_000
    assert max(message_ids.values()) == 1, "a reminder was delivered twice"
    assert Reminder.objects.filter(pk__in=ids, state=State.SENT, attempts=1).count() == 10_000
    claimed = [int(out.split("claimed ")[1].split(",")[0]) for out in outputs]
    assert sum(claimed) == 10_000
    assert sum(1 for c in claimed if c) >= 2, f"the workers did not share the work: {claimed}"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_nothing_stuck(
    world: World, start_worker: Starter
) -> None:
    Client.objects.filter(pk=world.carl_client.pk).update(mobile="+447700900123")
    prefs = actions.preferences_for(world.carl_client)
    prefs.sms_enabled = True
    prefs.save()
    ids = make_due_reminders(world, 20, channel="sms")
    with fake_provider() as provider:
        provider.stall_seconds = 0.3
        env = sms_env(provider.url)
        victim = start_worker(env, "--once", "--batch", "10", "--lease", "3")
        wait_until(lambda: provider.count() >= 3, 60, "the first sends")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        stuck = Reminder.objects.filter(pk__in=ids, state=State.SENDING).count()
        assert stuck > 0, "the kill should have left a claimed batch behind"
        time.sleep(3.5)  # the lease runs out
        provider.stall_seconds = 0
        rescuer = start_worker(env, "--once", "--batch", "10", "--lease", "3")
        output = rescuer.communicate(timeout=120)[0]
        assert rescuer.returncode == 0, output
        tokens = Counter(r["headers"]["i-twilio-idempotency-token"] for r in provider.received)
    assert Reminder.objects.filter(pk__in=ids, state=State.SENT).count() == 20
    assert not Reminder.objects.filter(state=State.SENDING).exists()
    keys = set(Reminder.objects.filter(pk__in=ids).values_list("key", flat=True))
    assert set(tokens) == keys  # every reminder reached the provider
    # A send cut off by the kill may be repeated, but only with the same idempotency key, which
    # a Twilio-compatible provider uses to drop the duplicate.
    assert sum(tokens.values()) - len(keys) <= 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_current_send_claims_nothing_new_and_exits_0(
    world: World, start_worker: Starter
) -> None:
    Client.objects.filter(pk=world.carl_client.pk).update(mobile="+447700900123")
    prefs = actions.preferences_for(world.carl_client)
    prefs.sms_enabled = True
    prefs.save()
    ids = make_due_reminders(world, 10, channel="sms")
    with fake_provider() as provider:
        provider.stall_seconds = 1.0
        worker = start_worker(sms_env(provider.url), "--loop", "--batch", "5", "--interval", "1")
        wait_until(lambda: provider.count() >= 1, 60, "the first send")
        time.sleep(0.3)  # the second send is now in flight
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
        received = provider.count()
    assert worker.returncode == 0, output
    sent = Reminder.objects.filter(pk__in=ids, state=State.SENT).count()
    assert sent == received == 2  # the one in flight was finished and recorded
    assert not Reminder.objects.filter(state=State.SENDING).exists()
    # The rest of its batch went back unsent and uncounted; the second batch was never claimed.
    assert Reminder.objects.filter(pk__in=ids, state=State.PENDING, attempts=0).count() == 8


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_run_the_periodic_upkeep_once(
    world: World, start_worker: Starter, client: HttpClient
) -> None:
    env = worker_env()
    workers = [
        start_worker(env, "--loop", "--interval", "0.2", "--worker-id", f"host-{n}:1") for n in "ab"
    ]
    wait_until(lambda: WorkerHeartbeat.objects.count() == 2, 60, "both workers to beat")
    jobs = len(UPKEEP_EVERY)
    wait_until(lambda: UpkeepTurn.objects.count() == jobs, 60, "the upkeep jobs to run")
    time.sleep(2)  # both workers loop about ten times more
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    outputs = [worker.communicate(timeout=30)[0] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    runs = {turn.job: turn.runs for turn in UpkeepTurn.objects.all()}
    assert runs == dict.fromkeys(UPKEEP_EVERY, 1)
    assert client.get("/healthz").json()["reminder_workers_alive"] == 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_task_worker_reports_its_heartbeat_to_healthz(client: HttpClient) -> None:
    worker = subprocess.run(
        [sys.executable, "manage.py", "task_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr

    beat = WorkerHeartbeat.objects.get()
    assert (beat.kind, beat.worker_id.startswith("tasks:")) == (WorkerKind.TASKS, True)
    body = client.get("/healthz").json()
    assert (body["task_worker"], body["task_workers_alive"]) == ("ok", 1)
