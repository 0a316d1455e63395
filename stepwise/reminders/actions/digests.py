"""The therapist's daily digest rows: made ahead for today and tomorrow, made again on a change.

What a digest counts, when it goes and when it is skipped is `stepwise/reminders/digest.py`.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from datetime import datetime

from stepwise.accounts.models import User
from stepwise.reminders.digest import rows_for
from stepwise.reminders.models import DigestSettings, Kind, Reminder, State

log = logging.getLogger(__name__)


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
            rows += rows_for(settings, now)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # one bad zone must not stop all
            log.warning("Digest of user %s not scheduled: unknown time zone", settings.user_id)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reschedule_digests(user: User, now: datetime) -> None:
    """After a change of time, time zone, or on/off: unsent, untried days are made again."""
    Reminder.objects.filter(
        kind=Kind.DIGEST, recipient=user, state=State.PENDING, attempts=0
    ).delete()
    schedule_digests(now, user_ids=[user.pk])
