"""Schedules expand into local-day occurrences: exhaustively, across edits, DST and moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepwise.homework.schedule import (
    DatedSchedule,
    DueSlot,
    Frequency,
    Outcome,
    Schedule,
    ScheduleError,
    adherence,
    expand,
    expand_versions,
    is_finished,
    outcome,
)
from stepwise.lib.tz import local_day_bounds, local_instant, local_today

MON = date(2026, 11, 2)  # a Monday


def days(occurrences: list[DueSlot]) -> list[date]:
    return [o.opens for o in occurrences]


def test_daily_gives_one_occurrence_a_day_due_the_same_day() -> None:
    found = expand(Schedule(Frequency.DAILY, MON), MON, MON + timedelta(days=6))
    assert days(found) == [MON + timedelta(days=n) for n in range(7)]
    assert all(o.due == o.opens for o in found)
    assert [o.ordinal for o in found] == list(range(1, 8))


def test_once_opens_at_the_start_and_is_due_on_its_date() -> None:
    found = expand(
        Schedule(Frequency.ONCE, MON, due=MON + timedelta(days=3)), MON, MON + timedelta(days=30)
    )
    assert found == [DueSlot(MON, MON + timedelta(days=3), "once-2026-11-05", 1)]


def test_chosen_weekdays_only() -> None:
    schedule = Schedule(Frequency.WEEKDAYS, MON, weekdays=frozenset({0, 3}))
    found = expand(schedule, MON, MON + timedelta(days=13))
    assert [d.weekday() for d in days(found)] == [0, 3, 0, 3]


def test_times_per_week_makes_flexible_slots_due_at_the_end_of_each_week() -> None:
    schedule = Schedule(Frequency.TIMES_PER_WEEK, MON, times_per_week=3)
    found = expand(schedule, MON, MON + timedelta(days=13))
    assert len(found) == 6
    assert {o.due for o in found} == {MON + timedelta(days=6), MON + timedelta(days=13)}
    assert len({o.key for o in found}) == 6


def test_every_n_weeks_for_measures_can_be_done_within_the_week() -> None:
    schedule = Schedule(Frequency.EVERY_N_WEEKS, MON, interval_weeks=2)
    found = expand(schedule, MON, MON + timedelta(days=35))
    assert days(found) == [MON, MON + timedelta(weeks=2), MON + timedelta(weeks=4)]
    assert found[0].due == MON + timedelta(days=6)


def test_an_end_date_is_inclusive() -> None:
    schedule = Schedule(Frequency.DAILY, MON, end=MON + timedelta(days=2))
    assert days(expand(schedule, MON, MON + timedelta(days=30))) == [
        MON,
        MON + timedelta(days=1),
        MON + timedelta(days=2),
    ]


def test_ending_after_a_number_of_times() -> None:
    schedule = Schedule(Frequency.WEEKDAYS, MON, weekdays=frozenset({0, 2, 4}), max_count=4)
    assert len(expand(schedule, MON, MON + timedelta(days=365))) == 4
    assert is_finished(schedule, MON + timedelta(days=8))
    assert not is_finished(schedule, MON + timedelta(days=7))


def test_an_open_ended_schedule_is_expanded_only_over_the_window() -> None:
    schedule = Schedule(Frequency.DAILY, date(2023, 1, 1))
    found = expand(schedule, date(2026, 1, 1), date(2026, 1, 7))
    assert len(found) == 7
    assert found[0].ordinal == (date(2026, 1, 1) - date(2023, 1, 1)).days + 1


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (Schedule(Frequency.DAILY, MON, end=MON - timedelta(days=1)), "end date is before"),
        (Schedule(Frequency.TIMES_PER_WEEK, MON, times_per_week=0), "from 1 to 7"),
        (Schedule(Frequency.ONCE, MON), "Choose a due date"),
        (Schedule(Frequency.WEEKDAYS, MON), "at least one day"),
        (Schedule(Frequency.DAILY, MON, max_count=0), "at least 1"),
        (Schedule(Frequency.EVERY_N_WEEKS, MON, interval_weeks=0), "every 1 to 52 weeks"),
    ],
)
def test_impossible_schedules_are_refused_with_a_reason(schedule: Schedule, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        schedule.validate()


def test_a_past_due_date_is_refused() -> None:
    schedule = Schedule(Frequency.ONCE, MON - timedelta(days=5), due=MON - timedelta(days=1))
    with pytest.raises(ScheduleError, match="already passed"):
        schedule.validate(today=MON)


def test_an_edit_changes_only_the_future() -> None:
    daily = Schedule(Frequency.DAILY, MON)
    mondays = Schedule(Frequency.WEEKDAYS, MON, weekdays=frozenset({0}))
    edited = [DatedSchedule(MON, daily), DatedSchedule(MON + timedelta(days=5), mondays)]
    found = expand_versions(edited, MON, MON + timedelta(days=20))
    assert days(found) == [
        *(MON + timedelta(days=n) for n in range(5)),
        MON + timedelta(days=7),
        MON + timedelta(days=14),
    ]
    before = expand_versions(edited[:1], MON, MON + timedelta(days=4))
    assert found[:5] == before


@settings(max_examples=200, deadline=None)
@given(
    frequency=st.sampled_from(list(Frequency)),
    start_offset=st.integers(0, 400),
    window_offset=st.integers(0, 800),
    window_days=st.integers(0, 60),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    times=st.integers(1, 7),
    interval=st.integers(1, 6),
    max_count=st.none() | st.integers(1, 50),
)
def test_jumping_to_a_window_agrees_with_walking_from_the_start(
    frequency: Frequency,
    start_offset: int,
    window_offset: int,
    window_days: int,
    weekdays: frozenset[int],
    times: int,
    interval: int,
    max_count: int | None,
) -> None:
    start = date(2024, 1, 1) + timedelta(days=start_offset)
    schedule = Schedule(
        frequency,
        start,
        due=start + timedelta(days=3),
        weekdays=weekdays,
        times_per_week=times,
        interval_weeks=interval,
        max_count=max_count,
    )
    window_start = date(2024, 1, 1) + timedelta(days=window_offset)
    window_end = window_start + timedelta(days=window_days)
    everything = expand(schedule, start, window_end)
    expected = [o for o in everything if o.opens >= window_start]
    assert expand(schedule, window_start, window_end) == expected
    assert [o.ordinal for o in everything] == list(range(1, len(everything) + 1))
    assert len({o.key for o in everything}) == len(everything)
    assert all(o.opens <= o.due for o in everything)


def test_outcomes_of_an_occurrence() -> None:
    occurrence = DueSlot(MON, MON + timedelta(days=6), "k", 1)
    assert outcome(occurrence, None, MON - timedelta(days=1)) == Outcome.UPCOMING
    assert outcome(occurrence, None, MON + timedelta(days=6)) == Outcome.DUE
    assert outcome(occurrence, None, MON + timedelta(days=7)) == Outcome.MISSED
    assert outcome(occurrence, MON + timedelta(days=2), MON + timedelta(days=9)) == Outcome.ON_TIME
    assert outcome(occurrence, MON + timedelta(days=8), MON + timedelta(days=9)) == Outcome.LATE


def test_adherence_counts_five_of_seven() -> None:
    outcomes = [Outcome.ON_TIME] * 4 + [Outcome.LATE] + [Outcome.MISSED] * 2 + [Outcome.DUE]
    result = adherence(outcomes)
    assert (result.done, result.due, result.open) == (5, 7, 1)
    assert result.rate == pytest.approx(5 / 7)
    assert adherence([]).rate is None


# Local days and reminder instants across daylight-saving changes.


def test_a_spring_forward_day_is_23_hours_long() -> None:
    start, end = local_day_bounds(date(2026, 3, 29), "Europe/London")
    assert end - start == timedelta(hours=23)


def test_a_fall_back_day_is_25_hours_long() -> None:
    start, end = local_day_bounds(date(2026, 11, 1), "America/New_York")
    assert end - start == timedelta(hours=25)


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_gap() -> None:
    instant = local_instant(date(2026, 3, 8), time(2, 30), "America/New_York")
    assert instant == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_a_time_repeated_by_fall_back_is_taken_the_first_time() -> None:
    instant = local_instant(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert instant == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not EST


def test_a_midnight_that_does_not_exist_starts_the_day_at_one() -> None:
    # Chile moves its clocks at midnight: 6 September 2026 begins at 01:00 local time.
    start, _ = local_day_bounds(date(2026, 9, 6), "America/Santiago")
    assert start == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_today_follows_the_clients_current_time_zone() -> None:
    now = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert local_today("Europe/London", now) == date(2026, 11, 26)
    assert local_today("Australia/Sydney", now) == date(2026, 11, 27)  # after a move, "today" moves


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    at=st.times(),
    zone=st.sampled_from(
        [
            "Europe/London",
            "America/New_York",
            "Australia/Lord_Howe",
            "America/Santiago",
            "Asia/Kolkata",
            "UTC",
        ]
    ),
)
def test_a_reminder_instant_always_falls_on_its_local_day(day: date, at: time, zone: str) -> None:
    instant = local_instant(day, at.replace(tzinfo=None, fold=0), zone)
    start, end = local_day_bounds(day, zone)
    assert start <= instant < end
