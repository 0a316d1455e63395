"""Homework in words and numbers for the therapist: schedules said plainly, adherence per period.

Pure functions over `schedule` values (no ORM, no request), so every case is cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from stepwise.homework.schedule import (
    Adherence,
    DueSlot,
    Frequency,
    Outcome,
    Schedule,
    adherence,
    outcome,
)

WEEKDAY_PLURALS = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


def short_date(day: date, today: date) -> str:
    """A day as people write it: "3 Dec", or "3 Dec 2027" when the year is not this one."""
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def join_words(words: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def how_often(schedule: Schedule, today: date) -> str:
    """The rhythm alone: "Daily", "3 times a week", "Mondays and Thursdays", "Every 2 weeks"."""
    frequency = schedule.frequency
    if frequency == Frequency.ONCE:
        due = schedule.due or schedule.start
        return f"Once, due {short_date(due, today)}"
    if frequency == Frequency.DAILY:
        return "Daily"
    if frequency == Frequency.TIMES_PER_WEEK:
        n = schedule.times_per_week
        return {1: "Once a week", 2: "Twice a week"}.get(n, f"{n} times a week")
    if frequency == Frequency.WEEKDAYS:
        if len(schedule.weekdays) == 7:
            return "Every day"
        return join_words([WEEKDAY_PLURALS[d] for d in sorted(schedule.weekdays)])
    n = schedule.interval_weeks
    return "Every week" if n == 1 else f"Every {n} weeks"


def describe(schedule: Schedule, today: date) -> str:
    """The rhythm with its limits: "Daily, from 3 Dec, until 20 Dec", "Every 4 weeks, 3 times"."""
    parts = [how_often(schedule, today)]
    if schedule.frequency != Frequency.ONCE:
        if schedule.start > today:
            parts.append(f"from {short_date(schedule.start, today)}")
        if schedule.end is not None:
            parts.append(f"until {short_date(schedule.end, today)}")
        if schedule.max_count is not None:
            count = schedule.max_count
            parts.append("once only" if count == 1 else f"{count} times in all")
    return ", ".join(parts)


def week_start(today: date) -> date:
    """The Monday of the client's calendar week."""
    return date.fromordinal(today.toordinal() - today.weekday())


def period_adherence(
    rows: Iterable[tuple[DueSlot, date | None]], since: date, today: date
) -> Adherence:
    """Adherence over the occurrences due from `since` on, as they stand on `today`.

    `rows` pairs each occurrence with the local day it was done (None if not done). An occurrence
    counts in the period its due date falls in; one that is open now counts in the current period
    (as open, or as on time if it was done early); one not open yet does not count.
    """
    outcomes = []
    for occurrence, done_on in rows:
        result = outcome(occurrence, done_on, today)
        if result != Outcome.UPCOMING and occurrence.due >= since:
            outcomes.append(result)
    return adherence(outcomes)


def timeliness(occurrence: DueSlot | None, done_on: date) -> str:
    """How a completion stands: "on_time", "late", or "extra" (practice beyond the schedule)."""
    if occurrence is None:
        return "extra"
    return "on_time" if outcome(occurrence, done_on, done_on) == Outcome.ON_TIME else "late"


TIMELINESS_LABELS = {"on_time": "On time", "late": "Late", "extra": "Extra practice"}


def adherence_words(figures: Adherence, *, extra: int = 0, detail: bool = False) -> str:
    """Adherence in words: "5 of 7 done, 1 open now"; `detail` adds on time, late and missed."""
    parts = []
    if figures.due:
        text = f"{figures.done} of {figures.due} done"
        if detail:
            text += f": {figures.on_time} on time, {figures.late} late, {figures.missed} missed"
        elif figures.late:
            text += f" ({figures.late} late)"
        parts.append(text)
    if figures.open:
        parts.append(f"{figures.open} open now")
    if extra:
        parts.append(f"{extra} extra practice")
    return ", ".join(parts) if parts else "Nothing due yet"
