"""Score charts drawn on the server as inline SVG: no JavaScript, no chart library.

The instrument's severity bands are drawn behind the line as labelled regions, each with its own
fill pattern, so the chart reads without colour; every point carries its score as text. The
geometry is computed here; `assessments/_chart.html` turns it into SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from stepwise.assessments.definitions import Band, InstrumentDefinition, format_number

if TYPE_CHECKING:
    from stepwise.assessments.results import Row

# A narrow drawing with large text, so that it stays legible when scaled down to a phone.
WIDTH, HEIGHT = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 36, 318, 14, 252
LABEL_X = RIGHT + 8
EDGE_PAD = 24
# Fills are pale and neutral (the labels carry the meaning); patterns tell bands apart in print
# and for people who do not see the colours.
FILLS = ("#f2f5f8", "#e4ecf3", "#f5efe3", "#efe6ee", "#e8f0e6", "#ece9e1", "#e6eef0")
PATTERNS = ("plain", "dots", "diagonal", "horizontal", "crosshatch", "vertical", "wide-diagonal")
MIN_LABEL_HEIGHT = 16
MAX_LABEL_CHARS = 20
MAX_DATE_LABELS = 5


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
class Tick:
    y: float
    label: str

    @property
    def text_y(self) -> float:
        return round(self.y + 5, 1)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    bands: list[BandRegion]
    points: list[Point]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    label_x: int = LABEL_X

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


def subscale_label(subscale_id: str) -> str:
    """“D_negative_cognition_mood” -> “D negative cognition mood”."""
    text = subscale_id.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def scale_y(
    value: float, low: float, high: float, *, top: float = TOP, bottom: float = BOTTOM
) -> float:
    """The y coordinate of `value` on an axis from `low` (at `bottom`) to `high` (at `top`)."""
    span = (high - low) or 1
    return round(bottom - (value - low) / span * (bottom - top), 1)


def _band_regions(bands: Sequence[Band], low: float, high: float) -> list[BandRegion]:
    ordered = sorted(bands, key=lambda b: float(b.min))
    regions: list[BandRegion] = []
    for index, band in enumerate(ordered):
        # Bands meet halfway between one band's maximum and the next one's minimum (4 | 5 -> 4.5).
        lower = low if index == 0 else (float(ordered[index - 1].max) + float(band.min)) / 2
        upper = (
            high
            if index == len(ordered) - 1
            else (float(band.max) + float(ordered[index + 1].min)) / 2
        )
        lower, upper = max(lower, low), min(upper, high)
        if upper <= lower:
            continue
        top, bottom = scale_y(upper, low, high), scale_y(lower, low, high)
        label = band.label
        short = label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"
        regions.append(
            BandRegion(
                y=top,
                height=round(bottom - top, 1),
                label=label,
                short_label=short,
                range_label=f"{format_number(band.min)}\N{EN DASH}{format_number(band.max)}",
                fill=FILLS[index % len(FILLS)],
                pattern=PATTERNS[index % len(PATTERNS)],
                show_label=bottom - top >= MIN_LABEL_HEIGHT,
            )
        )
    return regions


def date_label(when: date | datetime, same_year: bool) -> str:
    return f"{when.day} {when:%b}" if same_year else f"{when.day} {when:%b %y}"


def line_chart(
    *,
    chart_id: str,
    title: str,
    values: Sequence[tuple[datetime, float]],
    low: float,
    high: float,
    bands: Sequence[Band],
    summary: str,
) -> Chart:
    count = len(values)
    same_year = len({when.year for when, _ in values}) <= 1
    # Only a few dates fit under the line; label every k-th and always the last.
    every = max(1, -(-count // MAX_DATE_LABELS))
    points: list[Point] = []
    for index, (when, value) in enumerate(values):
        if count == 1:
            x = (LEFT + RIGHT) / 2
        else:
            x = LEFT + EDGE_PAD + index * (RIGHT - LEFT - 2 * EDGE_PAD) / (count - 1)
        points.append(
            Point(
                x=round(x, 1),
                y=scale_y(value, low, high),
                value_label=format_number(value),
                date_label=date_label(when, same_year),
                show_date=index % every == 0 or index == count - 1,
            )
        )
    edges = sorted({float(low), float(high), *(float(b.min) for b in bands)})
    ticks = [Tick(scale_y(edge, low, high), format_number(edge)) for edge in edges]
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        bands=_band_regions(bands, low, high),
        points=points,
        ticks=ticks,
    )


def _summary(title: str, rows: Sequence[tuple[Row, float]], bands_named: bool) -> str:
    first, last = rows[0], rows[-1]
    first_when = f"{first[0].when:%d %b %Y}".lstrip("0")
    last_when = f"{last[0].when:%d %b %Y}".lstrip("0")
    text = f"{title}: {len(rows)} result{'s' if len(rows) != 1 else ''}"
    if len(rows) == 1:
        text += f", {format_number(first[1])} on {first_when}"
    else:
        text += (
            f" from {first_when} to {last_when}. Baseline {format_number(first[1])}, "
            f"latest {format_number(last[1])}"
        )
        verdict = last[0].verdict_label
        if last[0].change is not None and verdict != "—":
            text += f" ({last[0].change_label}: {verdict.lower()})"
    text += "."
    if bands_named:
        text += " Shaded, labelled bands show the score ranges. The table lists every result."
    return text


def charts_for(
    definition: InstrumentDefinition, rows: Sequence[Row], latest_sex: str | None
) -> list[Chart]:
    """The total over time with its bands; for an instrument without a total (DASS-21), one
    chart per subscale that has bands of its own."""
    abbreviation = definition.abbreviation
    if definition.plan.aggregate != "none":
        plotted = [(row, float(row.score.total)) for row in rows if row.score.total is not None]
        if not plotted:
            return []
        bands: Sequence[Band] = definition.bands or ()
        if definition.bands_by_sex:
            bands = definition.bands_by_sex.get(latest_sex or "", ())
        title = f"{abbreviation} total score"
        return [
            line_chart(
                chart_id=f"chart-{definition.id}",
                title=title,
                values=[(row.when, value) for row, value in plotted],
                low=float(definition.scoring.min or 0),  # a plotted total means a range
                high=float(definition.scoring.max or 0),
                bands=bands,
                summary=_summary(title, plotted, bool(bands)),
            )
        ]
    found: list[Chart] = []
    for sid, sub in definition.scoring.subscales.items():
        if not sub.bands:
            continue
        plotted = [
            (row, float(row.score.subscales[sid])) for row in rows if sid in row.score.subscales
        ]
        if not plotted:
            continue
        title = f"{abbreviation} {subscale_label(sid).lower()} score"
        high = sub.max if sub.max is not None else max(value for _, value in plotted)
        found.append(
            line_chart(
                chart_id=f"chart-{definition.id}-{sid}",
                title=title,
                values=[(row.when, value) for row, value in plotted],
                low=float(sub.min if sub.min is not None else 0),
                high=float(high),
                bands=sub.bands,
                summary=_summary(title, plotted, True),
            )
        )
    return found
