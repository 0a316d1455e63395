"""Writes for reminders: create the rows homework needs, keep them on time, record people's
choices (the client's preferences, unsubscribe, SMS STOP, push subscriptions; a caregiver's email
opt-out; a therapist's digest), and make or revoke a client's private calendar link.

Every change that decides what is due when (an assignment's reminder time, schedule, pause,
resume or end; the client's time zone, discharge, channels, preferred time or quiet hours) is
followed by `reschedule_assignment()` / `reschedule_client()` in the same transaction, called by
name from these actions or, for homework and clinic (which must not import reminders), from the
named domain signals they send (`reminders.follow`). One rule: the pending rows become exactly
those a fresh assignment with today's settings would make (still ahead), minus any already sent.
The worker checks channels, pauses and times again just before sending, so a change that lands
between the two (a queryset `.update()`) is never missed.

Beside this module: `delivery` (the worker's leases, claims and outcomes, its heartbeat) and
`digests` (the therapist's daily digest rows).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from stepwise.accounts.models import User
from stepwise.clinic.models import CaregiverLink, Client
from stepwise.homework.models import Assignee, Assignment, AssignmentStatus, Feedback, Occurrence
from stepwise.lib import outbound
from stepwise.lib.tz import local_today
from stepwise.reminders import conf, digest, ics, policy
from stepwise.reminders.actions.digests import reschedule_digests
from stepwise.reminders.models import (
    CalendarFeed,
    CaregiverPreferences,
    Channel,
    DigestSettings,
    Kind,
    PushSubscription,
    Reminder,
    ReminderPreferences,
    State,
)

log = logging.getLogger(__name__)

_TOKEN_SALT = "stepwise.reminders.unsubscribe"  # noqa: S105 - an HMAC domain label, not a secret
_CAREGIVER_TOKEN_SALT = "stepwise.reminders.unsubscribe.caregiver"  # noqa: S105 - likewise


class PreferenceError(Exception):
    """A choice that cannot be saved; the message is for the client."""


# --- unsubscribe tokens ---------------------------------------------------------------------


def _token(client_id: int, salt: str, label: str = _TOKEN_SALT) -> str:
    return salted_hmac(label, f"{client_id}:{salt}", algorithm="sha256").hexdigest()


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


def planned_send_at(reminder: Reminder, preferences: ReminderPreferences | None) -> datetime:
    """When this reminder should go out under the current choices (UTC).

    Needs `reminder.client` and, for homework kinds, `reminder.occurrence.assignment` loaded.
    `preferences` are the client's; a caregiver's or a therapist's row takes None. A caregiver's
    reminder goes at the assignment's reminder time in the client's time zone (the days of an
    occurrence are the client's days); the client's preferred time and quiet hours are the
    client's own and do not move it.
    """
    if reminder.kind == Kind.DIGEST:
        return digest.planned_send_at(reminder)
    client = reminder.client
    assert client is not None
    zone = client.time_zone
    occurrence = reminder.occurrence
    for_client = reminder.recipient_id is None and preferences is not None
    if reminder.kind == Kind.FEEDBACK or occurrence is None:
        base = reminder.created_at
    else:
        at = occurrence.assignment.reminder_time
        if for_client:
            assert preferences is not None
            at = reminder_time(preferences, at)
        if reminder.kind == Kind.DUE:
            base = policy.due_send_at(occurrence.opens, at, zone)
        else:
            base = policy.overdue_send_at(occurrence.due, at, zone)
    if not for_client:
        return base
    assert preferences is not None
    return policy.after_quiet_hours(base, preferences.quiet_start, preferences.quiet_end, zone)


# --- creating reminders --------------------------------------------------------------------


def _occurrence_rows(
    occurrences: Iterable[Occurrence],
    preferences: dict[int, ReminderPreferences],
    now: datetime | None,
) -> list[Reminder]:
    """The client's rows for these occurrences under the current choices; with `now`, only
    those still ahead (a moment that passed before the homework existed is not sent late)."""
    nudge = conf.overdue_nudge()
    rows: list[Reminder] = []
    for occurrence in occurrences:
        if occurrence.assignment.assignee != Assignee.CLIENT:
            continue
        client = occurrence.assignment.client
        prefs = preferences[client.pk]
        at = reminder_time(prefs, occurrence.assignment.reminder_time)
        zone = client.time_zone
        when = {Kind.DUE: policy.due_send_at(occurrence.opens, at, zone)}
        if nudge:
            when[Kind.OVERDUE] = policy.overdue_send_at(occurrence.due, at, zone)
        for kind, instant in when.items():
            send_at = policy.after_quiet_hours(instant, prefs.quiet_start, prefs.quiet_end, zone)
            if now is not None and send_at < now:
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


def _caregiver_rows(occurrences: Iterable[Occurrence], now: datetime | None) -> list[Reminder]:
    """Email rows for each linked caregiver who has not opted out, for homework assigned to the
    caregiver: at the assignment's reminder time on the client's local day (no quiet hours)."""
    occurrences = [o for o in occurrences if o.assignment.assignee == Assignee.CAREGIVER]
    if not occurrences:
        return []
    carers = caregivers_by_client({o.assignment.client_id for o in occurrences})
    nudge = conf.overdue_nudge()
    rows: list[Reminder] = []
    for occurrence in occurrences:
        client = occurrence.assignment.client
        at = occurrence.assignment.reminder_time
        zone = client.time_zone
        when = {Kind.DUE: policy.due_send_at(occurrence.opens, at, zone)}
        if nudge:
            when[Kind.OVERDUE] = policy.overdue_send_at(occurrence.due, at, zone)
        for kind, send_at in when.items():
            if now is not None and send_at < now:
                continue
            for carer in carers.get(client.pk, []):
                rows.append(
                    Reminder(
                        client_id=client.pk,
                        recipient=carer,
                        occurrence=occurrence,
                        kind=kind,
                        channel=Channel.EMAIL,
                        key=f"occ:{occurrence.pk}:{Channel.EMAIL}:{kind}:cg{carer.pk}",
                        send_at=send_at,
                    )
                )
    return rows


def _open_occurrences(**filters: object) -> Iterable[Occurrence]:
    return (
        Occurrence.objects.filter(
            completion__isnull=True,
            assignment__status=AssignmentStatus.ACTIVE,
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
    rows: list[Reminder] = []
    own = {o.assignment.client_id for o in occurrences if o.assignment.assignee == Assignee.CLIENT}
    if own:
        rows += _occurrence_rows(occurrences, preferences_by_client(own), now)
    rows += _caregiver_rows(occurrences, now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def add_missing_reminders(client: Client, now: datetime | None = None) -> int:
    """After a channel is turned on: rows for the client's open occurrences still ahead."""
    return reschedule_client(client, now).created


def add_missing_caregiver_reminders(caregiver: User, now: datetime | None = None) -> int:
    """After a caregiver is linked or turns email back on: rows for open carer homework ahead."""
    now = now or timezone.now()
    occurrences = list(
        _open_occurrences(
            client__caregiver_links__caregiver=caregiver,
            assignment__assignee=Assignee.CAREGIVER,
            due__gte=now.date() - timedelta(days=2),  # the client's today is near UTC's
        )
    )
    rows = [r for r in _caregiver_rows(occurrences, now) if r.recipient_id == caregiver.pk]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def create_for_feedback(feedback: Feedback, now: datetime | None = None) -> int:
    """ "You have a new note": one row per enabled channel, sent now (or after quiet hours).

    Feedback on carer homework goes to each linked caregiver by email instead.
    """
    now = now or timezone.now()
    completion = feedback.completion
    client = Client.objects.get(pk=completion.client_id)
    if client.discharged_at is not None:
        return 0
    if completion.assignment.assignee == Assignee.CAREGIVER:
        carers = caregivers_by_client([client.pk]).get(client.pk, [])
        rows = [
            Reminder(
                client=client,
                recipient=carer,
                feedback=feedback,
                kind=Kind.FEEDBACK,
                channel=Channel.EMAIL,
                key=f"fb:{feedback.pk}:{Channel.EMAIL}:{Kind.FEEDBACK}:cg{carer.pk}",
                send_at=now,
                created_at=now,
            )
            for carer in carers
        ]
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)
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


# --- following changes ----------------------------------------------------------------------

_HOMEWORK_KINDS = (Kind.DUE, Kind.OVERDUE)


@dataclass
class Rescheduled:
    created: int = 0
    moved: int = 0
    cancelled: int = 0

    def __iadd__(self, other: Rescheduled) -> Rescheduled:
        self.created += other.created
        self.moved += other.moved
        self.cancelled += other.cancelled
        return self


def _planned(assignment: Assignment, prefs: ReminderPreferences | None) -> dict[str, Reminder]:
    """Every reminder row the assignment's open occurrences call for under the current settings,
    past or future, by key. Occurrences due more than two days ago have nothing left to send
    (the overdue nudge goes the day after the due day, quiet hours move it less than a day)."""
    client = assignment.client
    if not assignment.is_active or client.discharged_at is not None:
        return {}
    today = local_today(client.time_zone, timezone.now())
    occurrences = list(_open_occurrences(assignment=assignment, due__gte=today - timedelta(days=2)))
    for occurrence in occurrences:
        occurrence.assignment = assignment  # the caller's copy, with its client
    if assignment.assignee == Assignee.CLIENT:
        assert prefs is not None
        rows = _occurrence_rows(occurrences, {client.pk: prefs}, None)
    else:
        rows = _caregiver_rows(occurrences, None)
    return {row.key: row for row in rows}


def _cancel(rows: Sequence[Reminder], reason: str) -> int:
    """Unsent rows no longer wanted. A row never tried is only a plan and goes; one waiting for a
    retry has a delivery history and is marked not sent, with why."""
    never_tried = [r.pk for r in rows if r.attempts == 0]
    tried = [r.pk for r in rows if r.attempts > 0]
    Reminder.objects.filter(pk__in=never_tried, state=State.PENDING).delete()
    Reminder.objects.filter(pk__in=tried, state=State.PENDING).update(
        state=State.SKIPPED, skip_reason=reason
    )
    return len(rows)


def _why_not(assignment: Assignment) -> str:
    if assignment.client.discharged_at is not None:
        return "discharged"
    if not assignment.is_active:
        return f"assignment_{assignment.status}"
    return "rescheduled"


def reschedule_assignment(
    assignment: Assignment,
    now: datetime | None = None,
    prefs: ReminderPreferences | None = None,
) -> Rescheduled:
    """Make the assignment's unsent reminders what its current settings call for.

    Rows the settings call for are created when still ahead; pending rows move to their new time
    (a moment now in the past cancels them); pending rows no longer called for (a paused, ended
    or rescheduled occurrence, a channel turned off) are cancelled. A row already sent, failed
    or skipped is never touched or made again. Call inside the transaction of the change.
    """
    now = now or timezone.now()
    if prefs is None and assignment.assignee == Assignee.CLIENT:
        prefs = preferences_for(assignment.client)
    wanted = _planned(assignment, prefs)
    existing = {
        row.key: row
        for row in Reminder.objects.filter(
            Q(state=State.PENDING) | Q(key__in=list(wanted)),
            occurrence__assignment_id=assignment.pk,
            kind__in=_HOMEWORK_KINDS,
        ).only("pk", "key", "state", "send_at", "attempts")
    }
    done = Rescheduled()
    create = [row for key, row in wanted.items() if key not in existing and row.send_at >= now]
    Reminder.objects.bulk_create(create, ignore_conflicts=True, batch_size=500)
    done.created = len(create)
    moved: list[Reminder] = []
    unwanted: list[Reminder] = []
    for key, row in existing.items():
        if row.state != State.PENDING:
            continue  # sent, failed or skipped: never again
        plan = wanted.get(key)
        if plan is None or (plan.send_at != row.send_at and plan.send_at < now):
            unwanted.append(row)
        elif plan.send_at != row.send_at and row.attempts == 0:  # retries keep their backoff
            row.send_at = plan.send_at
            moved.append(row)
    Reminder.objects.bulk_update(moved, ["send_at"], batch_size=500)
    done.moved = len(moved)
    done.cancelled = _cancel(unwanted, _why_not(assignment))
    done.cancelled += _cancel_dropped(assignment.client)
    return done


def _cancel_dropped(client: Client) -> int:
    """Pending rows whose occurrence a schedule edit or a pause removed."""
    dropped = list(
        Reminder.objects.filter(
            client=client,
            state=State.PENDING,
            kind__in=_HOMEWORK_KINDS,
            occurrence__isnull=True,
        ).only("pk", "attempts")
    )
    return _cancel(dropped, "dropped")


def reschedule_client(client: Client, now: datetime | None = None) -> Rescheduled:
    """After a change to the client (time zone, discharge, channels, preferred time, quiet hours):
    every assignment's reminders as `reschedule_assignment()` makes them, and pending feedback
    notes at the time the quiet hours now allow."""
    now = now or timezone.now()
    prefs = preferences_for(client)
    with_pending = Reminder.objects.filter(
        client=client, state=State.PENDING, occurrence__isnull=False
    ).values("occurrence__assignment_id")
    assignments = Assignment.objects.filter(
        Q(status=AssignmentStatus.ACTIVE) | Q(pk__in=with_pending), client=client
    )
    done = Rescheduled()
    for assignment in assignments:
        assignment.client = client
        done += reschedule_assignment(assignment, now, prefs)
    feedback = list(
        Reminder.objects.filter(
            client=client, state=State.PENDING, kind=Kind.FEEDBACK, recipient__isnull=True
        )
    )
    moved = []
    for reminder in feedback:
        reminder.client = client
        planned = planned_send_at(reminder, prefs)
        if planned != reminder.send_at and reminder.attempts == 0:
            reminder.send_at = planned
            moved.append(reminder)
    Reminder.objects.bulk_update(moved, ["send_at"], batch_size=500)
    done.moved += len(moved)
    return done


# --- the client's choices ------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    email: bool
    sms: bool
    preferred_time: time | None
    quiet_start: time | None
    quiet_end: time | None
    paused: bool


def _set_channel(
    prefs: ReminderPreferences | CaregiverPreferences, channel: str, on: bool, now: datetime
) -> None:
    """Turn one channel on or off; consent is stamped when it goes on, cleared when it goes off."""
    if on and not getattr(prefs, f"{channel}_enabled"):
        setattr(prefs, f"{channel}_consent_at", now)
    elif not on:
        setattr(prefs, f"{channel}_consent_at", None)
    setattr(prefs, f"{channel}_enabled", on)


def save_preferences(client: Client, choices: Choices) -> ReminderPreferences:
    if choices.sms and not client.mobile:
        raise PreferenceError(
            gettext(
                "Text messages need a mobile number on your record; ask your therapist to add it."
            )
        )
    if (choices.quiet_start is None) != (choices.quiet_end is None):
        raise PreferenceError(gettext("Give both a start and an end for quiet hours, or neither."))
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
        reschedule_client(client, now)
    return prefs


def unsubscribe_email(prefs: ReminderPreferences) -> None:
    """One-click unsubscribe: email off, and the pending emails cancelled."""
    with transaction.atomic():
        _set_channel(prefs, Channel.EMAIL, False, timezone.now())
        prefs.updated_at = timezone.now()
        prefs.save(update_fields=["email_enabled", "email_consent_at", "updated_at"])
        reschedule_client(prefs.client)
    log.info("Email reminders turned off by unsubscribe link for client %s", prefs.client_id)


STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"}
    # A Spanish-speaking client may answer in Spanish though the message names STOP.
    | {"PARAR", "DETENER", "CANCELAR", "BAJA"}
)


def stop_sms(number: str) -> int:
    """An SMS "STOP" from this number: text reminders off for every client with it."""
    client_ids = list(Client.objects.filter(mobile=number).values_list("pk", flat=True))
    if not client_ids:
        return 0
    preferences_by_client(client_ids)
    with transaction.atomic():
        changed = ReminderPreferences.objects.filter(client_id__in=client_ids).update(
            sms_enabled=False, sms_consent_at=None, updated_at=timezone.now()
        )
        for client in Client.objects.filter(pk__in=client_ids):
            reschedule_client(client)
    log.info("SMS reminders turned off by STOP for %d client(s)", changed)
    return changed


def subscribe_push(client: Client, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    # Resolved now and again at every send (a name's DNS answer can change): the worker must
    # never be pointed at a host inside the network.
    try:
        conf.check_push_endpoint(endpoint)
    except (outbound.UnsafeAddress, outbound.Unresolvable):
        raise PreferenceError(gettext("That push subscription is not one we can use.")) from None
    if not (0 < len(p256dh) <= 200 and 0 < len(auth) <= 100):
        raise PreferenceError(gettext("That push subscription is not one we can use."))
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
        reschedule_client(client, now)
    return subscription


def unsubscribe_push(client: Client, endpoint: str) -> None:
    with transaction.atomic():
        PushSubscription.objects.filter(client=client, endpoint=endpoint).delete()
        if not PushSubscription.objects.filter(client=client).exists():
            now = timezone.now()
            prefs = preferences_for(client)
            _set_channel(prefs, Channel.PUSH, False, now)
            prefs.updated_at = now
            prefs.save(update_fields=["push_enabled", "push_consent_at", "updated_at"])
            reschedule_client(client, now)


# --- caregivers ------------------------------------------------------------------------------


def caregiver_unsubscribe_token(preferences: CaregiverPreferences) -> str:
    return _token(preferences.user_id, preferences.unsubscribe_salt, _CAREGIVER_TOKEN_SALT)


def caregiver_preferences_for_token(token: str) -> CaregiverPreferences | None:
    if not token or len(token) > 128:
        return None
    found = (
        CaregiverPreferences.objects.filter(unsubscribe_token_hash=_hash(token))
        .select_related("user")
        .first()
    )
    if found is None or not secrets.compare_digest(caregiver_unsubscribe_token(found), token):
        return None
    return found


def _new_caregiver_preferences(user_id: int) -> CaregiverPreferences:
    salt = secrets.token_hex(16)
    return CaregiverPreferences(
        user_id=user_id,
        unsubscribe_salt=salt,
        unsubscribe_token_hash=_hash(_token(user_id, salt, _CAREGIVER_TOKEN_SALT)),
    )


def caregiver_preferences_by_user(user_ids: Iterable[int]) -> dict[int, CaregiverPreferences]:
    """Each caregiver's choices, creating the default ones (email on) where none exist yet."""
    ids = set(user_ids)
    found = {p.user_id: p for p in CaregiverPreferences.objects.filter(user_id__in=ids)}
    missing = ids - set(found)
    if missing:
        CaregiverPreferences.objects.bulk_create(
            [_new_caregiver_preferences(uid) for uid in sorted(missing)], ignore_conflicts=True
        )
        found.update(
            {p.user_id: p for p in CaregiverPreferences.objects.filter(user_id__in=missing)}
        )
    return found


def caregiver_preferences_for(user: User) -> CaregiverPreferences:
    return caregiver_preferences_by_user([user.pk])[user.pk]


def caregivers_by_client(client_ids: Iterable[int]) -> dict[int, list[User]]:
    """The linked caregivers each client's carer homework reminds: active accounts with an
    email address that have not turned reminder emails off."""
    links = list(
        CaregiverLink.objects.filter(client_id__in=set(client_ids), caregiver__is_active=True)
        .select_related("caregiver")
        .order_by("pk")
    )
    choices = caregiver_preferences_by_user({link.caregiver_id for link in links})
    found: dict[int, list[User]] = defaultdict(list)
    for link in links:
        if link.caregiver.email and choices[link.caregiver_id].email_enabled:
            found[link.client_id].append(link.caregiver)
    return dict(found)


def save_caregiver_preferences(user: User, email: bool) -> CaregiverPreferences:
    now = timezone.now()
    with transaction.atomic():
        prefs = caregiver_preferences_for(user)
        _set_channel(prefs, Channel.EMAIL, email, now)
        prefs.updated_at = now
        prefs.save(update_fields=["email_enabled", "email_consent_at", "updated_at"])
        if email:
            add_missing_caregiver_reminders(user, now)
    return prefs


def unsubscribe_caregiver_email(prefs: CaregiverPreferences) -> None:
    """One-click unsubscribe from a carer reminder: that caregiver's emails off."""
    now = timezone.now()
    _set_channel(prefs, Channel.EMAIL, False, now)
    prefs.updated_at = now
    prefs.save(update_fields=["email_enabled", "email_consent_at", "updated_at"])
    log.info("Caregiver reminder emails turned off by unsubscribe link for user %s", prefs.user_id)


# --- the therapist's digest ------------------------------------------------------------------


def digest_settings_for(user: User) -> DigestSettings:
    """The therapist's digest settings (unsaved defaults, off, when never chosen)."""
    return DigestSettings.objects.filter(user=user).first() or DigestSettings(user=user)


def save_digest_settings(user: User, *, enabled: bool, send_time: time) -> DigestSettings:
    """Turn the daily digest on or off, or move it; unsent days follow at once."""
    now = timezone.now()
    with transaction.atomic():
        settings, _ = DigestSettings.objects.update_or_create(
            user=user, defaults={"enabled": enabled, "send_time": send_time, "updated_at": now}
        )
        reschedule_digests(user, now)
    return settings


# --- the private calendar feed ---------------------------------------------------------------


def live_calendar_feed(client: Client) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(client=client, revoked_at__isnull=True).first()


def create_calendar_feed(client: Client, now: datetime | None = None) -> str:
    """A new calendar link for the client (any earlier one stops working); returns its token,
    which is shown to the client once and kept only as a hash."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
        CalendarFeed.objects.create(client=client, token_hash=_hash(token), created_at=now)
    log.info("Calendar link made for client %s", client.pk)
    return token


def revoke_calendar_feed(client: Client, now: datetime | None = None) -> int:
    revoked = CalendarFeed.objects.filter(client=client, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    if revoked:
        log.info("Calendar link turned off for client %s", client.pk)
    return revoked


def open_calendar_feed(
    token: str, now: datetime | None = None
) -> tuple[CalendarFeed, bytes] | None:
    """The live feed a token names and its calendar, with the fetch noted; None: no such feed
    (wrong, revoked, or the client was discharged)."""
    if not token or len(token) > 128:
        return None
    now = now or timezone.now()
    feed = (
        CalendarFeed.objects.filter(
            token_hash=_hash(token), revoked_at__isnull=True, client__discharged_at__isnull=True
        )
        .select_related("client")
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    return feed, ics.render_feed(feed.client, now)
