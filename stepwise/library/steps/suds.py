"""SUDS: subjective units of distress, a whole number from 0 to 100 (a slider)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register, single_range
from stepwise.library.steps.common import Aggregate, QuestionStep, ScaleAnchor, check_anchors
from stepwise.library.steps.reading import Errors
from stepwise.library.steps.scale import describe_rating, integer_answers, validate_rating
from stepwise.library.steps.views import AnswerView, RenderContext, StepView


def _default_suds_anchors() -> list[ScaleAnchor]:
    return [
        ScaleAnchor(value=0, label=gettext_noop("Completely calm")),
        ScaleAnchor(value=50, label=gettext_noop("Upset, but I can still think clearly")),
        ScaleAnchor(value=100, label=gettext_noop("The most upset I have ever been")),
    ]


class SudsStep(QuestionStep):
    """Subjective units of distress: a whole number from 0 to 100."""

    type: Literal["suds"] = "suds"
    anchors: list[ScaleAnchor] = Field(
        default_factory=_default_suds_anchors, min_length=2, max_length=21
    )

    @model_validator(mode="after")
    def _anchors_in_range(self) -> SudsStep:
        check_anchors(self.anchors, 0, 100)
        return self

    @property
    def min(self) -> int:
        return 0

    @property
    def max(self) -> int:
        return 100


@register
class Suds(StepType[SudsStep]):
    name = "suds"
    model = SudsStep
    label = gettext_noop("Distress rating (0-100)")

    def validate(self, step: SudsStep, value: Any, errors: Errors) -> int | None:
        return validate_rating(step, value, errors)

    def metric_aggregates(self, step: SudsStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.VALUE})

    def alert_range(self, step: SudsStep, field: str | None) -> tuple[int, int] | str:
        return single_range(step, field)

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
