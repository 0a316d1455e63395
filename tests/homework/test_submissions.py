"""Submissions: validated against their version, stored with their metrics in one transaction,
never edited in place."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError

from stepwise.homework.actions.submissions import submit_exercise
from stepwise.homework.models import ImmutableSubmissionError, MetricValue, Mode, Submission
from stepwise.library.responses import ResponseErrors
from tests.conftest import World
from tests.library.helpers import publish_sink, sink_answers


@pytest.fixture
def version(world: World):
    return publish_sink(world.alice).current_version


def _submit(world: World, version, data=None, **kwargs):
    return submit_exercise(
        client=world.carl_client,
        version=version,
        data=sink_answers() if data is None else data,
        mode=kwargs.pop("mode", Mode.HOME),
        submitted_by=kwargs.pop("submitted_by", world.carl),
        **kwargs,
    )


def test_it_stores_the_answers_against_their_version(world: World, version) -> None:
    submission = _submit(world, version)

    assert submission.exercise_version == version
    assert submission.answers["feelings"] == [
        {"emotion": "sad", "intensity": 3},
        {"emotion": "anxious", "intensity": 8},
    ]  # normalised to the definition's order
    assert submission.answers["audio"] is None  # no media attached: skipped
    assert submission.mode == "home"


def test_it_extracts_every_declared_metric_that_has_a_value(world: World, version) -> None:
    submission = _submit(world, version)

    values = dict(submission.metric_values.values_list("name", "value"))
    assert values == {
        "mood": 6.0,
        "suds_before": 70.0,
        "minutes": 9.0,
        "breathing_minutes": 2.0,
        "breaths": 10.0,
        "ladder_steps": 2.0,
        "ladder_top": 85.0,
        "ladder_mean_hours": 1.5,
        "anxiety": 8.0,
        "strongest": 8.0,
        "dropped": 2.0,
        "watched": 0.75,
    }
    row = submission.metric_values.first()
    assert (row.client, row.definition) == (world.carl_client, version.definition)


def test_invalid_answers_store_nothing(world: World, version) -> None:
    data = sink_answers()
    data["mood"] = 42

    with pytest.raises(ResponseErrors) as refused:
        _submit(world, version, data)

    assert refused.value.errors == {"mood": "Enter a whole number from 0 to 10."}
    assert not Submission.objects.exists()


def test_a_failure_while_writing_metrics_leaves_no_submission(world: World, version) -> None:
    with (
        mock.patch.object(MetricValue.objects, "bulk_create", side_effect=DatabaseError("disk")),
        pytest.raises(DatabaseError),
    ):
        _submit(world, version)

    assert not Submission.objects.exists()


def test_a_submission_is_never_edited_in_place(world: World, version) -> None:
    submission = _submit(world, version)

    submission.answers["mood"] = 1
    with pytest.raises(ImmutableSubmissionError):
        submission.save()
    with pytest.raises(ImmutableSubmissionError):
        Submission.objects.filter(pk=submission.pk).update(mode="in_session")
    submission.refresh_from_db()
    assert submission.answers["mood"] == 6


def test_an_unknown_mode_is_refused(world: World, version) -> None:
    with pytest.raises(ValueError, match="not a valid Mode"):
        _submit(world, version, mode="by_carrier_pigeon")
    assert not Submission.objects.exists()
