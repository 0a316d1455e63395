"""Breathing: a paced breathing pacer; the answer is the number of breaths completed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import (
    BREATH_PHASE_SECONDS_MAX,
    BREATHING_CYCLES_MAX,
    Aggregate,
    QuestionStep,
)
from stepwise.library.steps.reading import Errors, whole_number
from stepwise.library.steps.scale import integer_answers
from stepwise.library.steps.views import AnswerView, RenderContext, StepView

_PHASES = ("inhale_seconds", "hold_in_seconds", "exhale_seconds", "hold_out_seconds")


class BreathingStep(QuestionStep):
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


@register
class Breathing(StepType[BreathingStep]):
    name = "breathing"
    model = BreathingStep
    label = gettext_noop("Breathing pacer")
    builder_defaults = {"inhale_seconds": 4, "exhale_seconds": 6, "cycles": 10}
    builder_keys = (*_PHASES, "cycles")

    def validate(self, step: BreathingStep, value: Any, errors: Errors) -> int | None:
        cycles, error = whole_number(
            value,
            0,
            step.cycles,
            required=step.required,
            missing=gettext("Please record how many breaths you completed."),
            wrong=gettext(
                "Enter the number of breaths completed: a whole number from 0 to %(high)d."
            )
            % {"high": step.cycles},
        )
        if error:
            errors[step.id] = error
        return cycles

    def number(self, step: BreathingStep, metric: Any, answer: Any, answers: Any) -> float | None:
        if answer is None:
            return None
        if metric.aggregate.value == "seconds_to_minutes":
            return answer * step.cycle_seconds / 60
        return float(answer)

    def metric_aggregates(self, step: BreathingStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.VALUE, Aggregate.SECONDS_TO_MINUTES})

    def render(self, step: BreathingStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)

    def describe(self, step: BreathingStep, answer: Any, view: AnswerView) -> None:
        view.text = (
            gettext("%(done)s of %(cycles)s breaths") % {"done": answer, "cycles": step.cycles}
            if answer is not None
            else ""
        )

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        for key in _PHASES:
            if fields.text(key):
                step[key] = building.whole(fields.text(key))
        step["cycles"] = building.whole(fields.text("cycles"))

    def fhir_item(self, step: BreathingStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "integer"
        return item

    def fhir_answers(self, step: BreathingStep, value: Any) -> list[dict[str, Any]]:
        return integer_answers(step, value)
