"""Writes for reminders: create the rows homework needs, keep them on time, record the client's
choices (preferences, unsubscribe, SMS STOP, push subscriptions).

Preference changes take effect for every pending reminder in two ways: `reschedule_pending()`
moves `send_at` when a time changes (preferred time, quiet hours, the client's time zone, an
assignment's reminder time), and the worker checks channels, pauses and times again just before
sending, so a change that lands between the two is never missed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from stepwise.clinic.models import Client
from stepwise.homework.models import Assignee, AssignmentStatus, Feedback, Occurrence
from stepwise.lib.tz import local_today
from stepwise.reminders import conf, policy
from stepwise.reminders.models import (
    Channel,
    Kind,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    State,
)

log = logging.getLogger(__name__)

_TOKEN_SALT = "stepwise.reminders.unsubscribe"  # noqa: S105 - an HMAC domain label, not a secret


class PreferenceError(Exception):
    """A choice that cannot be saved; the message is for the client."""


# --- unsubscribe tokens ---------------------------------------------------------------------


def _token(client_id: int, salt: str) -> str:
    return salted_hmac(_TOKEN_SALT, f"{client_id}:{salt}", algorithm="sha256").hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(preferences: ReminderPreferences) -> str:
    return _token(preferences.client_id, preferences.unsubscribe_salt)


def preferences_for_token(token: str) -> ReminderPreferences | None:
    if not token or len(token) > 128:
        return None
    found = (
        ReminderPreferences.objects.filter(unsubscribe_token_hash=_hash(token))
        .select_related("client")
        .first()
    )
    # The hash matched, so the token is right unless SECRET_KEY changed since it was made.
    if found is None or not secrets.compare_digest(unsubscribe_token(found), token):
        return None
    return found


def _new_preferences(client_id: int) -> ReminderPreferences:
    salt = secrets.token_hex(16)
    return ReminderPreferences(
        client_id=client_id,
        unsubscribe_salt=salt,
        unsubscribe_token_hash=_hash(_token(client_id, salt)),
    )


def preferences_for(client: Client) -> ReminderPreferences:
    return preferences_by_client([client.pk])[client.pk]


def preferences_by_client(client_ids: Iterable[int]) -> dict[int, ReminderPreferences]:
    """Each client's preferences, creating the default ones (email on) where none exist yet."""
    ids = set(client_ids)
    found = {p.client_id: p for p in ReminderPreferences.objects.filter(client_id__in=ids)}
    missing = ids - set(found)
    if missing:
        ReminderPreferences.objects.bulk_create(
            [_new_preferences(cid) for cid in sorted(missing)], ignore_conflicts=True
        )
        found.update(
            {p.client_id: p for p in ReminderPreferences.objects.filter(client_id__in=missing)}
        )
    return found


# --- when ----------------------------------------------------------------------------------


def enabled_channels(preferences: ReminderPreferences) -> list[str]:
    return [c for c in Channel.values if preferences.channel_enabled(c)]


def reminder_time(preferences: ReminderPreferences, assignment_time: time) -> time:
    return preferences.preferred_time or assignment_time


def planned_send_at(reminder: Reminder, preferences: ReminderPreferences) -> datetime:
    """When this reminder should go out under the client's current choices (UTC).

    Needs `reminder.client` and, for homework kinds, `reminder.occurrence.assignment` loaded.
    """
    zone = reminder.client.time_zone
    occurrence = reminder.occurrence
    if reminder.kind == Kind.FEEDBACK or occurrence is None:
        base = reminder.created_at
    else:
        at = reminder_time(preferences, occurrence.assignment.reminder_time)
        if reminder.kind == Kind.DUE:
            base = policy.due_send_at(occurrence.opens, at, zone)
        else:
            base = policy.overdue_send_at(occurrence.due, at, zone)
    return policy.after_quiet_hours(base, preferences.quiet_start, preferences.quiet_end, zone)


# --- creating reminders --------------------------------------------------------------------


def _occurrence_rows(
    occurrences: Iterable[Occurrence],
    preferences: dict[int, ReminderPreferences],
    now: datetime,
) -> list[Reminder]:
    nudge = conf.overdue_nudge()
    rows: list[Reminder] = []
    for occurrence in occurrences:
        client = occurrence.assignment.client
        prefs = preferences[client.pk]
        at = reminder_time(prefs, occurrence.assignment.reminder_time)
        zone = client.time_zone
        when = {Kind.DUE: policy.due_send_at(occurrence.opens, at, zone)}
        if nudge:
            when[Kind.OVERDUE] = policy.overdue_send_at(occurrence.due, at, zone)
        for kind, instant in when.items():
            send_at = policy.after_quiet_hours(instant, prefs.quiet_start, prefs.quiet_end, zone)
            if send_at < now:  # its moment passed before the homework existed: not sent late
                continue
            for channel in enabled_channels(prefs):
                rows.append(
                    Reminder(
                        client_id=client.pk,
                        occurrence=occurrence,
                        kind=kind,
                        channel=channel,
                        key=f"occ:{occurrence.pk}:{channel}:{kind}",
                        send_at=send_at,
                    )
                )
    return rows


def _open_occurrences(**filters: object) -> Iterable[Occurrence]:
    return (
        Occurrence.objects.filter(
            completion__isnull=True,
            assignment__status=AssignmentStatus.ACTIVE,
            assignment__assignee=Assignee.CLIENT,  # carers' reminders: a later step
            assignment__client__discharged_at__isnull=True,
            **filters,
        )
        .select_related("assignment__client")
        .order_by("opens", "id")
    )


def create_for_occurrences(
    assignment_ids: Sequence[int], opens_from: date, until: date, now: datetime | None = None
) -> int:
    """Reminder rows for the occurrences of these assignments opening in [opens_from, until].

    Called inside the transaction that made the occurrences; existing keys are left alone.
    """
    now = now or timezone.now()
    occurrences = list(
        _open_occurrences(assignment_id__in=assignment_ids, opens__gte=opens_from, opens__lte=until)
    )
    if not occurrences:
        return 0
    preferences = preferences_by_client({o.assignment.client_id for o in occurrences})
    rows = _occurrence_rows(occurrences, preferences, now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def add_missing_reminders(client: Client, now: datetime | None = None) -> int:
    """After a channel is turned on: rows for the client's open occurrences still ahead."""
    now = now or timezone.now()
    today = local_today(client.time_zone, now)
    occurrences = list(_open_occurrences(client=client, due__gte=today - timedelta(days=1)))
    if not occurrences:
        return 0
    rows = _occurrence_rows(occurrences, {client.pk: preferences_for(client)}, now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def create_for_feedback(feedback: Feedback, now: datetime | None = None) -> int:
    """ "You have a new note": one row per enabled channel, sent now (or after quiet hours)."""
    now = now or timezone.now()
    completion = feedback.completion
    if completion.assignment.assignee != Assignee.CLIENT:  # carers' reminders: a later step
        return 0
    client = Client.objects.get(pk=completion.client_id)
    if client.discharged_at is not None:
        return 0
    prefs = preferences_for(client)
    send_at = policy.after_quiet_hours(now, prefs.quiet_start, prefs.quiet_end, client.time_zone)
    rows = [
        Reminder(
            client=client,
            feedback=feedback,
            kind=Kind.FEEDBACK,
            channel=channel,
            key=f"fb:{feedback.pk}:{channel}:{Kind.FEEDBACK}",
            send_at=send_at,
            created_at=now,
        )
        for channel in enabled_channels(prefs)
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reschedule_pending(client: Client) -> int:
    """Recompute `send_at` of the client's pending reminders (a time or time zone changed)."""
    prefs = preferences_for(client)
    pending = list(
        Reminder.objects.filter(client=client, state=State.PENDING).select_related(
            "occurrence__assignment"
        )
    )
    changed = []
    for reminder in pending:
        reminder.client = client
        planned = planned_send_at(reminder, prefs)
        if planned != reminder.send_at and reminder.attempts == 0:  # retries keep their backoff
            reminder.send_at = planned
            changed.append(reminder)
    Reminder.objects.bulk_update(changed, ["send_at"], batch_size=500)
    return len(changed)


# --- the client's choices ------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    email: bool
    sms: bool
    preferred_time: time | None
    quiet_start: time | None
    quiet_end: time | None
    paused: bool


def _set_channel(prefs: ReminderPreferences, channel: str, on: bool, now: datetime) -> None:
    if on and not prefs.channel_enabled(channel):
        setattr(prefs, f"{channel}_consent_at", now)
    elif not on:
        setattr(prefs, f"{channel}_consent_at", None)
    setattr(prefs, f"{channel}_enabled", on)


def save_preferences(client: Client, choices: Choices) -> ReminderPreferences:
    if choices.sms and not client.mobile:
        raise PreferenceError(
            "Text messages need a mobile number on your record; ask your therapist to add it."
        )
    if (choices.quiet_start is None) != (choices.quiet_end is None):
        raise PreferenceError("Give both a start and an end for quiet hours, or neither.")
    now = timezone.now()
    with transaction.atomic():
        prefs = preferences_for(client)
        _set_channel(prefs, Channel.EMAIL, choices.email, now)
        _set_channel(prefs, Channel.SMS, choices.sms, now)
        prefs.preferred_time = choices.preferred_time
        prefs.quiet_start, prefs.quiet_end = choices.quiet_start, choices.quiet_end
        prefs.paused = choices.paused
        prefs.updated_at = now
        prefs.save()
        add_missing_reminders(client, now)
        reschedule_pending(client)
    return prefs


def unsubscribe_email(prefs: ReminderPreferences) -> None:
    """One-click unsubscribe: email off; pending emails are skipped when their time comes."""
    _set_channel(prefs, Channel.EMAIL, False, timezone.now())
    prefs.updated_at = timezone.now()
    prefs.save(update_fields=["email_enabled", "email_consent_at", "updated_at"])
    log.info("Email reminders turned off by unsubscribe link for client %s", prefs.client_id)


STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"})


def stop_sms(number: str) -> int:
    """An SMS "STOP" from this number: text reminders off for every client with it."""
    client_ids = list(Client.objects.filter(mobile=number).values_list("pk", flat=True))
    if not client_ids:
        return 0
    preferences_by_client(client_ids)
    changed = ReminderPreferences.objects.filter(client_id__in=client_ids).update(
        sms_enabled=False, sms_consent_at=None, updated_at=timezone.now()
    )
    log.info("SMS reminders turned off by STOP for %d client(s)", changed)
    return changed


def _acceptable_push_endpoint(endpoint: str) -> bool:
    """Push services are public HTTPS endpoints; refuse anything that points inwards."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname or len(endpoint) > 1000:
        return False
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return address.is_global


def subscribe_push(client: Client, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    if not _acceptable_push_endpoint(endpoint):
        raise PreferenceError("That push subscription is not one we can use.")
    if not (0 < len(p256dh) <= 200 and 0 < len(auth) <= 100):
        raise PreferenceError("That push subscription is not one we can use.")
    now = timezone.now()
    with transaction.atomic():
        PushSubscription.objects.filter(endpoint=endpoint).exclude(client=client).delete()
        subscription, _ = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"client": client, "p256dh": p256dh, "auth": auth}
        )
        prefs = preferences_for(client)
        _set_channel(prefs, Channel.PUSH, True, now)
        prefs.updated_at = now
        prefs.save(update_fields=["push_enabled", "push_consent_at", "updated_at"])
        add_missing_reminders(client, now)
    return subscription


def unsubscribe_push(client: Client, endpoint: str) -> None:
    with transaction.atomic():
        PushSubscription.objects.filter(client=client, endpoint=endpoint).delete()
        if not PushSubscription.objects.filter(client=client).exists():
            prefs = preferences_for(client)
            _set_channel(prefs, Channel.PUSH, False, timezone.now())
            prefs.save(update_fields=["push_enabled", "push_consent_at"])
