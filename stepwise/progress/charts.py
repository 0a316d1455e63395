"""Progress charts drawn on the server as inline SVG: metric lines, weekly bars, a calendar.

No JavaScript and no chart library. Each chart reads without colour (series differ by marker
shape and dash pattern, calendar days carry a symbol), says what it shows in a text summary,
and carries its own table, which the templates offer as the alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from stepwise.assessments.charts import Tick, date_label, scale_y
from stepwise.progress.figures import format_amount

WIDTH, HEIGHT = 480, 270
LEFT, RIGHT, TOP, BOTTOM = 46, 466, 16, 222
MAX_DATE_LABELS = 5
MAX_MARKED_POINTS = 60  # beyond this, markers crowd the line; dashes still tell series apart
MAX_SERIES = 4
COLOURS = ("#0b5cad", "#8a4b00", "#1d6b35", "#6b2f8a")
DASHES = ("", "7 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


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
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def date_y(self) -> int:
        return self.bottom + 22


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


def _scale(value: float, low: float, high: float) -> float:
    return scale_y(value, low, high, top=TOP, bottom=BOTTOM)


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
) -> LineChart:
    """Several metrics over time on one scale; x is time, so gaps in practice show as gaps."""
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

    def x_of(when: datetime) -> float:
        if first == last:
            return (LEFT + RIGHT) / 2
        return round(LEFT + 10 + (when - first).total_seconds() / span * (RIGHT - LEFT - 20), 1)

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
    every = max(1, -(-len(days) // MAX_DATE_LABELS))
    labelled = [d for i, d in enumerate(days) if i % every == 0]
    if days[-1] not in labelled:
        labelled[-1:] = [days[-1]] if len(labelled) > 1 else [*labelled, days[-1]]
    x_labels = []
    for day in labelled:
        moment = next(m for m in moments if m.date() == day)
        x_labels.append(XLabel(x_of(moment), date_label(day, same_year)))
    suffix = f" ({unit})" if unit else ""
    ticks = [Tick(_scale(v, low, high), format_amount(v)) for v in tick_values]
    headers = ["Date", *(f"{s.label}{suffix}" for s in series)]
    by_moment: dict[datetime, list[str]] = {m: ["—"] * len(series) for m in moments}
    for index, data in enumerate(series):
        for when, value in data.values:
            by_moment[when][index] = format_amount(round(value, 2))
    rows = [[f"{m:%d %b %Y %H:%M}".lstrip("0"), *cells] for m, cells in by_moment.items()]
    return LineChart(
        id=chart_id,
        title=title,
        summary=_line_summary(title, series, unit),
        series=drawn,
        ticks=ticks,
        x_labels=x_labels,
        table_headers=headers,
        table_rows=rows,
    )


def _line_summary(title: str, series: Sequence[SeriesData], unit: str | None) -> str:
    from stepwise.progress.figures import direction

    parts = []
    for data in series:
        values = [v for _, v in data.values]
        if not values:
            continue
        text = f"{data.label}: {len(values)} value{'s' if len(values) != 1 else ''}"
        if len(values) > 1:
            text += (
                f", from {format_amount(round(values[0], 2))} to "
                f"{format_amount(round(values[-1], 2))} ({direction(values)})"
            )
        else:
            text += f", {format_amount(round(values[0], 2))}"
        parts.append(text)
    unit_text = f" Values in {unit}." if unit else ""
    return f"{title}. " + "; ".join(parts) + "." + unit_text + " The table lists every value."


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
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

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
    slot = (RIGHT - LEFT) / max(count, 1)
    width = max(4.0, slot * 0.7)
    every = max(1, -(-count // MAX_DATE_LABELS))
    same_year = len({w.year for w, _ in weeks}) <= 1
    bars = []
    for index, (week, total) in enumerate(weeks):
        y = _scale(total, 0.0, high)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - width) / 2, 1),
                y=y,
                width=round(width, 1),
                height=round(BOTTOM - y, 1),
                value_label=format_amount(round(total)) if count <= 16 else "",
                date_label=date_label(week, same_year),
                show_date=index % every == 0 or index == count - 1,
            )
        )
    total = sum(v for _, v in weeks)
    practised = sum(1 for _, v in weeks if v > 0)
    summary = (
        f"{title}: {format_amount(round(total))} {unit} over {count} week"
        f"{'s' if count != 1 else ''}, with practice in {practised} of them."
        " The table lists every week."
    )
    return BarChart(
        id=chart_id,
        title=title,
        summary=summary,
        bars=bars,
        ticks=[Tick(_scale(v, 0.0, high), format_amount(v)) for v in ticks_values],
        table_headers=["Week starting", unit.capitalize()],
        table_rows=[[f"{w:%d %b %Y}".lstrip("0"), format_amount(round(v))] for w, v in weeks],
    )


CALENDAR_STATES = {
    "done": ("✓", "all done"),
    "part": ("◐", "partly done"),
    "missed": ("✗", "missed"),
    "open": ("○", "due today"),
    "upcoming": ("·", "coming up"),
    "extra": ("+", "extra practice"),
    "none": ("", "nothing due"),
    "future": ("", ""),
}
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
        text = CALENDAR_STATES[self.state][1]
        if self.due and self.state in ("part", "done", "missed"):
            text += f" ({self.done} of {self.due})"
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
        XLabel(CAL_LEFT + d * (CELL + GAP) + CELL / 2, name)
        for d, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    ]
    due_days = sum(counts.get(s, 0) for s in ("done", "part", "missed"))
    summary = (
        f"{title}, {weeks} weeks to {today.day} {today:%b}: homework was due on {due_days} "
        f"day{'s' if due_days != 1 else ''}; all done on {counts.get('done', 0)}, partly on "
        f"{counts.get('part', 0)}, missed on {counts.get('missed', 0)}; extra practice on "
        f"{counts.get('extra', 0)} other day{'s' if counts.get('extra', 0) != 1 else ''}."
    )
    legend = [
        (state, glyph, words)
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
