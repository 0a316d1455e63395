"""Time zones: validation, the list offered in forms, and local-day arithmetic (DST-safe)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted, without the legacy aliases."""
    names = zoneinfo.available_timezones()
    return (*sorted(n for n in names if "/" in n and not n.startswith(("Etc/", "SystemV/"))), "UTC")


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the zone files: once per process


def is_time_zone(name: str) -> bool:
    return name in _known_zones()


def local_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time on a local day, decided for the two awkward cases.

    - A time that does not exist (the hour skipped when clocks go forward) moves forward by the
      size of the gap: 02:30 on a spring-forward night in London is sent at 03:30 local time.
    - A time that happens twice (the hour repeated when clocks go back) is taken the first time.
    """
    tz = zoneinfo.ZoneInfo(zone)
    first = datetime.combine(day, at, tzinfo=tz)  # fold=0: the earlier reading
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) == first.replace(tzinfo=None):
        return as_utc
    # Non-existent: fold=0 uses the offset from before the gap; the UTC instant it gives is the
    # wall time pushed forward by the gap, which is what we want.
    later = datetime.combine(day, at, tzinfo=tz).replace(fold=1).astimezone(UTC)
    return max(as_utc, later)


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours long on DST change days)."""
    return local_instant(day, time(0), zone), local_instant(day + timedelta(days=1), time(0), zone)


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()


def reader_zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone a person reads times in; UTC when they have none (or a name this system lost)."""
    return zoneinfo.ZoneInfo(name if name and is_time_zone(name) else "UTC")


def client_day(when: datetime, zone: str) -> date:
    """The client's local calendar day of an instant: the day their homework counts on."""
    return when.astimezone(zoneinfo.ZoneInfo(zone)).date()
