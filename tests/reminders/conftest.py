"""Shared set-up for reminder tests: homework for Carl, a worker to run, settings for channels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine

from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition
from stepwise.reminders.vapid import generate_vapid_keys
from stepwise.reminders.worker import Tally, Worker
from tests.conftest import World

# Friday 20 March 2026, 09:00 in London (GMT); the clocks go forward on Sunday 29 March.
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)

# Words that must never reach a message or a log line: what the homework is about.
SECRET_TITLE = "Interoceptive exposure hierarchy"
SECRET_NOTE = "Panic attacks at the supermarket; rate SUDS before and after."


def exercise(slug: str = "daily-mood-check-in") -> ExerciseDefinition:
    return ExerciseDefinition.objects.get(slug=slug, practice__isnull=True)


def assign_daily(
    world: World,
    start: date = TODAY,
    at: time = time(18, 0),
    client: Any = None,
    **schedule: Any,
) -> Assignment:
    chosen = exercise()
    return assigning.assign(
        client=client or world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=chosen, title=SECRET_TITLE),
        schedule=Schedule(Frequency.DAILY, start, **schedule),
        reminder_time=at,
        note=SECRET_NOTE,
    )


def run_worker(batch_size: int = 50, **kwargs: Any) -> Tally:
    return Worker(batch_size=batch_size, worker_id="test-worker", **kwargs).run_once()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def sms_settings(settings: Any) -> Any:
    settings.SMS_BACKEND = "http"
    settings.SMS_ACCOUNT_SID = "AC123"
    settings.SMS_AUTH_TOKEN = "secret-token"
    settings.SMS_FROM = "+15005550006"
    settings.SMS_TIMEOUT = 1
    return settings


@pytest.fixture
def vapid(settings: Any) -> Any:
    keys = generate_vapid_keys()
    settings.VAPID_PRIVATE_KEY = keys.private
    settings.VAPID_PUBLIC_KEY = keys.public
    settings.VAPID_SUBJECT = "mailto:ops@stepwise.example"
    settings.SMS_TIMEOUT = 2
    # The fake push service listens on loopback over http: allowed for these tests only.
    settings.STEPWISE_PUSH_ALLOW_PRIVATE = True
    return settings


@pytest.fixture(autouse=True)
def reminder_site(settings: Any) -> None:
    settings.SITE_URL = "https://stepwise.example"
