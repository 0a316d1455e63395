"""Timer: a countdown or a stopwatch; the answer is whole seconds (typed as minutes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import (
    COUNTDOWN_SECONDS_MAX,
    STOPWATCH_SECONDS_MAX,
    Aggregate,
    QuestionStep,
)
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


class TimerStep(QuestionStep):
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


@register
class Timer(StepType[TimerStep]):
    name = "timer"
    model = TimerStep
    label = gettext_noop("Timer")
    builder_defaults = {"mode": "countdown", "duration_seconds": 300}
    builder_keys = ("mode",)
    builder_choices = {
        "mode": [("countdown", gettext_noop("Countdown")), ("stopwatch", gettext_noop("Stopwatch"))]
    }

    def validate(self, step: TimerStep, value: Any, errors: Errors) -> int | None:
        limit = step.limit_seconds
        # Stored in seconds; people type minutes in the form (parse converts), so the message
        # speaks of minutes.
        seconds, error = whole_number(
            value,
            0,
            limit,
            required=step.required,
            missing=gettext("Please record the time you practised."),
            wrong=gettext("Enter the minutes practised, from 0 to %(most)s.")
            % {"most": minutes_text(limit)},
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

    def metric_aggregates(self, step: TimerStep, metric: Any) -> frozenset[Aggregate]:
        return frozenset({Aggregate.VALUE, Aggregate.SECONDS_TO_MINUTES})

    def render(self, step: TimerStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)

    def describe(self, step: TimerStep, answer: Any, view: AnswerView) -> None:
        view.text = (
            gettext("%(time)s practised") % {"time": format_seconds(answer)}
            if answer is not None
            else ""
        )

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
