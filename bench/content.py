"""What the generated clients hand in: varied exercise answers, and questionnaire answers that add
up to a wanted total along a plausible course, scored by the app's own engine."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

VARIANTS = 24  # answer sets per exercise, chosen from at random


def varied_answers(document: Any, rng: random.Random) -> dict[str, Any]:
    """A complete, valid answer for every step, with the numbers varied as clients vary them."""
    from stepwise.library import schema as s

    def number(low: float, high: float) -> int:
        return rng.randint(int(low), int(high))

    answers: dict[str, Any] = {}
    for step in document.steps:
        if isinstance(step, s.TextStep):
            answers[step.id] = rng.choice(("Went for a walk first.", "Hard day", "Felt ok after"))
        elif isinstance(step, s.ScaleStep | s.SudsStep):
            answers[step.id] = number(step.min, step.max)
        elif isinstance(step, s.ChoiceStep):
            ids = [o.id for o in step.options]
            answers[step.id] = ids[: step.min_selected or 1] if step.multiple else rng.choice(ids)
        elif isinstance(step, s.ChecklistStep):
            ids = [i.id for i in step.items]
            answers[step.id] = sorted(rng.sample(ids, rng.randint(1, len(ids))), key=ids.index)
        elif isinstance(step, s.EmotionStep):
            emotion = rng.choice(step.emotions)
            answers[step.id] = [{"emotion": emotion.id, "intensity": number(0, step.intensity_max)}]
        elif isinstance(step, s.ListStep):
            rows = max(step.min_rows, 1) + rng.randint(0, 2)
            if step.max_rows:
                rows = min(rows, step.max_rows)
            answers[step.id] = [_row(step, rng) for _ in range(rows)]
        elif isinstance(step, s.TimerStep):
            answers[step.id] = number(step.limit_seconds // 3, step.limit_seconds)
        elif isinstance(step, s.BreathingStep):
            answers[step.id] = step.cycles
        elif isinstance(step, s.MediaStep):
            answers[step.id] = 1.0
        elif isinstance(step, s.ReflectionStep):
            answers[step.id] = {q.id: "It helped a bit." for q in step.questions}
    return answers


def _row(step: Any, rng: random.Random) -> dict[str, Any]:
    from stepwise.library import schema as s

    row: dict[str, Any] = {}
    for field in step.fields:
        if isinstance(field, s.TextField):
            row[field.id] = rng.choice(("At work", "Before bed", "On the bus"))
        elif isinstance(field, s.ChoiceField):
            row[field.id] = rng.choice(field.options).id
        elif isinstance(field, s.NumberField | s.ScaleField | s.SudsField):
            low = getattr(field, "min", 0) or 0
            row[field.id] = rng.randint(int(low), int(field.max))
    return row


@dataclass(frozen=True)
class Exercise:
    definition_id: int
    version_id: int
    title: str
    minutes: int
    # (answers as JSON text, [(metric name, value)]) per variant
    variants: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    document: Any


def load_exercises(slugs: Iterable[str], rng: random.Random) -> dict[str, Exercise]:
    from stepwise.library.models import ExerciseDefinition
    from stepwise.library.responses import extract_metrics, validate_response

    found = {}
    for slug in slugs:
        definition = ExerciseDefinition.objects.select_related("current_version").get(
            practice__isnull=True, slug=slug
        )
        version = definition.current_version
        assert version is not None, slug
        document = version.parsed
        variants = []
        for _ in range(VARIANTS):
            validated = validate_response(document, varied_answers(document, rng))
            metrics = extract_metrics(document, validated)
            variants.append((json.dumps(validated.answers), tuple(metrics.items())))
        found[slug] = Exercise(
            definition.pk,
            version.pk,
            definition.title,
            definition.estimated_minutes,
            tuple(variants),
            document,
        )
    return found


# --- questionnaires -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    key: str
    version_id: int
    abbreviation: str
    items: int
    maximum: int
    critical_index: int | None  # the item whose answer raises an alert (PHQ-9 item 9)
    definition: Any
    wording_version: str  # the English wording's version, as a response answered in it records


@dataclass(frozen=True)
class Scored:
    answers: str
    total: Decimal | None
    band: str
    subscales: str
    subscale_bands: str
    critical_items: str
    has_alert: bool


def load_instruments(keys: Iterable[str]) -> dict[str, Instrument]:
    from stepwise.assessments import catalog
    from stepwise.assessments.models import InstrumentVersion
    from stepwise.assessments.wording import wording_for

    found = {}
    for key in keys:
        version = (
            InstrumentVersion.objects.filter(key=key, practice__isnull=True)
            .order_by("-version")
            .first()
        )
        assert version is not None, key
        definition = catalog.definition_of(version)
        items = len(version.definition["items"])
        critical = [c["number"] - 1 for c in version.definition.get("critical_items", [])]
        found[key] = Instrument(
            key,
            version.pk,
            version.abbreviation,
            items,
            items * 3,
            critical[0] if critical else None,
            definition,
            wording_for(definition, "en").version,
        )
    return found


class Scorer:
    """Answers that add up to a wanted total, scored once by the app's own scoring engine."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, bool], Scored] = {}

    def scored(self, instrument: Instrument, total: int, critical: bool) -> Scored:
        cache_key = (instrument.key, total, critical)
        if cache_key not in self.cache:
            self.cache[cache_key] = self._score(instrument, total, critical)
        return self.cache[cache_key]

    def _score(self, instrument: Instrument, total: int, critical: bool) -> Scored:
        from stepwise.assessments.scoring import score

        values = [0] * instrument.items
        order = [i for i in range(instrument.items) if i != instrument.critical_index]
        left = total
        if critical and instrument.critical_index is not None:
            values[instrument.critical_index] = 1
            left -= 1
        while left > 0 and any(values[i] < 3 for i in order):
            for i in order:
                if left and values[i] < 3:
                    values[i] += 1
                    left -= 1
        if left and instrument.critical_index is not None:
            values[instrument.critical_index] += left
        result = score(instrument.definition, values)
        return Scored(
            answers=json.dumps(values),
            total=None if result.total is None else Decimal(str(result.total)),
            band=result.band or "",
            subscales=json.dumps(dict(result.subscales)),
            subscale_bands=json.dumps(dict(result.subscale_bands)),
            critical_items=json.dumps(list(result.critical_items)),
            has_alert=bool(result.critical_items),
        )


@dataclass(frozen=True)
class Course:
    """How a client's scores go: from a baseline towards a target with a time constant."""

    baseline: float
    target: float
    tau_days: float
    worsens_after: int | None

    def at(self, day: int, rng: random.Random, maximum: int) -> int:
        value = self.target + (self.baseline - self.target) * math.exp(-day / self.tau_days)
        if self.worsens_after is not None and day > self.worsens_after:
            value = self.baseline + 0.25 * maximum
        value += rng.gauss(0, 1.6)
        return max(0, min(maximum, round(value)))


def course_for(rng: random.Random, maximum: int) -> Course:
    baseline = rng.uniform(0.38, 0.8) * maximum
    kind = rng.random()
    if kind < 0.55:  # responds to treatment
        return Course(baseline, rng.uniform(0.1, 0.3) * maximum, rng.uniform(40, 150), None)
    if kind < 0.8:  # partly
        return Course(baseline, baseline * 0.7, rng.uniform(60, 200), None)
    if kind < 0.92:  # no change
        return Course(baseline, baseline, 100, None)
    return Course(baseline, baseline, 100, rng.randint(60, 400))  # gets worse
