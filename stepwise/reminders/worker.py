"""Sending reminders: small idempotent steps, safe with several workers and after a crash.

The writes of each step are `stepwise/reminders/actions/delivery.py`; this module decides.

1. `requeue_expired_leases`: rows left in `sending` by a worker that died go back to pending.
2. `claim`: take a small batch of due rows (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` in a
   transaction; SQLite: the project's IMMEDIATE transactions serialise claims), mark them
   `sending` with a lease and a claim token, all in one transaction.
3. `deliver`: per channel one session (one SMTP connection per batch); for each row check it
   is still wanted, send, and record the outcome with a compare-and-set on the claim token, so a
   worker whose lease was taken over cannot overwrite the newer outcome.
4. A stop request (SIGTERM) is honoured between two sends: the rest of the batch is released
   unsent and nothing new is claimed.

Rows go to the client, to a linked caregiver (`recipient`, carer homework) or to a therapist
(`digest`); each audience has its own reasons to skip (`skip_reason`).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.utils import timezone

from stepwise.clinic.models import CaregiverLink
from stepwise.homework.models import AssignmentStatus
from stepwise.reminders import actions, conf, digest, outgoing, policy
from stepwise.reminders.actions import delivery
from stepwise.reminders.channels import (
    DeliveryError,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    channel_for,
)
from stepwise.reminders.models import (
    CaregiverPreferences,
    Channel,
    Kind,
    Reminder,
    ReminderPreferences,
)

log = logging.getLogger(__name__)

# A row planned this far in the future is put back rather than sent early.
EARLY_GRACE = timedelta(seconds=60)


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    released: int = 0
    requeued: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def __str__(self) -> str:
        return ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


# --- step 3: deciding and recording ---------------------------------------------------------


def _caregiver_skip_reason(reminder: Reminder) -> str:
    """A caregiver's row: their account, their own opt-out, and the link to the client."""
    carer = reminder.recipient
    assert carer is not None
    if not carer.is_active:
        return "no_account"
    try:
        choices = carer.caregiver_reminders
    except CaregiverPreferences.DoesNotExist:
        choices = actions.caregiver_preferences_for(carer)
    if not choices.email_enabled:
        return "channel_off"
    if not CaregiverLink.objects.filter(caregiver=carer, client=reminder.client).exists():
        return "unlinked"
    return ""


def skip_reason(reminder: Reminder, prefs: ReminderPreferences | None, now: datetime) -> str:
    """Why this reminder should not go out any more; "" when it should.

    `prefs` are the client's choices; None for a caregiver's or a therapist's row, which follow
    their own (`CaregiverPreferences`, `DigestSettings`).
    """
    if reminder.kind == Kind.DIGEST:
        return digest.skip_reason(reminder, now)
    client = reminder.client
    assert client is not None
    occurrence = reminder.occurrence
    if reminder.kind in (Kind.DUE, Kind.OVERDUE):
        if occurrence is None:
            return "dropped"
        if hasattr(occurrence, "completion"):
            return "completed"
        status = occurrence.assignment.status
        if status != AssignmentStatus.ACTIVE:
            return f"assignment_{status}"
    elif reminder.feedback_id is None:
        return "dropped"
    if client.discharged_at is not None:
        return "discharged"
    if reminder.recipient_id is not None:
        reason = _caregiver_skip_reason(reminder)
        if reason:
            return reason
    else:
        assert prefs is not None
        if prefs.paused:
            return "paused"
        if not prefs.channel_enabled(reminder.channel):
            return "channel_off"
    if reminder.kind == Kind.OVERDUE and not conf.overdue_nudge():
        return "nudge_off"
    if reminder.recipient_id is None and client.user_id is None:
        return "no_account"
    if reminder.kind == Kind.DUE and occurrence is not None:
        if policy.due_day_over(now, occurrence.due, client.time_zone):
            return "expired"
    elif now - actions.planned_send_at(reminder, prefs) > policy.LATE_LIMIT[reminder.kind]:
        return "expired"
    return ""


class Recorder:
    """Records outcomes (`actions.delivery`, each a compare-and-set on the claim token) and
    counts them; an outcome whose lease was lost is logged, not written."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.tally = Tally()

    def _held(self, reminder: Reminder, recorded: bool) -> None:
        if not recorded:
            log.warning("Reminder %s: lease lost before its outcome was recorded", reminder.pk)

    def sent(self, reminder: Reminder, provider_id: str) -> None:
        self._held(reminder, delivery.record_sent(reminder, self.token, provider_id))
        self.tally.sent += 1

    def skipped(self, reminder: Reminder, reason: str) -> None:
        self._held(reminder, delivery.record_skipped(reminder, self.token, reason))
        self.tally.skipped += 1

    def failed(self, reminder: Reminder, error: Exception) -> None:
        self._held(reminder, delivery.record_failed(reminder, self.token, _error_class(error)))
        self.tally.failed += 1
        log.warning("Reminder %s failed for good: %s", reminder.pk, _error_class(error))

    def retry_later(self, reminder: Reminder, error: Exception) -> None:
        attempts = reminder.attempts
        if attempts >= conf.max_attempts():
            self.failed(reminder, error)
            return
        send_at = timezone.now() + policy.backoff(attempts, conf.backoff_base())
        recorded = delivery.record_retry(reminder, self.token, send_at, _error_class(error))
        self._held(reminder, recorded)
        self.tally.retried += 1
        log.info("Reminder %s: attempt %d failed (%s)", reminder.pk, attempts, _error_class(error))

    def put_back(self, reminder: Reminder, send_at: datetime | None = None) -> None:
        """Unsent and not counted as an attempt: deferred (quiet hours) or released (stop)."""
        if send_at is not None:
            self.tally.deferred += 1
        else:
            self.tally.released += 1
        self._held(reminder, delivery.put_back(reminder, self.token, send_at))


def _error_class(error: Exception) -> str:
    """The class of an error for the log column: its type and, for a delivery error, the
    channel's short description (which never contains message content)."""
    if isinstance(error, DeliveryError):
        return f"{type(error).__name__}: {error}"[:80]
    return type(error).__name__[:80]


# --- step 3: sending -------------------------------------------------------------------------


def _preferences(reminder: Reminder) -> ReminderPreferences | None:
    """The client's choices for a row that goes to the client; None for anyone else's."""
    client = reminder.client
    if reminder.recipient_id is not None or client is None:
        return None
    try:
        prefs: ReminderPreferences = client.reminder_preferences
    except ReminderPreferences.DoesNotExist:
        prefs = actions.preferences_for(client)
    return prefs


def _send_one(
    channel_send: Callable[[Outgoing], str],
    reminder: Reminder,
    recorder: Recorder,
    prefs: ReminderPreferences | None,
) -> None:
    """Send to every address of the row (push: each device); one outcome for the row."""
    targets = outgoing.addresses(reminder)
    if not targets:
        recorder.skipped(reminder, "no_address")
        return
    provider_ids: list[str] = []
    temporary: Exception | None = None
    permanent: Exception | None = None
    for to in targets:
        try:
            provider_ids.append(channel_send(outgoing.build(reminder, prefs, to)))
        except PermanentFailure as exc:
            permanent = exc
            if reminder.channel == Channel.PUSH:  # that device unsubscribed or went away
                delivery.forget_push_subscription(_endpoint(to))
        except TemporaryFailure as exc:
            temporary = exc
        except Exception as exc:  # a bug or an unexpected library error: retry, and say so
            log.exception("Reminder %s: unexpected error while sending", reminder.pk)
            temporary = exc
    if provider_ids:
        recorder.sent(reminder, ",".join(provider_ids))
    elif temporary is not None:
        recorder.retry_later(reminder, temporary)
    else:
        assert permanent is not None
        recorder.failed(reminder, permanent)


def _endpoint(subscription_json: str) -> str:
    return str(json.loads(subscription_json).get("endpoint", ""))


def _still_wanted(
    reminders: list[Reminder], recorder: Recorder, now: datetime
) -> list[tuple[Reminder, ReminderPreferences | None]]:
    """Skip what is no longer relevant, put back what is early; the rest is to be sent."""
    wanted = []
    for reminder in reminders:
        prefs = _preferences(reminder)
        reason = skip_reason(reminder, prefs, now)
        if reason:
            recorder.skipped(reminder, reason)
            continue
        planned = actions.planned_send_at(reminder, prefs)
        if planned > now + EARLY_GRACE:  # quiet hours or a later time chosen since the claim
            recorder.put_back(reminder, send_at=planned)
            continue
        wanted.append((reminder, prefs))
    return wanted


def deliver(
    batch: delivery.Claim,
    keep_going: Callable[[], bool],
    clock: Callable[[], datetime] = timezone.now,
) -> Tally:
    recorder = Recorder(batch.token)
    by_channel: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in batch.reminders:
        by_channel[reminder.channel].append(reminder)
    for channel_name, reminders in by_channel.items():
        waiting = _still_wanted(reminders, recorder, clock())
        if not waiting:
            continue
        channel = channel_for(channel_name)
        try:
            with channel.session():  # email: one SMTP connection for the batch
                while waiting:
                    if not keep_going() or clock() > batch.lease_until - batch.margin:
                        break
                    reminder, prefs = waiting.pop(0)
                    _send_one(channel.send, reminder, recorder, prefs)
        except TemporaryFailure as exc:  # the session itself failed (SMTP server unreachable)
            for reminder, _ in waiting:
                recorder.retry_later(reminder, exc)
            waiting = []
        for reminder, _ in waiting:  # stopped or out of lease time: not sent, not counted
            recorder.put_back(reminder)
    return recorder.tally


# --- the loop --------------------------------------------------------------------------------


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


class Sender:
    """Sends what is due, batch after batch; the loop around it (heartbeat, upkeep, waiting) is
    `stepwise/ops/worker.py`."""

    def __init__(
        self,
        *,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=5),
        worker_id: str | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.lease = lease
        self.worker_id = worker_id or default_worker_id()
        self.started_at = timezone.now()
        self.running = True

    def stop(self) -> None:
        """Finish the current send, claim nothing new."""
        self.running = False

    def sweep(self) -> Tally:
        """Send everything due now, batch after batch, until nothing is due or asked to stop."""
        total = Tally()
        total.requeued = delivery.requeue_expired_leases(timezone.now())
        last_beat = time.monotonic()
        while self.running:
            if time.monotonic() - last_beat > 30:  # a long sweep still shows the worker alive
                delivery.beat(self.worker_id, self.started_at)
                last_beat = time.monotonic()
            batch = delivery.claim(self.worker_id, self.batch_size, self.lease, timezone.now())
            if not batch.reminders:
                break
            total.claimed += len(batch.reminders)
            outcome = deliver(batch, lambda: self.running)
            total.add(outcome)
            if outcome.released == len(batch.reminders):  # no progress (a tiny lease): pause
                break
        return total
