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

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from stepwise.library.percentages import percent_of
from stepwise.library.schema import (
    AnyStep,
    BreathingStep,
    ChecklistStep,
    ChoiceField,
    ChoiceStep,
    ContentStep,
    EmotionStep,
    ExerciseDefinition,
    ListField,
    ListStep,
    MediaStep,
    Metric,
    NumberField,
    ReflectionStep,
    ScaleField,
    ScaleStep,
    SudsField,
    SudsStep,
    TextField,
    TextStep,
    TimerStep,
    rule_fires,
)

FORM_PREFIX = "step-"
_NUMERIC_TEXT_MAX = 32  # longer "numbers" are garbage; refuse before converting
# ASCII digits only: `\d` and str.isdigit() also match characters int() cannot read, such as "²".
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")
_ROW_INDEX = re.compile(r"[0-9]{1,4}")
# C0 control characters other than tab and newline cannot be stored or shown sensibly.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
    return FORM_PREFIX + error_key.replace(".", "-")


@dataclass(frozen=True)
class ValidatedResponse:
    """Normalised answers to one definition version, ready to store as JSON."""

    slug: str
    version: int
    answers: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "version": self.version, "answers": self.answers}


# --- small parsers -----------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def _as_int(value: Any) -> int | None:
    """A whole number from an int, an integral float or a string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else None
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= _NUMERIC_TEXT_MAX and _INTEGER.fullmatch(text):
            return int(float(text)) if "." in text else int(text)
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) < 10**15 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as many keyboards type it
        if len(text) <= _NUMERIC_TEXT_MAX and _DECIMAL.fullmatch(text):
            return float(text)
    return None


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _text(value: Any, *, limit: int, short: bool, required: bool) -> tuple[str | None, str | None]:
    """(normalised text, error message)."""
    if _is_blank(value):
        return None, ("Please write an answer." if required else None)
    if not isinstance(value, str):
        return None, "Please write your answer as text."
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        return None, "This answer contains characters that cannot be saved. Please retype it."
    if short:
        text = " ".join(text.split())
    if len(text) > limit:
        return None, f"This answer is too long: at most {limit} characters."
    return text, None


def _whole_number(
    value: Any, low: int, high: int, *, required: bool, missing: str, wrong: str
) -> tuple[int | None, str | None]:
    if _is_blank(value):
        return None, (missing if required else None)
    number = _as_int(value)
    if number is None or not low <= number <= high:
        return None, wrong
    return number, None


def _labels(options: Iterable[Any]) -> dict[str, str]:
    return {option.id: option.label for option in options}


def _ids(value: Any) -> list[str] | None:
    """A list of ids from a list of strings (or one string); None when it is not that shape."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


# --- one validator per step type ---------------------------------------------------------------

Errors = dict[str, str]


def _validate_text(step: TextStep, value: Any, errors: Errors) -> str | None:
    text, error = _text(value, limit=step.limit, short=step.size == "short", required=step.required)
    if error:
        errors[step.id] = error
    return text


def _validate_scale(step: ScaleStep | SudsStep, value: Any, errors: Errors) -> int | None:
    number, error = _whole_number(
        value,
        step.min,
        step.max,
        required=step.required,
        missing=f"Please choose a number from {step.min} to {step.max}.",
        wrong=f"Enter a whole number from {step.min} to {step.max}.",
    )
    if error:
        errors[step.id] = error
    return number


def _validate_choice(step: ChoiceStep, value: Any, errors: Errors) -> str | list[str] | None:
    labels = _labels(step.options)
    if not step.multiple:
        if _is_blank(value):
            if step.required:
                errors[step.id] = "Please choose an option."
            return None
        if isinstance(value, list | tuple) and len(value) == 1:
            value = value[0]
        if not isinstance(value, str) or value not in labels:
            errors[step.id] = "Choose one of the options shown."
            return None
        return value
    chosen = [] if value is None or value == "" else _ids(value)
    if chosen is None or any(item not in labels for item in chosen):
        errors[step.id] = "Choose only from the options shown."
        return []
    picked = set(chosen)
    ordered = [option_id for option_id in labels if option_id in picked]
    least = step.min_selected or (1 if step.required else 0)
    if len(ordered) < least and (ordered or step.required):
        errors[step.id] = (
            "Please choose an option." if least == 1 else f"Choose at least {least} options."
        )
    elif step.max_selected is not None and len(ordered) > step.max_selected:
        errors[step.id] = f"Choose at most {step.max_selected} options."
    return ordered


def _validate_checklist(step: ChecklistStep, value: Any, errors: Errors) -> list[str]:
    labels = _labels(step.items)
    ticked = [] if value is None or value == "" else _ids(value)
    if ticked is None or any(item not in labels for item in ticked):
        errors[step.id] = "Tick only items from the list."
        return []
    picked = set(ticked)
    ordered = [item_id for item_id in labels if item_id in picked]
    if step.required and not ordered:
        errors[step.id] = "Tick at least one item."
    return ordered


def _validate_emotion(step: EmotionStep, value: Any, errors: Errors) -> list[dict[str, Any]]:
    labels = _labels(step.emotions)
    if _is_blank(value):
        if step.required:
            errors[step.id] = "Choose at least one feeling."
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(e, Mapping) for e in value):
        errors[step.id] = "Choose feelings from the list and rate each one."
        return []
    intensities: dict[str, int] = {}
    for entry in value:
        emotion = entry.get("emotion")
        if not isinstance(emotion, str) or emotion not in labels:
            errors[step.id] = "Choose feelings from the list shown."
            return []
        if emotion in intensities or f"{step.id}.{emotion}" in errors:
            errors[step.id] = f"“{labels[emotion]}” is chosen more than once."
            return []
        low, high = step.intensity_min, step.intensity_max
        rating, error = _whole_number(
            entry.get("intensity"),
            low,
            high,
            required=True,
            missing=f"Rate how strong “{labels[emotion]}” is, from {low} to {high}.",
            wrong=f"Rate how strong “{labels[emotion]}” is: a whole number from {low} to {high}.",
        )
        if error:
            errors[f"{step.id}.{emotion}"] = error
        elif rating is not None:
            intensities[emotion] = rating
    if step.max_selected is not None and len(value) > step.max_selected:
        errors[step.id] = f"Choose at most {step.max_selected} feelings."
    return [{"emotion": e, "intensity": intensities[e]} for e in labels if e in intensities]


def _validate_field(field_def: ListField, value: Any) -> tuple[Any, str | None]:
    required = field_def.required
    if isinstance(field_def, TextField):
        return _text(
            value, limit=field_def.limit, short=field_def.size == "short", required=required
        )
    if isinstance(field_def, ChoiceField):
        labels = _labels(field_def.options)
        if _is_blank(value):
            return None, ("Please choose an option." if required else None)
        if not isinstance(value, str) or value not in labels:
            return None, "Choose one of the options shown."
        return value, None
    if isinstance(field_def, SudsField | ScaleField):
        low, high = field_def.min, field_def.max
        return _whole_number(
            value,
            low,
            high,
            required=required,
            missing=f"Please enter a number from {low} to {high}.",
            wrong=f"Enter a whole number from {low} to {high}.",
        )
    assert isinstance(field_def, NumberField)
    low_text, high_text = _fmt(field_def.min), _fmt(field_def.max)
    if _is_blank(value):
        return None, (
            f"Please enter a number from {low_text} to {high_text}." if required else None
        )
    number: float | int | None = _as_int(value) if field_def.integer else _as_float(value)
    if number is None or not field_def.min <= number <= field_def.max:
        whole = "a whole number" if field_def.integer else "a number"
        return None, f"Enter {whole} from {low_text} to {high_text}."
    return number, None


def _validate_list(step: ListStep, value: Any, errors: Errors) -> list[dict[str, Any]]:
    if value is None or value == "":
        value = []
    if not isinstance(value, list | tuple):
        errors[step.id] = "These rows could not be read. Please check them and try again."
        return []
    if len(value) > step.max_rows:
        errors[step.id] = f"Too many rows: at most {step.max_rows}."
        return []
    rows: list[dict[str, Any]] = []
    for position, row in enumerate(value):
        if not isinstance(row, Mapping):
            errors[f"{step.id}.{position}"] = "This row could not be read."
            continue
        if all(_is_blank(row.get(f.id)) for f in step.fields):
            continue  # a spare empty row in the form
        clean: dict[str, Any] = {}
        for field_def in step.fields:
            answer, error = _validate_field(field_def, row.get(field_def.id))
            if error:
                errors[f"{step.id}.{position}.{field_def.id}"] = error
            clean[field_def.id] = answer
        rows.append(clean)
    if step.required and len(rows) < step.min_rows and step.id not in errors:
        errors[step.id] = (
            "Please add at least one row."
            if step.min_rows == 1
            else f"Please add at least {step.min_rows} rows."
        )
    return rows


def _validate_timer(step: TimerStep, value: Any, errors: Errors) -> int | None:
    limit = step.limit_seconds
    # Stored in seconds; people type minutes in the form (parse_form converts), so the message
    # speaks of minutes.
    seconds, error = _whole_number(
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


def _validate_breathing(step: BreathingStep, value: Any, errors: Errors) -> int | None:
    cycles, error = _whole_number(
        value,
        0,
        step.cycles,
        required=step.required,
        missing="Please record how many breaths you completed.",
        wrong=f"Enter the number of breaths completed: a whole number from 0 to {step.cycles}.",
    )
    if error:
        errors[step.id] = error
    return cycles


def _validate_media(step: MediaStep, value: Any, errors: Errors) -> float | None:
    if step.source is None:
        return None  # nothing attached: the step is skipped
    if _is_blank(value):
        if step.required:
            errors[step.id] = f"Please play the {step.kind} before going on."
        return None
    fraction = _as_float(value)
    if fraction is None or not 0 <= fraction <= 1:
        errors[step.id] = "Enter how much was played as a number from 0 (none) to 1 (all)."
        return None
    return round(fraction, 4)


def _validate_reflection(step: ReflectionStep, value: Any, errors: Errors) -> dict[str, Any]:
    if value is None or value == "":
        value = {}
    if not isinstance(value, Mapping):
        errors[step.id] = "These answers could not be read. Please check them and try again."
        return {}
    answers: dict[str, Any] = {}
    for question in step.questions:
        text, error = _text(
            value.get(question.id),
            limit=question.limit,
            short=question.size == "short",
            required=question.required,
        )
        if error:
            errors[f"{step.id}.{question.id}"] = error
        answers[question.id] = text
    return answers


def _validate_step(step: AnyStep, value: Any, errors: Errors) -> Any:
    if isinstance(step, TextStep):
        return _validate_text(step, value, errors)
    if isinstance(step, ScaleStep | SudsStep):
        return _validate_scale(step, value, errors)
    if isinstance(step, ChoiceStep):
        return _validate_choice(step, value, errors)
    if isinstance(step, ChecklistStep):
        return _validate_checklist(step, value, errors)
    if isinstance(step, EmotionStep):
        return _validate_emotion(step, value, errors)
    if isinstance(step, ListStep):
        return _validate_list(step, value, errors)
    if isinstance(step, TimerStep):
        return _validate_timer(step, value, errors)
    if isinstance(step, BreathingStep):
        return _validate_breathing(step, value, errors)
    if isinstance(step, MediaStep):
        return _validate_media(step, value, errors)
    assert isinstance(step, ReflectionStep)
    return _validate_reflection(step, value, errors)


def validate_response(definition: ExerciseDefinition, data: Mapping[str, Any]) -> ValidatedResponse:
    """Check every answer against its step; raise `ResponseErrors` listing everything wrong.

    Keys that are not step ids (and answers to content steps) are ignored.
    """
    if not isinstance(data, Mapping):
        raise ResponseErrors({"": "The answers could not be read. Please try again."})
    errors: Errors = {}
    answers: dict[str, Any] = {}
    for step in definition.steps:
        if isinstance(step, ContentStep):
            continue
        answers[step.id] = _validate_step(step, data.get(step.id), errors)
    if errors:
        raise ResponseErrors(errors)
    return ValidatedResponse(slug=definition.slug, version=definition.version, answers=answers)


# --- metrics -----------------------------------------------------------------------------------


def _aggregate(values: list[float], how: str) -> float | None:
    if how == "count":
        return float(len(values))
    if not values:
        return None
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    if how == "sum":
        return float(sum(values))
    return sum(values) / len(values)  # mean


def _metric_value(
    metric: Metric, step: AnyStep, answer: Any, answers: dict[str, Any] | None = None
) -> float | None:
    how = metric.aggregate.value
    if isinstance(step, ListStep):
        rows = answer or []
        if metric.field is None:
            return float(len(rows))
        values = [row.get(metric.field) for row in rows]
        present = [v for v in values if v is not None]
        if metric.option is not None:
            return float(sum(1 for v in present if v == metric.option))
        if how == "count":
            return float(len(present))
        return _aggregate([float(v) for v in present], how)
    if isinstance(step, EmotionStep):
        entries = answer or []
        if metric.same_as is not None:
            # Only the feelings rated both times, so before and after compare the same ones.
            other = {e["emotion"] for e in (answers or {}).get(metric.same_as) or []}
            entries = [e for e in entries if e["emotion"] in other]
            if not entries:
                return None
        if metric.field is not None:
            found = [e["intensity"] for e in entries if e["emotion"] == metric.field]
            return float(found[0]) if found else None
        return _aggregate([float(e["intensity"]) for e in entries], how)
    if isinstance(step, ChecklistStep | ChoiceStep):
        return float(len(answer or []))
    if answer is None:
        return None
    if how == "seconds_to_minutes":
        seconds = answer * step.cycle_seconds if isinstance(step, BreathingStep) else answer
        return seconds / 60
    return float(answer)


def extract_metrics(
    definition: ExerciseDefinition, validated: ValidatedResponse
) -> dict[str, float]:
    """The declared metrics as numbers; a metric with nothing to measure is left out."""
    if (validated.slug, validated.version) != (definition.slug, definition.version):
        raise ValueError(
            f"response to {validated.slug} v{validated.version} does not belong to "
            f"{definition.slug} v{definition.version}"
        )
    steps = definition.steps_by_id()
    metrics: dict[str, float] = {}
    for metric in definition.metrics:
        value = _metric_value(
            metric, steps[metric.source], validated.answers.get(metric.source), validated.answers
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


def _getlist(form: Any, key: str) -> list[str]:
    """All values posted under `key`, as strings; [] for anything unreadable."""
    try:
        getlist = getattr(form, "getlist", None)
        values = getlist(key) if callable(getlist) else form.get(key)
    except Exception:  # a garbage form must not break parsing; validation reports what is missing
        return []
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    return [v if isinstance(v, str) else str(v) for v in values if v is not None]


def _last(form: Any, key: str) -> str | None:
    values = _getlist(form, key)
    return values[-1] if values else None


def _keys(form: Any) -> list[str]:
    try:
        return [key for key in form if isinstance(key, str)]
    except Exception:  # same reason as in _getlist
        return []


def _dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _parse_rows(step: ListStep, form: Any, keys: list[str]) -> list[dict[str, str]]:
    prefix = f"{FORM_PREFIX}{step.id}-"
    field_ids = {f.id for f in step.fields}
    indexes: set[int] = set()
    for key in keys:
        if not key.startswith(prefix):
            continue
        row, _, field_id = key[len(prefix) :].partition("-")
        if _ROW_INDEX.fullmatch(row) and field_id in field_ids:
            indexes.add(int(row))
    # One row beyond the limit is enough for validation to say there are too many.
    kept = sorted(indexes)[: step.max_rows + 1]
    return [
        {f.id: _last(form, f"{prefix}{index}-{f.id}") or "" for f in step.fields} for index in kept
    ]


def minutes_text(seconds: int) -> str:
    """Seconds as minutes the way people type them: 300 -> "5", 90 -> "1.5", 65 -> "1.08"."""
    text = f"{seconds / 60:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _seconds_from_minutes(value: str) -> int | str:
    """A timer's form value is minutes ("4.5"); the answer is whole seconds. Garbage stays as typed
    so validation can name it."""
    try:
        minutes = Decimal(value.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return value
    if not minutes.is_finite():
        return value
    return int((minutes * 60).to_integral_value(rounding=ROUND_HALF_UP))


def parse_form(definition: ExerciseDefinition, form: Any) -> dict[str, Any]:
    """Turn a flat form (a Django QueryDict or a mapping of name -> str | list[str]) into answers.

    Field names: `step-<id>` for one value (or several, for multiple choice and checklists);
    `step-<id>-<emotion>` for an emotion's intensity, with the chosen emotions under `step-<id>`;
    `step-<id>-<row>-<field>` for list rows (rows sorted by their number); `step-<id>-<question>`
    for reflection answers. Values stay raw strings so a form can be re-shown as typed.
    Never raises: garbage comes back as strings that `validate_response()` rejects.
    """
    keys = _keys(form)
    data: dict[str, Any] = {}
    for step in definition.steps:
        name = f"{FORM_PREFIX}{step.id}"
        if isinstance(step, ContentStep):
            continue
        if isinstance(step, ChecklistStep) or (isinstance(step, ChoiceStep) and step.multiple):
            data[step.id] = _dedupe(_getlist(form, name))
        elif isinstance(step, EmotionStep):
            data[step.id] = [
                {"emotion": emotion, "intensity": _last(form, f"{name}-{emotion}") or ""}
                for emotion in _dedupe(_getlist(form, name))
            ]
        elif isinstance(step, ListStep):
            data[step.id] = _parse_rows(step, form, keys)
        elif isinstance(step, ReflectionStep):
            data[step.id] = {q.id: _last(form, f"{name}-{q.id}") or "" for q in step.questions}
        elif isinstance(step, TimerStep):
            value = _last(form, name)
            if value is not None:
                data[step.id] = _seconds_from_minutes(value) if value.strip() else value
        else:
            value = _last(form, name)
            if value is not None:
                data[step.id] = value
    return data


def _form_value(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_form(definition: ExerciseDefinition, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """The flat form that `parse_form()` reads back into `answers` (e.g. to re-show a draft)."""
    form: dict[str, list[str]] = {}
    for step in definition.steps:
        name = f"{FORM_PREFIX}{step.id}"
        answer = answers.get(step.id)
        if answer is None or isinstance(step, ContentStep):
            continue
        if isinstance(step, EmotionStep):
            form[name] = [entry["emotion"] for entry in answer]
            for entry in answer:
                form[f"{name}-{entry['emotion']}"] = [_form_value(entry["intensity"])]
        elif isinstance(step, ListStep):
            for index, row in enumerate(answer):
                for field_id, value in row.items():
                    if value is not None:
                        form[f"{name}-{index}-{field_id}"] = [_form_value(value)]
        elif isinstance(step, ReflectionStep):
            for question_id, text in answer.items():
                if text is not None:
                    form[f"{name}-{question_id}"] = [text]
        elif isinstance(answer, list):
            form[name] = [str(item) for item in answer]
        elif isinstance(step, TimerStep) and isinstance(answer, int):
            form[name] = [minutes_text(answer)]
        else:
            form[name] = [_form_value(answer)]
    return form


def fired_alert_rules(
    definition: ExerciseDefinition, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The definition's alert rules that the (validated) answers meet, each with the number
    it read: ``{"step": "mood", "field": None, "value": 0.0}``."""
    steps = definition.steps_by_id()
    fired: list[dict[str, Any]] = []
    for rule in definition.alert_rules:
        step = steps[rule.source]
        probe = Metric(name="alert", label="alert", source=rule.source, field=rule.field)
        number = _metric_value(probe, step, answers.get(rule.source))
        if rule_fires(rule, number):
            fired.append({"step": rule.source, "field": rule.field, "value": number})
    return fired
