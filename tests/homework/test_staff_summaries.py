"""Homework in words and adherence per period: the pure functions behind the therapist's pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stepwise.homework.schedule import Adherence, DueSlot, Frequency, Schedule
from stepwise.homework.summaries import (
    adherence_words,
    describe,
    how_often,
    period_adherence,
    timeliness,
    week_start,
)

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        (Schedule(Frequency.DAILY, TODAY), "Daily"),
        (Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=3), "3 times a week"),
        (Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=1), "Once a week"),
        (Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=2), "Twice a week"),
        (
            Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({3, 0})),
            "Mondays and Thursdays",
        ),
        (
            Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 2, 4})),
            "Mondays, Wednesdays and Fridays",
        ),
        (Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset(range(7))), "Every day"),
        (Schedule(Frequency.EVERY_N_WEEKS, TODAY, interval_weeks=2), "Every 2 weeks"),
        (Schedule(Frequency.EVERY_N_WEEKS, TODAY), "Every week"),
        (Schedule(Frequency.ONCE, TODAY, due=date(2026, 12, 3)), "Once, due 3 Dec"),
        (Schedule(Frequency.ONCE, TODAY, due=date(2027, 1, 4)), "Once, due 4 Jan 2027"),
    ],
)
def test_a_schedule_in_words(schedule: Schedule, words: str) -> None:
    assert how_often(schedule, TODAY) == words
    assert describe(schedule, TODAY) == words


def test_the_words_name_a_future_start_an_end_and_a_count() -> None:
    later = Schedule(Frequency.DAILY, date(2026, 12, 1), end=date(2026, 12, 20))
    counted = Schedule(Frequency.EVERY_N_WEEKS, TODAY, interval_weeks=4, max_count=3)
    single = Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=3, max_count=1)

    assert describe(later, TODAY) == "Daily, from 1 Dec, until 20 Dec"
    assert describe(counted, TODAY) == "Every 4 weeks, 3 times in all"
    assert describe(single, TODAY) == "3 times a week, once only"


def test_the_week_starts_on_monday() -> None:
    assert week_start(TODAY) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)


def daily(day: date) -> DueSlot:
    return DueSlot(day, day, day.isoformat(), 1)


def test_adherence_counts_by_due_date_and_leaves_the_future_out() -> None:
    monday = week_start(TODAY)
    rows = [
        (daily(TODAY - timedelta(days=7)), None),  # last week, missed: not this week
        (daily(monday), monday),  # on time
        (daily(monday + timedelta(days=1)), monday + timedelta(days=2)),  # late
        (daily(monday + timedelta(days=2)), None),  # missed
        (daily(TODAY), None),  # open now
        (daily(TODAY + timedelta(days=1)), None),  # not open yet
    ]

    week = period_adherence(rows, monday, TODAY)

    assert week == Adherence(due=3, on_time=1, late=1, missed=1, open=1)
    assert week.done == 2
    whole = period_adherence(rows, TODAY - timedelta(days=29), TODAY)
    assert (whole.due, whole.missed) == (4, 2)


def test_a_weekly_item_open_now_counts_this_week_and_done_early_counts_as_on_time() -> None:
    weekly = DueSlot(TODAY - timedelta(days=2), TODAY + timedelta(days=4), "w", 1)
    assert period_adherence([(weekly, None)], week_start(TODAY), TODAY) == Adherence(0, 0, 0, 0, 1)
    assert period_adherence([(weekly, TODAY)], week_start(TODAY), TODAY) == Adherence(1, 1, 0, 0, 0)


def test_timeliness_of_a_completion() -> None:
    assert timeliness(None, TODAY) == "extra"
    assert timeliness(daily(TODAY), TODAY) == "on_time"
    assert timeliness(daily(TODAY - timedelta(days=1)), TODAY) == "late"


@pytest.mark.parametrize(
    ("figures", "extra", "detail", "words"),
    [
        (Adherence(0, 0, 0, 0, 0), 0, False, "Nothing due yet"),
        (Adherence(0, 0, 0, 0, 1), 0, False, "1 open now"),
        (Adherence(7, 4, 1, 2, 0), 0, False, "5 of 7 done (1 late)"),
        (Adherence(7, 5, 0, 2, 1), 2, False, "5 of 7 done, 1 open now, 2 extra practice"),
        (Adherence(7, 4, 1, 2, 0), 0, True, "5 of 7 done: 4 on time, 1 late, 2 missed"),
    ],
)
def test_adherence_in_words(figures: Adherence, extra: int, detail: bool, words: str) -> None:
    assert adherence_words(figures, extra=extra, detail=detail) == words
