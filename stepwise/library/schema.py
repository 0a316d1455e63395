"""The exercise definition schema: one pydantic model every shipped or imported exercise passes.

A definition is a versioned document (JSON). Unknown keys are refused everywhere (`extra="forbid"`)
so that a typo in a content file fails loudly instead of silently dropping a setting.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from stepwise.lib.text import strip_control_characters

SCHEMA_VERSION: Final = 1

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


class Category(StrEnum):
    RELAXATION = "relaxation"
    SOCIAL_SKILLS = "social_skills"
    PARENT_CHILD = "parent_child"
    PARENTING_VIDEOS = "parenting_videos"
    EXPOSURE = "exposure"
    COGNITIVE = "cognitive"
    AFFECT_EMOTION = "affect_emotion"
    # Behavioural activation, self-monitoring and stimulus control: changing what people do.
    BEHAVIOURAL = "behavioural"


class Audience(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    CAREGIVER = "caregiver"


class Aggregate(StrEnum):
    """How a metric turns an answer into one number."""

    VALUE = "value"  # the answer itself (scale, suds, timer seconds, breaths, media fraction)
    MAX = "max"
    MIN = "min"
    MEAN = "mean"
    SUM = "sum"
    COUNT = "count"  # rows, ticked items, chosen options or emotions
    SECONDS_TO_MINUTES = "seconds_to_minutes"  # timer seconds, or breaths x cycle length


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _without_control_characters(value: Any) -> Any:
    """`value` (parsed JSON) with control characters dropped from every string in it."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list):
        return [_without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_control_characters(v) for k, v in value.items()}
    return value


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what} id {item!r} is used more than once")
        seen.add(item)


class Option(_Strict):
    """A choice option, checklist item or emotion."""

    id: Identifier
    label: Label


class ScaleAnchor(_Strict):
    value: int
    label: Label


class Image(_Strict):
    # an https URL, a path under /static/, or a file name in the practice's media storage
    src: Annotated[
        str,
        StringConstraints(
            pattern=r"^(https://\S+|/static/\S+|[a-z0-9][a-z0-9_./-]*)$", max_length=2000
        ),
    ]
    alt: Label  # images in exercises carry meaning; decorative images do not belong here

    @field_validator("src")
    @classmethod
    def _no_parent_directories(cls, value: str) -> str:
        if "/../" in f"/{value}/":
            raise ValueError("the image path may not contain '..'")
        return value


class MediaLink(_Strict):
    kind: Literal["link"] = "link"
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=2000)]


class MediaUpload(_Strict):
    """A file the practice uploaded; `file` is its name in the practice's media storage."""

    kind: Literal["upload"] = "upload"
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")]
    content_type: Literal[
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
        "audio/webm",
        "video/mp4",
        "video/webm",
    ]

    @field_validator("file")
    @classmethod
    def _no_parent_directories(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError("the file name may not contain '..'")
        return value


MediaSource = Annotated[MediaLink | MediaUpload, Field(discriminator="kind")]


# --- steps -------------------------------------------------------------------------------------


class _StepBase(_Strict):
    id: Identifier
    title: Label | None = None


class _QuestionStep(_StepBase):
    prompt: Prompt
    help: Prompt | None = None  # a hint shown under the prompt
    required: bool = True


class ContentStep(_StepBase):
    """Text to read (markdown); `read_aloud` offers speech for guided scripts."""

    type: Literal["content"] = "content"
    body: Markdown
    image: Image | None = None
    read_aloud: bool = False


class TextStep(_QuestionStep):
    type: Literal["text"] = "text"
    size: TextSize = "short"
    max_length: int | None = Field(default=None, ge=1)
    placeholder: Label | None = None

    @model_validator(mode="after")
    def _length_within_size(self) -> TextStep:
        if self.max_length is not None and self.max_length > TEXT_LIMITS[self.size]:
            raise ValueError(
                f"max_length for a {self.size} answer is at most {TEXT_LIMITS[self.size]}"
            )
        return self

    @property
    def limit(self) -> int:
        return self.max_length or TEXT_LIMITS[self.size]


def _check_anchors(anchors: list[ScaleAnchor], low: int, high: int) -> None:
    values = [a.value for a in anchors]
    if len(set(values)) != len(values):
        raise ValueError("two anchors share the same value")
    for value in values:
        if not low <= value <= high:
            raise ValueError(f"anchor value {value} is outside the range {low} to {high}")
    if low not in values or high not in values:
        raise ValueError(f"both ends of the range ({low} and {high}) need an anchor label")


class ScaleStep(_QuestionStep):
    """A whole-number rating, e.g. 0-10, with labelled anchors (both ends at least)."""

    type: Literal["scale"] = "scale"
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    anchors: list[ScaleAnchor] = Field(min_length=2, max_length=21)

    @model_validator(mode="after")
    def _range(self) -> ScaleStep:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        _check_anchors(self.anchors, self.min, self.max)
        return self


def _default_suds_anchors() -> list[ScaleAnchor]:
    return [
        ScaleAnchor(value=0, label="Completely calm"),
        ScaleAnchor(value=50, label="Upset, but I can still think clearly"),
        ScaleAnchor(value=100, label="The most upset I have ever been"),
    ]


class SudsStep(_QuestionStep):
    """Subjective units of distress: a whole number from 0 to 100."""

    type: Literal["suds"] = "suds"
    anchors: list[ScaleAnchor] = Field(
        default_factory=_default_suds_anchors, min_length=2, max_length=21
    )

    @model_validator(mode="after")
    def _anchors_in_range(self) -> SudsStep:
        _check_anchors(self.anchors, 0, 100)
        return self

    @property
    def min(self) -> int:
        return 0

    @property
    def max(self) -> int:
        return 100


class ChoiceStep(_QuestionStep):
    type: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=30)
    multiple: bool = False
    min_selected: int | None = Field(default=None, ge=1)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _selection_bounds(self) -> ChoiceStep:
        _unique([o.id for o in self.options], "option")
        if not self.multiple and (self.min_selected or self.max_selected):
            raise ValueError("min_selected and max_selected only apply when multiple is true")
        for bound in (self.min_selected, self.max_selected):
            if bound is not None and bound > len(self.options):
                raise ValueError(f"cannot ask for {bound} selections from fewer options")
        if self.min_selected and self.max_selected and self.min_selected > self.max_selected:
            raise ValueError("min_selected is larger than max_selected")
        return self


class ChecklistStep(_QuestionStep):
    """Tick the items that apply. Not required by default: ticking nothing is an answer."""

    type: Literal["checklist"] = "checklist"
    items: list[Option] = Field(min_length=1, max_length=50)
    required: bool = False

    @model_validator(mode="after")
    def _unique_items(self) -> ChecklistStep:
        _unique([o.id for o in self.items], "item")
        return self


DEFAULT_EMOTIONS: tuple[tuple[str, str], ...] = (
    ("sad", "Sad"),
    ("anxious", "Anxious or worried"),
    ("scared", "Scared"),
    ("angry", "Angry"),
    ("irritated", "Irritated"),
    ("ashamed", "Ashamed"),
    ("guilty", "Guilty"),
    ("embarrassed", "Embarrassed"),
    ("lonely", "Lonely"),
    ("hopeless", "Hopeless"),
    ("frustrated", "Frustrated"),
    ("disgusted", "Disgusted"),
    ("jealous", "Jealous"),
    ("happy", "Happy"),
    ("calm", "Calm"),
    ("proud", "Proud"),
    ("hopeful", "Hopeful"),
    ("grateful", "Grateful"),
)


def _default_emotions() -> list[Option]:
    return [Option(id=i, label=label) for i, label in DEFAULT_EMOTIONS]


class EmotionStep(_QuestionStep):
    """Choose emotions from a list and rate how strong each one is."""

    type: Literal["emotion"] = "emotion"
    emotions: list[Option] = Field(default_factory=_default_emotions, min_length=2, max_length=40)
    intensity_min: int = Field(default=0, ge=0, le=100)
    intensity_max: int = Field(default=100, ge=1, le=100)
    intensity_label: Label = "How strong?"
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> EmotionStep:
        _unique([o.id for o in self.emotions], "emotion")
        if self.intensity_min >= self.intensity_max:
            raise ValueError("intensity_min must be smaller than intensity_max")
        if self.max_selected is not None and self.max_selected > len(self.emotions):
            raise ValueError("max_selected is larger than the number of emotions")
        return self


# --- list step and its typed fields ------------------------------------------------------------


class _ListFieldBase(_Strict):
    id: Identifier
    label: Label
    help: Prompt | None = None
    required: bool = True  # within a row that is not blank


class TextField(_ListFieldBase):
    kind: Literal["text"] = "text"
    size: TextSize = "short"
    max_length: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _length_within_size(self) -> TextField:
        if self.max_length is not None and self.max_length > TEXT_LIMITS[self.size]:
            raise ValueError(
                f"max_length for a {self.size} answer is at most {TEXT_LIMITS[self.size]}"
            )
        return self

    @property
    def limit(self) -> int:
        return self.max_length or TEXT_LIMITS[self.size]


class NumberField(_ListFieldBase):
    kind: Literal["number"] = "number"
    min: float = Field(ge=-NUMBER_FIELD_ABS_MAX, le=NUMBER_FIELD_ABS_MAX)
    max: float = Field(ge=-NUMBER_FIELD_ABS_MAX, le=NUMBER_FIELD_ABS_MAX)
    integer: bool = True
    unit: Label | None = None

    @model_validator(mode="after")
    def _range(self) -> NumberField:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        if self.integer and (self.min != int(self.min) or self.max != int(self.max)):
            raise ValueError("an integer field needs whole-number min and max")
        return self


class SudsField(_ListFieldBase):
    kind: Literal["suds"] = "suds"

    @property
    def min(self) -> int:
        return 0

    @property
    def max(self) -> int:
        return 100


class ScaleField(_ListFieldBase):
    kind: Literal["scale"] = "scale"
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    min_label: Label | None = None
    max_label: Label | None = None

    @model_validator(mode="after")
    def _range(self) -> ScaleField:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        return self


class ChoiceField(_ListFieldBase):
    kind: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=30)

    @model_validator(mode="after")
    def _unique_options(self) -> ChoiceField:
        _unique([o.id for o in self.options], "option")
        return self


ListField = Annotated[
    TextField | NumberField | SudsField | ScaleField | ChoiceField, Field(discriminator="kind")
]
NUMERIC_FIELD_KINDS = frozenset({"number", "suds", "scale"})


class ListStep(_QuestionStep):
    """Repeatable rows of typed fields, e.g. a fear ladder. When required, at least `min_rows`."""

    type: Literal["list"] = "list"
    fields: list[ListField] = Field(min_length=1, max_length=LIST_FIELDS_MAX)
    min_rows: int = Field(default=1, ge=1, le=LIST_ROWS_MAX)
    max_rows: int = Field(default=20, ge=1, le=LIST_ROWS_MAX)
    orderable: bool = False  # the client may drag rows into order (e.g. easiest to hardest)
    add_label: Label = "Add a row"

    @model_validator(mode="after")
    def _rows(self) -> ListStep:
        _unique([f.id for f in self.fields], "field")
        if self.min_rows > self.max_rows:
            raise ValueError("min_rows is larger than max_rows")
        return self

    def field(self, field_id: str) -> ListField | None:
        return next((f for f in self.fields if f.id == field_id), None)


class TimerStep(_QuestionStep):
    """A countdown (`duration_seconds`) or stopwatch (up to `max_seconds`); records seconds."""

    type: Literal["timer"] = "timer"
    mode: Literal["countdown", "stopwatch"] = "countdown"
    duration_seconds: int | None = Field(default=None, ge=1, le=COUNTDOWN_SECONDS_MAX)
    max_seconds: int | None = Field(default=None, ge=1, le=STOPWATCH_SECONDS_MAX)

    @model_validator(mode="after")
    def _mode_settings(self) -> TimerStep:
        if self.mode == "countdown":
            if self.duration_seconds is None:
                raise ValueError("a countdown timer needs duration_seconds")
            if self.max_seconds is not None:
                raise ValueError("max_seconds is for stopwatch timers; use duration_seconds")
        elif self.duration_seconds is not None:
            raise ValueError("duration_seconds is for countdown timers; use max_seconds")
        return self

    @property
    def limit_seconds(self) -> int:
        if self.mode == "countdown":
            assert self.duration_seconds is not None
            return self.duration_seconds
        return self.max_seconds or 60 * 60


class BreathingStep(_QuestionStep):
    """Paced breathing: inhale, hold, exhale, hold (seconds) for a number of cycles."""

    type: Literal["breathing"] = "breathing"
    inhale_seconds: int = Field(ge=1, le=BREATH_PHASE_SECONDS_MAX)
    hold_in_seconds: int = Field(default=0, ge=0, le=BREATH_PHASE_SECONDS_MAX)
    exhale_seconds: int = Field(ge=1, le=BREATH_PHASE_SECONDS_MAX)
    hold_out_seconds: int = Field(default=0, ge=0, le=BREATH_PHASE_SECONDS_MAX)
    cycles: int = Field(ge=1, le=BREATHING_CYCLES_MAX)

    @property
    def cycle_seconds(self) -> int:
        return (
            self.inhale_seconds + self.hold_in_seconds + self.exhale_seconds + self.hold_out_seconds
        )


class MediaStep(_StepBase):
    """Audio or video. With no `source` the step is skipped: the practice attaches its own media.

    The answer is the fraction played (0-1). Not required by default.
    """

    type: Literal["media"] = "media"
    kind: Literal["audio", "video"]
    prompt: Prompt | None = None
    source: MediaSource | None = None
    transcript: Markdown | None = None
    required: bool = False

    @model_validator(mode="after")
    def _content_type_matches_kind(self) -> MediaStep:
        if isinstance(self.source, MediaUpload) and not self.source.content_type.startswith(
            self.kind
        ):
            raise ValueError(f"an uploaded {self.kind} file needs a {self.kind}/* content type")
        return self


class ReflectionQuestion(_Strict):
    id: Identifier
    prompt: Prompt
    size: TextSize = "long"
    required: bool = True

    @property
    def limit(self) -> int:
        return TEXT_LIMITS[self.size]


class ReflectionStep(_StepBase):
    """Questions to answer after an earlier step (usually a video): `after` names that step."""

    type: Literal["reflection"] = "reflection"
    after: Identifier | None = None
    prompt: Prompt | None = None
    questions: list[ReflectionQuestion] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _unique_questions(self) -> ReflectionStep:
        _unique([q.id for q in self.questions], "question")
        return self


AnyStep = (
    ContentStep
    | TextStep
    | ScaleStep
    | SudsStep
    | ChoiceStep
    | ChecklistStep
    | EmotionStep
    | ListStep
    | TimerStep
    | BreathingStep
    | MediaStep
    | ReflectionStep
)
Step = Annotated[AnyStep, Field(discriminator="type")]
STEP_TYPES: tuple[str, ...] = (
    "content",
    "text",
    "scale",
    "suds",
    "choice",
    "checklist",
    "emotion",
    "list",
    "timer",
    "breathing",
    "media",
    "reflection",
)


# --- metrics -----------------------------------------------------------------------------------


class Metric(_Strict):
    """A named number taken from one step of a response, for progress charts."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    label: Label
    source: Identifier  # the step id
    field: Identifier | None = None  # a list field id, or an emotion id
    aggregate: Aggregate = Aggregate.VALUE
    # With aggregate "count" on a list's choice field: count only rows that chose this option
    # (activities marked done).
    option: Identifier | None = None
    # With an emotion step: take only the emotions also rated in this other emotion step, so a
    # before/after pair compares the same feelings (a thought record's re-rating).
    same_as: Identifier | None = None
    # Report the number as a percentage of another metric of the same exercise (sleep
    # efficiency: time asleep as a percentage of time in bed). Left out of the dump when unset,
    # so documents written before it keep their content hash.
    percent_of: Annotated[Identifier | None, Field(exclude_if=lambda value: value is None)] = None
    unit: Label | None = None


_NUMBER_AGGREGATES = frozenset(
    {Aggregate.COUNT, Aggregate.MAX, Aggregate.MIN, Aggregate.MEAN, Aggregate.SUM}
)


def metric_problem(metric: Metric, step: AnyStep) -> str | None:
    """Why `metric` cannot be taken from `step`, or None when it can."""
    allowed: frozenset[Aggregate]
    if metric.field is not None and not isinstance(step, EmotionStep | ListStep):
        return "field only applies to list and emotion steps"
    if metric.option is not None and (not isinstance(step, ListStep) or metric.field is None):
        return "option only applies to counting a list's choice field"
    if isinstance(step, ScaleStep | SudsStep | MediaStep):
        allowed = frozenset({Aggregate.VALUE})
    elif isinstance(step, TimerStep | BreathingStep):
        allowed = frozenset({Aggregate.VALUE, Aggregate.SECONDS_TO_MINUTES})
    elif isinstance(step, ChecklistStep) or (isinstance(step, ChoiceStep) and step.multiple):
        allowed = frozenset({Aggregate.COUNT})
    elif isinstance(step, EmotionStep):
        if metric.field is None:
            allowed = _NUMBER_AGGREGATES
        elif metric.field not in {e.id for e in step.emotions}:
            return f"step {step.id!r} has no emotion {metric.field!r}"
        else:
            allowed = frozenset({Aggregate.VALUE})
    elif isinstance(step, ListStep):
        field = step.field(metric.field) if metric.field is not None else None
        if metric.field is None:
            allowed = frozenset({Aggregate.COUNT})
        elif field is None:
            return f"step {step.id!r} has no field {metric.field!r}"
        elif metric.aggregate != Aggregate.COUNT and field.kind not in NUMERIC_FIELD_KINDS:
            return f"field {metric.field!r} of step {step.id!r} is not a number"
        elif metric.option is not None:
            if not isinstance(field, ChoiceField) or metric.aggregate != Aggregate.COUNT:
                return "option only applies to counting a list's choice field"
            if metric.option not in {o.id for o in field.options}:
                return f"field {metric.field!r} has no option {metric.option!r}"
            allowed = frozenset({Aggregate.COUNT})
        else:
            allowed = _NUMBER_AGGREGATES
    else:
        return f"a {step.type} step does not give a number"
    if metric.aggregate not in allowed:
        choices = ", ".join(sorted(a.value for a in allowed))
        return (
            f"aggregate {metric.aggregate.value!r} does not fit a {step.type} step (use {choices})"
        )
    return None


# --- alert rules -------------------------------------------------------------------------------


class AlertOperator(StrEnum):
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    EQUALS = "equals"


class AlertRule(_Strict):
    """An answer that needs the care team's attention, like a questionnaire's critical item.

    The number is read from one step as a metric would be: a scale or SUDS value, or the
    intensity of one emotion (`field`). When it meets the rule, the submission raises an alert
    (the same queue, emails and escalation as questionnaires) and the client sees the crisis
    message.
    """

    source: Identifier  # the step id
    field: Identifier | None = None  # an emotion id, for an emotion step
    operator: AlertOperator
    value: int


def _alert_range(step: AnyStep, field: str | None) -> tuple[int, int] | str:
    """The values a rule on this step can compare, or why it cannot read one."""
    if isinstance(step, ScaleStep | SudsStep):
        if field is not None:
            return f"a {step.type} step has no fields"
        return step.min, step.max
    if isinstance(step, EmotionStep):
        if field is None:
            return "name the emotion (field) whose intensity the rule reads"
        if field not in {e.id for e in step.emotions}:
            return f"step {step.id!r} has no emotion {field!r}"
        return step.intensity_min, step.intensity_max
    return f"a {step.type} step gives no single number to compare (use a scale, suds or emotion)"


def alert_rule_problem(rule: AlertRule, step: AnyStep) -> str | None:
    """Why `rule` cannot apply to `step` (or could never fire), or None when it can."""
    found = _alert_range(step, rule.field)
    if isinstance(found, str):
        return found
    low, high = found
    if not low <= rule.value <= high:
        return f"value {rule.value} is outside the step's range {low} to {high}"
    return None


def rule_fires(rule: AlertRule, number: float | None) -> bool:
    if number is None:
        return False
    if rule.operator is AlertOperator.AT_MOST:
        return number <= rule.value
    if rule.operator is AlertOperator.AT_LEAST:
        return number >= rule.value
    return number == rule.value


# --- the definition ----------------------------------------------------------------------------

_EVIDENCE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*evidence\b", re.IGNORECASE | re.MULTILINE)


class ExerciseDefinition(_Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
    version: int = Field(default=1, ge=1)
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    category: Category
    audience: list[Audience] = Field(min_length=1, max_length=3)
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    why_this_helps: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)
    ]
    therapist_notes: Markdown
    references: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=600)]
    ] = Field(min_length=1, max_length=30)
    estimated_minutes: int = Field(ge=1, le=120)
    crisis_plan: bool = False  # offered "one tap away" in the client's app
    steps: list[Step] = Field(min_length=1, max_length=100)
    metrics: list[Metric] = Field(default_factory=list, max_length=20)
    alert_rules: list[AlertRule] = Field(default_factory=list, max_length=20)
    # Finer than the category ("sleep", "act", "dbt", "safety-plan"); `manage.py library` lists
    # them. Left out of a dump when empty: untagged documents (and their hashes) stay as they were.
    tags: list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=40)]] = Field(
        default_factory=list, max_length=12, exclude_if=lambda tags: not tags
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_control_characters(cls, data: Any) -> Any:
        """Whatever path a definition comes by (builder, import, database), its text carries no
        control characters: a NUL once broke the renderer, and PostgreSQL refuses one in JSON."""
        return _without_control_characters(data)

    @field_validator("audience")
    @classmethod
    def _unique_audience(cls, value: list[Audience]) -> list[Audience]:
        if len(set(value)) != len(value):
            raise ValueError("an audience is listed twice")
        return value

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a tag is listed twice")
        return value

    @field_validator("therapist_notes")
    @classmethod
    def _has_evidence_section(cls, value: str) -> str:
        if not _EVIDENCE_HEADING.search(value):
            raise ValueError(
                "therapist_notes needs an evidence section: a heading like '## Evidence'"
            )
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> ExerciseDefinition:
        seen: dict[str, int] = {}
        for position, step in enumerate(self.steps):
            if step.id in seen:
                raise ValueError(
                    f"step id {step.id!r} is used by step {seen[step.id] + 1} and step "
                    f"{position + 1}; step ids must be unique"
                )
            seen[step.id] = position
            after = step.after if isinstance(step, ReflectionStep) else None
            if after is not None and seen.get(after, position) >= position:
                raise ValueError(
                    f"reflection step {step.id!r} comes after {after!r}, "
                    "which is not an earlier step"
                )
        if not any(s.type != "content" for s in self.steps):
            raise ValueError("an exercise needs at least one step the client answers or does")
        names: set[str] = set()
        steps = self.steps_by_id()
        for metric in self.metrics:
            if metric.name in names:
                raise ValueError(f"metric {metric.name!r} is declared twice")
            names.add(metric.name)
            source = steps.get(metric.source)
            if source is None:
                raise ValueError(
                    f"metric {metric.name!r} reads step {metric.source!r}, which does not exist"
                )
            problem = metric_problem(metric, source)
            if problem:
                raise ValueError(f"metric {metric.name!r}: {problem}")
            if metric.same_as is not None and not (
                isinstance(source, EmotionStep)
                and isinstance(steps.get(metric.same_as), EmotionStep)
                and metric.same_as != metric.source
            ):
                raise ValueError(f"metric {metric.name!r}: same_as must name another emotion step")
        by_name = {metric.name: metric for metric in self.metrics}
        for metric in self.metrics:
            whole = by_name.get(metric.percent_of or "")
            if metric.percent_of is not None and (
                whole is None or whole is metric or whole.percent_of is not None
            ):
                raise ValueError(
                    f"metric {metric.name!r}: percent_of must name another metric of this "
                    "exercise that is not itself a percentage"
                )
        for number, rule in enumerate(self.alert_rules, 1):
            read = steps.get(rule.source)
            if read is None:
                raise ValueError(
                    f"alert rule {number} reads step {rule.source!r}, which does not exist"
                )
            problem = alert_rule_problem(rule, read)
            if problem:
                raise ValueError(f"alert rule {number}: {problem}")
        return self

    def steps_by_id(self) -> dict[str, AnyStep]:
        return {step.id: step for step in self.steps}


def definition_json_schema() -> dict[str, Any]:
    """The JSON Schema of a definition document, for editors and external tools."""
    return ExerciseDefinition.model_json_schema(mode="validation")
