"""The therapist's daily digest: how many submissions and alerts wait, never whose or what.

One `Reminder` row per therapist and local day (kind `digest`, key `digest:<user id>:<day>`), made
ahead by the worker's upkeep for today and tomorrow wherever the chosen time is still to come, and
sent by the worker like any reminder. The counts are taken when it is sent, so they are current;
a day with nothing waiting is skipped (`nothing_waiting`) rather than sent. The rows are written
by `stepwise/reminders/actions/digests.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from stepwise.accounts.models import User
from stepwise.assessments.results import open_alerts
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Membership
from stepwise.homework.overview import unreviewed_count
from stepwise.lib.tz import local_instant, local_today
from stepwise.reminders import policy
from stepwise.reminders.models import Channel, DigestSettings, Kind, Reminder


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


def rows_for(settings: DigestSettings, now: datetime) -> list[Reminder]:
    """The digest rows (unsaved) of today and tomorrow whose send time is still to come."""
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
