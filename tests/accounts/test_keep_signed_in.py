"""A client's "keep me signed in on this device": 30 days, a PIN after 15 idle minutes (issue 8
item 2), with a frozen clock. Staff keep the 30-minute idle and 12-hour absolute limits."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core import mail
from django.db import connections
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.accounts import device
from stepwise.accounts.actions import devices
from stepwise.accounts.models import RememberedDevice
from tests.conftest import PASSWORD, World, password_login, run_tasks

PIN = "2580"


def _kept(email: str = "carl@example.net", pin: str = PIN) -> HttpClient:
    """Sign in with a password, ticking "keep me signed in", and choose a PIN."""
    browser = HttpClient()
    response = browser.post(
        "/accounts/login/", {"login": email, "password": PASSWORD, "keep_signed_in": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/keep-signed-in/?next=")
    assert browser.get(response["Location"]).status_code == 200
    chosen = browser.post(response["Location"], {"pin": pin, "pin_again": pin})
    assert chosen.status_code == 302, chosen.content.decode()
    return browser


def _signed_in(browser: HttpClient) -> bool:
    return "_auth_user_id" in browser.session


def test_the_pin_is_stored_with_djangos_hasher_never_in_plain(world: World) -> None:
    browser = _kept()
    row = RememberedDevice.objects.get(user=world.carl)
    assert PIN not in row.pin_hash
    identify_hasher(row.pin_hash)  # a Django hasher's format (raises otherwise)
    assert check_password(PIN, row.pin_hash)
    # Not as a value of its own (a hash or a timestamp may hold the same four digits by chance).
    assert not re.search(rf"\b{PIN}\b", str(dict(browser.session)))


def test_after_15_idle_minutes_the_pin_is_asked_not_the_password(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        clock.shift(timedelta(minutes=14))
        assert browser.get("/me/").status_code == 200
        clock.shift(timedelta(minutes=16))
        locked = browser.get("/me/")
        assert locked.status_code == 302
        assert locked["Location"] == "/accounts/unlock/?next=%2Fme%2F"
        assert _signed_in(browser)  # still signed in: only locked
        # Every other page waits for the PIN too; the PIN page itself opens.
        assert browser.get("/me/progress/")["Location"].startswith("/accounts/unlock/")
        assert browser.get("/accounts/unlock/?next=/me/").status_code == 200
        opened = browser.post("/accounts/unlock/", {"pin": PIN, "next": "/me/"})
        assert opened.status_code == 302
        assert opened["Location"] == "/me/"
        assert browser.get("/me/").status_code == 200


def test_the_device_stays_signed_in_for_30_days_then_signs_out(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        for _ in range(29):  # one visit a day, each after a lock
            clock.shift(timedelta(days=1))
            assert browser.get("/me/")["Location"].startswith("/accounts/unlock/")
            assert browser.post("/accounts/unlock/", {"pin": PIN}).status_code == 302
            assert browser.get("/me/").status_code == 200
        clock.shift(timedelta(days=1, minutes=1))
        response = browser.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(browser)


def test_the_session_cookie_outlives_the_browser_for_30_days(world: World) -> None:
    browser = _kept()
    cookie = browser.cookies["sessionid"]
    assert cookie["expires"] or cookie["max-age"]
    age = browser.session.get_expiry_age()
    assert timedelta(days=29, hours=23) < timedelta(seconds=age) <= timedelta(days=30)


def test_five_wrong_pins_sign_the_device_out(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        clock.shift(timedelta(minutes=20))
        browser.get("/me/")
        for attempt in range(1, 5):
            wrong = browser.post("/accounts/unlock/", {"pin": "9999"})
            assert wrong.status_code == 400
            assert f"{5 - attempt} more" in wrong.content.decode()
            assert _signed_in(browser)
        last = browser.post("/accounts/unlock/", {"pin": "9999"})
    assert last.status_code == 302
    assert last["Location"] == "/accounts/login/"
    assert not _signed_in(browser)
    assert not RememberedDevice.objects.filter(user=world.carl).exists()
    # The right PIN is no use any more: the session is gone.
    assert browser.post("/accounts/unlock/", {"pin": PIN})["Location"].startswith(
        "/accounts/login/"
    )


def test_a_right_pin_resets_the_count_of_wrong_ones(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        for _ in range(3):
            clock.shift(timedelta(minutes=20))
            browser.get("/me/")
            for _ in range(4):
                assert browser.post("/accounts/unlock/", {"pin": "1357"}).status_code == 400
            assert browser.post("/accounts/unlock/", {"pin": PIN}).status_code == 302
        assert browser.get("/me/").status_code == 200


def test_background_polling_neither_unlocks_nor_extends(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        for _ in range(3):
            clock.shift(timedelta(minutes=6))
            polled = browser.get("/me/", HTTP_X_STEPWISE_BACKGROUND="1")
        assert polled.status_code == 401
        assert polled["HX-Redirect"].startswith("/accounts/unlock/")
        fragment = browser.get("/me/", HTTP_HX_REQUEST="true")
        assert fragment.status_code == 401
        assert browser.post("/accounts/keepalive/").status_code == 401


def test_a_client_can_sign_in_by_link_and_be_kept(world: World) -> None:
    browser = HttpClient()
    browser.post("/accounts/link/", {"email": "carl@example.net"})
    run_tasks()
    path = re.search(r"/accounts/link/[\w-]+/", str(mail.outbox[-1].body))
    assert path is not None
    page = browser.get(path.group(0)).content.decode()
    assert "Keep me signed in on this device" in page
    response = browser.post(path.group(0), {"keep_signed_in": "on"})
    assert response["Location"] == "/accounts/keep-signed-in/?next=%2Fhome%2F"
    assert browser.post(response["Location"], {"pin": PIN, "pin_again": PIN})["Location"] == (
        "/home/"
    )
    assert device.is_remembered(browser.session)


def test_without_the_box_ticked_a_client_has_the_ordinary_limits(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = password_login(HttpClient(), "carl@example.net")
        assert not device.is_remembered(browser.session)
        clock.shift(timedelta(minutes=31))
        assert browser.get("/me/")["Location"].startswith("/accounts/login/")


def test_staff_cannot_be_kept_signed_in(world: World) -> None:
    """A therapist who ticks the box still meets 30 idle minutes and 12 hours."""
    secret = world.totp_secrets["alice@example.com"]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = HttpClient()
        first = browser.post(
            "/accounts/login/",
            {"login": "alice@example.com", "password": PASSWORD, "keep_signed_in": "on"},
        )
        assert first["Location"].startswith("/accounts/2fa/authenticate/")
        from tests.conftest import totp_code

        done = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
        assert not done["Location"].startswith("/accounts/keep-signed-in/")
        assert browser.get("/accounts/keep-signed-in/").status_code == 404
        assert not RememberedDevice.objects.filter(user=world.alice).exists()
        clock.shift(timedelta(minutes=31))
        assert browser.get("/clients/")["Location"].startswith("/accounts/login/")


def test_a_kept_session_that_becomes_staff_gets_the_staff_limits(world: World) -> None:
    from stepwise.clinic import actions

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        invited = actions.invite_therapist(
            world.other_practice, world.olga, email=world.carl.email, role="therapist"
        )
        actions.accept_invitation(invited.invitation, world.carl)
        assert browser.get("/accounts/settings/").status_code == 200
        assert not device.is_remembered(browser.session)
        assert not RememberedDevice.objects.filter(user=world.carl).exists()
        clock.shift(timedelta(minutes=31))
        assert browser.get("/accounts/settings/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("pin", "again", "problem"),
    [
        ("123", "123", "at least 4"),
        ("1234567", "1234567", "at most 6"),
        ("12a4", "12a4", "4 to 6 digits"),
        ("1234", "1234", "harder to guess"),
        ("0000", "0000", "harder to guess"),
        ("2580", "2581", "not the same"),
    ],
)
def test_a_pin_must_be_4_to_6_digits_not_trivial_and_typed_twice(
    world: World, client: HttpClient, pin: str, again: str, problem: str
) -> None:
    password_login(client, "carl@example.net")
    response = client.post("/accounts/keep-signed-in/", {"pin": pin, "pin_again": again})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not RememberedDevice.objects.exists()


def test_keeping_is_offered_just_after_sign_in_not_to_whoever_finds_a_session(
    world: World,
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = password_login(HttpClient(), "carl@example.net")
        for _ in range(2):
            clock.shift(timedelta(minutes=10))
            browser.get("/me/")
        late = browser.post("/accounts/keep-signed-in/", {"pin": PIN, "pin_again": PIN})
    assert late.status_code == 302
    assert not RememberedDevice.objects.exists()


def test_signing_out_or_out_everywhere_forgets_the_device(world: World) -> None:
    browser = _kept()
    browser.post("/accounts/logout/")
    assert not RememberedDevice.objects.exists()
    browser = _kept()
    other = _kept()
    assert RememberedDevice.objects.filter(user=world.carl).count() == 2
    browser.post("/accounts/settings/sign-out-everywhere/")
    assert not RememberedDevice.objects.exists()
    assert other.get("/me/")["Location"].startswith("/accounts/login/")


def test_a_new_pin_keeps_the_old_end_date(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _kept()
        first_end = RememberedDevice.objects.get(user=world.carl).expires_at
        clock.shift(timedelta(days=3))
        browser.get("/me/")
        browser.post("/accounts/unlock/", {"pin": PIN})
        changed = browser.post("/accounts/keep-signed-in/", {"pin": "8642", "pin_again": "8642"})
        assert changed.status_code == 302
        row = RememberedDevice.objects.get(user=world.carl)
        assert row.expires_at == first_end
        clock.shift(timedelta(minutes=20))
        browser.get("/me/")
        assert browser.post("/accounts/unlock/", {"pin": PIN}).status_code == 400
        assert browser.post("/accounts/unlock/", {"pin": "8642"}).status_code == 302


def test_the_page_tells_the_script_to_lock_after_15_minutes(world: World) -> None:
    html = _kept().get("/me/").content.decode()
    assert 'data-idle-seconds="900"' in html
    assert 'data-login-url="/accounts/unlock/"' in html
    assert "ask for your PIN" in html


def test_the_unlock_page_only_redirects_when_nothing_is_locked(world: World) -> None:
    browser = _kept()
    response = browser.get("/accounts/unlock/?next=https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == "/home/"


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_pins_are_evaluated_at_most_five_times(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each guess is counted before the PIN is checked, so twelve at once cannot all be tried."""
    browser = _kept()
    session = browser.session
    device.lock(session)
    session.save()
    cookie = browser.cookies["sessionid"].value
    evaluated: list[str] = []
    lock = threading.Lock()
    real_check = devices.check_password

    def slow_check(pin: str, encoded: str) -> bool:
        with lock:
            evaluated.append(pin)
        time.sleep(0.05)  # as long as a real hash takes: the guesses overlap
        return real_check(pin, encoded)

    monkeypatch.setattr(devices, "check_password", slow_check)
    barrier = threading.Barrier(12)
    answers: list[int] = []

    def guess(pin: str) -> None:
        try:
            guesser = HttpClient(raise_request_exception=False)
            guesser.cookies["sessionid"] = cookie
            barrier.wait()
            response = guesser.post("/accounts/unlock/", {"pin": pin})
            with lock:
                answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(f"{1000 + n * 7}",)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 12
    assert len(evaluated) <= device.MAX_PIN_FAILURES
    assert not RememberedDevice.objects.filter(user=world.carl).exists()
    # The right PIN is no use now: the device is signed out.
    assert browser.post("/accounts/unlock/", {"pin": PIN})["Location"].startswith(
        "/accounts/login/"
    )
