"""Answers to an exercise: parse a posted form, validate against the definition, extract metrics.

Pure functions, no ORM. The web form, the API and the tests share one path:
`parse_form()` (flat form -> answer dict, never raises) -> `validate_response()` (answer dict ->
normalised answers, or `ResponseErrors` with one human message per step, row field or question)
-> `extract_metrics()` (numbers for progress charts). `to_form()` is the inverse of `parse_form()`,
used to re-show a saved draft.

Answer shapes (the value under the step id in the dict `validate_response()` takes and returns):

    text        str                                  None when left empty
    scale/suds  int                                  None when left empty
    choice      str option id; list[str] when multiple (definition order)
    checklist   list[str] ticked item ids (definition order)
    emotion     list[{"emotion": id, "intensity": int}] (definition order)
    list        list[{field_id: value}], rows in order; blank rows are dropped
    timer       int seconds practised
    breathing   int cycles completed
    media       float fraction played, 0-1; None when the step has no media attached
    reflection  {question_id: str | None}

Error keys: the step id; `<step>.<row>.<field>` for a list row field (row counts from 0 in the
submitted order); `<step>.<row>` for a row that could not be read; `<step>.<emotion>` for an emotion
intensity; `<step>.<question>` for a reflection answer. `form_field_name()` maps a key to the
matching form field name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from stepwise.library import steps
from stepwise.library.percentages import percent_of
from stepwise.library.schema import ExerciseDefinition, Metric, rule_fires
from stepwise.library.steps.reading import (
    FORM_PREFIX,
    MISSING,
    Errors,
    PostedForm,
    field_name,
    minutes_text,
)

__all__ = [
    "FORM_PREFIX",
    "ResponseErrors",
    "ValidatedResponse",
    "extract_metrics",
    "fired_alert_rules",
    "form_field_name",
    "minutes_text",
    "parse_form",
    "to_form",
    "validate_response",
]


class ResponseErrors(Exception):
    """The answers do not fit the definition; `errors` maps a key to a message for a person."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__(f"{len(self.errors)} answer(s) need attention: {self.errors}")

    def for_step(self, step_id: str) -> dict[str, str]:
        """The errors of one step, including its rows, emotions and questions."""
        return {
            key: message
            for key, message in self.errors.items()
            if key == step_id or key.startswith(f"{step_id}.")
        }

    def by_form_field(self) -> dict[str, str]:
        return {form_field_name(key): message for key, message in self.errors.items()}


def form_field_name(error_key: str) -> str:
    """`fears.2.suds` -> `step-fears-2-suds`, the name of the form field the error belongs to."""
    return field_name(error_key.replace(".", "-"))


@dataclass(frozen=True)
class ValidatedResponse:
    """Normalised answers to one definition version, ready to store as JSON."""

    slug: str
    version: int
    answers: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "version": self.version, "answers": self.answers}


# --- validation and metrics --------------------------------------------------------------------


def validate_response(definition: ExerciseDefinition, data: Mapping[str, Any]) -> ValidatedResponse:
    """Check every answer against its step; raise `ResponseErrors` listing everything wrong.

    Keys that are not step ids (and answers to content steps) are ignored.
    """
    if not isinstance(data, Mapping):
        raise ResponseErrors({"": gettext("The answers could not be read. Please try again.")})
    errors: Errors = {}
    answers: dict[str, Any] = {}
    for step in definition.steps:
        kind = steps.of(step)
        if kind.answered:
            answers[step.id] = kind.validate(step, data.get(step.id), errors)
    if errors:
        raise ResponseErrors(errors)
    return ValidatedResponse(slug=definition.slug, version=definition.version, answers=answers)


def extract_metrics(
    definition: ExerciseDefinition, validated: ValidatedResponse
) -> dict[str, float]:
    """The declared metrics as numbers; a metric with nothing to measure is left out."""
    if (validated.slug, validated.version) != (definition.slug, definition.version):
        raise ValueError(
            f"response to {validated.slug} v{validated.version} does not belong to "
            f"{definition.slug} v{definition.version}"
        )
    by_id = definition.steps_by_id()
    metrics: dict[str, float] = {}
    for metric in definition.metrics:
        source = by_id[metric.source]
        value = steps.of(source).number(
            source, metric, validated.answers.get(metric.source), validated.answers
        )
        if value is not None:
            metrics[metric.name] = value
    for metric in definition.metrics:
        if metric.percent_of is not None:
            ratio = percent_of(metrics.get(metric.name), metrics.get(metric.percent_of))
            metrics.pop(metric.name, None)
            if ratio is not None:
                metrics[metric.name] = ratio
    return {name: round(value, 4) for name, value in metrics.items()}


# --- the flat form -----------------------------------------------------------------------------


def parse_form(definition: ExerciseDefinition, form: Any) -> dict[str, Any]:
    """Turn a flat form (a Django QueryDict or a mapping of name -> str | list[str]) into answers.

    Field names: `step-<id>` for one value (or several, for multiple choice and checklists);
    `step-<id>-<emotion>` for an emotion's intensity, with the chosen emotions under `step-<id>`;
    `step-<id>-<row>-<field>` for list rows (rows sorted by their number); `step-<id>-<question>`
    for reflection answers. Values stay raw strings so a form can be re-shown as typed.
    Never raises: garbage comes back as strings that `validate_response()` rejects.
    """
    posted = PostedForm(form)
    data: dict[str, Any] = {}
    for step in definition.steps:
        value = steps.of(step).parse(step, posted)
        if value is not MISSING:
            data[step.id] = value
    return data


def to_form(definition: ExerciseDefinition, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """The flat form that `parse_form()` reads back into `answers` (e.g. to re-show a draft)."""
    form: dict[str, list[str]] = {}
    for step in definition.steps:
        answer = answers.get(step.id)
        kind = steps.of(step)
        if answer is not None and kind.answered:
            kind.to_form(step, answer, form)
    return form


def fired_alert_rules(
    definition: ExerciseDefinition, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The definition's alert rules that the (validated) answers meet, each with the number
    it read: ``{"step": "mood", "field": None, "value": 0.0}``."""
    by_id = definition.steps_by_id()
    fired: list[dict[str, Any]] = []
    for rule in definition.alert_rules:
        step = by_id[rule.source]
        probe = Metric(name="alert", label="alert", source=rule.source, field=rule.field)
        number = steps.of(step).number(step, probe, answers.get(rule.source), None)
        if rule_fires(rule, number):
            fired.append({"step": rule.source, "field": rule.field, "value": number})
    return fired
