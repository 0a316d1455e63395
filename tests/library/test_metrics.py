"""extract_metrics turns a validated response into the numbers progress charts plot."""

from __future__ import annotations

import pytest

from stepwise.library.loader import shipped_definitions
from stepwise.library.responses import (
    ValidatedResponse,
    extract_metrics,
    parse_form,
    validate_response,
)

LIBRARY = {d.slug: d for d in shipped_definitions()}


def test_it_extracts_suds_and_minutes_from_an_exposure_log_form():
    log = LIBRARY["exposure-practice-log"]
    form = {
        "step-step": ["Supermarket at a busy time"],
        "step-prediction": ["I will faint in the queue"],
        "step-belief_before": ["80"],
        "step-suds_before": ["60"],
        "step-practice_timer": ["25.5"],  # minutes
        "step-suds_peak": ["85"],
        "step-suds_after": ["30"],
        "step-what_happened": ["I felt dizzy but stayed, and nothing happened"],
        "step-prediction_result": ["no"],
        "step-belief_after": ["35"],
        "step-learned": ["The dizziness passes"],
    }

    metrics = extract_metrics(log, validate_response(log, parse_form(log, form)))

    assert metrics == {
        "suds_before": 60.0,
        "suds_peak": 85.0,
        "suds_after": 30.0,
        "minutes": 25.5,
        "belief_before": 80.0,
        "belief_after": 35.0,
    }


def test_it_extracts_mood_energy_and_sleep_from_a_mood_check_in():
    check_in = LIBRARY["daily-mood-check-in"]

    validated = validate_response(check_in, {"mood": "4", "energy": 3, "sleep": "7"})

    assert extract_metrics(check_in, validated) == {"mood": 4.0, "energy": 3.0, "sleep": 7.0}


def test_it_turns_breathing_cycles_into_minutes_practised():
    breathing = LIBRARY["paced-breathing"]  # 4 s in + 6 s out = 10 s a cycle

    validated = validate_response(
        breathing, {"calm_before": 3, "breathe": 12, "calm_after": 7, "noticed": ""}
    )

    assert extract_metrics(breathing, validated) == {
        "calm_before": 3.0,
        "calm_after": 7.0,
        "minutes": 2.0,
    }


def test_it_counts_and_aggregates_list_rows():
    plan = LIBRARY["activity-scheduling"]
    rows = [
        {"when": "9am", "activity": "Walk", "done": "yes", "pleasure": 6, "mastery": 4},
        {"when": "2pm", "activity": "Pay bill", "done": "yes", "pleasure": 1, "mastery": 9},
        {"when": "6pm", "activity": "Call Ana", "done": "no", "pleasure": "", "mastery": ""},
    ]

    validated = validate_response(plan, {"activities": rows, "mood": 5})

    assert extract_metrics(plan, validated) == {
        "activities": 3.0,
        "done": 2.0,
        "pleasure": 3.5,
        "mastery": 6.5,
        "mood": 5.0,
    }


def test_it_sums_the_special_play_tally():
    play = LIBRARY["child-led-special-play"]
    tally = {
        "praise": "12",
        "reflections": "8",
        "descriptions": "15",
        "imitation": "3",
        "questions": "4",
        "commands": "1",
        "criticism": "0",
    }

    validated = validate_response(play, {"play_timer": 300, "tally": [tally], "child_enjoyment": 9})

    metrics = extract_metrics(play, validated)
    assert metrics["praise"] == 12.0
    assert metrics["criticism"] == 0.0
    assert metrics["minutes"] == 5.0


def test_it_leaves_out_metrics_of_unanswered_optional_steps():
    problem_solving = LIBRARY["social-problem-solving"]
    answers = {
        "problem": "No one to walk with",
        "goal": "Walk with someone weekly",
        "options": [{"idea": "Join a walking group"}],
        "plan": "Walking group",
        "first_step": "Email the group on Monday",
    }

    metrics = extract_metrics(problem_solving, validate_response(problem_solving, answers))

    assert metrics == {"ideas": 1.0}


def test_it_reads_one_emotion_by_name_or_the_strongest():
    coaching = LIBRARY["emotion-coaching-check-in"]
    answers = {
        "what_happened": "Lost a game",
        "child_feelings": [
            {"emotion": "mad", "intensity": 8},
            {"emotion": "disappointed", "intensity": 6},
        ],
        "steps_used": ["noticed", "named"],
        "parent_calm": 6,
    }

    metrics = extract_metrics(coaching, validate_response(coaching, answers))

    assert metrics == {"coaching_steps": 2.0, "parent_calm": 6.0, "child_intensity": 8.0}


def test_it_refuses_a_response_to_another_definition():
    mood = LIBRARY["daily-mood-check-in"]
    stray = ValidatedResponse(slug="paced-breathing", version=1, answers={})

    with pytest.raises(ValueError, match="does not belong"):
        extract_metrics(mood, stray)
