"""What the step schemas share: limits, text types, options and the base step models.

The step types (`content.py`, `text.py`, ...) build their schema models from these; `schema.py`
puts the registered step models together into the definition. Pure pydantic, no step type here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

# Limits on what a client may answer. The response validator enforces them; the schema makes sure
# that a definition never asks for more than they allow.
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
LIST_ROWS_MAX = 50
LIST_FIELDS_MAX = 12
COUNTDOWN_SECONDS_MAX = 2 * 60 * 60
STOPWATCH_SECONDS_MAX = 4 * 60 * 60
BREATH_PHASE_SECONDS_MAX = 15
BREATHING_CYCLES_MAX = 60
NUMBER_FIELD_ABS_MAX = 1_000_000

TEXT_LIMITS: dict[str, int] = {"short": SHORT_TEXT_MAX, "long": LONG_TEXT_MAX}

# Step ids, option ids and field ids end up in form field names (`step-<id>-<row>-<field>`), so
# they may not contain hyphens.
IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Markdown = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
TextSize = Literal["short", "long"]


class Aggregate(StrEnum):
    """How a metric turns an answer into one number."""

    VALUE = "value"  # the answer itself (scale, suds, timer seconds, breaths, media fraction)
    MAX = "max"
    MIN = "min"
    MEAN = "mean"
    SUM = "sum"
    COUNT = "count"  # rows, ticked items, chosen options or emotions
    SECONDS_TO_MINUTES = "seconds_to_minutes"  # timer seconds, or breaths x cycle length


NUMBER_AGGREGATES = frozenset(
    {Aggregate.COUNT, Aggregate.MAX, Aggregate.MIN, Aggregate.MEAN, Aggregate.SUM}
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what} id {item!r} is used more than once")
        seen.add(item)


class Option(Strict):
    """A choice option, checklist item or emotion."""

    id: Identifier
    label: Label


class ScaleAnchor(Strict):
    value: int
    label: Label


def check_anchors(anchors: list[ScaleAnchor], low: int, high: int) -> None:
    values = [a.value for a in anchors]
    if len(set(values)) != len(values):
        raise ValueError("two anchors share the same value")
    for value in values:
        if not low <= value <= high:
            raise ValueError(f"anchor value {value} is outside the range {low} to {high}")
    if low not in values or high not in values:
        raise ValueError(f"both ends of the range ({low} and {high}) need an anchor label")


class StepBase(Strict):
    """What every step has. Each step type adds `type`, a Literal of its own name."""

    if TYPE_CHECKING:  # declared by each step type, first among its own fields
        type: str

    id: Identifier
    title: Label | None = None


class QuestionStep(StepBase):
    prompt: Prompt
    help: Prompt | None = None  # a hint shown under the prompt
    required: bool = True
