"""Choice: one option, or several when `multiple` (with optional bounds)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop, ngettext
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, answer_item, register, unanswered
from stepwise.library.steps.common import Aggregate, Option, QuestionStep, unique
from stepwise.library.steps.reading import (
    Errors,
    PostedForm,
    as_text,
    dedupe,
    field_name,
    ids,
    is_blank,
    labels,
)
from stepwise.library.steps.views import AnswerView, RenderContext, StepView, option_views


class ChoiceStep(QuestionStep):
    type: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=30)
    multiple: bool = False
    min_selected: int | None = Field(default=None, ge=1)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _selection_bounds(self) -> ChoiceStep:
        unique([o.id for o in self.options], "option")
        if not self.multiple and (self.min_selected or self.max_selected):
            raise ValueError("min_selected and max_selected only apply when multiple is true")
        for bound in (self.min_selected, self.max_selected):
            if bound is not None and bound > len(self.options):
                raise ValueError(f"cannot ask for {bound} selections from fewer options")
        if self.min_selected and self.max_selected and self.min_selected > self.max_selected:
            raise ValueError("min_selected is larger than max_selected")
        return self


def fhir_options(options: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"valueCoding": {"code": o.id, "display": o.label}} for o in options]


def fhir_codings(step: Any, options: Iterable[Any], value: Any) -> list[dict[str, Any]]:
    """FHIR answers of chosen option ids (one id or a list)."""
    if unanswered(value):
        return []
    shown = labels(options)
    chosen = value if isinstance(value, list) else [value]
    return answer_item(
        step, [{"valueCoding": {"code": c, "display": shown.get(c, c)}} for c in chosen]
    )


def render_options(view: StepView, options: Iterable[Any], raw: Any) -> None:
    chosen = set(raw) if isinstance(raw, list) else {as_text(raw)}
    view.options = option_views(options, view.field.name, chosen)


@register
class Choice(StepType[ChoiceStep]):
    name = "choice"
    model = ChoiceStep
    label = gettext_noop("Choice")
    builder_defaults = {"options": []}
    builder_keys = ("min_selected", "max_selected")
    builder_flags = ("multiple",)

    def validate(self, step: ChoiceStep, value: Any, errors: Errors) -> str | list[str] | None:
        shown = labels(step.options)
        if not step.multiple:
            if is_blank(value):
                if step.required:
                    errors[step.id] = gettext("Please choose an option.")
                return None
            if isinstance(value, list | tuple) and len(value) == 1:
                value = value[0]
            if not isinstance(value, str) or value not in shown:
                errors[step.id] = gettext("Choose one of the options shown.")
                return None
            return value
        chosen = [] if value is None or value == "" else ids(value)
        if chosen is None or any(item not in shown for item in chosen):
            errors[step.id] = gettext("Choose only from the options shown.")
            return []
        picked = set(chosen)
        ordered = [option_id for option_id in shown if option_id in picked]
        least = step.min_selected or (1 if step.required else 0)
        if len(ordered) < least and (ordered or step.required):
            errors[step.id] = (
                gettext("Please choose an option.")
                if least == 1
                else ngettext(
                    "Choose at least %(count)d option.", "Choose at least %(count)d options.", least
                )
                % {"count": least}
            )
        elif step.max_selected is not None and len(ordered) > step.max_selected:
            errors[step.id] = ngettext(
                "Choose at most %(count)d option.",
                "Choose at most %(count)d options.",
                step.max_selected,
            ) % {"count": step.max_selected}
        return ordered

    def parse(self, step: ChoiceStep, form: PostedForm) -> Any:
        if step.multiple:
            return dedupe(form.getlist(field_name(step.id)))
        return super().parse(step, form)

    def number(self, step: ChoiceStep, metric: Any, answer: Any, answers: Any) -> float:
        return float(len(answer or []))  # chosen options (multiple choice)

    def metric_aggregates(self, step: ChoiceStep, metric: Any) -> frozenset[Aggregate] | str:
        if not step.multiple:
            return super().metric_aggregates(step, metric)
        return frozenset({Aggregate.COUNT})  # chosen options

    def render(self, step: ChoiceStep, view: StepView, raw: Any, context: RenderContext) -> None:
        render_options(view, step.options, raw)

    def describe(self, step: ChoiceStep, answer: Any, view: AnswerView) -> None:
        shown = labels(step.options)
        chosen = answer if isinstance(answer, list) else ([answer] if answer else [])
        view.items = [shown.get(item, str(item)) for item in chosen]

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["options"] = building.option_lines(step.get("options"))
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["options"] = building.options(
            fields.text("options"), list(old.get("options", [])), "option"
        )
        step["multiple"] = fields.flag("multiple")
        if step["multiple"]:
            for key in ("min_selected", "max_selected"):
                if fields.text(key):
                    step[key] = building.whole(fields.text(key))

    def fhir_item(self, step: ChoiceStep, item: dict[str, Any]) -> dict[str, Any]:
        item.update(type="choice", repeats=step.multiple, answerOption=fhir_options(step.options))
        return item

    def fhir_answers(self, step: ChoiceStep, value: Any) -> list[dict[str, Any]]:
        return fhir_codings(step, step.options, value)
