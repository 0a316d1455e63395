"""validate_response: each step type normalises good answers and explains bad ones."""

from __future__ import annotations

from typing import Any

import pytest

from stepwise.library.responses import (
    ResponseErrors,
    ValidatedResponse,
    form_field_name,
    validate_response,
)
from stepwise.library.schema import ExerciseDefinition

from .conftest import sink_document


def errors_for(definition: ExerciseDefinition, answers: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ResponseErrors) as caught:
        validate_response(definition, answers)
    return caught.value.errors


def with_answer(answers: dict[str, Any], step_id: str, value: Any) -> dict[str, Any]:
    changed = dict(answers)
    changed[step_id] = value
    return changed


def without(answers: dict[str, Any], step_id: str) -> dict[str, Any]:
    return {key: value for key, value in answers.items() if key != step_id}


def test_it_accepts_a_complete_response_and_records_the_version(sink, answers):
    validated = validate_response(sink, answers)

    assert isinstance(validated, ValidatedResponse)
    assert (validated.slug, validated.version) == ("every-step-type", 3)
    assert validated.as_json()["answers"]["mood"] == 6
    assert "intro" not in validated.answers  # content steps have no answer


def test_it_ignores_keys_that_are_not_steps(sink, answers):
    answers["is_staff"] = True
    answers["intro"] = "anything"

    validated = validate_response(sink, answers)

    assert "is_staff" not in validated.answers
    assert "intro" not in validated.answers


def test_it_reports_every_problem_at_once(sink, answers):
    answers.update(mood=11, suds_before="lots", where="moon")

    assert set(errors_for(sink, answers)) == {"mood", "suds_before", "where"}


# --- text ---------------------------------------------------------------------------------------


def test_it_trims_text_and_collapses_short_answers_to_one_line(sink, answers):
    answers["situation"] = "  On the\r\nbus  "
    answers["story"] = "Line one\r\nLine two  "

    validated = validate_response(sink, answers)

    assert validated.answers["situation"] == "On the bus"
    assert validated.answers["story"] == "Line one\nLine two"


def test_it_requires_required_text(sink, answers):
    assert errors_for(sink, with_answer(answers, "situation", "   ")) == {
        "situation": "Please write an answer."
    }
    assert errors_for(sink, without(answers, "situation")) == {
        "situation": "Please write an answer."
    }


def test_it_stores_empty_optional_text_as_none(sink, answers):
    assert validate_response(sink, with_answer(answers, "story", "")).answers["story"] is None


@pytest.mark.parametrize(
    ("step_id", "length", "limit"), [("situation", 201, 200), ("story", 5001, 5000)]
)
def test_it_refuses_oversized_text(sink, answers, step_id, length, limit):
    errors = errors_for(sink, with_answer(answers, step_id, "x" * length))

    assert errors == {step_id: f"This answer is too long: at most {limit} characters."}


def test_it_accepts_text_at_the_limit(sink, answers):
    validated = validate_response(sink, with_answer(answers, "situation", "x" * 200))

    assert len(validated.answers["situation"]) == 200


@pytest.mark.parametrize("value", [12, ["a list"], {"a": "dict"}])
def test_it_refuses_text_of_the_wrong_type(sink, answers, value):
    errors = errors_for(sink, with_answer(answers, "situation", value))

    assert errors == {"situation": "Please write your answer as text."}


def test_it_refuses_control_characters_in_text(sink, answers):
    errors = errors_for(sink, with_answer(answers, "story", "bad\x00byte"))

    assert "cannot be saved" in errors["story"]


# --- scale and suds -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("7", 7), (" 10 ", 10), (4.0, 4)])
def test_it_normalises_scale_answers_to_integers(sink, answers, value, expected):
    assert validate_response(sink, with_answer(answers, "mood", value)).answers["mood"] == expected


@pytest.mark.parametrize("value", [-1, 11, "11", "7.5", 7.5, "seven", True, [5], "1e1"])
def test_it_refuses_scale_answers_out_of_range_or_of_the_wrong_type(sink, answers, value):
    errors = errors_for(sink, with_answer(answers, "mood", value))

    assert errors == {"mood": "Enter a whole number from 0 to 10."}


def test_it_asks_for_a_missing_scale_answer(sink, answers):
    assert errors_for(sink, without(answers, "mood")) == {
        "mood": "Please choose a number from 0 to 10."
    }


@pytest.mark.parametrize(("value", "expected"), [("0", 0), (100, 100), ("55", 55)])
def test_it_accepts_suds_from_0_to_100(sink, answers, value, expected):
    validated = validate_response(sink, with_answer(answers, "suds_before", value))

    assert validated.answers["suds_before"] == expected


@pytest.mark.parametrize("value", [-5, 101, "a lot", 50.5])
def test_it_refuses_suds_outside_0_to_100(sink, answers, value):
    errors = errors_for(sink, with_answer(answers, "suds_before", value))

    assert errors == {"suds_before": "Enter a whole number from 0 to 100."}


# --- choice and checklist -----------------------------------------------------------------------


def test_it_accepts_a_single_choice_from_the_options(sink, answers):
    assert validate_response(sink, with_answer(answers, "where", "home")).answers["where"] == "home"
    assert validate_response(sink, with_answer(answers, "where", ["work"])).answers["where"] == (
        "work"
    )


@pytest.mark.parametrize("value", ["moon", ["home", "work"], 3, {"id": "home"}])
def test_it_refuses_a_single_choice_that_is_not_an_option(sink, answers, value):
    assert errors_for(sink, with_answer(answers, "where", value)) == {
        "where": "Choose one of the options shown."
    }


def test_it_requires_a_required_single_choice(sink, answers):
    assert errors_for(sink, without(answers, "where")) == {"where": "Please choose an option."}


def test_it_orders_and_dedupes_multiple_choices(sink, answers):
    validated = validate_response(
        sink, with_answer(answers, "who", ["friends", "alone", "friends"])
    )

    assert validated.answers["who"] == ["alone", "friends"]


def test_it_limits_how_many_options_are_chosen(sink, answers):
    errors = errors_for(sink, with_answer(answers, "who", ["alone", "family", "friends"]))

    assert errors == {"who": "Choose at most 2 options."}


def test_it_refuses_unknown_options_in_a_multiple_choice(sink, answers):
    assert errors_for(sink, with_answer(answers, "who", ["family", "aliens"])) == {
        "who": "Choose only from the options shown."
    }


def test_it_allows_an_optional_multiple_choice_to_be_empty(sink, answers):
    assert validate_response(sink, without(answers, "who")).answers["who"] == []


def test_it_keeps_checklist_items_in_definition_order(sink, answers):
    validated = validate_response(sink, with_answer(answers, "safety", ["exit", "phone"]))

    assert validated.answers["safety"] == ["phone", "exit"]


def test_it_accepts_an_empty_checklist_unless_required(sink, answers):
    assert validate_response(sink, with_answer(answers, "safety", [])).answers["safety"] == []

    document = sink_document()
    document["steps"][7]["required"] = True
    required = ExerciseDefinition.model_validate(document)
    assert errors_for(required, with_answer(answers, "safety", [])) == {
        "safety": "Tick at least one item."
    }


def test_it_refuses_checklist_items_that_do_not_exist(sink, answers):
    assert errors_for(sink, with_answer(answers, "safety", ["phone", "x"])) == {
        "safety": "Tick only items from the list."
    }


# --- emotion ------------------------------------------------------------------------------------


def test_it_normalises_emotions_and_intensities(sink, answers):
    value = [{"emotion": "calm", "intensity": "2"}, {"emotion": "sad", "intensity": 9}]

    validated = validate_response(sink, with_answer(answers, "feelings", value))

    assert validated.answers["feelings"] == [
        {"emotion": "sad", "intensity": 9},
        {"emotion": "calm", "intensity": 2},
    ]


def test_it_explains_an_intensity_out_of_range_next_to_that_emotion(sink, answers):
    value = [{"emotion": "sad", "intensity": 11}]

    assert errors_for(sink, with_answer(answers, "feelings", value)) == {
        "feelings.sad": "Rate how strong “Sad” is: a whole number from 0 to 10."
    }


def test_it_asks_for_a_missing_intensity(sink, answers):
    value = [{"emotion": "anxious", "intensity": ""}]

    assert errors_for(sink, with_answer(answers, "feelings", value)) == {
        "feelings.anxious": "Rate how strong “Anxious” is, from 0 to 10."
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "Choose at least one feeling."),
        ([{"emotion": "bored", "intensity": 3}], "Choose feelings from the list shown."),
        ("sad", "Choose feelings from the list and rate each one."),
        (
            [{"emotion": "sad", "intensity": 1}, {"emotion": "sad", "intensity": 2}],
            "“Sad” is chosen more than once.",
        ),
        (
            [
                {"emotion": "sad", "intensity": 1},
                {"emotion": "calm", "intensity": 2},
                {"emotion": "anxious", "intensity": 3},
            ],
            "Choose at most 2 feelings.",
        ),
    ],
)
def test_it_refuses_emotion_answers_that_do_not_fit(sink, answers, value, message):
    assert errors_for(sink, with_answer(answers, "feelings", value)) == {"feelings": message}


# --- list ---------------------------------------------------------------------------------------


def test_it_types_list_fields_and_drops_blank_rows(sink, answers):
    value = [
        {
            "what": " Shop ",
            "suds": "30",
            "confidence": "",
            "times": "3",
            "hours": "0,5",
            "done": "",
        },
        {"what": "", "suds": "", "confidence": "", "times": "", "hours": "", "done": ""},
        {"what": "Cinema", "suds": 60},
    ]

    rows = validate_response(sink, with_answer(answers, "ladder", value)).answers["ladder"]

    assert rows == [
        {"what": "Shop", "suds": 30, "confidence": None, "times": 3, "hours": 0.5, "done": None},
        {
            "what": "Cinema",
            "suds": 60,
            "confidence": None,
            "times": None,
            "hours": None,
            "done": None,
        },
    ]


def test_it_points_at_the_row_and_field_that_is_wrong(sink, answers):
    value = [
        {"what": "Shop", "suds": 30},
        {
            "what": "",
            "suds": "120",
            "confidence": "9",
            "times": "2.5",
            "hours": "25",
            "done": "maybe",
        },
    ]

    errors = errors_for(sink, with_answer(answers, "ladder", value))

    assert errors == {
        "ladder.1.what": "Please write an answer.",
        "ladder.1.suds": "Enter a whole number from 0 to 100.",
        "ladder.1.confidence": "Enter a whole number from 1 to 5.",
        "ladder.1.times": "Enter a whole number from 0 to 20.",
        "ladder.1.hours": "Enter a number from 0 to 24.",
        "ladder.1.done": "Choose one of the options shown.",
    }
    assert form_field_name("ladder.1.suds") == "step-ladder-1-suds"


def test_it_refuses_too_many_rows(sink, answers):
    value = [{"what": f"Step {n}", "suds": n} for n in range(6)]

    assert errors_for(sink, with_answer(answers, "ladder", value)) == {
        "ladder": "Too many rows: at most 5."
    }


def test_it_requires_at_least_one_row_in_a_required_list(sink, answers):
    assert errors_for(sink, with_answer(answers, "ladder", [])) == {
        "ladder": "Please add at least one row."
    }


@pytest.mark.parametrize(
    ("value", "key", "message"),
    [
        ("rows", "ladder", "These rows could not be read. Please check them and try again."),
        (["not a row"], "ladder.0", "This row could not be read."),
    ],
)
def test_it_refuses_list_answers_of_the_wrong_shape(sink, answers, value, key, message):
    assert errors_for(sink, with_answer(answers, "ladder", value))[key] == message


# --- timer, breathing, media --------------------------------------------------------------------


def test_it_records_timer_seconds(sink, answers):
    validated = validate_response(sink, with_answer(answers, "practice", "600"))

    assert validated.answers["practice"] == 600


@pytest.mark.parametrize(
    ("step_id", "value", "message"),
    [
        ("practice", 601, "Enter the minutes practised, from 0 to 10."),
        ("practice", -1, "Enter the minutes practised, from 0 to 10."),
        ("extra", 3601, "Enter the minutes practised, from 0 to 60."),
        ("extra", "ten minutes", "Enter the minutes practised, from 0 to 60."),
    ],
)
def test_it_bounds_timer_seconds(sink, answers, step_id, value, message):
    assert errors_for(sink, with_answer(answers, step_id, value)) == {step_id: message}


def test_it_asks_for_the_time_of_a_required_timer(sink, answers):
    assert errors_for(sink, without(answers, "practice")) == {
        "practice": "Please record the time you practised."
    }


def test_it_records_completed_breathing_cycles(sink, answers):
    assert validate_response(sink, with_answer(answers, "breathe", "4")).answers["breathe"] == 4


@pytest.mark.parametrize("value", [11, -1, "4.5", "all"])
def test_it_bounds_breathing_cycles(sink, answers, value):
    assert errors_for(sink, with_answer(answers, "breathe", value)) == {
        "breathe": "Enter the number of breaths completed: a whole number from 0 to 10."
    }


@pytest.mark.parametrize(
    ("value", "expected"), [("0.5", 0.5), (1, 1.0), ("0", 0.0), (0.33333, 0.3333)]
)
def test_it_records_the_fraction_of_media_played(sink, answers, value, expected):
    assert (
        validate_response(sink, with_answer(answers, "video", value)).answers["video"] == expected
    )


@pytest.mark.parametrize("value", [1.5, -0.1, "half", "nan", float("inf")])
def test_it_refuses_media_fractions_outside_0_to_1(sink, answers, value):
    assert errors_for(sink, with_answer(answers, "video", value)) == {
        "video": "Enter how much was played as a number from 0 (none) to 1 (all)."
    }


def test_it_asks_for_required_media_to_be_played(sink, answers):
    assert errors_for(sink, without(answers, "video")) == {
        "video": "Please play the video before going on."
    }


def test_it_skips_a_media_step_with_nothing_attached(sink, answers):
    validated = validate_response(sink, with_answer(answers, "audio", "0.9"))

    assert validated.answers["audio"] is None


# --- reflection ---------------------------------------------------------------------------------


def test_it_keys_reflection_answers_by_question(sink, answers):
    value = {"learned": "  Be specific. ", "try": ""}

    validated = validate_response(sink, with_answer(answers, "after_video", value))

    assert validated.answers["after_video"] == {"learned": "Be specific.", "try": None}


def test_it_points_at_the_reflection_question_that_is_wrong(sink, answers):
    value = {"learned": "", "try": "x" * 201}

    assert errors_for(sink, with_answer(answers, "after_video", value)) == {
        "after_video.learned": "Please write an answer.",
        "after_video.try": "This answer is too long: at most 200 characters.",
    }


def test_it_groups_errors_by_step(sink, answers):
    answers["after_video"] = {"learned": ""}
    answers["mood"] = 99

    with pytest.raises(ResponseErrors) as caught:
        validate_response(sink, answers)

    assert caught.value.for_step("after_video") == {
        "after_video.learned": "Please write an answer."
    }
    assert caught.value.by_form_field()["step-mood"] == "Enter a whole number from 0 to 10."


def test_it_refuses_data_that_is_not_a_mapping(sink):
    with pytest.raises(ResponseErrors):
        validate_response(sink, ["not", "a", "dict"])  # type: ignore[arg-type]
