"""Time-zone names: validation and the list offered in forms."""

from __future__ import annotations

import zoneinfo
from functools import cache


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted, without the legacy aliases."""
    names = zoneinfo.available_timezones()
    return (*sorted(n for n in names if "/" in n and not n.startswith(("Etc/", "SystemV/"))), "UTC")


def is_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()
