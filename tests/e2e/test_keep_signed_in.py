"""In a real browser: a client keeps their phone signed in behind a PIN, the page locks after 15
idle minutes and opens again with the PIN; an admin opens "remove from the practice". Every page
passes the harness's checks (axe, CSP, console)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD, World, build_world
from tests.e2e.test_page_sweep import PHONE, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> World:
    return build_world()


def test_a_phone_kept_signed_in_locks_and_opens_with_the_pin(
    live_world: World, new_context: Any
) -> None:
    page = new_context(**PHONE).new_page()
    # The live server runs in this process: the travel moves its clock, not the browser's.
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("carl@example.net")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Keep me signed in on this device for 30 days").check()
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Keep me signed in on this device").wait_for()
        page.get_by_label("Choose a PIN (4 to 6 digits)").fill("2580")
        page.get_by_label("Type the PIN again").fill("2580")
        page.get_by_role("button", name="Keep me signed in").click()
        page.wait_for_url(lambda url: "/me/" in url)
        clock.shift(timedelta(minutes=16))
        page.goto("/me/progress/")
        page.get_by_role("heading", name="Enter your PIN").wait_for()
        page.get_by_label("Your PIN").fill("1111")
        page.get_by_role("button", name="Open").click()
        page.get_by_text("That PIN is not right. 4 more tries").wait_for()
        page.get_by_label("Your PIN").fill("2580")
        page.get_by_role("button", name="Open").click()
        page.wait_for_url(lambda url: url.endswith("/me/progress/"))


def test_an_admin_opens_remove_from_the_practice(live_world: World, new_context: Any) -> None:
    page = new_context(**PHONE).new_page()
    sign_in(page, "ada@example.com")
    page.goto("/practice/")
    page.get_by_text("Remove Bob Colleague from the practice").click()
    page.get_by_role("button", name="Remove Bob Colleague").click()
    page.get_by_text("Bob Colleague no longer belongs to Riverside").wait_for()
