"""The actions that take a client check the caseload as the pages do: on the care team *and* a
member of the client's practice. A link to a client of another practice (left behind by a data
fix, an import, a bug elsewhere) gives no one the right to act on that client's record."""

from __future__ import annotations

from datetime import time

import pytest

from stepwise.assessments import actions as assessment_actions
from stepwise.assessments.models import SharedResults
from stepwise.clinic.access import on_care_team
from stepwise.homework.actions import assigning, plans
from stepwise.homework.models import Assignment, HomeworkPlan, ItemKind, today_for
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition
from tests.conftest import World


@pytest.fixture
def linked_from_elsewhere(world: World) -> World:
    """Olga (another practice) linked to Carl's care team, without a membership of his practice."""
    world.carl_client.therapists.add(world.olga)
    return world


def test_a_therapist_of_another_practice_is_not_on_the_care_team(linked_from_elsewhere: World):
    world = linked_from_elsewhere

    assert on_care_team(world.alice, world.carl_client)
    assert not on_care_team(world.olga, world.carl_client)
    assert not on_care_team(world.bob, world.carl_client)  # same practice, not his client


def test_they_cannot_assign_homework(linked_from_elsewhere: World):
    world = linked_from_elsewhere
    mood = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)

    with pytest.raises(assigning.HomeworkError, match="only to clients on your caseload"):
        assigning.assign(
            client=world.carl_client,
            by=world.olga,
            item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=mood, title=mood.title),
            schedule=Schedule(Frequency.DAILY, today_for(world.carl_client)),
            reminder_time=time(18),
        )
    assert not Assignment.objects.exists()


def test_they_cannot_save_the_clients_homework_as_a_plan(linked_from_elsewhere: World):
    world = linked_from_elsewhere
    mood = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    homework = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=mood, title=mood.title),
        schedule=Schedule(Frequency.DAILY, today_for(world.carl_client)),
        reminder_time=time(18),
    )

    with pytest.raises(assigning.HomeworkError, match="clients on your caseload"):
        plans.save_plan(
            client=world.carl_client,
            by=world.olga,
            name="Copied",
            shared_with_practice=False,
            assignments=[homework],
        )
    assert not HomeworkPlan.objects.exists()


def test_they_cannot_share_the_clients_results(linked_from_elsewhere: World):
    world = linked_from_elsewhere

    with pytest.raises(assessment_actions.AssessmentError, match="care team"):
        assessment_actions.set_results_shared(world.carl_client, world.olga, shared=True)
    assert not SharedResults.objects.exists()
