"""A practice's own time zone: where new colleagues start; only its admins change it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic.models import Practice
from tests.conftest import World


def test_an_admin_sets_the_practices_time_zone(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    admin = login_as(world.ada)
    response = admin.post("/practice/time-zone/", {"time_zone": "America/Chicago"})
    assert response.status_code == 302
    assert Practice.objects.get(pk=world.practice.pk).time_zone == "America/Chicago"
    page = admin.get("/practice/").content.decode()
    assert 'name="time_zone" value="America/Chicago"' in page


def test_an_unknown_zone_is_named_and_kept_and_nothing_changes(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    admin = login_as(world.ada)
    response = admin.post("/practice/time-zone/", {"time_zone": "America/Chicagoo"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“America/Chicagoo” is not a time zone we know" in html
    assert 'value="America/Chicagoo"' in html
    assert Practice.objects.get(pk=world.practice.pk).time_zone == world.practice.time_zone


def test_a_therapist_reads_the_practices_zone_and_is_pointed_to_their_own(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    html = login_as(world.alice).get("/practice/").content.decode()
    assert f"The practice's time zone is {world.practice.time_zone}." in html
    assert 'action="/practice/time-zone/"' not in html
