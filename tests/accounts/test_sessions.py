"""Sign out everywhere, disabled accounts, logout."""

from __future__ import annotations

from django.test import Client as HttpClient

from stepwise.accounts import actions
from tests.conftest import World


def _signed_in(world: World) -> HttpClient:
    browser = HttpClient()
    browser.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def test_sign_out_everywhere_ends_every_session_of_the_user(world: World) -> None:
    phone, laptop = _signed_in(world), _signed_in(world)
    assert phone.get("/clients/").status_code == 200
    response = laptop.post("/accounts/settings/sign-out-everywhere/")
    assert response.status_code == 302
    assert phone.get("/clients/").status_code == 302
    assert laptop.get("/clients/").status_code == 302


def test_sign_out_everywhere_leaves_other_peoples_sessions_alone(world: World) -> None:
    bob = HttpClient()
    bob.force_login(world.bob, backend="django.contrib.auth.backends.ModelBackend")
    actions.sign_out_everywhere(world.alice)
    assert bob.get("/clients/").status_code == 200


def test_disabling_an_account_ends_its_sessions(world: World) -> None:
    browser = _signed_in(world)
    actions.set_active(world.alice, False)
    response = browser.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_is_dead_after_logout(world: World) -> None:
    browser = _signed_in(world)
    cookie = browser.cookies["sessionid"].value
    browser.post("/accounts/logout/")
    stale = HttpClient()
    stale.cookies["sessionid"] = cookie
    assert stale.get("/clients/").status_code == 302


def test_account_settings_change_name_and_time_zone(world: World, alice_client: HttpClient) -> None:
    response = alice_client.post(
        "/accounts/settings/", {"name": "Alice T.", "time_zone": "Australia/Sydney"}
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert (world.alice.name, world.alice.time_zone) == ("Alice T.", "Australia/Sydney")


def test_account_settings_refuse_an_unknown_time_zone_and_keep_the_name(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(
        "/accounts/settings/", {"name": "Alice T.", "time_zone": "Nowhere/Land"}
    )
    html = response.content.decode()
    assert "is not a time zone we know" in html
    assert 'value="Alice T."' in html
