"""The shipped library: every file is valid, and the library covers what the issue promised."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from stepwise.library.loader import CONTENT_DIR, load_definition_file, shipped_definitions
from stepwise.library.responses import (
    extract_metrics,
    parse_form,
    to_form,
    validate_response,
)
from stepwise.library.schema import (
    STEP_TYPES,
    Audience,
    BreathingStep,
    Category,
    ChecklistStep,
    ChoiceField,
    ChoiceStep,
    ContentStep,
    EmotionStep,
    ExerciseDefinition,
    ListStep,
    MediaStep,
    NumberField,
    ReflectionStep,
    ScaleField,
    ScaleStep,
    SudsField,
    SudsStep,
    TextField,
    TextStep,
    TimerStep,
)

FILES = sorted(CONTENT_DIR.glob("*.json"))
DEFINITIONS = shipped_definitions()


def example_answers(definition: ExerciseDefinition) -> dict[str, Any]:
    """A complete, valid answer for every step, as a client might give."""
    answers: dict[str, Any] = {}
    for step in definition.steps:
        if isinstance(step, TextStep):
            answers[step.id] = "An answer"
        elif isinstance(step, ScaleStep | SudsStep):
            answers[step.id] = (step.min + step.max) // 2
        elif isinstance(step, ChoiceStep):
            ids = [o.id for o in step.options]
            answers[step.id] = ids[: step.min_selected or 1] if step.multiple else ids[0]
        elif isinstance(step, ChecklistStep):
            answers[step.id] = [step.items[0].id]
        elif isinstance(step, EmotionStep):
            answers[step.id] = [{"emotion": step.emotions[0].id, "intensity": step.intensity_max}]
        elif isinstance(step, ListStep):
            answers[step.id] = [example_row(step) for _ in range(step.min_rows)]
        elif isinstance(step, TimerStep):
            answers[step.id] = step.limit_seconds // 2
        elif isinstance(step, BreathingStep):
            answers[step.id] = step.cycles
        elif isinstance(step, MediaStep):
            answers[step.id] = 1.0
        elif isinstance(step, ReflectionStep):
            answers[step.id] = {q.id: "A thought" for q in step.questions}
    return answers


def example_row(step: ListStep) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in step.fields:
        if isinstance(field, TextField):
            row[field.id] = "Something"
        elif isinstance(field, ChoiceField):
            row[field.id] = field.options[0].id
        elif isinstance(field, NumberField | ScaleField | SudsField):
            row[field.id] = int(field.max)
    return row


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_it_validates_every_shipped_file(path: Path):
    definition = load_definition_file(path)

    assert definition.slug == path.stem


def test_it_ships_at_least_35_exercises_across_every_category():
    per_category = Counter(d.category for d in DEFINITIONS)

    assert len(DEFINITIONS) >= 35
    assert set(per_category) == set(Category)
    assert min(per_category.values()) >= 3


def test_it_uses_every_step_type_somewhere():
    used = {step.type for d in DEFINITIONS for step in d.steps}

    assert used == set(STEP_TYPES)


def test_it_has_exercises_for_children_and_for_caregivers():
    audiences = Counter(a for d in DEFINITIONS for a in d.audience)

    assert audiences[Audience.CHILD] >= 5
    assert audiences[Audience.CAREGIVER] >= 10


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.slug for d in DEFINITIONS])
def test_it_declares_metrics_that_a_complete_answer_fills(definition: ExerciseDefinition):
    validated = validate_response(definition, example_answers(definition))

    metrics = extract_metrics(definition, validated)

    assert definition.metrics
    media_metrics = {
        m.name
        for m in definition.metrics
        if isinstance(definition.steps_by_id()[m.source], MediaStep)
    }
    # media with nothing attached is skipped, so its metric is absent until a practice adds media
    assert set(metrics) == {m.name for m in definition.metrics} - media_metrics


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.slug for d in DEFINITIONS])
def test_it_round_trips_a_shipped_exercise_through_the_form(definition: ExerciseDefinition):
    validated = validate_response(definition, example_answers(definition))

    again = validate_response(
        definition, parse_form(definition, to_form(definition, validated.answers))
    )

    assert again == validated


def test_it_marks_the_adult_and_the_youth_crisis_plans_with_the_safety_plan_sections():
    plans = [d for d in DEFINITIONS if d.crisis_plan]

    assert [p.slug for p in plans] == ["crisis-coping-plan", "youth-safety-plan"]
    adult, youth = (set(p.steps_by_id()) for p in plans)
    assert {"warning_signs", "coping_steps", "support_people", "professionals"} <= adult
    assert {"warning_signs", "coping_steps", "trusted_people", "crisis_lines"} <= youth


def test_it_ships_parenting_video_lessons_that_work_without_a_video():
    lessons = [d for d in DEFINITIONS if d.category == Category.PARENTING_VIDEOS]

    assert len(lessons) >= 4
    for lesson in lessons:
        kinds = [type(step) for step in lesson.steps]
        media = [s for s in lesson.steps if isinstance(s, MediaStep)]
        assert media
        assert all(m.source is None for m in media), lesson.slug
        assert ContentStep in kinds, lesson.slug
        assert ReflectionStep in kinds, lesson.slug
        assert "will_try" in lesson.steps_by_id(), lesson.slug


def test_it_ships_the_exposure_log_with_the_standard_metrics():
    log = next(d for d in DEFINITIONS if d.slug == "exposure-practice-log")

    assert {"suds_before", "suds_peak", "suds_after", "minutes"} <= {m.name for m in log.metrics}


def test_it_gives_every_exercise_references_and_an_evidence_section():
    for definition in DEFINITIONS:
        assert definition.references, definition.slug
        assert "## Evidence" in definition.therapist_notes, definition.slug
