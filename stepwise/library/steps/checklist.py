"""Checklist: tick the items that apply (ticking nothing is an answer unless required)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.choice import fhir_codings, fhir_options, render_options
from stepwise.library.steps.common import Aggregate, Option, QuestionStep, unique
from stepwise.library.steps.reading import Errors, PostedForm, dedupe, field_name, ids, labels
from stepwise.library.steps.views import AnswerView, RenderContext, StepView


class ChecklistStep(QuestionStep):
    """Tick the items that apply. Not required by default: ticking nothing is an answer."""

    type: Literal["checklist"] = "checklist"
    items: list[Option] = Field(min_length=1, max_length=50)
    required: bool = False

    @model_validator(mode="after")
    def _unique_items(self) -> ChecklistStep:
        unique([o.id for o in self.items], "item")
        return self


@register
class Checklist(StepType[ChecklistStep]):
    name = "checklist"
    model = ChecklistStep
    label = gettext_noop("Checklist")
    builder_defaults = {"items": []}

    def validate(self, step: ChecklistStep, value: Any, errors: Errors) -> list[str]:
        shown = labels(step.items)
        ticked = [] if value is None or value == "" else ids(value)
        if ticked is None or any(item not in shown for item in ticked):
            errors[step.id] = gettext("Tick only items from the list.")
            return []
        picked = set(ticked)
        ordered = [item_id for item_id in shown if item_id in picked]
        if step.required and not ordered:
            errors[step.id] = gettext("Tick at least one item.")
        return ordered

    def parse(self, step: ChecklistStep, form: PostedForm) -> list[str]:
        return dedupe(form.getlist(field_name(step.id)))

    def number(self, step: ChecklistStep, metric: Any, answer: Any, answers: Any) -> float:
        return float(len(answer or []))  # ticked items

    def metric_aggregates(self, step: ChecklistStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.COUNT})  # ticked items

    def render(self, step: ChecklistStep, view: StepView, raw: Any, context: RenderContext) -> None:
        render_options(view, step.items, raw)

    def describe(self, step: ChecklistStep, answer: Any, view: AnswerView) -> None:
        shown = labels(step.items)
        view.items = [shown.get(item, str(item)) for item in answer or []]

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["items"] = building.option_lines(step.get("items"))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["items"] = building.options(fields.text("items"), list(old.get("items", [])), "item")

    def fhir_item(self, step: ChecklistStep, item: dict[str, Any]) -> dict[str, Any]:
        item.update(type="choice", repeats=True, answerOption=fhir_options(step.items))
        return item

    def fhir_answers(self, step: ChecklistStep, value: Any) -> list[dict[str, Any]]:
        return fhir_codings(step, step.items, value)
