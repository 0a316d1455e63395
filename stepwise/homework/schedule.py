"""Homework schedules and the occurrences they expand into: pure date arithmetic, no ORM.

An occurrence is what is due on which *local* days of the client: it opens on `opens` and is due
by `due` (both inclusive, local calendar dates). Expansion is always over a bounded window, so an
open-ended schedule is never materialised all at once. A schedule edited mid-way is a list of
versions, each in force from its `effective_from` date: past occurrences keep the version they
came from; only days from the edit on follow the new one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _


class Frequency(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    TIMES_PER_WEEK = "times_per_week"
    WEEKDAYS = "weekdays"
    EVERY_N_WEEKS = "every_n_weeks"


# No date of a schedule lies further ahead than this: dates near 9999-12-31 overflow the day
# arithmetic, and a homework date years away is a typo.
HORIZON_DAYS = 5 * 366


class ScheduleError(ValueError):
    """A schedule that cannot be kept; the message says what to change."""


@dataclass(frozen=True)
class Schedule:
    frequency: Frequency
    start: date
    end: date | None = None  # last local day, inclusive
    max_count: int | None = None  # or stop after this many occurrences
    due: date | None = None  # ONCE: the due date (opens at `start`)
    times_per_week: int = 1  # TIMES_PER_WEEK: 1-7 in each 7-day period from `start`
    weekdays: frozenset[int] = field(default_factory=frozenset)  # WEEKDAYS: 0 = Monday
    interval_weeks: int = 1  # EVERY_N_WEEKS

    def validate(self, today: date | None = None) -> None:
        """Raise ScheduleError naming the problem; `today` (local) refuses past due dates."""
        if today is not None:
            horizon = today + timedelta(days=HORIZON_DAYS)
            for day in (self.start, self.due, self.end):
                if day is not None and day > horizon:
                    last = format_date(horizon, _("j F Y"))
                    text = _(
                        "Choose dates up to %(day)s: homework is planned at most five years ahead."
                    )
                    raise ScheduleError(text % {"day": last})
        if self.end is not None and self.end < self.start:
            raise ScheduleError(_("The end date is before the start date."))
        if self.max_count is not None and self.max_count < 1:
            raise ScheduleError(_("The number of times must be at least 1."))
        if self.frequency == Frequency.ONCE:
            if self.due is None:
                raise ScheduleError(_("Choose a due date."))
            if self.due < self.start:
                raise ScheduleError(_("The due date is before the start date."))
            if today is not None and self.due < today:
                raise ScheduleError(_("The due date has already passed."))
        if self.frequency == Frequency.TIMES_PER_WEEK and not 1 <= self.times_per_week <= 7:
            raise ScheduleError(_("Times per week must be from 1 to 7."))
        if self.frequency == Frequency.WEEKDAYS:
            if not self.weekdays:
                raise ScheduleError(_("Choose at least one day of the week."))
            if not self.weekdays <= set(range(7)):
                raise ScheduleError(_("Days of the week are numbered 0 (Monday) to 6 (Sunday)."))
        if self.frequency == Frequency.EVERY_N_WEEKS and not 1 <= self.interval_weeks <= 52:
            raise ScheduleError(_("Repeat every 1 to 52 weeks."))


@dataclass(frozen=True, order=True)
class DueSlot:
    opens: date
    due: date
    key: str  # stable within an assignment: the same schedule always yields the same keys
    ordinal: int  # 1-based position in the schedule version, for "end after N times"


def _weekdays_before(schedule: Schedule, day: date) -> int:
    """How many chosen weekdays fall in [start, day)."""
    days = (day - schedule.start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * len(schedule.weekdays)
    first = schedule.start.weekday()
    count += sum(1 for i in range(rest) if (first + i) % 7 in schedule.weekdays)
    return count


def _candidates(schedule: Schedule, from_day: date) -> Iterator[DueSlot]:
    """Occurrences in order, starting with the first that opens on or after `from_day`.

    Jumps straight to `from_day` (ordinals computed, not counted), so looking at next week of a
    schedule that started three years ago costs the same as looking at its first week.
    """
    start = schedule.start
    if schedule.frequency == Frequency.ONCE:
        assert schedule.due is not None
        if start >= from_day:
            yield DueSlot(start, schedule.due, f"once-{schedule.due.isoformat()}", 1)
        return
    begin = max(start, from_day)
    if schedule.frequency in (Frequency.DAILY, Frequency.WEEKDAYS):
        n = (begin - start).days if schedule.frequency == Frequency.DAILY else 0
        if schedule.frequency == Frequency.WEEKDAYS:
            n = _weekdays_before(schedule, begin)
        day = begin
        while True:
            if schedule.frequency == Frequency.DAILY or day.weekday() in schedule.weekdays:
                n += 1
                yield DueSlot(day, day, day.isoformat(), n)
            day += timedelta(days=1)
    step_weeks = schedule.interval_weeks if schedule.frequency == Frequency.EVERY_N_WEEKS else 1
    periods = -(-(begin - start).days // (7 * step_weeks))  # ceiling: first period not before
    day = start + timedelta(weeks=periods * step_weeks)
    while True:
        if schedule.frequency == Frequency.EVERY_N_WEEKS:
            # A measure can be done any day of its week; after that it is late.
            yield DueSlot(day, day + timedelta(days=6), day.isoformat(), periods + 1)
        else:  # TIMES_PER_WEEK: N flexible slots in each 7-day period counted from `start`
            for slot in range(1, schedule.times_per_week + 1):
                ordinal = periods * schedule.times_per_week + slot
                yield DueSlot(day, day + timedelta(days=6), f"{day.isoformat()}#{slot}", ordinal)
        periods += 1
        day += timedelta(weeks=step_weeks)


def expand(schedule: Schedule, window_start: date, window_end: date) -> list[DueSlot]:
    """Occurrences that open in [window_start, window_end], honouring end date and count."""
    found = []
    for occurrence in _candidates(schedule, window_start):
        if schedule.max_count is not None and occurrence.ordinal > schedule.max_count:
            break
        if schedule.end is not None and occurrence.opens > schedule.end:
            break
        if occurrence.opens > window_end:
            break
        found.append(occurrence)
    return found


@dataclass(frozen=True)
class DatedSchedule:
    effective_from: date
    schedule: Schedule


def expand_versions(
    versions: Sequence[DatedSchedule], window_start: date, window_end: date
) -> list[DueSlot]:
    """Occurrences of an edited schedule: each version rules from its date to the next one's."""
    ordered = sorted(versions, key=lambda v: v.effective_from)
    found: list[DueSlot] = []
    for index, version in enumerate(ordered):
        until = window_end
        if index + 1 < len(ordered):
            until = min(until, ordered[index + 1].effective_from - timedelta(days=1))
        since = max(window_start, version.effective_from)
        if since > until:
            continue
        found.extend(
            o for o in expand(version.schedule, since, until) if o.opens >= version.effective_from
        )
    return sorted(found)


def is_finished(schedule: Schedule, day: date) -> bool:
    """True once no occurrence can open on or after `day`."""
    if schedule.end is not None and day > schedule.end:
        return True
    if schedule.frequency == Frequency.ONCE:
        return day > schedule.start
    if schedule.max_count is not None:
        upcoming = next(iter(_candidates(schedule, day)), None)
        return upcoming is None or upcoming.ordinal > schedule.max_count
    return False


class Outcome(StrEnum):
    UPCOMING = "upcoming"  # not open yet
    DUE = "due"  # open, not done, not past due
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"


def outcome(occurrence: DueSlot, done_on: date | None, today: date) -> Outcome:
    """How an occurrence stands on local day `today`, given the local day it was done, if any."""
    if done_on is not None:
        return Outcome.ON_TIME if done_on <= occurrence.due else Outcome.LATE
    if today < occurrence.opens:
        return Outcome.UPCOMING
    if today <= occurrence.due:
        return Outcome.DUE
    return Outcome.MISSED


@dataclass(frozen=True)
class Adherence:
    due: int  # occurrences whose due date has come (done or not), plus those done early
    on_time: int
    late: int
    missed: int
    open: int  # due now, not done yet

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Done (on time or late) out of those that were due; None when nothing was due yet."""
        return None if self.due == 0 else self.done / self.due


def adherence(outcomes: Sequence[Outcome]) -> Adherence:
    on_time = sum(1 for o in outcomes if o == Outcome.ON_TIME)
    late = sum(1 for o in outcomes if o == Outcome.LATE)
    missed = sum(1 for o in outcomes if o == Outcome.MISSED)
    open_ = sum(1 for o in outcomes if o == Outcome.DUE)
    return Adherence(
        due=on_time + late + missed, on_time=on_time, late=late, missed=missed, open=open_
    )
