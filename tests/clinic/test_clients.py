"""Adding, editing and discharging clients; the caseload list and its query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.audit.models import AccessLog
from stepwise.clinic import actions
from stepwise.clinic.models import Client
from tests.conftest import World

NEW_CLIENT = {
    "display_name": "Robin",
    "email": "robin@example.net",
    "mobile": "+44 7700 900123",
    "time_zone": "Europe/London",
    "is_minor": "",
}


def test_a_therapist_adds_a_client_to_their_practice_and_care_team(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post("/clients/new/", NEW_CLIENT)
    client = Client.objects.get(display_name="Robin")
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.practice == world.practice
    assert list(client.therapists.all()) == [world.alice]
    assert client.mobile == "+447700900123"
    assert client.is_minor is False


def test_the_new_client_form_defaults_to_the_therapists_time_zone(
    world: World, login_as: object
) -> None:
    browser = login_as(world.olga)  # type: ignore[operator]
    html = browser.get("/clients/new/").content.decode()
    assert 'value="America/New_York"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "R" * 81, "at most 80 characters"),
        ("display_name", "", "This field is required."),
        ("email", "robin@", "Enter a valid email address."),
        ("mobile", "07700 900123", "starting with +"),
        ("time_zone", "Europe/Londonn", "is not a time zone we know"),
        ("time_zone", "", "This field is required."),
    ],
)
def test_bad_client_input_gets_a_specific_message_and_keeps_what_was_typed(
    world: World, alice_client: HttpClient, field: str, value: str, message: str
) -> None:
    data = {**NEW_CLIENT, field: value}
    response = alice_client.post("/clients/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    for name, typed in data.items():
        if typed and name != field and name != "is_minor":
            assert f'value="{typed}"' in html
    assert not Client.objects.filter(display_name="Robin").exists()


def test_two_clients_in_a_practice_cannot_share_an_email(
    world: World, alice_client: HttpClient
) -> None:
    Client.objects.filter(pk=world.dana_client.pk).update(email="robin@example.net")
    response = alice_client.post("/clients/new/", NEW_CLIENT)
    assert (
        "Another client in this practice already uses this email address."
        in response.content.decode()
    )


def test_extra_post_fields_change_nothing(world: World, alice_client: HttpClient) -> None:
    alice_client.post(
        "/clients/new/",
        {**NEW_CLIENT, "practice": world.other_practice.pk, "user": world.olga.pk, "is_staff": "1"},
    )
    client = Client.objects.get(display_name="Robin")
    assert client.practice == world.practice
    assert client.user is None
    world.alice.refresh_from_db()
    assert world.alice.is_staff is False


def test_editing_a_client_can_share_them_with_a_colleague(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {
            "display_name": "Carl B",
            "email": "",
            "mobile": "",
            "time_zone": "Europe/Berlin",
            "therapists": [world.alice.pk, world.bob.pk],
        },
    )
    assert response.status_code == 302
    world.carl_client.refresh_from_db()
    assert world.carl_client.display_name == "Carl B"
    assert set(world.carl_client.therapists.all()) == {world.alice, world.bob}


def test_the_care_team_cannot_include_a_therapist_of_another_practice(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {"display_name": "Carl", "time_zone": "Europe/London", "therapists": [world.olga.pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert list(world.carl_client.therapists.all()) == [world.alice]


def test_the_care_team_cannot_be_emptied(world: World, alice_client: HttpClient) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {"display_name": "Carl", "time_zone": "Europe/London"},
    )
    assert "Keep at least one therapist on the care team." in response.content.decode()


def test_discharging_keeps_the_record_and_hides_it_from_the_active_list(
    world: World, alice_client: HttpClient
) -> None:
    alice_client.post(f"/clients/{world.carl_client.pk}/discharge/")
    active = alice_client.get("/clients/").content.decode()
    discharged = alice_client.get("/clients/?status=discharged").content.decode()
    assert f"/clients/{world.carl_client.pk}/" not in active
    assert f"/clients/{world.carl_client.pk}/" in discharged


def test_the_caseload_shows_only_the_therapists_own_clients(world: World, login_as: object) -> None:
    html = login_as(world.bob).get("/clients/").content.decode()  # type: ignore[operator]
    assert "Carl" not in html
    assert "No clients here yet" in html


def test_the_caseload_search_answers_htmx_with_just_the_table(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.get("/clients/?q=car", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="caseload-table"')
    assert "Carl" in html
    assert "Dana" not in html
    assert "no-store" in response["Cache-Control"]


def test_opening_a_client_writes_an_access_record(world: World, alice_client: HttpClient) -> None:
    alice_client.get(f"/clients/{world.carl_client.pk}/", REMOTE_ADDR="203.0.113.9")
    record = AccessLog.objects.filter(client_id=world.carl_client.pk).first()
    assert record is not None
    assert (record.actor, record.action, record.outcome, record.ip) == (
        world.alice,
        "client.detail",
        "allowed",
        "203.0.113.9",
    )


def _caseload_queries(world: World, browser: HttpClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/clients/").status_code == 200
    return len(queries)


def test_the_caseload_takes_the_same_number_of_queries_for_50_clients_as_for_5(
    world: World, alice_client: HttpClient
) -> None:
    for n in range(2):
        actions.add_client(world.alice, display_name=f"Extra {n}", time_zone="UTC")
    alice_client.get("/clients/")  # the session's first request reads and keeps the roles
    small = _caseload_queries(world, alice_client)
    for n in range(45):
        client = actions.add_client(world.alice, display_name=f"More {n}", time_zone="UTC")
        client.therapists.add(world.bob)
        if n % 3 == 0:
            actions.invite_client(client, world.alice)
    large = _caseload_queries(world, alice_client)
    assert Client.objects.filter(therapists=world.alice).count() == 50
    assert large == small


def test_a_note_for_the_next_session_shows_on_the_dashboard(
    world: World, alice_client: HttpClient
) -> None:
    alice_client.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {
            "display_name": "Carl",
            "time_zone": "Europe/London",
            "therapists": [world.alice.pk],
            "next_session_on": "2026-12-03",
            "next_session_note": "Review the fear ladder",
        },
    )
    world.carl_client.refresh_from_db()
    assert world.carl_client.next_session_note == "Review the fear ladder"
    html = alice_client.get("/dashboard/").content.decode()
    assert "Review the fear ladder" in html
    assert "Thu 3 Dec" in html


def test_a_therapist_sets_a_clients_country_defaulting_to_the_practices(
    world: World, alice_client: HttpClient
) -> None:
    from stepwise.clinic.models import Practice

    Practice.objects.filter(pk=world.practice.pk).update(country="AU")
    page = alice_client.get(f"/clients/{world.carl_client.pk}/edit/").content.decode()
    assert "The practice&#x27;s country (Australia)" in page
    data = {
        "display_name": "Carl",
        "time_zone": "Europe/London",
        "country": "NZ",
        "therapists": [world.alice.pk],
    }
    response = alice_client.post(f"/clients/{world.carl_client.pk}/edit/", data)
    assert response.status_code == 302
    world.carl_client.refresh_from_db()
    assert world.carl_client.country == "NZ"
