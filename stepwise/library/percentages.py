"""Pure arithmetic for metrics reported as a percentage of another (sleep efficiency)."""

from __future__ import annotations


def percent_of(part: float | None, whole: float | None) -> float | None:
    """`part` as a percentage of `whole`: time asleep / time in bed x 100 is sleep efficiency.

    None when either is missing, when the whole is not positive (no time in bed to divide by),
    or when the part exceeds the whole: more sleep than time in bed is an inconsistent entry,
    and showing it as over 100% would mislead, so it is left out of the chart instead.
    """
    if part is None or whole is None or whole <= 0 or part < 0 or part > whole:
        return None
    return part / whole * 100
