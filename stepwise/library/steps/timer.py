"""Timer: a countdown or a stopwatch; the answer is whole seconds (typed as minutes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepwise.library.schema import TimerStep
from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.reading import (
    Errors,
    PostedForm,
    field_name,
    form_value,
    minutes_text,
    seconds_from_minutes,
    whole_number,
)
from stepwise.library.steps.scale import integer_answers
from stepwise.library.steps.views import AnswerView, RenderContext, StepView, format_seconds


@register
class Timer(StepType[TimerStep]):
    name = "timer"
    model = TimerStep
    label = "Timer"
    builder_defaults = {"mode": "countdown", "duration_seconds": 300}
    builder_keys = ("mode",)

    def validate(self, step: TimerStep, value: Any, errors: Errors) -> int | None:
        limit = step.limit_seconds
        # Stored in seconds; people type minutes in the form (parse converts), so the message
        # speaks of minutes.
        seconds, error = whole_number(
            value,
            0,
            limit,
            required=step.required,
            missing="Please record the time you practised.",
            wrong=f"Enter the minutes practised, from 0 to {minutes_text(limit)}.",
        )
        if error:
            errors[step.id] = error
        return seconds

    def parse(self, step: TimerStep, form: PostedForm) -> Any:
        value = super().parse(step, form)
        return seconds_from_minutes(value) if isinstance(value, str) and value.strip() else value

    def to_form(self, step: TimerStep, answer: Any, form: dict[str, list[str]]) -> None:
        shown = minutes_text(answer) if isinstance(answer, int) else form_value(answer)
        form[field_name(step.id)] = [shown]

    def number(self, step: TimerStep, metric: Any, answer: Any, answers: Any) -> float | None:
        if answer is None:
            return None
        if metric.aggregate.value == "seconds_to_minutes":
            return float(answer) / 60
        return float(answer)

    def render(self, step: TimerStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)

    def describe(self, step: TimerStep, answer: Any, view: AnswerView) -> None:
        view.text = f"{format_seconds(answer)} practised" if answer is not None else ""

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        seconds = step.get("duration_seconds") or step.get("max_seconds")
        values["seconds"] = "" if seconds is None else str(seconds)
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["mode"] = fields.text("mode") or "countdown"
        seconds = building.whole(fields.text("seconds"))
        if seconds is not None:
            step["duration_seconds" if step["mode"] == "countdown" else "max_seconds"] = seconds

    def fhir_item(self, step: TimerStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "integer"
        return item

    def fhir_answers(self, step: TimerStep, value: Any) -> list[dict[str, Any]]:
        return integer_answers(step, value)
