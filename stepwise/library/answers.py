"""Stored answers in words, for a therapist reading a submission or the "try it" result.

Always read against the version the answers were given to, so old submissions stay readable after
the exercise changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from stepwise.lib.language import base_language
from stepwise.library import schema, steps
from stepwise.library.steps.views import AnswerView, format_seconds, number_shown

if TYPE_CHECKING:
    from stepwise.library.models import ExerciseVersion

__all__ = ["AnswerView", "answer_views", "answered_views", "format_seconds", "metric_rows"]


def answer_views(
    definition: schema.ExerciseDefinition, answers: Mapping[str, Any]
) -> list[AnswerView]:
    """One view per step the client answers (content steps are left out)."""
    views = []
    for position, step in enumerate(definition.steps):
        kind = steps.of(step)
        if not kind.answered:
            continue
        label = getattr(step, "prompt", None) or step.title or step.id
        view = AnswerView(step, label, lang=definition.lang_of(f"steps.{position}"))
        kind.describe(step, answers.get(step.id), view)
        view.empty = not (
            view.text or view.items or view.rows or any(text for _, text in view.pairs)
        )
        views.append(view)
    return views


def answered_views(
    version: ExerciseVersion, answers: Mapping[str, Any], language: str
) -> list[AnswerView]:
    """`answer_views` for the reader, telling what the person read where they answered in
    another language (`language`): each step's prompt as they read it (`answered_label`, in
    `answered_lang`) to show beside the reader's, and the language of their own words
    (`written_lang`), which are shown exactly as written, never translated."""
    views = answer_views(version.parsed, answers)
    answered_in = base_language(language)
    if answered_in == base_language():
        return views
    theirs = answer_views(version.parsed_in(answered_in), answers)
    for view, their_view in zip(views, theirs, strict=True):
        view.written_lang = answered_in
        if their_view.label != view.label:
            view.answered_label = their_view.label
            view.answered_lang = their_view.lang or answered_in
    return views


def metric_rows(
    definition: schema.ExerciseDefinition, values: Mapping[str, float]
) -> list[tuple[str, str]]:
    """(label, value with unit) for each declared metric that has a value."""
    rows = []
    for metric in definition.metrics:
        if metric.name in values:
            number = number_shown(round(values[metric.name], 2))
            rows.append((metric.label, f"{number} {metric.unit}" if metric.unit else number))
    return rows
