"""Progress arithmetic: adherence over periods, trends, streaks and weekly sums. Pure functions.

No ORM and no request: the queries hand in plain rows (grouped occurrence counts, dates, values)
and everything the pages say about progress is computed here, so every case is cheap to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stepwise.homework.schedule import Adherence
from stepwise.lib.charts import SeriesData, number_label

_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:-|to)\s*(-?\d+(?:\.\d+)?)")
STEADY_SHARE = 0.1  # a metric moving less than a tenth of its scale across a period is "steady"


@dataclass(frozen=True)
class DueGroup:
    """Occurrences of one client that open and fall due on the same local days, counted.

    The grouped query returns one of these per (client, opens, due): how many of them were done
    on time, how many late, and how many are not done.
    """

    opens: date
    due: date
    on_time: int
    late: int
    not_done: int


def period_adherence(groups: Iterable[DueGroup], since: date, today: date) -> Adherence:
    """Adherence over occurrences due from `since` on, as they stand on the local day `today`.

    Same rules as `homework.schedule.outcome`: done by the due day is on time, after it late; not
    done and not open yet does not count; open now is "open"; past due and not done is missed.
    """
    on_time = late = missed = open_ = 0
    for group in groups:
        if group.due < since:
            continue
        on_time += group.on_time
        late += group.late
        if group.not_done and today >= group.opens:
            if today <= group.due:
                open_ += group.not_done
            else:
                missed += group.not_done
    return Adherence(
        due=on_time + late + missed, on_time=on_time, late=late, missed=missed, open=open_
    )


def overdue_since(groups: Iterable[DueGroup], since: date, today: date) -> int:
    """Occurrences not done that were open at some point from `since` to `today` (due or missed)."""
    return sum(
        group.not_done
        for group in groups
        if group.not_done and group.opens <= today and group.due >= since
    )


def rate_label(figures: Adherence) -> str:
    """ "80%" or "—" when nothing was due."""
    rate = figures.rate
    return "—" if rate is None else _("%(percent)d%%") % {"percent": round(rate * 100)}


@dataclass(frozen=True)
class Trend:
    arrow: str  # ↑ ↓ →
    word: str  # "up", "down", "no change": what screen readers hear with the arrow
    delta: float | None
    verdict: str  # "better", "worse" or "" where the direction has no meaning or none is known

    @property
    def label(self) -> str:
        """ "up 3 since the previous result (worse)", in the active language."""
        if self.delta is None:
            return _("first result")
        if self.delta == 0:
            return _("no change since the previous result")
        amount = {"amount": format_amount(abs(self.delta))}
        if self.word == "up":
            text = _("up %(amount)s since the previous result") % amount
        else:
            text = _("down %(amount)s since the previous result") % amount
        if not self.verdict:
            return text
        verdict = _("better") if self.verdict == "better" else _("worse")
        return _("%(change)s (%(verdict)s)") % {"change": text, "verdict": verdict}


format_amount = number_label  # 3, 2.5, 1.33


def score_trend(
    previous: float | None, latest: float | None, higher_is_better: bool | None
) -> Trend:
    """Direction from the previous score to the latest, and whether that is better or worse."""
    if previous is None or latest is None:
        return Trend("", "", None, "")
    delta = float(latest) - float(previous)
    if delta == 0:
        return Trend("→", "no change", 0.0, "")
    arrow, word = ("↑", "up") if delta > 0 else ("↓", "down")
    verdict = ""
    if higher_is_better is not None:
        verdict = "better" if (delta > 0) == higher_is_better else "worse"
    return Trend(arrow, word, delta, verdict)


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of an evenly spaced series (0 for fewer than two values)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def direction(values: Sequence[float], scale: float | None = None) -> str:
    """ "falling", "rising" or "steady" across a series, judged on its fitted line.

    The fitted change from first to last must reach a tenth of the scale (0-100 for SUDS) to count;
    without a known scale, a tenth of the values' own range, at least 1.
    """
    if len(values) < 2:
        return _("too few to tell")
    change = slope(values) * (len(values) - 1)
    span = scale if scale else max(max(values) - min(values), 1.0)
    if abs(change) < STEADY_SHARE * span:
        return _("steady")
    return _("rising") if change > 0 else _("falling")


def scale_of_unit(unit: str | None) -> tuple[float, float] | None:
    """The range a metric's unit implies: "0-10" -> (0, 10), "SUDS" and "%" -> (0, 100)."""
    if not unit:
        return None
    text = unit.strip()
    if text.upper() == "SUDS" or text == "%":
        return (0.0, 100.0)
    if text == "fraction":
        return (0.0, 1.0)
    found = _RANGE.fullmatch(text)
    if found is None:
        return None
    low, high = float(found.group(1)), float(found.group(2))
    return (low, high) if high > low else None


@dataclass(frozen=True)
class Streak:
    current: int  # days in a row with practice, ending today (or yesterday: today is not over)
    best: int


def streaks(days: Iterable[date], today: date) -> Streak:
    """Practice streaks from the local days something was done."""
    done = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in done:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    current = 0
    day = today if today in done else today - timedelta(days=1)
    present = set(done)
    while day in present:
        current += 1
        day -= timedelta(days=1)
    return Streak(current=current, best=best)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_totals(
    amounts: Iterable[tuple[date, float]], first_week: date, last_week: date
) -> list[tuple[date, float]]:
    """Sum per Monday-started week, every week from `first_week` to `last_week` (zeros kept)."""
    totals: dict[date, float] = {}
    week = week_start(first_week)
    end = week_start(last_week)
    while week <= end:
        totals[week] = 0.0
        week += timedelta(weeks=1)
    for day, amount in amounts:
        key = week_start(day)
        if key in totals:
            totals[key] += amount
    return sorted(totals.items())


def line_summary(title: str, series: Sequence[SeriesData], unit: str | None) -> str:
    """A metric chart in words: each series' count, first and last value, and direction."""
    parts = []
    for data in series:
        values = [v for _, v in data.values]
        if not values:
            continue
        numbers = {
            "label": data.label,
            "count": len(values),
            "first": format_amount(round(values[0], 2)),
            "last": format_amount(round(values[-1], 2)),
            "direction": direction(values),
        }
        if len(values) > 1:
            text = ngettext(
                "%(label)s: %(count)d value, from %(first)s to %(last)s (%(direction)s)",
                "%(label)s: %(count)d values, from %(first)s to %(last)s (%(direction)s)",
                len(values),
            )
        else:
            text = _("%(label)s: 1 value, %(first)s")
        parts.append(text % numbers)
    summary = _("%(title)s. %(series)s.") % {"title": title, "series": "; ".join(parts)}
    if unit:
        summary += " " + _("Values in %(unit)s.") % {"unit": unit}
    return summary + " " + _("The table lists every value.")
