"""A step type: every facet of one kind of exercise step, registered by its type name.

Each step module of this package (`content.py` ... `reflection.py`; `common.py`, `reading.py`,
`views.py` and `building.py` are their shared helpers) defines one step type: its schema (a
pydantic model), how an answer is validated, read from a form and written back to one, rendered,
described in words, edited in the builder and exported to FHIR. `REGISTRY` maps the type name
(`step.type`) to its `StepType`; `schema.py`, `responses.py`, `rendering.py`, `answers.py`,
`builder.py`, `progress/fhir.py` and the rest look a step's type up there instead of testing
classes one by one.

The FHIR facet returns plain dicts: it needs only the step and its answer, so it lives here
beside the rest of the step (library stays below progress, which builds the resources).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from stepwise.library.steps import building
from stepwise.library.steps.common import Aggregate
from stepwise.library.steps.reading import (
    MISSING,
    Errors,
    PostedForm,
    as_text,
    field_name,
    form_value,
)
from stepwise.library.steps.views import AnswerView, RenderContext, StepView

if TYPE_CHECKING:
    from stepwise.library.schema import Metric

S = TypeVar("S")

# Every facet a step type provides (the registry test calls each one for every type).
FACETS: tuple[str, ...] = (
    "validate",
    "parse",
    "to_form",
    "number",
    "metric_aggregates",
    "alert_range",
    "alert_reading",
    "render",
    "uploaded_files",
    "describe",
    "builder_values",
    "read_builder",
    "fhir_item",
    "fhir_answers",
)


class StepType(ABC, Generic[S]):
    """The behaviour of one step type. Subclass it in a module of this package, set the class
    attributes and decorate the class with `@register`."""

    name: ClassVar[str]  # the `type` of the step in a definition document
    model: ClassVar[type[Any]]  # the schema model of the step
    label: ClassVar[str]  # what the builder calls it
    answered: ClassVar[bool] = True  # False for steps that only show something (content)
    question: ClassVar[bool] = True  # the builder shows prompt, hint and "required" for it
    grows: ClassVar[bool] = False  # the form can add a row to it ("Add a row" without script)
    metric_fields: ClassVar[bool] = False  # a metric may read one field of it (`field`)
    metric_options: ClassVar[bool] = False  # a metric may count the rows choosing an `option`
    metric_same_as: ClassVar[bool] = False  # a metric may keep what another such step rated
    builder_defaults: ClassVar[Mapping[str, Any]] = {}  # settings of a fresh step in the builder
    builder_keys: ClassVar[tuple[str, ...]] = ()  # settings the builder shows as they are
    builder_flags: ClassVar[tuple[str, ...]] = ()  # settings the builder shows as checkboxes
    # settings the builder offers as a choice: key -> [(value, label)]
    builder_choices: ClassVar[Mapping[str, list[tuple[str, str]]]] = {}

    @property
    def template(self) -> str:
        """The template that shows the step in a form."""
        return f"library/steps/{self.name}.html"

    @property
    def builder_template(self) -> str:
        """The builder's fields for the step's settings."""
        return f"library/builder/steps/{self.name}.html"

    # --- answers (responses.py) ----------------------------------------------------------------

    @abstractmethod
    def validate(self, step: S, value: Any, errors: Errors) -> Any:
        """The normalised answer; problems go into `errors` (keyed as `responses.py` says)."""

    def parse(self, step: S, form: PostedForm) -> Any:
        """The raw answer in a posted form, or `MISSING` when the form holds none."""
        value = form.last(field_name(_id(step)))
        return MISSING if value is None else value

    def to_form(self, step: S, answer: Any, form: dict[str, list[str]]) -> None:
        """Write a stored (not None) answer into `form` the way `parse` reads it back."""
        name = field_name(_id(step))
        if isinstance(answer, list):
            form[name] = [str(item) for item in answer]
        else:
            form[name] = [form_value(answer)]

    def number(
        self, step: S, metric: Metric, answer: Any, answers: Mapping[str, Any] | None
    ) -> float | None:
        """The number a metric (or an alert rule) reads from a validated answer."""
        if answer is None:
            return None
        return float(answer)

    def metric_aggregates(self, step: S, metric: Metric) -> frozenset[Aggregate] | str:
        """The aggregates a metric may use on the step, or why a metric cannot read it."""
        return f"a {_type(step)} step does not give a number"

    def alert_range(self, step: S, field: str | None) -> tuple[int, int] | str:
        """The values an alert rule on the step can compare, or why it cannot read one."""
        return (
            f"a {_type(step)} step gives no single number to compare (use a scale, suds or emotion)"
        )

    def alert_reading(self, step: S, field: str | None, value: Any, shown: str) -> str:
        """The number an alert rule read (`shown` as text), in words for the alert's reason."""
        return shown

    # --- rendering.py --------------------------------------------------------------------------

    @abstractmethod
    def render(self, step: S, view: StepView, raw: Any, context: RenderContext) -> None:
        """Fill `view` from `raw` (what `parse` read, or nothing)."""

    def render_value(self, view: StepView, raw: Any) -> None:
        """The usual rendering of a one-control step: the value as typed."""
        view.field.value = as_text(raw)

    def uploaded_files(self, step: S) -> list[str]:
        """The practice's uploaded media files the step plays (their names in media storage)."""
        return []

    # --- answers.py ----------------------------------------------------------------------------

    @abstractmethod
    def describe(self, step: S, answer: Any, view: AnswerView) -> None:
        """Put a stored answer into `view` in words."""

    # --- builder.py ----------------------------------------------------------------------------

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        """The builder's field values for the step's own settings (strings, as shown)."""
        values: dict[str, str] = {}
        for key in self.builder_keys:
            value = step.get(key)
            values[key] = "" if value is None else building.num(value)
        for flag in self.builder_flags:
            if flag in step:
                values[flag] = "on" if step.get(flag) else ""
        return values

    @abstractmethod
    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        """Put the step's own settings from the builder's fields into `step` (a draft: it may
        be invalid; publishing validates). Lines it cannot read go into `problems`."""

    # --- progress/fhir.py ----------------------------------------------------------------------

    @abstractmethod
    def fhir_item(self, step: S, item: dict[str, Any]) -> dict[str, Any] | None:
        """The FHIR Questionnaire item (`item` holds linkId and text), or None when the step
        asks nothing."""

    @abstractmethod
    def fhir_answers(self, step: S, value: Any) -> list[dict[str, Any]]:
        """The FHIR QuestionnaireResponse items of a stored answer (none when unanswered)."""


def _id(step: Any) -> str:
    return str(step.id)


def _type(step: Any) -> str:
    return str(step.type)


def single_range(step: Any, field: str | None) -> tuple[int, int] | str:
    """The alert range of a step that gives one number between `step.min` and `step.max`."""
    if field is not None:
        return f"a {step.type} step has no fields"
    return int(step.min), int(step.max)


def answer_item(step: Any, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One QuestionnaireResponse item holding `answers`, or none when there are none."""
    return [{"linkId": step.id, "answer": answers}] if answers else []


def unanswered(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


REGISTRY: dict[str, StepType[Any]] = {}

T = TypeVar("T", bound=type[StepType[Any]])


def register(cls: T) -> T:
    """Class decorator: put one instance of the step type into `REGISTRY` under its name."""
    if cls.name in REGISTRY:
        raise ValueError(f"step type {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls()
    return cls
