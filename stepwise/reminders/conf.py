"""Reminder settings, read at call time (tests override them per test).

Every value and its default is in `stepwise/settings.py` (parsed from the environment there);
nothing here has a default of its own.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from stepwise.lib import outbound


def overdue_nudge() -> bool:
    """One gentle nudge the morning after the due day (STEPWISE_OVERDUE_NUDGE, default on)."""
    return bool(settings.STEPWISE_OVERDUE_NUDGE)


def max_attempts() -> int:
    """Tries before a temporary failure becomes `failed` (STEPWISE_REMINDER_MAX_ATTEMPTS)."""
    return int(settings.STEPWISE_REMINDER_MAX_ATTEMPTS)


def backoff_base() -> timedelta:
    """The first retry waits this long, then twice as long each time (1, 2, 4, … minutes)."""
    return timedelta(seconds=int(settings.STEPWISE_REMINDER_BACKOFF_SECONDS))


def worker_stale_seconds() -> int:
    return int(settings.STEPWISE_WORKER_STALE_SECONDS)


def worker_expected() -> bool:
    """Whether /healthz should fail before any heartbeat was written (a production install)."""
    return bool(settings.STEPWISE_WORKER_EXPECTED)


def task_worker_expected() -> bool:
    """Whether /healthz should fail before any task worker (`manage.py task_worker`) beat."""
    return bool(settings.STEPWISE_TASK_WORKER_EXPECTED)


def sms_inbound_secret() -> str:
    return str(settings.SMS_INBOUND_SECRET)


def push_allow_private() -> bool:
    """Let push reach plain http and non-public addresses (STEPWISE_PUSH_ALLOW_PRIVATE): only for
    tests against a fake push service on loopback; settings refuse it in production."""
    return bool(settings.STEPWISE_PUSH_ALLOW_PRIVATE)


def push_services() -> list[str]:
    """Push service hosts (or parent domains) subscriptions may name (STEPWISE_PUSH_SERVICES);
    empty: any public https host."""
    return list(settings.STEPWISE_PUSH_SERVICES)


def check_push_endpoint(endpoint: str) -> None:
    """Raise `UnsafeAddress` (or `Unresolvable`) unless `endpoint` is a public push service."""
    outbound.check_url(endpoint, allow_private=push_allow_private(), allowed_hosts=push_services())
