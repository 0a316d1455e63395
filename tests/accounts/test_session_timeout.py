"""Idle timeout (30 min) and absolute lifetime (12 h) with a frozen clock; polling never extends."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from tests.conftest import World, password_login


def _signed_in(world: World) -> HttpClient:
    return password_login(
        HttpClient(), "alice@example.com", world.totp_secrets["alice@example.com"]
    )


def test_a_session_ends_after_30_idle_minutes(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _signed_in(world)
        assert browser.get("/clients/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert browser.get("/clients/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = browser.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fclients%2F")
    assert "_auth_user_id" not in browser.session


def test_background_polling_does_not_extend_the_session(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _signed_in(world)
        for _ in range(4):
            clock.shift(timedelta(minutes=10))
            polled = browser.get("/clients/", HTTP_X_STEPWISE_BACKGROUND="1")
        assert polled.status_code == 401
        assert polled["HX-Redirect"].startswith("/accounts/login/")


def test_stay_signed_in_counts_as_activity(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _signed_in(world)
        clock.shift(timedelta(minutes=28))
        assert browser.post("/accounts/keepalive/").status_code == 204
        clock.shift(timedelta(minutes=28))
        assert browser.get("/clients/").status_code == 200


def test_a_session_ends_after_12_hours_however_active(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _signed_in(world)
        for _ in range(37):
            clock.shift(timedelta(minutes=20))
            last = browser.get("/clients/")
    assert last.status_code == 302
    assert last["Location"].startswith("/accounts/login/")


def test_the_page_carries_the_idle_limit_for_the_warning(world: World) -> None:
    html = _signed_in(world).get("/clients/").content.decode()
    assert 'data-idle-seconds="1800"' in html
    assert "Stay signed in" in html


def test_keepalives_from_typing_do_not_extend_the_12_hour_lifetime(world: World) -> None:
    """The page sends one keepalive a minute while someone types: idle never, 12 hours still."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _signed_in(world)
        for _ in range(12 * 60 - 1):
            clock.shift(timedelta(minutes=1))
            assert browser.post("/accounts/keepalive/").status_code == 204
        clock.shift(timedelta(minutes=2))
        response = browser.post("/accounts/keepalive/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
