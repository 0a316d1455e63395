"""SUDS: subjective units of distress, a whole number from 0 to 100 (a slider)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepwise.library.schema import SudsStep
from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.reading import Errors
from stepwise.library.steps.scale import describe_rating, integer_answers, validate_rating
from stepwise.library.steps.views import AnswerView, RenderContext, StepView


@register
class Suds(StepType[SudsStep]):
    name = "suds"
    model = SudsStep
    label = "Distress rating (0-100)"

    def validate(self, step: SudsStep, value: Any, errors: Errors) -> int | None:
        return validate_rating(step, value, errors)

    def render(self, step: SudsStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)

    def describe(self, step: SudsStep, answer: Any, view: AnswerView) -> None:
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
        if fields.text("anchors"):  # a distress rating has default anchors
            step["anchors"] = building.anchors(fields.text("anchors"), problems, where)

    def fhir_item(self, step: SudsStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "integer"
        return item

    def fhir_answers(self, step: SudsStep, value: Any) -> list[dict[str, Any]]:
        return integer_answers(step, value)
