"""The pure time rules of reminders: local send times across DST, quiet hours, backoff."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepwise.reminders import policy

LONDON = "Europe/London"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2026, 3, 28), time(18), utc(2026, 3, 28, 18)),  # GMT
        (date(2026, 3, 29), time(18), utc(2026, 3, 29, 17)),  # BST from this morning
        (date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30)),  # does not exist: 02:30 BST
        (date(2026, 10, 24), time(18), utc(2026, 10, 24, 17)),  # BST
        (date(2026, 10, 25), time(18), utc(2026, 10, 25, 18)),  # GMT again
        (date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),  # twice: the first one
    ],
)
def test_it_sends_at_the_clients_wall_clock_time_in_london(
    day: date, at: time, expected: datetime
) -> None:
    assert policy.due_send_at(day, at, LONDON) == expected


def test_it_sends_at_the_clients_wall_clock_time_in_new_york() -> None:
    zone = "America/New_York"
    assert policy.due_send_at(date(2026, 3, 7), time(8), zone) == utc(2026, 3, 7, 13)
    assert policy.due_send_at(date(2026, 3, 8), time(8), zone) == utc(2026, 3, 8, 12)
    assert policy.due_send_at(date(2026, 11, 1), time(8), zone) == utc(2026, 11, 1, 13)


def test_the_overdue_nudge_is_the_morning_after_the_due_day_at_the_same_local_time() -> None:
    assert policy.overdue_send_at(date(2026, 3, 28), time(9), LONDON) == utc(2026, 3, 29, 8)


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        (time(23), time(22), time(7), True),
        (time(6, 59), time(22), time(7), True),
        (time(7), time(22), time(7), False),
        (time(21, 59), time(22), time(7), False),
        (time(13), time(12), time(14), True),
        (time(14), time(12), time(14), False),
        (time(13), time(9), time(9), False),  # same start and end: no quiet hours
        (time(13), None, None, False),
    ],
)
def test_quiet_hours_may_wrap_midnight(
    moment: time, start: time | None, end: time | None, quiet: bool
) -> None:
    assert policy.in_quiet_hours(moment, start, end) is quiet


def test_a_reminder_in_the_evening_quiet_hours_moves_to_the_next_morning() -> None:
    evening = utc(2026, 3, 20, 23)  # 23:00 GMT
    assert policy.after_quiet_hours(evening, time(22), time(7), LONDON) == utc(2026, 3, 21, 7)


def test_a_reminder_in_the_early_hours_moves_to_the_same_morning() -> None:
    early = utc(2026, 3, 21, 5)
    assert policy.after_quiet_hours(early, time(22), time(7), LONDON) == utc(2026, 3, 21, 7)


def test_quiet_hours_ending_on_the_spring_forward_morning_end_at_local_seven() -> None:
    night = utc(2026, 3, 28, 23)
    assert policy.after_quiet_hours(night, time(22), time(7), LONDON) == utc(2026, 3, 29, 6)


def test_outside_quiet_hours_nothing_moves() -> None:
    noon = utc(2026, 3, 20, 12)
    assert policy.after_quiet_hours(noon, time(22), time(7), LONDON) == noon
    assert policy.after_quiet_hours(noon, None, None, LONDON) == noon


@given(
    instant=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
    start=st.times(),
    end=st.times(),
    zone=st.sampled_from([LONDON, "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
)
def test_after_quiet_hours_is_never_earlier_and_never_quiet(
    instant: datetime, start: time, end: time, zone: str
) -> None:
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    moved = policy.after_quiet_hours(instant, start, end, zone)
    assert moved >= instant
    assert moved - instant <= timedelta(hours=25)
    local = moved.astimezone(zoneinfo.ZoneInfo(zone)).time().replace(tzinfo=None)
    if moved != instant:
        # At the end of quiet hours, or later when the end time itself does not exist that day.
        assert not policy.in_quiet_hours(local, start, end)


def test_backoff_doubles_from_the_base_and_is_capped() -> None:
    base = timedelta(minutes=1)
    assert [policy.backoff(n, base) for n in range(1, 6)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16)
    ]
    assert policy.backoff(40, base) == timedelta(days=1)
