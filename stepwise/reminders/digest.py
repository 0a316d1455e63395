"""The therapist's daily digest: how many submissions and alerts wait, never whose or what.

One `Reminder` row per therapist and local day (kind `digest`, key `digest:<user id>:<day>`), made
ahead by the worker's upkeep for today and tomorrow wherever the chosen time is still to come, and
sent by the worker like any reminder. The counts are taken when it is sent, so they are current;
a day with nothing waiting is skipped (`nothing_waiting`) rather than sent.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from stepwise.accounts.models import User
from stepwise.assessments.results import open_alerts
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Membership
from stepwise.homework.overview import unreviewed_count
from stepwise.lib.tz import local_instant, local_today
from stepwise.reminders import policy
from stepwise.reminders.models import Channel, DigestSettings, Kind, Reminder, State

log = logging.getLogger(__name__)


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def day_of(reminder: Reminder) -> date:
    """The therapist's local day a digest row is for (kept in its key)."""
    return date.fromisoformat(reminder.key.rsplit(":", 1)[1])


@dataclass(frozen=True)
class DigestCounts:
    submissions: int  # homework handed in on the caseload, not reviewed yet
    alerts: int  # critical answers on the caseload nobody has acknowledged

    @property
    def empty(self) -> bool:
        return not (self.submissions or self.alerts)


def counts_for(user: User) -> DigestCounts:
    """The same numbers as the Review badge and the dashboard's alert queue (two queries)."""
    return DigestCounts(
        submissions=unreviewed_count(user),
        alerts=open_alerts(caseload_for(user)).count(),
    )


def _rows(settings: DigestSettings, now: datetime) -> list[Reminder]:
    zone = settings.user.time_zone
    today = local_today(zone, now)
    rows = []
    for day in (today, today + timedelta(days=1)):
        send_at = local_instant(day, settings.send_time, zone)
        if send_at < now:  # the time passed before the row could exist: not sent late
            continue
        rows.append(
            Reminder(
                recipient=settings.user,
                kind=Kind.DIGEST,
                channel=Channel.EMAIL,
                key=digest_key(settings.user_id, day),
                send_at=send_at,
                created_at=now,
            )
        )
    return rows


def schedule_digests(now: datetime, user_ids: Iterable[int] | None = None) -> int:
    """Rows for today's and tomorrow's digest of every therapist who turned it on. Idempotent."""
    chosen = DigestSettings.objects.filter(
        enabled=True, user__is_active=True, user__membership__isnull=False
    ).select_related("user")
    if user_ids is not None:
        chosen = chosen.filter(user_id__in=list(user_ids))
    rows: list[Reminder] = []
    for settings in chosen:
        try:
            rows += _rows(settings, now)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # one bad zone must not stop all
            log.warning("Digest of user %s not scheduled: unknown time zone", settings.user_id)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reschedule(user: User, now: datetime) -> None:
    """After a change of time, time zone, or on/off: unsent, untried days are made again."""
    Reminder.objects.filter(
        kind=Kind.DIGEST, recipient=user, state=State.PENDING, attempts=0
    ).delete()
    schedule_digests(now, user_ids=[user.pk])


def _settings(user: User) -> DigestSettings | None:
    try:
        return user.digest_settings
    except DigestSettings.DoesNotExist:
        return None


def planned_send_at(reminder: Reminder) -> datetime:
    """When this digest should go out under the therapist's current time and time zone."""
    user = reminder.recipient
    settings = _settings(user) if user is not None else None
    if user is None or settings is None:
        return reminder.send_at
    return local_instant(day_of(reminder), settings.send_time, user.time_zone)


def skip_reason(reminder: Reminder, now: datetime) -> str:
    """Why this digest should not go out; "" when it should."""
    user = reminder.recipient
    if user is None or not user.is_active:
        return "no_account"
    settings = _settings(user)
    if settings is None or not settings.enabled:
        return "digest_off"
    if not Membership.objects.filter(user=user).exists():
        return "not_therapist"
    if now - planned_send_at(reminder) > policy.LATE_LIMIT[Kind.DIGEST]:
        return "expired"
    if counts_for(user).empty:
        return "nothing_waiting"
    return ""
