"""Stored answers in words, for a therapist reading a submission or the "try it" result.

Always read against the version the answers were given to, so old submissions stay readable after
the exercise changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stepwise.library import schema


@dataclass
class AnswerView:
    step: Any
    label: str
    text: str = ""  # a paragraph of text, or a short value
    items: list[str] = field(default_factory=list)  # a bulleted list
    headers: list[str] = field(default_factory=list)  # a table (list steps)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (header, cell) pairs
    pairs: list[tuple[str, str]] = field(default_factory=list)  # question and answer
    empty: bool = False


def format_seconds(seconds: int | float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _labels(options: list[schema.Option]) -> dict[str, str]:
    return {o.id: o.label for o in options}


def _scale_text(step: schema.ScaleStep | schema.SudsStep, value: int) -> str:
    anchor = next((a.label for a in step.anchors if a.value == value), "")
    text = f"{value} on a scale from {step.min} to {step.max}"
    return f"{text} ({anchor})" if anchor else text


def _cell(list_field: Any, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(list_field, schema.ChoiceField):
        return _labels(list_field.options).get(value, str(value))
    if isinstance(list_field, schema.NumberField) and list_field.unit:
        return f"{_number(value)} {list_field.unit}"
    return _number(value) if not isinstance(value, str) else value


def _answer(view: AnswerView, step: Any, answer: Any) -> None:
    if isinstance(step, schema.TextStep):
        view.text = answer or ""
    elif isinstance(step, schema.ScaleStep | schema.SudsStep):
        view.text = _scale_text(step, answer) if answer is not None else ""
    elif isinstance(step, schema.ChoiceStep):
        labels = _labels(step.options)
        chosen = answer if isinstance(answer, list) else ([answer] if answer else [])
        view.items = [labels.get(item, str(item)) for item in chosen]
    elif isinstance(step, schema.ChecklistStep):
        labels = _labels(step.items)
        view.items = [labels.get(item, str(item)) for item in answer or []]
    elif isinstance(step, schema.EmotionStep):
        labels = _labels(step.emotions)
        view.items = [
            f"{labels.get(e['emotion'], e['emotion'])}: {e['intensity']} (of {step.intensity_max})"
            for e in answer or []
        ]
    elif isinstance(step, schema.ListStep):
        view.headers = [f.label for f in step.fields]
        view.rows = [
            [(f.label, _cell(f, row.get(f.id))) for f in step.fields] for row in answer or []
        ]
    elif isinstance(step, schema.TimerStep):
        view.text = f"{format_seconds(answer)} practised" if answer is not None else ""
    elif isinstance(step, schema.BreathingStep):
        view.text = f"{answer} of {step.cycles} breaths" if answer is not None else ""
    elif isinstance(step, schema.MediaStep):
        if step.source is None:
            view.text = f"No {step.kind} was attached."
        elif answer is not None:
            view.text = f"{round(float(answer) * 100)}% played"
    elif isinstance(step, schema.ReflectionStep):
        answers = answer or {}
        view.pairs = [(q.prompt, answers.get(q.id) or "") for q in step.questions]
    view.empty = not (view.text or view.items or view.rows or any(text for _, text in view.pairs))


def answer_views(
    definition: schema.ExerciseDefinition, answers: Mapping[str, Any]
) -> list[AnswerView]:
    """One view per step the client answers (content steps are left out)."""
    views = []
    for step in definition.steps:
        if isinstance(step, schema.ContentStep):
            continue
        label = getattr(step, "prompt", None) or step.title or step.id
        view = AnswerView(step, label)
        _answer(view, step, answers.get(step.id))
        views.append(view)
    return views


def metric_rows(
    definition: schema.ExerciseDefinition, values: Mapping[str, float]
) -> list[tuple[str, str]]:
    """(label, value with unit) for each declared metric that has a value."""
    rows = []
    for metric in definition.metrics:
        if metric.name in values:
            number = _number(round(values[metric.name], 2))
            rows.append((metric.label, f"{number} {metric.unit}" if metric.unit else number))
    return rows
