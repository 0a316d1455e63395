"""Changing homework from the client's page: pause, resume, end (with a confirmation), edit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from stepwise.audit.models import AccessLog
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, AssignmentStatus, ScheduleVersion
from tests.conftest import World
from tests.factories import assign_exercise

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; 09:00 in London
TODAY = date(2026, 11, 26)


@pytest.fixture
def mood(world: World, frozen: Any) -> Assignment:
    return assign_exercise(world.carl_client, world.alice)


def url(name: str, assignment: Assignment) -> str:
    return reverse(f"homework:{name}", args=[assignment.client_id, assignment.pk])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_pausing_and_resuming_go_back_to_the_homework_section(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    response = alice_client.post(url("assignment_pause", mood))

    client_page = reverse("clinic:client_detail", args=[world.carl_client.pk])
    assert response["Location"] == f"{client_page}#homework-heading"
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.PAUSED

    alice_client.post(url("assignment_resume", mood))
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ACTIVE


def test_pausing_twice_says_there_is_nothing_to_change(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    alice_client.post(url("assignment_pause", mood))

    response = alice_client.post(url("assignment_pause", mood), follow=True)

    assert "Daily mood check-in: Nothing to change." in messages_of(response)


def test_ending_asks_first_and_changes_nothing_until_confirmed(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    page = alice_client.get(url("assignment_end", mood))

    html = page.content.decode()
    assert "End “Daily mood check-in”?" in html
    assert "What was done stays in the record." in html
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ACTIVE

    alice_client.post(url("assignment_end", mood))
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ENDED
    assert mood.ended_at == NOW


def test_ending_an_ended_assignment_says_so_and_changes_nothing(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    assigning.set_status(mood, AssignmentStatus.ENDED, by=world.alice)
    ended_at = Assignment.objects.get(pk=mood.pk).ended_at

    response = alice_client.post(url("assignment_end", mood), follow=True)

    assert "Daily mood check-in: This homework has already ended." in messages_of(response)
    assert Assignment.objects.get(pk=mood.pk).ended_at == ended_at
    confirm = alice_client.get(url("assignment_end", mood)).content.decode()
    assert "This homework has already ended." in confirm
    assert "End this homework</button>" not in confirm


def test_a_discharged_clients_homework_cannot_be_changed(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    Client.objects.filter(pk=world.carl_client.pk).update(discharged_at=timezone.now())

    response = alice_client.post(url("assignment_pause", mood), follow=True)

    assert "Carl is discharged; make them active first." in " ".join(messages_of(response))
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ACTIVE


@pytest.mark.parametrize("persona", ["bob", "olga", "carl", "gina"])
def test_someone_outside_the_care_team_cannot_change_homework(
    world: World, login_as: Any, mood: Assignment, persona: str
) -> None:
    browser = login_as(getattr(world, persona))
    for name in ["assignment_pause", "assignment_end", "assignment_schedule", "assignment_details"]:
        before = AccessLog.objects.filter(outcome="denied").count()
        response = browser.post(url(name, mood), {"frequency": "once", "reminder_time": "07:00"})
        assert response.status_code == 404
        assert AccessLog.objects.filter(outcome="denied").count() == before + 1
    mood.refresh_from_db()
    assert (mood.status, mood.reminder_time) == (AssignmentStatus.ACTIVE, time(18, 0))
    assert mood.schedules.count() == 1


def test_an_assignment_addressed_through_another_client_is_not_found(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    wrong = reverse("homework:assignment_pause", args=[world.dana_client.pk, mood.pk])

    response = alice_client.post(wrong)

    assert response.status_code == 404
    denied = AccessLog.objects.get(outcome="denied")
    assert (denied.action, denied.client_id) == (
        "homework.assignment_pause",
        world.dana_client.pk,
    )
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ACTIVE


def test_the_edit_page_starts_from_the_schedule_in_force(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    html = alice_client.get(url("assignment_edit", mood)).content.decode()

    assert 'value="daily" id="id_frequency_0" checked' in html.replace("required ", "")
    assert 'value="2026-11-26"' in html
    assert 'value="18:00"' in html


def test_a_new_schedule_applies_from_today_and_keeps_the_past(
    world: World, login_as: Any, mood: Assignment, frozen: Any
) -> None:
    frozen.shift(timedelta(days=2))
    alice_client = login_as(world.alice)  # a fresh session two days on

    response = alice_client.post(
        url("assignment_schedule", mood),
        {"frequency": "weekdays", "start": "2026-11-26", "weekdays": ["0", "3"]},
    )

    assert response.status_code == 302
    versions = list(ScheduleVersion.objects.filter(assignment=mood).order_by("effective_from"))
    assert [(v.effective_from, v.frequency) for v in versions] == [
        (TODAY, "daily"),
        (TODAY + timedelta(days=2), "weekdays"),
    ]
    past = mood.occurrences.filter(opens__lt=TODAY + timedelta(days=2)).count()
    assert past == 2
    future = mood.occurrences.filter(opens__gte=TODAY + timedelta(days=2))
    assert {o.opens.weekday() for o in future} == {0, 3}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"frequency": "daily", "start": "2026-11-26", "end": "2026-11-20"},
            "The end date is before the start date.",
        ),
        (
            {"frequency": "times_per_week", "start": "2026-11-26", "times_per_week": "0"},
            "Times per week must be from 1 to 7.",
        ),
        ({"frequency": "weekdays", "start": "2026-11-26"}, "Choose at least one day of the week."),
        (
            {"frequency": "once", "start": "2026-11-01", "due": "2026-11-20"},
            "The due date has already passed.",
        ),
        (
            {"frequency": "every_n_weeks", "start": "2026-11-26", "interval_weeks": "60"},
            "Repeat every 1 to 52 weeks.",
        ),
    ],
)
def test_an_invalid_schedule_is_refused_with_its_reason_and_keeps_what_was_typed(
    world: World, alice_client: HttpClient, mood: Assignment, data: dict[str, str], message: str
) -> None:
    response = alice_client.post(url("assignment_schedule", mood), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{data["frequency"]}"' in html
    for typed in (v for k, v in data.items() if k != "frequency"):
        assert f'value="{typed}"' in html
    assert mood.schedules.count() == 1


def test_a_schedule_without_a_start_is_refused_by_the_form(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    response = alice_client.post(url("assignment_schedule", mood), {"frequency": "daily"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_ended_assignment_offers_no_schedule_form(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    assigning.set_status(mood, AssignmentStatus.ENDED, by=world.alice)

    page = alice_client.get(url("assignment_edit", mood)).content.decode()
    assert "This homework has ended; assign it again instead." in page
    assert "Save schedule" not in page

    response = alice_client.post(
        url("assignment_schedule", mood), {"frequency": "daily", "start": "2026-11-26"}
    )
    assert response.status_code == 400
    assert mood.schedules.count() == 1


def test_details_are_saved_and_extra_fields_change_nothing_else(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    response = alice_client.post(
        url("assignment_details", mood),
        {
            "note": "Right after dinner.",
            "reminder_time": "19:30",
            "hidden_from_caregiver": "on",
            "client": world.dana_client.pk,
            "status": "ended",
            "title": "Something else",
        },
    )

    assert response.status_code == 302
    mood.refresh_from_db()
    assert (mood.note, mood.reminder_time, mood.hidden_from_caregiver) == (
        "Right after dinner.",
        time(19, 30),
        True,
    )
    assert (mood.client_id, mood.status, mood.title) == (
        world.carl_client.pk,
        AssignmentStatus.ACTIVE,
        "Daily mood check-in",
    )


def test_details_with_a_bad_time_or_a_long_note_keep_what_was_typed(
    world: World, alice_client: HttpClient, mood: Assignment
) -> None:
    response = alice_client.post(
        url("assignment_details", mood), {"note": "n" * 2001, "reminder_time": "25:99"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid time." in html
    assert "Ensure this value has at most 2000 characters" in html
    assert "n" * 2001 in html
    mood.refresh_from_db()
    assert mood.note == ""


def test_changes_need_a_post(world: World, alice_client: HttpClient, mood: Assignment) -> None:
    for name in ["assignment_pause", "assignment_resume", "assignment_schedule"]:
        assert alice_client.get(url(name, mood)).status_code == 405
    mood.refresh_from_db()
    assert mood.status == AssignmentStatus.ACTIVE
