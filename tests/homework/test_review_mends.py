"""Inputs a review found answering 500: each now gets a clear answer, and a schedule edited twice
with the same later start keeps only the newest edit."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client as HttpClient
from django.urls import reverse

from stepwise.assessments.definitions import format_number
from stepwise.homework.models import ScheduleVersion
from tests.conftest import World
from tests.progress import history as h


def test_editing_a_schedule_twice_with_a_later_start_keeps_only_the_newest(
    world: World, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    begun = today - timedelta(days=5)
    assignment = h.assign_daily(world.carl_client, world.alice, begun)
    url = reverse("homework:assignment_schedule", args=[world.carl_client.pk, assignment.pk])
    later = (today + timedelta(days=30)).isoformat()
    sooner = (today + timedelta(days=10)).isoformat()
    for start in (later, later, sooner):
        response = alice_client.post(url, {"frequency": "daily", "start": start})
        assert response.status_code == 302
    starts = sorted(
        v.effective_from.isoformat() for v in ScheduleVersion.objects.filter(assignment=assignment)
    )
    assert starts == [begun.isoformat(), sooner]


def test_a_huge_stop_after_count_is_refused_by_the_form(
    world: World, alice_client: HttpClient
) -> None:
    assignment = h.assign_daily(world.carl_client, world.alice, world.carl_client_today())
    url = reverse("homework:assignment_schedule", args=[world.carl_client.pk, assignment.pk])
    response = alice_client.post(
        url,
        {
            "frequency": "daily",
            "start": world.carl_client_today().isoformat(),
            "max_count": "99999999999999999999",
        },
    )
    assert response.status_code == 400
    assert 'value="99999999999999999999"' in response.content.decode()


def test_a_draft_with_a_bad_slot_or_length_gets_no_500(world: World) -> None:
    assignment = h.assign_daily(world.carl_client, world.alice, world.carl_client_today())
    browser = HttpClient()
    browser.force_login(world.carl)
    assert browser.post(f"/me/draft/{assignment.pk}/abc/", {"mood": "5"}).status_code == 404
    response = browser.post(f"/me/draft/{assignment.pk}/extra/", {"mood": "5"}, CONTENT_LENGTH="zz")
    assert response.status_code != 500


def test_an_absurd_inbox_page_shows_the_first_page(alice_client: HttpClient) -> None:
    assert alice_client.get("/review/?page=99999999999999999999999").status_code == 200


def test_assigning_a_plan_without_choosing_one_says_so(
    world: World, alice_client: HttpClient
) -> None:
    url = reverse("homework:plan_assign", args=[world.carl_client.pk])
    response = alice_client.post(url, {}, follow=True)
    assert "Choose a plan." in response.content.decode()


def test_a_client_id_too_large_for_the_database_is_a_plain_404(alice_client: HttpClient) -> None:
    assert alice_client.get("/clients/99999999999999999999/summary/").status_code == 404


def test_scores_just_above_a_whole_number_print_without_a_trailing_point() -> None:
    assert format_number(4.001) == "4"
    assert format_number(4.33) == "4.33"
