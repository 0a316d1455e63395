"""The exercise definition schema: one pydantic model every shipped or imported exercise passes.

A definition is a versioned document (JSON). Unknown keys are refused everywhere (`extra="forbid"`)
so that a typo in a content file fails loudly instead of silently dropping a setting.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, TypeAlias, Union

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from stepwise.lib.text import strip_control_characters
from stepwise.library import steps
from stepwise.library.steps.breathing import BreathingStep
from stepwise.library.steps.checklist import ChecklistStep
from stepwise.library.steps.choice import ChoiceStep
from stepwise.library.steps.common import (
    BREATH_PHASE_SECONDS_MAX,
    BREATHING_CYCLES_MAX,
    COUNTDOWN_SECONDS_MAX,
    IDENTIFIER_PATTERN,
    LIST_FIELDS_MAX,
    LIST_ROWS_MAX,
    LONG_TEXT_MAX,
    NUMBER_FIELD_ABS_MAX,
    SHORT_TEXT_MAX,
    SLUG_PATTERN,
    STOPWATCH_SECONDS_MAX,
    TEXT_LIMITS,
    Aggregate,
    Identifier,
    Label,
    Markdown,
    Option,
    Prompt,
    ScaleAnchor,
    StepBase,
    Strict,
    TextSize,
)
from stepwise.library.steps.content import ContentStep, Image
from stepwise.library.steps.emotion import DEFAULT_EMOTIONS, EmotionStep
from stepwise.library.steps.list import (
    NUMERIC_FIELD_KINDS,
    ChoiceField,
    ListField,
    ListStep,
    NumberField,
    ScaleField,
    SudsField,
    TextField,
)
from stepwise.library.steps.media import MediaLink, MediaSource, MediaStep, MediaUpload
from stepwise.library.steps.reflection import ReflectionQuestion, ReflectionStep
from stepwise.library.steps.scale import ScaleStep
from stepwise.library.steps.suds import SudsStep
from stepwise.library.steps.text import TextStep
from stepwise.library.steps.timer import TimerStep

# The schema of each step lives in its step type's module (`stepwise/library/steps/`); these names
# stay importable from here.
__all__ = [
    "BREATHING_CYCLES_MAX",
    "BREATH_PHASE_SECONDS_MAX",
    "COUNTDOWN_SECONDS_MAX",
    "DEFAULT_EMOTIONS",
    "IDENTIFIER_PATTERN",
    "LIST_FIELDS_MAX",
    "LIST_ROWS_MAX",
    "LONG_TEXT_MAX",
    "NUMBER_FIELD_ABS_MAX",
    "NUMERIC_FIELD_KINDS",
    "SCHEMA_VERSION",
    "SHORT_TEXT_MAX",
    "SLUG_PATTERN",
    "STEP_TYPES",
    "STOPWATCH_SECONDS_MAX",
    "TEXT_LIMITS",
    "Aggregate",
    "AlertOperator",
    "AlertRule",
    "AnyStep",
    "Audience",
    "BreathingStep",
    "Category",
    "ChecklistStep",
    "ChoiceField",
    "ChoiceStep",
    "ContentStep",
    "EmotionStep",
    "ExerciseDefinition",
    "Identifier",
    "Image",
    "Label",
    "ListField",
    "ListStep",
    "Markdown",
    "MediaLink",
    "MediaSource",
    "MediaStep",
    "MediaUpload",
    "Metric",
    "NumberField",
    "Option",
    "Prompt",
    "ReflectionQuestion",
    "ReflectionStep",
    "ScaleAnchor",
    "ScaleField",
    "ScaleStep",
    "Step",
    "SudsField",
    "SudsStep",
    "TextField",
    "TextSize",
    "TextStep",
    "TimerStep",
    "alert_rule_problem",
    "definition_json_schema",
    "metric_problem",
    "rule_fires",
]

SCHEMA_VERSION: Final = 1


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


def _without_control_characters(value: Any) -> Any:
    """`value` (parsed JSON) with control characters dropped from every string in it."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list):
        return [_without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_control_characters(v) for k, v in value.items()}
    return value


# --- steps -------------------------------------------------------------------------------------

# Every registered step type's model, as one union told apart by `type`. Adding a step type
# is adding a module to `stepwise/library/steps/`; type checkers see the common base.
if TYPE_CHECKING:
    AnyStep: TypeAlias = StepBase
else:
    AnyStep = Union[tuple(kind.model for kind in steps.REGISTRY.values())]  # noqa: UP007
Step = Annotated[AnyStep, Field(discriminator="type")]
STEP_TYPES: tuple[str, ...] = tuple(steps.REGISTRY)


# --- metrics -----------------------------------------------------------------------------------


class Metric(Strict):
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
    kind = steps.of(step)
    if metric.field is not None and not kind.metric_fields:
        return "field only applies to list and emotion steps"
    if metric.option is not None and (not kind.metric_options or metric.field is None):
        return "option only applies to counting a list's choice field"
    allowed = kind.metric_aggregates(step, metric)
    if isinstance(allowed, str):
        return allowed
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


class AlertRule(Strict):
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


def alert_rule_problem(rule: AlertRule, step: AnyStep) -> str | None:
    """Why `rule` cannot apply to `step` (or could never fire), or None when it can."""
    found = steps.of(step).alert_range(step, rule.field)
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

_EVIDENCE_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s*(evidence|evidencia)\b", re.IGNORECASE | re.MULTILINE
)


class ExerciseDefinition(Strict):
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

    # Set on a definition shown in a reader's language (`ExerciseVersion.parsed_in`): that
    # language, and the paths of texts that have no translation and stay in English.
    _reader_language: str = PrivateAttr(default="en")
    _english_paths: frozenset[str] = PrivateAttr(default_factory=frozenset)

    @property
    def reader_language(self) -> str:
        return self._reader_language

    def lang_of(self, path: str) -> str:
        """ "en" when the text at `path` (or any text under it, like `steps.3`) is shown in
        English to a reader of another language, so its element says `lang="en"`; else ""."""
        if self._reader_language == "en" or not self._english_paths:
            return ""
        prefix = path + "."
        for english in self._english_paths:
            if english == path or english.startswith(prefix):
                return "en"
        return ""

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
            after = getattr(step, "after", None)  # a reflection's earlier step
            if after is not None and seen.get(after, position) >= position:
                raise ValueError(
                    f"reflection step {step.id!r} comes after {after!r}, "
                    "which is not an earlier step"
                )
        if not any(steps.of(s).answered for s in self.steps):
            raise ValueError("an exercise needs at least one step the client answers or does")
        names: set[str] = set()
        by_id = self.steps_by_id()
        for metric in self.metrics:
            if metric.name in names:
                raise ValueError(f"metric {metric.name!r} is declared twice")
            names.add(metric.name)
            source = by_id.get(metric.source)
            if source is None:
                raise ValueError(
                    f"metric {metric.name!r} reads step {metric.source!r}, which does not exist"
                )
            problem = metric_problem(metric, source)
            if problem:
                raise ValueError(f"metric {metric.name!r}: {problem}")
            other = by_id.get(metric.same_as) if metric.same_as is not None else None
            if metric.same_as is not None and not (
                steps.of(source).metric_same_as
                and other is not None
                and other.type == source.type
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
            read = by_id.get(rule.source)
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
