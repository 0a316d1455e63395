"""Reflection: written questions asked after an earlier step (usually a video)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils.translation import gettext, gettext_noop
from pydantic import Field, model_validator

from stepwise.library.steps import building
from stepwise.library.steps.base import StepType, register
from stepwise.library.steps.common import (
    TEXT_LIMITS,
    Identifier,
    Prompt,
    StepBase,
    Strict,
    TextSize,
    unique,
)
from stepwise.library.steps.reading import (
    Errors,
    PostedForm,
    as_text,
    field_name,
    read_text,
)
from stepwise.library.steps.views import AnswerView, FieldView, RenderContext, StepView


class ReflectionQuestion(Strict):
    id: Identifier
    prompt: Prompt
    size: TextSize = "long"
    required: bool = True

    @property
    def limit(self) -> int:
        return TEXT_LIMITS[self.size]


class ReflectionStep(StepBase):
    """Questions to answer after an earlier step (usually a video): `after` names that step."""

    type: Literal["reflection"] = "reflection"
    after: Identifier | None = None
    prompt: Prompt | None = None
    questions: list[ReflectionQuestion] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _unique_questions(self) -> ReflectionStep:
        unique([q.id for q in self.questions], "question")
        return self


@register
class Reflection(StepType[ReflectionStep]):
    name = "reflection"
    model = ReflectionStep
    label = gettext_noop("Reflection questions")
    question = False
    builder_defaults = {"questions": []}
    builder_keys = ("after",)

    def validate(self, step: ReflectionStep, value: Any, errors: Errors) -> dict[str, Any]:
        if value is None or value == "":
            value = {}
        if not isinstance(value, Mapping):
            errors[step.id] = gettext(
                "These answers could not be read. Please check them and try again."
            )
            return {}
        answers: dict[str, Any] = {}
        for question in step.questions:
            text, error = read_text(
                value.get(question.id),
                limit=question.limit,
                short=question.size == "short",
                required=question.required,
            )
            if error:
                errors[f"{step.id}.{question.id}"] = error
            answers[question.id] = text
        return answers

    def parse(self, step: ReflectionStep, form: PostedForm) -> dict[str, str]:
        name = field_name(step.id)
        return {q.id: form.last(f"{name}-{q.id}") or "" for q in step.questions}

    def to_form(self, step: ReflectionStep, answer: Any, form: dict[str, list[str]]) -> None:
        name = field_name(step.id)
        for question_id, text in answer.items():
            if text is not None:
                form[f"{name}-{question_id}"] = [text]

    def render(
        self, step: ReflectionStep, view: StepView, raw: Any, context: RenderContext
    ) -> None:
        answers = raw if isinstance(raw, Mapping) else {}
        for question in step.questions:
            question_name = f"{view.field.name}-{question.id}"
            view.questions.append(
                (
                    question,
                    FieldView(
                        question_name,
                        as_text(answers.get(question.id)),
                        context.errors.get(question_name),
                    ),
                )
            )

    def describe(self, step: ReflectionStep, answer: Any, view: AnswerView) -> None:
        answers = answer or {}
        view.pairs = [(q.prompt, answers.get(q.id) or "") for q in step.questions]
        view.written = [(q, a) for q, a in view.pairs if a.strip()]

    def builder_values(self, step: Mapping[str, Any]) -> dict[str, str]:
        values = super().builder_values(step)
        values["questions"] = building.lines(
            [str(q.get("prompt", "")) for q in step.get("questions", [])]
        )
        return values

    def read_builder(
        self,
        step: dict[str, Any],
        fields: building.BuilderFields,
        old: Mapping[str, Any],
        problems: list[str],
        where: str,
    ) -> None:
        if fields.text("after"):
            step["after"] = fields.text("after")
        old_questions = {
            str(q.get("prompt")): q for q in old.get("questions", []) if isinstance(q, Mapping)
        }
        taken: set[str] = set()
        questions = []
        for line in fields.text("questions").splitlines():
            if line.strip():
                kept = old_questions.get(line.strip(), {})
                kept_id = kept.get("id")
                question_id = kept_id if kept_id and kept_id not in taken else None
                question_id = question_id or building.make_identifier(line, taken, "question")
                taken.add(question_id)
                questions.append({**kept, "id": question_id, "prompt": line.strip()})
        step["questions"] = questions

    def fhir_item(self, step: ReflectionStep, item: dict[str, Any]) -> dict[str, Any]:
        item.update(
            type="group",
            item=[
                {"linkId": f"{step.id}.{q.id}", "text": q.prompt, "type": "text"}
                for q in step.questions
            ],
        )
        return item

    def fhir_answers(self, step: ReflectionStep, value: Any) -> list[dict[str, Any]]:
        answers = value or {}
        items = [
            {"linkId": f"{step.id}.{q.id}", "answer": [{"valueString": answers[q.id]}]}
            for q in step.questions
            if answers.get(q.id)
        ]
        return [{"linkId": step.id, "item": items}] if items else []
