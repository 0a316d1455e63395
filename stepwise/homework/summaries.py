"""Homework in words and numbers for the therapist: schedules said plainly, adherence per period.

Pure functions over `schedule` values (no ORM, no request), so every case is cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

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
    pgettext_lazy("every week on", "Mondays"),
    pgettext_lazy("every week on", "Tuesdays"),
    pgettext_lazy("every week on", "Wednesdays"),
    pgettext_lazy("every week on", "Thursdays"),
    pgettext_lazy("every week on", "Fridays"),
    pgettext_lazy("every week on", "Saturdays"),
    pgettext_lazy("every week on", "Sundays"),
)


def short_date(day: date, today: date) -> str:
    """A day as people write it: "3 Dec", or "3 Dec 2027" when the year is not this one (the
    month's name in the active language)."""
    if day.year == today.year:
        # Translators: a day and month of a date, as Django's date filter writes it.
        return format_date(day, _("j M"))
    # Translators: a day, month and year, as Django's date filter writes it.
    return format_date(day, _("j M Y"))


def join_words(words: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def how_often(schedule: Schedule, today: date) -> str:
    """The rhythm alone: "Daily", "3 times a week", "Mondays and Thursdays", "Every 2 weeks"."""
    frequency = schedule.frequency
    if frequency == Frequency.ONCE:
        due = schedule.due or schedule.start
        return _("Once, due %(day)s") % {"day": short_date(due, today)}
    if frequency == Frequency.DAILY:
        return _("Daily")
    if frequency == Frequency.TIMES_PER_WEEK:
        n = schedule.times_per_week
        if n == 1:
            return _("Once a week")
        if n == 2:
            return _("Twice a week")
        return ngettext("%(n)d time a week", "%(n)d times a week", n) % {"n": n}
    if frequency == Frequency.WEEKDAYS:
        if len(schedule.weekdays) == 7:
            return _("Every day")
        return capfirst(join_words([str(WEEKDAY_PLURALS[d]) for d in sorted(schedule.weekdays)]))
    n = schedule.interval_weeks
    if n == 1:
        return _("Every week")
    return ngettext("Every %(n)d week", "Every %(n)d weeks", n) % {"n": n}


def describe(schedule: Schedule, today: date) -> str:
    """The rhythm with its limits: "Daily, from 3 Dec, until 20 Dec", "Every 4 weeks, 3 times"."""
    parts = [how_often(schedule, today)]
    if schedule.frequency != Frequency.ONCE:
        if schedule.start > today:
            parts.append(_("from %(day)s") % {"day": short_date(schedule.start, today)})
        if schedule.end is not None:
            parts.append(_("until %(day)s") % {"day": short_date(schedule.end, today)})
        if schedule.max_count is not None:
            count = schedule.max_count
            if count == 1:
                parts.append(_("once only"))
            else:
                parts.append(
                    ngettext("%(n)d time in all", "%(n)d times in all", count) % {"n": count}
                )
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


TIMELINESS_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "extra": gettext_lazy("Extra practice"),
}


def adherence_words(figures: Adherence, *, extra: int = 0, detail: bool = False) -> str:
    """Adherence in words: "5 of 7 done, 1 open now"; `detail` adds on time, late and missed."""
    parts = []
    if figures.due:
        numbers = {"done": figures.done, "due": figures.due, "on_time": figures.on_time}
        numbers.update(late=figures.late, missed=figures.missed)
        if detail:
            text = _(
                "%(done)d of %(due)d done: %(on_time)d on time, %(late)d late, %(missed)d missed"
            )
        elif figures.late:
            text = _("%(done)d of %(due)d done (%(late)d late)")
        else:
            text = _("%(done)d of %(due)d done")
        parts.append(text % numbers)
    if figures.open:
        parts.append(_("%(n)d open now") % {"n": figures.open})
    if extra:
        parts.append(ngettext("%(n)d extra practice", "%(n)d extra practice", extra) % {"n": extra})
    return ", ".join(parts) if parts else _("Nothing due yet")
