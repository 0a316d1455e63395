"""Out-of-range, oversized and malformed answers are refused by the server: the form comes back
with a message next to each field, linked by aria-describedby, and everything typed kept."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from stepwise.homework.models import MetricValue, Submission
from stepwise.library.schema import LONG_TEXT_MAX, SHORT_TEXT_MAX
from tests.conftest import World
from tests.library.helpers import form_for, publish_sink, querydict, sink_answers


@pytest.fixture
def sink_version(world: World):
    definition = publish_sink(world.alice)
    return definition.current_version


def _post(client, world: World, version, changes: dict[str, list[str]]):
    form = form_for(version.parsed, sink_answers())
    form.update(changes)
    return client.post(
        reverse("homework:practise_together", args=[world.carl_client.pk, version.pk]),
        querydict(form),
    )


def _described_error(html: str, field_name: str) -> str:
    """The message shown for a field, checking the field points at it with aria-describedby."""
    error = re.search(rf'<p class="field-error" id="e-{field_name}">(.*?)</p>', html, re.S)
    assert error, f"no message for {field_name}"
    control = re.search(rf'<(?:input|textarea|select)[^>]*id="f-{field_name}"[^>]*>', html)
    holder = control.group(0) if control else html
    assert f"e-{field_name}" in holder, f"{field_name} does not point at its message"
    return re.sub(r"<[^>]+>", "", error.group(1)).replace("Error: ", "").strip()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("step-mood", "11", "Enter a whole number from 0 to 10."),
        ("step-mood", "-1", "Enter a whole number from 0 to 10."),
        ("step-suds_before", "101", "Enter a whole number from 0 to 100."),
        ("step-suds_before", "7.5", "Enter a whole number from 0 to 100."),
        ("step-practice", "10.5", "Enter the minutes practised, from 0 to 10."),
        ("step-breathe", "11", "from 0 to 10"),
        ("step-video", "1.5", "from 0 (none) to 1 (all)"),
        ("step-where", "moon", "Choose one of the options shown."),
        ("step-ladder-0-suds", "150", "Enter a whole number from 0 to 100."),
        ("step-ladder-1-hours", "25", "Enter a number from 0 to 24."),
        ("step-feelings-anxious", "12", "a whole number from 0 to 10"),
    ],
)
def test_it_refuses_out_of_range_answers_next_to_the_field(
    field: str, value: str, message: str, world: World, alice_client, sink_version
) -> None:
    response = _post(alice_client, world, sink_version, {field: [value]})

    assert response.status_code == 200
    html = response.content.decode()
    if field.startswith("step-where"):
        assert message in html  # a radio group: the message sits under its legend
    else:
        assert message in _described_error(html, field)
    assert "Some answers need a look" in html
    assert not Submission.objects.exists()
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [("step-situation", SHORT_TEXT_MAX), ("step-story", LONG_TEXT_MAX)],
)
def test_it_refuses_oversized_text_and_keeps_it(
    field: str, limit: int, world: World, alice_client, sink_version
) -> None:
    too_long = "word " * (limit // 5) + "overflow"

    response = _post(alice_client, world, sink_version, {field: [too_long]})

    html = response.content.decode()
    assert f"at most {limit} characters" in _described_error(html, field)
    assert "overflow" in html  # what was typed is still in the field
    assert not Submission.objects.exists()


def test_it_refuses_too_many_list_rows(world: World, alice_client, sink_version) -> None:
    rows = {f"step-ladder-{i}-what": [f"Step {i}"] for i in range(8)}
    rows.update({f"step-ladder-{i}-suds": ["10"] for i in range(8)})

    response = _post(alice_client, world, sink_version, rows)

    assert "Too many rows: at most 5." in response.content.decode()
    assert not Submission.objects.exists()


def test_it_keeps_everything_typed_when_one_answer_is_wrong(
    world: World, alice_client, sink_version
) -> None:
    response = _post(
        alice_client,
        world,
        sink_version,
        {"step-suds_before": ["101"], "step-situation": ["On the <b>bus</b> & at work"]},
    )

    html = response.content.decode()
    assert 'value="On the &lt;b&gt;bus&lt;/b&gt; &amp; at work"' in html
    assert 'value="Bus at rush hour"' in html
    assert 'id="f-step-where-out" name="step-where" value="out" checked' in html
    assert 'value="101"' in html
    assert (
        '<a href="#f-step-suds_before">Distress before?: Enter a whole number from 0 to 100.</a>'
        in html
    )


def test_missing_required_answers_are_listed(world: World, alice_client, sink_version) -> None:
    response = alice_client.post(
        reverse("homework:practise_together", args=[world.carl_client.pk, sink_version.pk]), {}
    )

    html = response.content.decode()
    assert "Please write an answer." in html
    assert "Please choose an option." in html
    assert "Please add at least one row." in html
    assert not Submission.objects.exists()


def test_the_try_it_preview_checks_answers_but_saves_nothing(
    world: World, alice_client, sink_version
) -> None:
    url = reverse("library:preview", args=[sink_version.pk])

    wrong = alice_client.post(url, {"step-mood": "12"})
    right = alice_client.post(url, querydict(form_for(sink_version.parsed, sink_answers())))

    assert "Enter a whole number from 0 to 10." in wrong.content.decode()
    assert "the answers pass every check" in right.content.decode()
    assert "Distress before" in right.content.decode()  # the metrics are shown
    assert not Submission.objects.exists()


def test_a_script_free_add_row_button_shows_one_more_row(
    world: World, alice_client, sink_version
) -> None:
    url = reverse("library:preview", args=[sink_version.pk])
    form = form_for(sink_version.parsed, sink_answers())
    form["add-row"] = ["ladder"]

    response = alice_client.post(url, querydict(form))

    html = response.content.decode()
    assert 'name="step-ladder-2-what"' in html
    assert "Some answers need a look" not in html
