"""Stored answers in words, for a therapist reading a submission or the "try it" result.

Always read against the version the answers were given to, so old submissions stay readable after
the exercise changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepwise.library import schema, steps
from stepwise.library.steps.views import AnswerView, format_seconds, number_shown

__all__ = ["AnswerView", "answer_views", "format_seconds", "metric_rows"]


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
