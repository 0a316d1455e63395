"""The ASQ: switched on after an admin confirms, asked by the clinician in session, never homework.

A positive screen raises the alert at once and the clinician sees the next steps.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.assessments import actions, catalog
from stepwise.assessments.models import Alert, AssessmentResponse, PracticeInstrument
from stepwise.homework.actions import assigning
from stepwise.homework.models import ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from tests.assessments.support import start
from tests.conftest import World


@pytest.fixture
def asq_on(world: World) -> None:
    PracticeInstrument.objects.create(
        practice=world.practice,
        key="asq",
        enabled=True,
        licence_confirmed_by=world.ada,
        licence_confirmed_at=timezone.now(),
    )


def test_asq_is_off_until_a_practice_admin_enables_it(world: World) -> None:
    available = catalog.find_available(world.practice.pk, "asq")
    assert available is not None
    assert available.enabled is False
    assert available.needs_licence_confirmation is True


@pytest.mark.usefixtures("asq_on")
def test_the_clinician_form_offers_refusal_and_leaves_item_5_off_until_the_screen_is_positive(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    html = alice_client.get("/in-session/").content.decode()
    assert "ask Carl" in html or "ask " in html
    assert 'name="item_1" value="refused"' in html
    assert 'name="item_4" value="refused"' in html
    assert 'name="item_5"' not in html
    assert "right now?" not in html
    assert 'name="gated_asked"' not in html


@pytest.mark.usefixtures("asq_on")
def test_a_positive_screen_brings_the_form_back_with_item_5_and_stores_nothing_yet(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    posted = alice_client.post(
        "/in-session/", {"item_1": "0", "item_2": "1", "item_3": "0", "item_4": "0"}
    )

    html = posted.content.decode()
    assert posted.status_code == 400
    assert "The screen is positive: ask question 5 now and record the answer." in html
    assert "Are you having thoughts of killing yourself right now?" in html
    assert 'name="item_5" value="refused"' in html
    assert '<input type="hidden" name="gated_asked" value="1">' in html
    # The answers already given stay chosen on the second stage.
    assert '<input type="radio" name="item_2" value="1" id="id_item_2_0" required checked>' in html
    assert not AssessmentResponse.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.usefixtures("asq_on")
def test_item_5_must_be_recorded_once_it_is_asked(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client, "asq")
    posted = alice_client.post(
        "/in-session/",
        {"item_1": "0", "item_2": "1", "item_3": "0", "item_4": "0", "gated_asked": "1"},
    )

    assert posted.status_code == 400
    assert "Please record the answer to question 5, or that they refused." in (
        posted.content.decode()
    )
    assert not AssessmentResponse.objects.exists()


@pytest.mark.usefixtures("asq_on")
def test_a_non_acute_positive_screen_is_stored_with_item_5_asked(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    alice_client.post(
        "/in-session/",
        {
            "item_1": "0",
            "item_2": "1",
            "item_3": "0",
            "item_4": "0",
            "gated_asked": "1",
            "item_5": "0",
        },
    )

    response = AssessmentResponse.objects.get(client=world.carl_client)
    assert response.answers == [0, 1, 0, 0, 0]
    assert response.not_asked == []
    assert response.band == "Non-acute positive screen (potential risk)"
    assert Alert.objects.get(client=world.carl_client).items == [2]


@pytest.mark.usefixtures("asq_on")
def test_a_refusal_is_a_positive_screen_with_an_alert_at_once_and_next_steps(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    first = alice_client.post(
        "/in-session/", {"item_1": "refused", "item_2": "0", "item_3": "0", "item_4": "0"}
    )
    assert "ask question 5 now" in first.content.decode()
    posted = alice_client.post(
        "/in-session/",
        {
            "item_1": "refused",
            "item_2": "0",
            "item_3": "0",
            "item_4": "0",
            "gated_asked": "1",
            "item_5": "refused",
        },
    )
    assert posted.status_code == 302

    response = AssessmentResponse.objects.get(client=world.carl_client)
    assert response.answers == [None, 0, 0, 0, None]
    assert response.not_asked == []  # asked, and refused
    assert response.total is None
    assert response.band == "Positive screen - acuity not established"
    assert Alert.objects.filter(response=response, acknowledged_at__isnull=True).exists()
    done = alice_client.get("/in-session/done/").content.decode()
    assert "Result: Positive screen - acuity not established" in done
    assert "Ask question 5 now" in done
    assert "hand the device back" not in done


@pytest.mark.usefixtures("asq_on")
def test_an_acute_positive_screen_shows_the_acute_next_steps(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    alice_client.post(
        "/in-session/",
        {
            "item_1": "1",
            "item_2": "0",
            "item_3": "1",
            "item_4": "0",
            "gated_asked": "1",
            "item_5": "1",
        },
    )
    done = alice_client.get("/in-session/done/").content.decode()
    assert "Result: Acute positive screen (imminent risk)" in done
    assert "cannot leave until evaluated" in done
    alert = Alert.objects.get(client=world.carl_client)
    assert alert.items == [1, 3, 5]


@pytest.mark.usefixtures("asq_on")
def test_a_negative_screen_raises_no_alert(world: World, alice_client: HttpClient) -> None:
    start(alice_client, world.carl_client, "asq")
    posted = alice_client.post("/in-session/", {f"item_{n}": "0" for n in range(1, 5)})

    assert posted.status_code == 302
    response = AssessmentResponse.objects.get(client=world.carl_client)
    assert response.band == "Negative screen"
    assert response.answers == [0, 0, 0, 0, None]
    assert response.not_asked == [5]  # stored as not asked, not as a blank answer
    assert not Alert.objects.exists()
    done = alice_client.get("/in-session/done/").content.decode()
    assert "Question 5 was not asked: the screen was negative." in done


@pytest.mark.usefixtures("asq_on")
def test_not_asked_is_refused_for_a_positive_screen_or_an_answered_item(world: World) -> None:
    version = catalog.find_available(world.practice.pk, "asq")
    assert version is not None
    for answers, not_asked in (
        ([0, 1, 0, 0, None], [5]),
        ([0, 0, 0, 0, 0], [5]),
        ([0] * 4 + [None], [2]),
    ):
        with pytest.raises(actions.AssessmentError):
            actions.submit_assessment(
                client=world.carl_client,
                instrument=version.version,
                answers=answers,
                not_asked=not_asked,
                administered_by=world.alice,
            )
    assert not AssessmentResponse.objects.exists()


@pytest.mark.usefixtures("asq_on")
def test_asq_cannot_be_assigned_as_homework(world: World, alice_client: HttpClient) -> None:
    with pytest.raises(assigning.HomeworkError, match="asked by a clinician in session"):
        assigning.assign(
            client=world.carl_client,
            by=world.alice,
            item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="asq", title="ASQ"),
            schedule=Schedule(Frequency.DAILY, date.today()),
            reminder_time=time(18, 0),
        )
    page = alice_client.get(f"/clients/{world.carl_client.pk}/assign/").content.decode()
    assert "ASQ:" not in page
    assert "PHQ-9:" in page


@pytest.mark.usefixtures("asq_on")
def test_answers_corrected_to_a_negative_screen_on_the_second_stage_leave_item_5_unasked(
    world: World, alice_client: HttpClient
) -> None:
    start(alice_client, world.carl_client, "asq")
    posted = alice_client.post(
        "/in-session/", {**{f"item_{n}": "0" for n in range(1, 5)}, "gated_asked": "1"}
    )

    assert posted.status_code == 302
    response = AssessmentResponse.objects.get(client=world.carl_client)
    assert (response.band, response.not_asked) == ("Negative screen", [5])
