"""The reminder worker's writes: leases, claims, outcomes, heartbeats, dead push subscriptions.

Each step is small and idempotent, safe with several workers and after a crash (the loop that
calls them, and what it decides, is `stepwise/reminders/worker.py`):

- `requeue_expired_leases`: rows left in `sending` by a worker that died go back to pending.
- `claim`: take a small batch of due rows (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` in a
  transaction; SQLite: the project's IMMEDIATE transactions serialise claims), mark them
  `sending` with a lease and a claim token, all in one transaction.
- `record_*` and `put_back`: an outcome, written with a compare-and-set on the claim token, so a
  worker whose lease was taken over cannot overwrite the newer outcome (False: the lease was
  lost).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stepwise.reminders.models import (
    PushSubscription,
    Reminder,
    State,
    WorkerHeartbeat,
    WorkerKind,
)

# Stop sending a claimed batch this long before its lease runs out (at most a fifth of it).
LEASE_MARGIN = timedelta(seconds=15)


def requeue_expired_leases(now: datetime) -> int:
    """A worker that died mid-batch leaves rows in `sending`; after the lease they go back."""
    return Reminder.objects.filter(state=State.SENDING, lease_until__lt=now).update(
        state=State.PENDING, lease_until=None, lease_token=""
    )


@dataclass(frozen=True)
class Claim:
    token: str
    lease_until: datetime
    reminders: list[Reminder]
    margin: timedelta = LEASE_MARGIN


def claim(worker_id: str, size: int, lease: timedelta, now: datetime) -> Claim:
    token = f"{worker_id}:{uuid.uuid4().hex[:12]}"[-40:]
    lease_until = now + lease
    with transaction.atomic():
        ids = list(
            Reminder.objects.filter(state=State.PENDING, send_at__lte=now)
            .order_by("send_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids, state=State.PENDING).update(
                state=State.SENDING,
                lease_until=lease_until,
                lease_token=token,
                attempts=F("attempts") + 1,
            )
    reminders = list(
        Reminder.objects.filter(pk__in=ids, state=State.SENDING, lease_token=token)
        .select_related(
            "client__user",
            "client__reminder_preferences",
            "recipient__caregiver_reminders",
            "recipient__digest_settings",
            "occurrence__assignment",
            "occurrence__completion",
        )
        .order_by("send_at", "pk")
    )
    return Claim(token, lease_until, reminders, min(LEASE_MARGIN, lease / 5))


def _while_claimed(reminder: Reminder, token: str, **values: object) -> bool:
    """Write an outcome only while this claim still holds the row (0 rows: the lease was lost)."""
    changed = Reminder.objects.filter(
        pk=reminder.pk, state=State.SENDING, lease_token=token
    ).update(**values)
    return bool(changed)


def record_sent(reminder: Reminder, token: str, provider_id: str) -> bool:
    return _while_claimed(
        reminder,
        token,
        state=State.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:200],
        last_error="",
        lease_until=None,
    )


def record_skipped(reminder: Reminder, token: str, reason: str) -> bool:
    return _while_claimed(
        reminder, token, state=State.SKIPPED, skip_reason=reason, lease_until=None
    )


def record_failed(reminder: Reminder, token: str, error: str) -> bool:
    """Failed for good; `error` is the error's class (never message content)."""
    return _while_claimed(reminder, token, state=State.FAILED, last_error=error, lease_until=None)


def record_retry(reminder: Reminder, token: str, send_at: datetime, error: str) -> bool:
    """Pending again, to be tried at `send_at`; the attempt counts."""
    return _while_claimed(
        reminder,
        token,
        state=State.PENDING,
        send_at=send_at,
        last_error=error,
        lease_until=None,
        lease_token="",
    )


def put_back(reminder: Reminder, token: str, send_at: datetime | None = None) -> bool:
    """Unsent and not counted as an attempt: deferred to `send_at` (quiet hours) or released
    (a stop request, or out of lease time)."""
    values: dict[str, object] = {
        "state": State.PENDING,
        "attempts": F("attempts") - 1,
        "lease_until": None,
        "lease_token": "",
    }
    if send_at is not None:
        values["send_at"] = send_at
    return _while_claimed(reminder, token, **values)


def forget_push_subscription(endpoint: str) -> None:
    """That device unsubscribed or went away (the push service said so for good)."""
    PushSubscription.objects.filter(endpoint=endpoint).delete()


def beat(worker_id: str, started_at: datetime, kind: str = WorkerKind.REMINDERS) -> None:
    """This worker process is alive (for /healthz)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"beat_at": now, "started_at": started_at, "kind": kind}
    )
