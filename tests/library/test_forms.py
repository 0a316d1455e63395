"""parse_form and to_form: the flat web form and the answer dict are one path."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepwise.library.responses import (
    ResponseErrors,
    parse_form,
    to_form,
    validate_response,
)
from stepwise.library.schema import ExerciseDefinition

from .conftest import VALID_ANSWERS, sink_document

SINK = ExerciseDefinition.model_validate(sink_document())


def querydict(form: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in form.items():
        query.setlist(key, values)
    return query


def test_it_round_trips_answers_through_the_flat_form(sink, answers):
    validated = validate_response(sink, answers)

    form = to_form(sink, validated.answers)
    again = validate_response(sink, parse_form(sink, form))

    assert again == validated


def test_it_reads_a_django_querydict(sink, answers):
    validated = validate_response(sink, answers)

    parsed = parse_form(sink, querydict(to_form(sink, validated.answers)))

    assert validate_response(sink, parsed) == validated


def test_it_names_form_fields_by_step_row_and_field(sink, answers):
    form = to_form(sink, validate_response(sink, answers).answers)

    assert form["step-mood"] == ["6"]
    assert form["step-who"] == ["family", "friends"]
    assert form["step-feelings"] == ["sad", "anxious"]
    assert form["step-feelings-anxious"] == ["8"]
    assert form["step-ladder-1-suds"] == ["85"]
    assert form["step-after_video-learned"] == ["Praise works best when it is specific."]


def test_it_keeps_what_was_typed_when_it_is_invalid(sink):
    form = {"step-mood": ["eleventy"], "step-ladder-0-suds": ["lots"], "step-ladder-0-what": ["x"]}

    parsed = parse_form(sink, form)

    assert parsed["mood"] == "eleventy"
    assert parsed["ladder"][0]["suds"] == "lots"
    assert parsed["ladder"][0]["what"] == "x"


def test_it_orders_rows_by_their_number_and_ignores_unknown_fields(sink):
    form = {
        "step-ladder-10-what": ["third"],
        "step-ladder-2-what": ["second"],
        "step-ladder-0-what": ["first"],
        "step-ladder-1-nonsense": ["ignored"],
        "step-ladder-x-what": ["ignored"],
    }

    rows = parse_form(sink, form)["ladder"]

    assert [row["what"] for row in rows] == ["first", "second", "third"]


def test_it_reads_only_one_row_beyond_the_limit(sink):
    form = {f"step-ladder-{n}-what": [f"row {n}"] for n in range(500)}

    rows = parse_form(sink, form)["ladder"]

    assert len(rows) == 6  # max_rows 5, plus one so validation says there are too many


def test_it_ignores_row_numbers_that_are_not_plain_digits(sink):
    form = {"step-ladder-²-what": ["superscript"], "step-ladder-٣-what": ["arabic-indic"]}

    assert parse_form(sink, form)["ladder"] == []


def test_it_refuses_numbers_written_with_non_ascii_digits(sink, answers):
    with pytest.raises(ResponseErrors) as caught:
        validate_response(sink, {**answers, "mood": "٣", "suds_before": "²"})

    assert set(caught.value.errors) == {"mood", "suds_before"}


def test_it_uses_the_last_value_for_single_value_fields(sink):
    assert parse_form(sink, {"step-mood": ["3", "4"]})["mood"] == "4"


def test_it_never_raises_on_a_garbage_form(sink):
    class Broken:
        def getlist(self, key: str) -> list[str]:
            raise RuntimeError("broken")

        def __iter__(self) -> Any:
            raise RuntimeError("broken")

    assert parse_form(sink, Broken())["ladder"] == []
    assert parse_form(sink, None)["who"] == []
    assert parse_form(sink, {"step-mood": 7, "step-who": [None, 3]})["who"] == ["3"]


def test_it_reports_blank_required_fields_from_an_empty_form(sink):
    with pytest.raises(ResponseErrors) as caught:
        validate_response(sink, parse_form(sink, {}))

    errors = caught.value.errors
    assert {"situation", "mood", "where", "feelings", "ladder", "practice"} <= set(errors)
    assert "story" not in errors


step_keys = st.sampled_from([f"step-{step.id}" for step in SINK.steps] + ["step-ladder-0-what"])
row_keys = st.builds(
    lambda row, field: f"step-ladder-{row}-{field}",
    st.text(max_size=4),
    st.sampled_from(["what", "suds", "hours", "done", "x"]),
)
form_keys = st.one_of(step_keys, row_keys, st.text(max_size=30))
form_values = st.one_of(st.text(max_size=50), st.lists(st.text(max_size=20), max_size=4))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(form_keys, form_values, max_size=12))
def test_it_only_ever_raises_response_errors_for_any_posted_form(form):
    parsed = parse_form(SINK, form)
    errors: dict[str, str] = {}
    try:
        validate_response(SINK, parsed)
    except ResponseErrors as exc:
        errors = exc.errors
    assert all(isinstance(message, str) and message for message in errors.values())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([step.id for step in SINK.steps] + ["other"]), st.text(max_size=60)
    )
)
def test_it_only_ever_raises_response_errors_for_any_string_dict(data):
    with contextlib.suppress(ResponseErrors):
        validate_response(SINK, data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([step.id for step in SINK.steps]), json_values))
def test_it_only_ever_raises_response_errors_for_any_json_shape(data):
    merged = {**VALID_ANSWERS, **data}
    try:
        validated = validate_response(SINK, merged)
    except ResponseErrors:
        return
    # whatever got through is normalised and survives the form round trip
    assert validate_response(SINK, parse_form(SINK, to_form(SINK, validated.answers))) == validated
