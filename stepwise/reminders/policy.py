"""When a reminder goes out: pure time arithmetic (no ORM, no settings), tested exhaustively.

Decided cases:
- The send time is the client's local wall-clock time on the occurrence's opening day
  (`lib.tz.local_instant`: a skipped local time moves forward by the gap, a repeated one is
  taken the first time).
- The overdue nudge goes the morning after the due day, at the same local time.
- Quiet hours [start, end) may wrap midnight (22:00-07:00); a reminder falling inside them moves
  to their end. start == end means no quiet hours.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from stepwise.lib.tz import local_instant, local_today

LATE_LIMIT = {
    # How late a reminder may still go out before it is skipped as `expired` (a worker that was
    # down for a day should not send yesterday's news). Due reminders live until the due day ends.
    "overdue": timedelta(days=1),
    "feedback": timedelta(days=3),
    # A digest's counts are read when it is sent, so a late one is still true; after half a day
    # the next one is nearly due.
    "digest": timedelta(hours=12),
}


def due_send_at(opens: date, at: time, zone: str) -> datetime:
    return local_instant(opens, at, zone)


def overdue_send_at(due: date, at: time, zone: str) -> datetime:
    return local_instant(due + timedelta(days=1), at, zone)


def in_quiet_hours(moment: time, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def after_quiet_hours(
    instant: datetime, start: time | None, end: time | None, zone: str
) -> datetime:
    """`instant`, or the end of the quiet period it falls in (in UTC)."""
    local = instant.astimezone(zoneinfo.ZoneInfo(zone))
    moment = local.time().replace(tzinfo=None)
    if start is None or end is None or not in_quiet_hours(moment, start, end):
        return instant
    day = local.date()
    if start > end and moment >= start:  # the evening part of a quiet period that wraps midnight
        day += timedelta(days=1)
    return max(instant, local_instant(day, end, zone))


def backoff(attempts: int, base: timedelta) -> timedelta:
    """Wait after the `attempts`-th failed try: base, twice that, four times, … (at most a day)."""
    return min(base * (2 ** max(0, attempts - 1)), timedelta(days=1))


def due_day_over(now: datetime, due: date, zone: str) -> bool:
    return local_today(zone, now) > due
