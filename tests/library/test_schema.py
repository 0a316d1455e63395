"""The definition schema refuses documents that would break at runtime, and says why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from stepwise.library.schema import (
    STEP_TYPES,
    ExerciseDefinition,
    MediaStep,
    definition_json_schema,
)

from .conftest import SCALE_ANCHORS, sink_document


def refusal(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        ExerciseDefinition.model_validate(document)
    return str(caught.value)


def step(document: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in document["steps"] if s["id"] == step_id)


def test_it_accepts_the_sink_document_with_every_step_type(sink):
    assert {s.type for s in sink.steps} == set(STEP_TYPES)


def test_it_round_trips_through_json(sink):
    dumped = sink.model_dump(mode="json")

    assert ExerciseDefinition.model_validate(json.loads(json.dumps(dumped))) == sink


def test_it_refuses_unknown_keys_so_typos_fail_loudly():
    document = sink_document()
    step(document, "mood")["anchor"] = []

    assert "Extra inputs are not permitted" in refusal(document)


@pytest.mark.parametrize("slug", ["Has-Capitals", "under_score", "-leading", "double--hyphen", ""])
def test_it_refuses_slugs_that_are_not_lowercase_hyphenated(slug):
    document = sink_document()
    document["slug"] = slug

    assert "slug" in refusal(document)


@pytest.mark.parametrize("step_id", ["has-hyphen", "Capital", "1digit", ""])
def test_it_refuses_step_ids_that_cannot_be_form_field_names(step_id):
    document = sink_document()
    step(document, "situation")["id"] = step_id

    refusal(document)


def test_it_refuses_duplicate_step_ids():
    document = sink_document()
    step(document, "story")["id"] = "situation"

    assert "step id 'situation' is used by step 2 and step 3" in refusal(document)


def test_it_refuses_an_unknown_category_or_audience():
    document = sink_document()
    document["category"] = "hypnosis"
    document["audience"] = ["teen"]

    message = refusal(document)
    assert "category" in message
    assert "audience" in message


def test_it_requires_an_evidence_section_and_a_reference():
    document = sink_document()
    document["therapist_notes"] = "Just do it."
    document["references"] = []

    message = refusal(document)
    assert "evidence section" in message
    assert "references" in message


@pytest.mark.parametrize("minutes", [0, 121])
def test_it_bounds_the_estimated_minutes(minutes):
    document = sink_document()
    document["estimated_minutes"] = minutes

    refusal(document)


def test_it_refuses_a_scale_whose_minimum_is_not_below_its_maximum():
    document = sink_document()
    step(document, "mood").update(min=10, max=10)

    assert "min must be smaller than max" in refusal(document)


def test_it_requires_both_ends_of_a_scale_to_be_labelled():
    document = sink_document()
    step(document, "mood")["anchors"] = [SCALE_ANCHORS[0], {"value": 5, "label": "Middle"}]

    assert "both ends" in refusal(document)


def test_it_refuses_a_suds_range_other_than_0_to_100():
    document = sink_document()
    step(document, "suds_before")["max"] = 10

    refusal(document)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_seconds": 0}, "greater than or equal to 1"),
        ({"duration_seconds": 7201}, "less than or equal to 7200"),
        ({"duration_seconds": None}, "needs duration_seconds"),
        ({"max_seconds": 60}, "max_seconds is for stopwatch timers"),
    ],
)
def test_it_bounds_countdown_timers(changes, message):
    document = sink_document()
    step(document, "practice").update(changes)

    assert message in refusal(document)


@pytest.mark.parametrize(
    "changes",
    [{"inhale_seconds": 0}, {"exhale_seconds": 16}, {"hold_in_seconds": -1}, {"cycles": 61}],
)
def test_it_bounds_breathing_phases_and_cycles(changes):
    document = sink_document()
    step(document, "breathe").update(changes)

    refusal(document)


def test_it_refuses_duplicate_option_ids():
    document = sink_document()
    step(document, "where")["options"][1]["id"] = "home"

    assert "option id 'home' is used more than once" in refusal(document)


def test_it_refuses_an_unknown_list_field_kind():
    document = sink_document()
    step(document, "ladder")["fields"][0]["kind"] = "date"

    assert "date" in refusal(document)


def test_it_refuses_a_number_field_with_an_empty_range():
    document = sink_document()
    step(document, "ladder")["fields"][3].update(min=5, max=5)

    assert "min must be smaller than max" in refusal(document)


def test_it_caps_list_rows_at_fifty():
    document = sink_document()
    step(document, "ladder")["max_rows"] = 51

    refusal(document)


def test_it_allows_a_media_step_with_nothing_attached(sink):
    audio = sink.steps_by_id()["audio"]

    assert isinstance(audio, MediaStep)
    assert audio.source is None


@pytest.mark.parametrize(
    "source",
    [
        {"kind": "link", "url": "http://insecure.example.org/a.mp4"},
        {"kind": "link", "url": "javascript:alert(1)"},
        {"kind": "upload", "file": "../../etc/passwd", "content_type": "video/mp4"},
        {"kind": "upload", "file": "lesson.mp3", "content_type": "audio/mpeg"},  # not a video
        {"kind": "upload", "file": "lesson.exe", "content_type": "application/x-msdownload"},
    ],
)
def test_it_refuses_unsafe_or_mismatched_media_sources(source):
    document = sink_document()
    step(document, "video")["source"] = source

    refusal(document)


def test_it_requires_a_reflection_to_follow_an_earlier_step():
    document = sink_document()
    step(document, "after_video")["after"] = "nowhere"

    assert "not an earlier step" in refusal(document)


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        ({"source": "missing"}, "which does not exist"),
        ({"source": "situation"}, "a text step does not give a number"),
        ({"source": "mood", "aggregate": "sum"}, "does not fit a scale step"),
        ({"source": "ladder", "field": "what", "aggregate": "max"}, "is not a number"),
        ({"source": "ladder", "field": "nope", "aggregate": "max"}, "has no field 'nope'"),
        ({"source": "feelings", "field": "bored"}, "has no emotion 'bored'"),
        ({"source": "where", "aggregate": "count"}, "a choice step does not give a number"),
        ({"source": "mood", "field": "x"}, "field only applies to list and emotion steps"),
    ],
)
def test_it_checks_that_metrics_read_a_step_that_gives_a_number(metric, message):
    document = sink_document()
    document["metrics"] = [{"name": "broken", "label": "Broken", **metric}]

    assert message in refusal(document)


def test_it_refuses_duplicate_metric_names():
    document = sink_document()
    document["metrics"].append(dict(document["metrics"][0]))

    assert "declared twice" in refusal(document)


@pytest.mark.parametrize("name", ["Mood", "suds-before", "1st"])
def test_it_requires_snake_case_metric_names(name):
    document = sink_document()
    document["metrics"][0]["name"] = name

    refusal(document)


def test_it_needs_a_step_to_answer_or_do():
    document = sink_document()
    document["steps"] = [document["steps"][0]]
    document["metrics"] = []

    assert "at least one step" in refusal(document)


def test_it_exports_a_json_schema_with_every_step_type():
    schema = definition_json_schema()

    assert schema["title"] == "ExerciseDefinition"
    assert schema["additionalProperties"] is False
    mapping = schema["properties"]["steps"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == set(STEP_TYPES)
    json.dumps(schema)  # serialisable
