"""Measures that measure the right thing (issue 18, part 3)."""

from __future__ import annotations

import pytest

from stepwise.library.loader import shipped_definitions
from stepwise.library.responses import extract_metrics, validate_response
from stepwise.library.schema import Category, ExerciseDefinition

LIBRARY = {d.slug: d for d in shipped_definitions()}


def _metrics(slug: str, answers: dict[str, object]) -> dict[str, float]:
    definition = LIBRARY[slug]
    return extract_metrics(definition, validate_response(definition, answers))


def test_thought_detective_compares_the_same_feelings_before_and_after() -> None:
    before = [{"emotion": "worried", "intensity": 8}, {"emotion": "mad", "intensity": 10}]
    # "mad" is not re-rated and "sad" is new: only "worried" is compared.
    after = [{"emotion": "worried", "intensity": 3}, {"emotion": "sad", "intensity": 9}]
    metrics = _metrics(
        "thought-detective",
        {
            "what_happened": "Test at school",
            "feelings": before,
            "worry_thought": "I will fail",
            "clues_not_true": "I studied",
            "friend": "You can do it",
            "helpful_thought": "I prepared",
            "feelings_after": after,
        },
    )
    assert metrics == {"feelings_before": 8.0, "feelings_after": 3.0}


def test_thought_record_re_rates_the_same_feelings_and_asks_for_no_underlining() -> None:
    record = LIBRARY["thought-record"]
    prompts = " ".join(getattr(s, "prompt", "") for s in record.steps)
    assert "Underline" not in prompts
    same = {m.name: m.same_as for m in record.metrics}
    assert same["emotion_before"] == "feelings_after"
    assert same["emotion_after"] == "feelings_before"


def test_activity_scheduling_counts_done_activities_and_mood_after_each() -> None:
    rows = [
        {"when": "9", "activity": "Walk", "done": "yes", "mood_after": 6},
        {"when": "2", "activity": "Bill", "done": "partly", "mood_after": 4},
        {"when": "6", "activity": "Call", "done": "no"},
    ]
    metrics = _metrics("activity-scheduling", {"activities": rows, "mood": 5})
    assert metrics["activities"] == 3.0
    assert metrics["done"] == 1.0
    assert metrics["mood_after"] == 5.0


def test_behavioural_activation_is_filed_as_behavioural() -> None:
    assert LIBRARY["activity-scheduling"].category == Category.BEHAVIOURAL


def test_brave_steps_has_a_child_practice_record_with_thermometer_ratings() -> None:
    ladder = [
        {"step": "Door", "scary": 2},
        {"step": "Hall", "scary": 5},
        {"step": "Bed", "scary": 9},
    ]
    practice = [
        {"step": "Door", "before": 6, "peak": 8, "after": 2, "reward": "yes"},
        {"step": "Door", "before": 4, "peak": 5, "after": 1, "reward": "not_yet"},
    ]
    metrics = _metrics(
        "brave-steps-ladder",
        {"worry": "Own bed", "steps": ladder, "first_step": "Door", "practice": practice},
    )
    assert metrics["practices"] == 2.0
    assert (metrics["worry_before"], metrics["worry_peak"], metrics["worry_after"]) == (
        5.0,
        6.5,
        1.5,
    )
    assert metrics["rewards"] == 1.0


def test_special_play_time_agrees_on_five_minutes_everywhere() -> None:
    play = LIBRARY["child-led-special-play"]
    timer = play.steps_by_id()["play_timer"]
    assert play.estimated_minutes == 5
    assert getattr(timer, "duration_seconds", None) == 300
    assert "Five minutes" in play.summary


@pytest.mark.parametrize(
    "metric",
    [
        {"name": "x", "label": "X", "source": "mood", "option": "yes", "aggregate": "count"},
        {
            "name": "x",
            "label": "X",
            "source": "feelings",
            "aggregate": "mean",
            "same_as": "feelings",
        },
    ],
)
def test_option_and_same_as_are_refused_where_they_mean_nothing(metric: dict[str, str]) -> None:
    data = LIBRARY["thought-detective"].model_dump(mode="json")
    data["steps"].append(
        {
            "type": "scale",
            "id": "mood",
            "prompt": "Mood",
            "min": 0,
            "max": 10,
            "anchors": [{"value": 0, "label": "Low"}, {"value": 10, "label": "High"}],
        }
    )
    data["metrics"] = [metric]
    with pytest.raises(ValueError, match=r"option only applies|same_as must name"):
        ExerciseDefinition.model_validate(data)


def test_a_timer_is_typed_in_minutes_and_stored_in_seconds() -> None:
    from stepwise.library.responses import parse_form, to_form

    play = LIBRARY["child-led-special-play"]
    parsed = parse_form(play, {"step-play_timer": "4.5"})
    assert parsed["play_timer"] == 270
    assert to_form(play, {"play_timer": 270})["step-play_timer"] == ["4.5"]
    assert to_form(play, {"play_timer": 65})["step-play_timer"] == ["1.08"]
    assert parse_form(play, {"step-play_timer": "1.08"})["play_timer"] == 65
    assert parse_form(play, {"step-play_timer": "five"})["play_timer"] == "five"
