"""Scale: a whole-number rating (e.g. 0-10) with labelled anchors; radio buttons or a slider."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps.common import Aggregate, QuestionStep, ScaleAnchor, check_anchors

if TYPE_CHECKING:
    from stepwise.library.steps.suds import SudsStep
from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, answer_item, register, single_range, unanswered
from stepwise.library.steps.reading import Errors, whole_number
from stepwise.library.steps.views import AnswerView, OptionView, RenderContext, StepView

# A scale with at most this many points is a row of radio buttons; wider ones get a slider.
RADIO_SCALE_POINTS = 11


class ScaleStep(QuestionStep):
    """A whole-number rating, e.g. 0-10, with labelled anchors (both ends at least)."""

    type: Literal["scale"] = "scale"
    min: int = Field(ge=-100, le=100)
    max: int = Field(ge=-100, le=100)
    anchors: list[ScaleAnchor] = Field(min_length=2, max_length=21)

    @model_validator(mode="after")
    def _range(self) -> ScaleStep:
        if self.min >= self.max:
            raise ValueError("min must be smaller than max")
        check_anchors(self.anchors, self.min, self.max)
        return self


def validate_rating(step: ScaleStep | SudsStep, value: Any, errors: Errors) -> int | None:
    """A scale or distress rating: a whole number in the step's range."""
    number, error = whole_number(
        value,
        step.min,
        step.max,
        required=step.required,
        missing=gettext("Please choose a number from %(low)d to %(high)d.")
        % {"low": step.min, "high": step.max},
        wrong=gettext("Enter a whole number from %(low)s to %(high)s.")
        % {"low": step.min, "high": step.max},
    )
    if error:
        errors[step.id] = error
    return number


def describe_rating(step: ScaleStep | SudsStep, answer: Any, view: AnswerView) -> None:
    if answer is None:
        view.text = ""
        return
    anchor = next((a.label for a in step.anchors if a.value == answer), "")
    text = gettext("%(answer)s on a scale from %(min)s to %(max)s") % {
        "answer": answer,
        "min": step.min,
        "max": step.max,
    }
    view.text = f"{text} ({anchor})" if anchor else text


def integer_answers(step: Any, value: Any) -> list[dict[str, Any]]:
    """FHIR answers of a step whose answer is one whole number."""
    return [] if unanswered(value) else answer_item(step, [{"valueInteger": int(value)}])


def _anchor_label(step: ScaleStep, value: int) -> str:
    for anchor in step.anchors:
        if anchor.value == value:
            return anchor.label
    return ""


@register
class Scale(StepType[ScaleStep]):
    name = "scale"
    model = ScaleStep
    label = gettext_noop("Rating scale")
    builder_defaults = {
        "min": 0,
        "max": 10,
        "anchors": [{"value": 0, "label": "Not at all"}, {"value": 10, "label": "Extremely"}],
    }
    builder_keys = ("min", "max")

    def validate(self, step: ScaleStep, value: Any, errors: Errors) -> int | None:
        return validate_rating(step, value, errors)

    def alert_reading(self, step: ScaleStep, field: str | None, value: Any, shown: str) -> str:
        label = next((a.label for a in step.anchors if a.value == value), "")
        return f"{shown} ({label})" if label else shown

    def metric_aggregates(self, step: ScaleStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.VALUE})

    def alert_range(self, step: ScaleStep, field: str | None) -> tuple[int, int] | str:
        return single_range(step, field)

    def render(self, step: ScaleStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)
        view.use_slider = step.max - step.min + 1 > RADIO_SCALE_POINTS
        if not view.use_slider:
            view.options = [
                OptionView(
                    str(value),
                    _anchor_label(step, value),
                    str(value) == view.field.value,
                    f"f-{view.field.name}-{value}",
                )
                for value in range(step.min, step.max + 1)
            ]

    def describe(self, step: ScaleStep, answer: Any, view: AnswerView) -> None:
        describe_rating(step, answer, view)

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["anchors"] = building.anchor_lines(step.get("anchors"))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["min"] = building.whole(fields.text("min"))
        step["max"] = building.whole(fields.text("max"))
        step["anchors"] = building.anchors(fields.text("anchors"), problems, where)

    def fhir_item(self, step: ScaleStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "integer"
        return item

    def fhir_answers(self, step: ScaleStep, value: Any) -> list[dict[str, Any]]:
        return integer_answers(step, value)
