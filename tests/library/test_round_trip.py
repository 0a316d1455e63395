"""Every step type round-trips: rendered, posted, validated, stored, shown to the therapist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stepwise.homework.models import Completion, MetricValue, Submission
from stepwise.library.schema import STEP_TYPES
from tests.conftest import World
from tests.factories import first_occurrence
from tests.library.helpers import assign_daily, form_for, publish_sink, querydict, sink_answers

# What the therapist's page shows for each step type of the test exercise's answers.
SHOWN = {
    "content": None,  # nothing to answer
    "text": "Took the bus to town",
    "scale": "6 on a scale from 0 to 10",
    "suds": "70 on a scale from 0 to 100",
    "choice": "Out",
    "checklist": "Standing near the exit",
    "emotion": "Anxious: 8 (of 10)",
    "list": "Bus at rush hour",
    "timer": "9:00 practised",
    "breathing": "10 of 10 breaths",
    "media": "75% played",
    "reflection": "Praise works best when it is specific.",
}


@pytest.fixture
def sink_version(world: World):
    definition = publish_sink(world.alice)
    assert definition.current_version is not None
    return definition.current_version


def test_the_test_exercise_uses_every_step_type(sink_version) -> None:
    assert {s.type for s in sink_version.parsed.steps} == set(STEP_TYPES)


@pytest.mark.parametrize("step_type", [t for t in STEP_TYPES if t != "content"])
def test_it_round_trips_each_step_type_in_session(
    step_type: str, world: World, alice_client, sink_version
) -> None:
    document = sink_version.parsed
    page = alice_client.get(
        reverse("homework:practise_together", args=[world.carl_client.pk, sink_version.pk])
    )
    step_ids = [s.id for s in document.steps if s.type == step_type]
    for step_id in step_ids:
        assert f'data-step="{step_id}"' in page.content.decode()

    response = alice_client.post(
        reverse("homework:practise_together", args=[world.carl_client.pk, sink_version.pk]),
        querydict(form_for(document, sink_answers())),
    )

    assert response.status_code == 302
    submission = Submission.objects.get(client=world.carl_client)
    for step_id in step_ids:
        assert submission.answers[step_id] is not None or step_id == "audio"
    shown = alice_client.get(response["Location"]).content.decode()
    assert SHOWN[step_type] in shown


def test_it_stores_normalised_answers_and_metrics_in_session(
    world: World, alice_client, sink_version
) -> None:
    document = sink_version.parsed
    form = form_for(document, sink_answers())
    form["step-situation"] = ["  Took   the bus\tto town  "]  # short answers are tidied

    alice_client.post(
        reverse("homework:practise_together", args=[world.carl_client.pk, sink_version.pk]),
        querydict(form),
    )

    submission = Submission.objects.get()
    assert submission.mode == "in_session"
    assert submission.submitted_by == world.alice
    assert submission.exercise_version == sink_version
    assert submission.answers["situation"] == "Took the bus to town"
    assert submission.answers["ladder"][1]["suds"] == 85
    metrics = dict(MetricValue.objects.filter(submission=submission).values_list("name", "value"))
    assert metrics["mood"] == 6
    assert metrics["minutes"] == 9
    assert metrics["ladder_top"] == 85
    assert metrics["anxiety"] == 8
    assert set(MetricValue.objects.values_list("client", flat=True)) == {world.carl_client.pk}
    assert all(m.recorded_at == submission.submitted_at for m in MetricValue.objects.all())


def test_a_client_completes_an_exercise_at_home(world: World, login_as, sink_version) -> None:
    client = login_as(world.carl)
    assignment = assign_daily(sink_version.definition, world.carl_client, world.alice)
    occurrence = first_occurrence(assignment)
    url = reverse("homework:do", args=[occurrence.pk])

    response = client.post(url, querydict(form_for(sink_version.parsed, sink_answers())))

    assert response.status_code == 302
    assert response["Location"] == reverse("homework:well_done")
    submission = Submission.objects.get()
    assert (submission.client, submission.mode, submission.submitted_by) == (
        world.carl_client,
        "home",
        world.carl,
    )
    assert submission.exercise_version == sink_version
    completion = Completion.objects.get()
    assert (completion.occurrence, completion.submission) == (occurrence, submission)


def test_a_parent_completes_an_exercise_for_their_child(world: World, login_as) -> None:
    from tests.factories import exercise_version as shipped_version
    from tests.library.helpers import ensure_shipped_library

    ensure_shipped_library()
    version = shipped_version("balloon-breathing")
    assignment = assign_daily(version.definition, world.mia_client, world.alice)
    client = login_as(world.gina)
    form = {"step-worry_before": "4", "step-breathe": "5", "step-worry_after": "1"}
    url = reverse("homework:extra", args=[assignment.pk])

    page = client.get(url)
    response = client.post(url, form)

    assert "You are filling this in for Mia" in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("homework:well_done")
    submission = Submission.objects.get()
    assert (submission.client, submission.submitted_by) == (world.mia_client, world.gina)
    assert Completion.objects.get().submission == submission


def test_the_recent_practice_shows_on_the_clients_page(
    world: World, alice_client, sink_version
) -> None:
    alice_client.post(
        reverse("homework:practise_together", args=[world.carl_client.pk, sink_version.pk]),
        querydict(form_for(sink_version.parsed, sink_answers())),
    )

    page = alice_client.get(reverse("clinic:client_detail", args=[world.carl_client.pk]))

    assert "Every step type" in page.content.decode()
    assert "in session" in page.content.decode()
