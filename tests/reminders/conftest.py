"""Shared set-up for reminder tests: homework for Carl, a worker to run, settings for channels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment
from stepwise.reminders.vapid import generate_vapid_keys
from stepwise.reminders.worker import Tally, Worker
from tests import factories
from tests.conftest import World

# Friday 20 March 2026, 09:00 in London (GMT); the clocks go forward on Sunday 29 March.
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)

# Words that must never reach a message or a log line: what the homework is about.
SECRET_TITLE = "Interoceptive exposure hierarchy"
SECRET_NOTE = "Panic attacks at the supermarket; rate SUDS before and after."


def assign_daily(
    world: World,
    start: date = TODAY,
    at: time = time(18, 0),
    client: Client | None = None,
    **schedule: Any,
) -> Assignment:
    """Carl's (or `client`'s) daily exercise under a title and note that must never leak."""
    return factories.assign_daily(
        client or world.carl_client,
        world.alice,
        start,
        title=SECRET_TITLE,
        note=SECRET_NOTE,
        at=at,
        **schedule,
    )


def run_worker(batch_size: int = 50, **kwargs: Any) -> Tally:
    return Worker(batch_size=batch_size, worker_id="test-worker", **kwargs).run_once()


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
