"""An exercise's alert rules raise the same alert as a questionnaire's critical item: the care
team's queue and email, escalation to the admins, and the crisis message for the client."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from stepwise.assessments.actions.escalation import escalate_due_alerts
from stepwise.assessments.models import Alert
from stepwise.homework.actions import assigning
from stepwise.homework.models import ItemKind, Occurrence, Submission
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library.models import ExerciseDefinition
from tests.assessments.support import immediate_tasks
from tests.conftest import World
from tests.library.helpers import form_for
from tests.library.test_shipped_content import example_answers

__all__ = ["immediate_tasks"]

NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def mood_check_in_today(world: World) -> Occurrence:
    exercise = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=exercise, title="Mood"),
        schedule=Schedule(Frequency.DAILY, TODAY),
        reminder_time=time(18),
    )
    return Occurrence.objects.get(assignment=assignment, opens=TODAY)


def answered(world: World, **changes: Any) -> dict[str, list[str]]:
    exercise = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    document = exercise.current_version.parsed  # type: ignore[union-attr]
    return form_for(document, {**example_answers(document), **changes})


def test_a_mood_of_0_raises_an_alert_and_shows_the_client_the_crisis_message(
    world: World, login_as: Any
) -> None:
    occurrence = mood_check_in_today(world)
    carl = login_as(world.carl)
    response = carl.post(f"/me/do/{occurrence.pk}/", answered(world, mood=0))
    assert response["Location"] == "/me/well-done/"

    alert = Alert.objects.get()
    submission = Submission.objects.get()
    assert (alert.client, alert.response, alert.submission_id) == (
        world.carl_client,
        None,
        submission.pk,
    )
    assert alert.exercise_version == submission.exercise_version
    assert alert.items == [{"step": "mood", "field": None, "value": 0.0}]
    page = carl.get("/me/well-done/").content.decode()
    assert "Thank you for your answers" in page
    assert "Well done!" not in page
    task = DBTaskResult.objects.get(task_path="stepwise.assessments.tasks.notify_care_team")
    assert task.args_kwargs["args"] == [alert.pk]


def test_hopeless_at_its_strongest_raises_an_alert(world: World, login_as: Any) -> None:
    occurrence = mood_check_in_today(world)
    feelings = [{"emotion": "hopeless", "intensity": 100}]
    login_as(world.carl).post(f"/me/do/{occurrence.pk}/", answered(world, feelings=feelings))
    assert Alert.objects.get().items == [{"step": "feelings", "field": "hopeless", "value": 100.0}]


def test_an_ordinary_check_in_raises_nothing(world: World, login_as: Any) -> None:
    occurrence = mood_check_in_today(world)
    carl = login_as(world.carl)
    carl.post(f"/me/do/{occurrence.pk}/", answered(world, mood=1))
    assert not Alert.objects.exists()
    assert "Well done!" in carl.get("/me/well-done/").content.decode()


def test_the_care_team_reads_what_fired_on_the_client_page_and_dashboard(
    world: World, login_as: Any
) -> None:
    occurrence = mood_check_in_today(world)
    login_as(world.carl).post(f"/me/do/{occurrence.pk}/", answered(world, mood=0))
    alice = login_as(world.alice)
    reason = "Daily mood check-in: Overall, how has your mood been today? 0 (Very low)"
    assert reason in alice.get(f"/clients/{world.carl_client.pk}/").content.decode()
    assert reason in alice.get("/dashboard/").content.decode()


@pytest.mark.usefixtures("immediate_tasks")
def test_an_exercise_alert_is_emailed_and_escalates_like_a_questionnaires(
    world: World, login_as: Any
) -> None:
    occurrence = mood_check_in_today(world)
    login_as(world.carl).post(f"/me/do/{occurrence.pk}/", answered(world, mood=0))
    assert [m.to[0] for m in mail.outbox] == ["alice@example.com"]
    assert "mood" not in mail.outbox[0].body.lower()
    assert escalate_due_alerts(NOW + timedelta(hours=24)) == 1
    assert [m.to[0] for m in mail.outbox] == ["alice@example.com", "ada@example.com"]


def test_an_in_session_practice_that_meets_a_rule_tells_the_therapist(
    world: World, login_as: Any
) -> None:
    exercise = ExerciseDefinition.objects.get(slug="daily-mood-check-in", practice__isnull=True)
    version = exercise.current_version
    assert version is not None
    alice = login_as(world.alice)
    response = alice.post(
        f"/clients/{world.carl_client.pk}/practise/{version.pk}/",
        answered(world, mood=0),
        follow=True,
    )
    assert "met one of this exercise" in response.content.decode()
    assert Alert.objects.filter(client=world.carl_client).count() == 1
