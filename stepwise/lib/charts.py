"""Charts drawn on the server as inline SVG: the geometry of every chart Stepwise draws.

No JavaScript and no chart library. The apps decide what a chart says (its title, its values, its
summary in words); this module lays it out: axes and round ticks, dates under the x axis, a score
line over labelled severity bands (`banded_line_chart`, questionnaire results), metric lines over
time (`line_chart`), weekly bars (`weekly_bar_chart`) and an adherence calendar
(`adherence_calendar`). Every chart reads without colour (bands carry labels and fill patterns,
series differ by marker shape and dash pattern, calendar days carry a symbol), says what it shows
in its summary, and the templates (`assessments/_chart.html`, `progress/_line_chart.html`,
`progress/_bar_chart.html`, `progress/_calendar.html`) give each its title, description and table.

Pure: no Django and nothing of Stepwise's apps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, ngettext, pgettext_lazy

from stepwise.lib.timetags import date_style

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


MAX_DATE_LABELS = 5  # dates under the x axis; every k-th is labelled, and always the last


# --- shared geometry -----------------------------------------------------------------------------


def number_label(value: float) -> str:
    """A number as people write it: 14, 4.33 (at most two decimals)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Tick:
    y: float
    label: str

    @property
    def text_y(self) -> float:
        return round(self.y + 5, 1)


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


def scale_y(value: float, low: float, high: float, *, top: float, bottom: float) -> float:
    """The y coordinate of `value` on an axis from `low` (at `bottom`) to `high` (at `top`)."""
    span = (high - low) or 1
    return round(bottom - (value - low) / span * (bottom - top), 1)


def date_label(when: date | datetime, same_year: bool) -> str:
    """A short date in the reader's language ("7 Dec", "7 Dec 25")."""
    return format_date(when, date_style("short_day" if same_year else "short_day_year"))


def label_every(count: int) -> int:
    """Label every k-th of `count` dates so that at most `MAX_DATE_LABELS` are labelled."""
    return max(1, -(-count // MAX_DATE_LABELS))


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `target` intervals."""
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10 * power


def ticks_for(low: float, high: float, *, extend: bool = False) -> list[float]:
    """Round tick values from `low` to `high`; with `extend`, up to the next round value."""
    step = nice_step(high - low)
    values = []
    value = low
    while value <= high + step / 1000:
        values.append(round(value, 6))
        value += step
    if values[-1] < high:
        values.append(round(values[-1] + step, 6) if extend else high)
    return values


def marker_path(shape: str, x: float, y: float, r: float = 4.5) -> str:
    """A small closed shape centred on (x, y): circle, square, triangle or diamond."""
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}Z"
    if shape == "triangle":
        return f"M{x:.1f},{y - r - 1:.1f}L{x + r + 1:.1f},{y + r:.1f}L{x - r - 1:.1f},{y + r:.1f}Z"
    if shape == "diamond":
        return (
            f"M{x:.1f},{y - r - 1:.1f}L{x + r + 1:.1f},{y:.1f}"
            f"L{x:.1f},{y + r + 1:.1f}L{x - r - 1:.1f},{y:.1f}Z"
        )
    return (
        f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0"
        f"a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"
    )


@dataclass(frozen=True)
class Frame:
    """A chart's drawing: its size and the plot area's edges within it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


# --- a score over time, over its labelled bands --------------------------------------------------

# A narrow drawing with large text, so that it stays legible when scaled down to a phone; the band
# labels sit right of the plot.
SCORE_FRAME = Frame(width=480, height=300, left=36, right=318, top=14, bottom=252)
EDGE_PAD = 24
# Fills are pale and neutral (the labels carry the meaning); patterns tell bands apart in print
# and for people who do not see the colours.
FILLS = ("#f2f5f8", "#e4ecf3", "#f5efe3", "#efe6ee", "#e8f0e6", "#ece9e1", "#e6eef0")
PATTERNS = ("plain", "dots", "diagonal", "horizontal", "crosshatch", "vertical", "wide-diagonal")
MIN_LABEL_HEIGHT = 16
MAX_LABEL_CHARS = 20


@dataclass(frozen=True)
class BandSpec:
    """A severity band as the chart needs it: its range, its label and its range as text."""

    min: float
    max: float
    label: str
    range_label: str


@dataclass(frozen=True)
class BandRegion:
    y: float
    height: float
    label: str
    short_label: str
    range_label: str
    fill: str
    pattern: str
    show_label: bool

    @property
    def label_y(self) -> float:
        return round(self.y + self.height / 2 + 5, 1)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value_label: str
    date_label: str
    show_date: bool

    @property
    def value_y(self) -> float:
        return round(self.y - 10, 1)


@dataclass(frozen=True)
class BandedChart:
    id: str
    title: str
    summary: str
    bands: list[BandRegion]
    points: list[Point]
    ticks: list[Tick]
    width: int = SCORE_FRAME.width
    height: int = SCORE_FRAME.height
    left: int = SCORE_FRAME.left
    right: int = SCORE_FRAME.right
    top: int = SCORE_FRAME.top
    bottom: int = SCORE_FRAME.bottom
    label_x: int = SCORE_FRAME.right + 8

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def date_y(self) -> int:
        return self.bottom + 22

    @property
    def patterns(self) -> list[str]:
        return sorted({b.pattern for b in self.bands if b.pattern != "plain"})


def _score_y(value: float, low: float, high: float) -> float:
    return scale_y(value, low, high, top=SCORE_FRAME.top, bottom=SCORE_FRAME.bottom)


def band_regions(bands: Sequence[BandSpec], low: float, high: float) -> list[BandRegion]:
    """The bands as regions filling the plot from `low` to `high`, without gaps or overlaps."""
    ordered = sorted(bands, key=lambda b: b.min)
    regions: list[BandRegion] = []
    for index, band in enumerate(ordered):
        # Bands meet halfway between one band's maximum and the next one's minimum (4 | 5 -> 4.5).
        lower = low if index == 0 else (ordered[index - 1].max + band.min) / 2
        upper = high if index == len(ordered) - 1 else (band.max + ordered[index + 1].min) / 2
        lower, upper = max(lower, low), min(upper, high)
        if upper <= lower:
            continue
        top, bottom = _score_y(upper, low, high), _score_y(lower, low, high)
        label = band.label
        short = label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"
        regions.append(
            BandRegion(
                y=top,
                height=round(bottom - top, 1),
                label=label,
                short_label=short,
                range_label=band.range_label,
                fill=FILLS[index % len(FILLS)],
                pattern=PATTERNS[index % len(PATTERNS)],
                show_label=bottom - top >= MIN_LABEL_HEIGHT,
            )
        )
    return regions


def banded_line_chart(
    *,
    chart_id: str,
    title: str,
    values: Sequence[tuple[datetime, float]],
    low: float,
    high: float,
    bands: Sequence[BandSpec],
    summary: str,
    number: Callable[[float], str] = number_label,
) -> BandedChart:
    """One score over time, results evenly spaced, each point labelled with its value (written by
    `number`), over the bands; the y axis ticks at the scale's ends and each band's minimum."""
    count = len(values)
    same_year = len({when.year for when, _ in values}) <= 1
    every = label_every(count)
    left, right = SCORE_FRAME.left, SCORE_FRAME.right
    points: list[Point] = []
    for index, (when, value) in enumerate(values):
        if count == 1:
            x = (left + right) / 2
        else:
            x = left + EDGE_PAD + index * (right - left - 2 * EDGE_PAD) / (count - 1)
        points.append(
            Point(
                x=round(x, 1),
                y=_score_y(value, low, high),
                value_label=number(value),
                date_label=date_label(when, same_year),
                show_date=index % every == 0 or index == count - 1,
            )
        )
    edges = sorted({float(low), float(high), *(b.min for b in bands)})
    return BandedChart(
        id=chart_id,
        title=title,
        summary=summary,
        bands=band_regions(bands, low, high),
        points=points,
        ticks=[Tick(_score_y(edge, low, high), number(edge)) for edge in edges],
    )


# --- metrics over time, weekly bars ---------------------------------------------------------------

PLOT_FRAME = Frame(width=480, height=270, left=46, right=466, top=16, bottom=222)
MAX_MARKED_POINTS = 60  # beyond this, markers crowd the line; dashes still tell series apart
MAX_SERIES = 4
COLOURS = ("#0b5cad", "#8a4b00", "#1d6b35", "#6b2f8a")
DASHES = ("", "7 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class SeriesPoint:
    x: float
    y: float
    marker: str  # SVG path data of the marker around (x, y)


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    dash: str
    marker: str
    points: list[SeriesPoint]
    show_markers: bool

    @property
    def line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def legend_marker(self) -> str:
        return marker_path(self.marker, 24, 8)


@dataclass
class LineChart:
    id: str
    title: str
    summary: str
    series: list[Series]
    ticks: list[Tick]
    x_labels: list[XLabel]
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    width: int = PLOT_FRAME.width
    height: int = PLOT_FRAME.height
    left: int = PLOT_FRAME.left
    right: int = PLOT_FRAME.right
    top: int = PLOT_FRAME.top
    bottom: int = PLOT_FRAME.bottom

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def date_y(self) -> int:
        return self.bottom + 22


def _scale(value: float, low: float, high: float) -> float:
    return scale_y(value, low, high, top=PLOT_FRAME.top, bottom=PLOT_FRAME.bottom)


@dataclass(frozen=True)
class SeriesData:
    label: str
    values: list[tuple[datetime, float]]  # local times, oldest first


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[SeriesData],
    scale: tuple[float, float] | None,
    unit: str | None,
    summary: str,
) -> LineChart:
    """Several metrics over time on one scale; x is time, so gaps in practice show as gaps. The
    table lists every value, a column a series (headed with its label and `unit`)."""
    moments = sorted({when for s in series for when, _ in s.values})
    all_values = [v for s in series for _, v in s.values] or [0.0]
    low, high = scale if scale else (min(0.0, *all_values), max(all_values))
    low, high = min(low, *all_values), max(high, *all_values)
    if high == low:
        high = low + 1
    tick_values = ticks_for(low, high, extend=scale is None)
    high = max(high, tick_values[-1])
    first, last = moments[0], moments[-1]
    span = (last - first).total_seconds() or 1.0

    left, right = PLOT_FRAME.left, PLOT_FRAME.right

    def x_of(when: datetime) -> float:
        if first == last:
            return (left + right) / 2
        return round(left + 10 + (when - first).total_seconds() / span * (right - left - 20), 1)

    drawn: list[Series] = []
    for index, data in enumerate(series):
        marker = MARKERS[index % len(MARKERS)]
        points = [
            SeriesPoint(x_of(when), _scale(value, low, high), "") for when, value in data.values
        ]
        points = [SeriesPoint(p.x, p.y, marker_path(marker, p.x, p.y)) for p in points]
        drawn.append(
            Series(
                label=data.label,
                colour=COLOURS[index % len(COLOURS)],
                dash=DASHES[index % len(DASHES)],
                marker=marker,
                points=points,
                show_markers=len(points) <= MAX_MARKED_POINTS,
            )
        )
    same_year = first.year == last.year
    days = sorted({m.date() for m in moments})
    every = label_every(len(days))
    labelled = [d for i, d in enumerate(days) if i % every == 0]
    if days[-1] not in labelled:
        labelled[-1:] = [days[-1]] if len(labelled) > 1 else [*labelled, days[-1]]
    x_labels = []
    for day in labelled:
        moment = next(m for m in moments if m.date() == day)
        x_labels.append(XLabel(x_of(moment), date_label(day, same_year)))
    suffix = f" ({unit})" if unit else ""
    ticks = [Tick(_scale(v, low, high), number_label(v)) for v in tick_values]
    headers = [gettext("Date"), *(f"{s.label}{suffix}" for s in series)]
    by_moment: dict[datetime, list[str]] = {m: ["—"] * len(series) for m in moments}
    for index, data in enumerate(series):
        for when, value in data.values:
            by_moment[when][index] = number_label(round(value, 2))
    rows = [[format_date(m, date_style("table_moment")), *cells] for m, cells in by_moment.items()]
    return LineChart(
        id=chart_id,
        title=title,
        summary=summary,
        series=drawn,
        ticks=ticks,
        x_labels=x_labels,
        table_headers=headers,
        table_rows=rows,
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value_label: str
    date_label: str
    show_date: bool

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass
class BarChart:
    id: str
    title: str
    summary: str
    bars: list[Bar]
    ticks: list[Tick]
    table_headers: list[str]
    table_rows: list[list[str]]
    width: int = PLOT_FRAME.width
    height: int = PLOT_FRAME.height
    left: int = PLOT_FRAME.left
    right: int = PLOT_FRAME.right
    top: int = PLOT_FRAME.top
    bottom: int = PLOT_FRAME.bottom

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def date_y(self) -> int:
        return self.bottom + 22


def weekly_bar_chart(
    *, chart_id: str, title: str, weeks: Sequence[tuple[date, float]], unit: str
) -> BarChart:
    """One bar per week (Monday-started), labelled with its total."""
    high = max([v for _, v in weeks] + [1.0])
    ticks_values = ticks_for(0.0, high, extend=True)
    high = ticks_values[-1]
    count = len(weeks)
    slot = (PLOT_FRAME.right - PLOT_FRAME.left) / max(count, 1)
    width = max(4.0, slot * 0.7)
    every = label_every(count)
    same_year = len({w.year for w, _ in weeks}) <= 1
    bars = []
    for index, (week, total) in enumerate(weeks):
        y = _scale(total, 0.0, high)
        bars.append(
            Bar(
                x=round(PLOT_FRAME.left + index * slot + (slot - width) / 2, 1),
                y=y,
                width=round(width, 1),
                height=round(PLOT_FRAME.bottom - y, 1),
                value_label=number_label(round(total)) if count <= 16 else "",
                date_label=date_label(week, same_year),
                show_date=index % every == 0 or index == count - 1,
            )
        )
    total = sum(v for _, v in weeks)
    practised = sum(1 for _, v in weeks if v > 0)
    summary = ngettext(
        "%(title)s: %(total)s %(unit)s over %(count)s week, with practice in %(practised)s of "
        "them. The table lists every week.",
        "%(title)s: %(total)s %(unit)s over %(count)s weeks, with practice in %(practised)s of "
        "them. The table lists every week.",
        count,
    ) % {
        "title": title,
        "total": number_label(round(total)),
        "unit": unit,
        "count": count,
        "practised": practised,
    }
    return BarChart(
        id=chart_id,
        title=title,
        summary=summary,
        bars=bars,
        ticks=[Tick(_scale(v, 0.0, high), number_label(v)) for v in ticks_values],
        table_headers=[gettext("Week starting"), unit.capitalize()],
        table_rows=[[format_date(w, date_style("day")), number_label(round(v))] for w, v in weeks],
    )


CALENDAR_STATES: dict[str, tuple[str, StrOrPromise]] = {
    "done": ("✓", pgettext_lazy("adherence calendar", "all done")),
    "part": ("◐", pgettext_lazy("adherence calendar", "partly done")),
    "missed": ("✗", pgettext_lazy("adherence calendar", "missed")),
    "open": ("○", pgettext_lazy("adherence calendar", "due today")),
    "upcoming": ("·", pgettext_lazy("adherence calendar", "coming up")),
    "extra": ("+", pgettext_lazy("adherence calendar", "extra practice")),
    "none": ("", pgettext_lazy("adherence calendar", "nothing due")),
    "future": ("", ""),
}
# --- the adherence calendar ----------------------------------------------------------------------

CELL, GAP, CAL_LEFT, CAL_TOP = 40, 4, 78, 26


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: str
    due: int
    done: int
    practice: int
    x: int
    y: int

    @property
    def glyph(self) -> str:
        return CALENDAR_STATES[self.state][0]

    @property
    def words(self) -> str:
        text = str(CALENDAR_STATES[self.state][1])
        if self.due and self.state in ("part", "done", "missed"):
            return gettext("%(state)s (%(done)s of %(due)s)") % {
                "state": text,
                "done": self.done,
                "due": self.due,
            }
        return text

    @property
    def text_x(self) -> float:
        return self.x + CELL / 2

    @property
    def text_y(self) -> float:
        return self.y + CELL / 2 + 7


@dataclass
class Calendar:
    id: str
    title: str
    summary: str
    weeks: list[list[CalendarDay]]
    week_labels: list[XLabel]  # x is the label's y here: rows are weeks
    weekday_labels: list[XLabel]
    legend: list[tuple[str, str, str]]  # (state, glyph, words)
    width: int = 0
    height: int = 0
    cell: int = CELL

    @property
    def week_label_x(self) -> int:
        return CAL_LEFT - 8


def day_state(day: date, today: date, due: int, done: int, practice: int) -> str:
    """How a calendar day reads: everything due done, part, missed, open today, extra, nothing."""
    if day > today:
        return "upcoming" if due else "future"
    if not due:
        return "extra" if practice else "none"
    if done >= due:
        return "done"
    if done:
        return "part"
    return "open" if day == today else "missed"


def adherence_calendar(
    *,
    chart_id: str,
    title: str,
    today: date,
    weeks: int,
    due_by_day: dict[date, tuple[int, int]],  # day -> (due, done)
    practice_by_day: dict[date, int],
) -> Calendar:
    """Weeks as rows (oldest first), Monday to Sunday as columns, ending with this week."""
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    rows: list[list[CalendarDay]] = []
    counts: dict[str, int] = {}
    for w in range(weeks):
        row = []
        for d in range(7):
            day = first + timedelta(days=7 * w + d)
            due, done = due_by_day.get(day, (0, 0))
            practice = practice_by_day.get(day, 0)
            state = day_state(day, today, due, done, practice)
            counts[state] = counts.get(state, 0) + 1
            row.append(
                CalendarDay(
                    day=day,
                    state=state,
                    due=due,
                    done=done,
                    practice=practice,
                    x=CAL_LEFT + d * (CELL + GAP),
                    y=CAL_TOP + w * (CELL + GAP),
                )
            )
        rows.append(row)
    same_year = first.year == today.year
    week_labels = [
        XLabel(CAL_TOP + w * (CELL + GAP) + CELL / 2 + 5, date_label(row[0].day, same_year))
        for w, row in enumerate(rows)
    ]
    weekday_labels = [
        XLabel(CAL_LEFT + d * (CELL + GAP) + CELL / 2, format_date(first + timedelta(days=d), "D"))
        for d in range(7)
    ]
    due_days = sum(counts.get(s, 0) for s in ("done", "part", "missed"))
    extra = counts.get("extra", 0)
    summary = " ".join(
        (
            ngettext(
                "%(title)s, %(weeks)s weeks to %(today)s: homework was due on %(count)s day;",
                "%(title)s, %(weeks)s weeks to %(today)s: homework was due on %(count)s days;",
                due_days,
            )
            % {
                "title": title,
                "weeks": weeks,
                "today": format_date(today, date_style("short_day")),
                "count": due_days,
            },
            gettext("all done on %(done)s, partly on %(part)s, missed on %(missed)s;")
            % {
                "done": counts.get("done", 0),
                "part": counts.get("part", 0),
                "missed": counts.get("missed", 0),
            },
            ngettext(
                "extra practice on %(count)s other day.",
                "extra practice on %(count)s other days.",
                extra,
            )
            % {"count": extra},
        )
    )
    legend = [
        (state, glyph, str(words))
        for state, (glyph, words) in CALENDAR_STATES.items()
        if glyph and counts.get(state)
    ]
    return Calendar(
        id=chart_id,
        title=title,
        summary=summary,
        weeks=rows,
        week_labels=week_labels,
        weekday_labels=weekday_labels,
        legend=legend,
        width=CAL_LEFT + 7 * (CELL + GAP),
        height=CAL_TOP + weeks * (CELL + GAP),
    )
