"""The safety lines a clinical review asked for are in the shipped exercises' client text."""

from __future__ import annotations

import json

import pytest

from stepwise.library.loader import BLOCKS_DIR, shipped_definitions
from stepwise.library.schema import ContentStep, ExerciseDefinition

BY_SLUG = {d.slug: d for d in shipped_definitions()}


def content(definition: ExerciseDefinition, step_id: str) -> str:
    step = definition.steps_by_id()[step_id]
    assert isinstance(step, ContentStep)
    return step.body


def block(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((BLOCKS_DIR / f"{name}.json").read_text())
    return data


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("exposure-practice-log", "exposure-safety"),
        ("fear-ladder", "exposure-safety"),
        ("response-prevention-log", "exposure-safety"),
        ("imaginal-exposure-script", "exposure-safety"),
        ("brave-steps-ladder", "exposure-safety-carer"),
    ],
)
def test_exposure_exercises_carry_the_one_shared_safety_block(slug: str, name: str) -> None:
    shared = block(name)
    step = BY_SLUG[slug].steps_by_id()[shared["id"]]

    assert isinstance(step, ContentStep)
    assert step.body == shared["body"]


def test_the_shared_blocks_say_when_to_pause_and_how_carers_help() -> None:
    adult = block("exposure-safety")["body"]
    carer = block("exposure-safety-carer")["body"]

    assert "Stop and rest" in adult
    assert "Tell your therapist" in adult
    assert "emergency number" in adult
    for rule in ("Do not force", "Do not rescue", "Repeat each step"):
        assert rule in carer


def test_imaginal_exposure_limits_trauma_memories_to_a_planned_script_and_has_a_stop_rule() -> None:
    script = BY_SLUG["imaginal-exposure-script"]

    assert "painful memory" not in script.why_this_helps
    assert "planned it together" in script.why_this_helps
    stop = content(script, "if_overwhelmed")
    assert "Stop reading" in stop
    assert "Tell your therapist" in stop


def test_interoceptive_drills_are_seated_with_a_medical_stop_rule_and_a_session_first() -> None:
    drills = BY_SLUG["interoceptive-exposure"]

    for step_id in ("spin_how", "head_shake_how", "fast_breathing_how"):
        assert "Sit" in content(drills, step_id), step_id
    assert "stand" not in content(drills, "spin_how").lower()
    safety = content(drills, "safety")
    assert "Stop and get medical help if" in safety
    assert "chest pain" in safety
    assert "faint" in safety
    assert "new to you" in safety
    assert "first round in a session" in safety
    for condition in ("Cardiac", "asthma", "seizure", "pregnancy"):
        assert condition.lower() in drills.therapist_notes.lower()


def test_time_out_lesson_gives_age_warning_back_up_plan_and_never_restrain() -> None:
    lesson = content(BY_SLUG["video-calm-down-time-out"], "lesson")

    assert "2 to 8 years" in lesson
    assert "Give one warning" in lesson
    assert "If your child will not go, or gets up" in lesson
    assert "Never hold your child down or lock them in" in lesson


def test_assertive_request_says_when_speaking_up_may_be_unsafe() -> None:
    text = content(BY_SLUG["assertive-request"], "when_not_safe")

    assert "hurts you" in text
    assert "therapist" in text


def test_balloon_breathing_says_not_to_force_and_to_stop_if_dizzy_and_notes_match_the_scale() -> (
    None
):
    balloon = BY_SLUG["balloon-breathing"]

    how = content(balloon, "how")
    assert "Don't force big breaths" in how
    assert "dizzy" in how
    assert "picture scale" not in balloon.therapist_notes
    assert "Calm like a sleepy cat" in balloon.therapist_notes
