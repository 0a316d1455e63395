"""Reminder settings with their defaults, read at call time (tests override them per test).

The environment parsing belongs in `stepwise/settings.py`; until a value is set there, the
default here applies.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from stepwise.lib import outbound


def overdue_nudge() -> bool:
    """One gentle nudge the morning after the due day (STEPWISE_OVERDUE_NUDGE, default on)."""
    return bool(getattr(settings, "STEPWISE_OVERDUE_NUDGE", True))


def max_attempts() -> int:
    """Tries before a temporary failure becomes `failed` (STEPWISE_REMINDER_MAX_ATTEMPTS)."""
    return int(getattr(settings, "STEPWISE_REMINDER_MAX_ATTEMPTS", 6))


def backoff_base() -> timedelta:
    """The first retry waits this long, then twice as long each time (1, 2, 4, … minutes)."""
    return timedelta(seconds=int(getattr(settings, "STEPWISE_REMINDER_BACKOFF_SECONDS", 60)))


def worker_stale_seconds() -> int:
    return int(getattr(settings, "STEPWISE_WORKER_STALE_SECONDS", 300))


def worker_expected() -> bool:
    """Whether /healthz should fail before any heartbeat was written (a production install)."""
    return bool(getattr(settings, "STEPWISE_WORKER_EXPECTED", False))


def task_worker_expected() -> bool:
    """Whether /healthz should fail before any task worker (`manage.py task_worker`) beat."""
    return bool(getattr(settings, "STEPWISE_TASK_WORKER_EXPECTED", False))


def sms_inbound_secret() -> str:
    return str(getattr(settings, "SMS_INBOUND_SECRET", ""))


def push_allow_private() -> bool:
    """Let push reach plain http and non-public addresses (STEPWISE_PUSH_ALLOW_PRIVATE): only for
    tests against a fake push service on loopback; settings refuse it in production."""
    return bool(getattr(settings, "STEPWISE_PUSH_ALLOW_PRIVATE", False))


def push_services() -> list[str]:
    """Push service hosts (or parent domains) subscriptions may name (STEPWISE_PUSH_SERVICES);
    empty: any public https host."""
    return list(getattr(settings, "STEPWISE_PUSH_SERVICES", []))


def check_push_endpoint(endpoint: str) -> None:
    """Raise `UnsafeAddress` (or `Unresolvable`) unless `endpoint` is a public push service."""
    outbound.check_url(endpoint, allow_private=push_allow_private(), allowed_hosts=push_services())
