"""Progress arithmetic on hand-built histories: adherence, trends, directions, streaks, weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stepwise.lib import charts
from stepwise.progress import figures
from stepwise.progress.figures import (
    DueGroup,
    direction,
    overdue_since,
    period_adherence,
    rate_label,
    scale_of_unit,
    score_trend,
    streaks,
    weekly_totals,
)

TODAY = date(2026, 11, 26)  # a Thursday


def day(back: int) -> date:
    return TODAY - timedelta(days=back)


def daily(back: int, *, on_time: int = 0, late: int = 0, not_done: int = 0) -> DueGroup:
    return DueGroup(day(back), day(back), on_time, late, not_done)


def test_adherence_counts_done_on_time_or_late_out_of_what_fell_due() -> None:
    groups = [
        daily(6, on_time=1),
        daily(5, late=1),
        daily(4, not_done=1),
        daily(3, on_time=1),
        daily(0, not_done=1),  # due today, not done yet: open, not missed
        daily(-1, not_done=1),  # tomorrow: not counted at all
    ]
    figures = period_adherence(groups, day(6), TODAY)
    assert (figures.due, figures.on_time, figures.late, figures.missed, figures.open) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert figures.rate == pytest.approx(3 / 4)
    assert rate_label(figures) == "75%"


def test_occurrences_due_before_the_period_do_not_count() -> None:
    groups = [daily(10, not_done=1), daily(2, on_time=1)]
    assert period_adherence(groups, day(6), TODAY).due == 1


def test_a_week_long_item_done_early_counts_on_time_while_still_open() -> None:
    weekly = DueGroup(day(2), day(-4), on_time=1, late=0, not_done=1)
    figures = period_adherence([weekly], day(6), TODAY)
    assert (figures.due, figures.on_time, figures.open) == (1, 1, 1)


def test_nothing_due_gives_no_rate_rather_than_zero() -> None:
    figures = period_adherence([], day(6), TODAY)
    assert figures.rate is None
    assert rate_label(figures) == "—"


def test_overdue_counts_what_was_open_and_not_done() -> None:
    groups = [
        daily(5, not_done=1),
        daily(1, not_done=1),
        daily(0, not_done=2),
        daily(-2, not_done=1),
    ]
    assert overdue_since(groups, day(2), TODAY) == 3


def test_score_trend_gives_an_arrow_a_word_and_better_or_worse() -> None:
    worse = score_trend(10, 14, higher_is_better=False)
    assert (worse.arrow, worse.word, worse.verdict) == ("↑", "up", "worse")
    assert worse.label == "up 4 since the previous result (worse)"
    better = score_trend(60, 72, higher_is_better=True)
    assert (better.arrow, better.verdict) == ("↑", "better")
    same = score_trend(8, 8, higher_is_better=False)
    assert (same.arrow, same.label) == ("→", "no change since the previous result")
    first = score_trend(None, 8, higher_is_better=False)
    assert (first.arrow, first.label) == ("", "first result")


def test_falling_suds_across_exposures_reads_as_falling() -> None:
    assert direction([80, 72, 65, 50, 45], scale=100) == "falling"
    assert direction([40, 42, 41, 43], scale=100) == "steady"
    assert direction([3, 5, 6, 8], scale=10) == "rising"
    assert direction([5]) == "too few to tell"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("0-10", (0.0, 10.0)),
        ("1-5", (1.0, 5.0)),
        ("-2 to 2", (-2.0, 2.0)),
        ("SUDS", (0.0, 100.0)),
        ("%", (0.0, 100.0)),
        ("fraction", (0.0, 1.0)),
        ("minutes", None),
        (None, None),
    ],
)
def test_a_metric_unit_implies_its_scale(unit: str | None, expected: object) -> None:
    assert scale_of_unit(unit) == expected


def test_streak_runs_to_yesterday_until_today_is_done() -> None:
    days = [day(1), day(2), day(3), day(7), day(8)]
    assert streaks(days, TODAY).current == 3
    assert streaks([*days, TODAY], TODAY).current == 4
    assert streaks(days, TODAY).best == 3
    assert streaks([day(3)], TODAY).current == 0
    assert streaks([], TODAY).best == 0


def test_weekly_totals_keep_empty_weeks() -> None:
    monday = date(2026, 11, 23)
    weeks = weekly_totals(
        [(monday, 10), (monday + timedelta(days=2), 5), (monday - timedelta(days=14), 7)],
        monday - timedelta(days=14),
        TODAY,
    )
    assert weeks == [
        (monday - timedelta(days=14), 7.0),
        (monday - timedelta(days=7), 0.0),
        (monday, 15.0),
    ]


def test_calendar_day_states_read_without_colour() -> None:
    assert charts.day_state(day(1), TODAY, due=1, done=1, practice=1) == "done"
    assert charts.day_state(day(1), TODAY, due=2, done=1, practice=1) == "part"
    assert charts.day_state(day(1), TODAY, due=1, done=0, practice=0) == "missed"
    assert charts.day_state(TODAY, TODAY, due=1, done=0, practice=0) == "open"
    assert charts.day_state(day(1), TODAY, due=0, done=0, practice=2) == "extra"
    assert charts.day_state(day(-1), TODAY, due=1, done=0, practice=0) == "upcoming"
    glyphs = {state: glyph for state, (glyph, _) in charts.CALENDAR_STATES.items() if glyph}
    assert len(set(glyphs.values())) == len(glyphs), "each state has its own symbol"


def test_ticks_are_round_and_cover_the_scale() -> None:
    assert charts.ticks_for(0, 10) == [0, 2, 4, 6, 8, 10]
    assert charts.ticks_for(0, 100) == [0, 20, 40, 60, 80, 100]
    assert charts.ticks_for(0, 37, extend=True)[-1] == 40


def test_a_line_chart_tells_series_apart_by_marker_and_dash() -> None:
    from datetime import UTC, datetime

    base = datetime(2026, 11, 1, 12, tzinfo=UTC)
    values = [(base + timedelta(days=n), float(80 - 5 * n)) for n in range(5)]
    series = [
        charts.SeriesData("SUDS before", values),
        charts.SeriesData("SUDS after", [(w, v / 2) for w, v in values]),
    ]
    chart = charts.line_chart(
        chart_id="c",
        title="Exposure: SUDS",
        series=series,
        scale=(0, 100),
        unit="SUDS",
        summary=figures.line_summary("Exposure: SUDS", series, "SUDS"),
    )
    first, second = chart.series
    assert first.marker != second.marker
    assert first.dash != second.dash
    assert "SUDS before: 5 values, from 80 to 60 (falling)" in chart.summary
    assert chart.table_headers == ["Date", "SUDS before (SUDS)", "SUDS after (SUDS)"]
    assert len(chart.table_rows) == 5
