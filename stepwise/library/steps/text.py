"""Text: a written answer, short (one line) or long."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, answer_item, register, unanswered
from stepwise.library.steps.common import TEXT_LIMITS, Label, QuestionStep, TextSize
from stepwise.library.steps.reading import Errors, read_text
from stepwise.library.steps.views import AnswerView, RenderContext, StepView


class TextStep(QuestionStep):
    type: Literal["text"] = "text"
    size: TextSize = "short"
    max_length: int | None = Field(default=None, ge=1)
    placeholder: Label | None = None

    @model_validator(mode="after")
    def _length_within_size(self) -> TextStep:
        if self.max_length is not None and self.max_length > TEXT_LIMITS[self.size]:
            raise ValueError(
                f"max_length for a {self.size} answer is at most {TEXT_LIMITS[self.size]}"
            )
        return self

    @property
    def limit(self) -> int:
        return self.max_length or TEXT_LIMITS[self.size]


@register
class Text(StepType[TextStep]):
    name = "text"
    model = TextStep
    label = gettext_noop("Written answer")
    builder_defaults = {"size": "long"}
    builder_keys = ("size", "max_length", "placeholder")
    builder_choices = {
        "size": [
            ("short", gettext_noop("Short (one line)")),
            ("long", gettext_noop("Long (a paragraph or more)")),
        ]
    }

    def validate(self, step: TextStep, value: Any, errors: Errors) -> str | None:
        text, error = read_text(
            value, limit=step.limit, short=step.size == "short", required=step.required
        )
        if error:
            errors[step.id] = error
        return text

    def render(self, step: TextStep, view: StepView, raw: Any, context: RenderContext) -> None:
        self.render_value(view, raw)

    def describe(self, step: TextStep, answer: Any, view: AnswerView) -> None:
        view.text = answer or ""
        if view.text.strip():
            view.written = [(view.label, view.text)]

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        step["size"] = fields.text("size") or "short"
        if fields.text("max_length"):
            step["max_length"] = building.whole(fields.text("max_length"))
        if fields.text("placeholder"):
            step["placeholder"] = fields.text("placeholder")

    def fhir_item(self, step: TextStep, item: dict[str, Any]) -> dict[str, Any]:
        item["type"] = "text"
        return item

    def fhir_answers(self, step: TextStep, value: Any) -> list[dict[str, Any]]:
        return [] if unanswered(value) else answer_item(step, [{"valueString": str(value)}])
