"""Every page of every role, opened in a real browser on a 360-px phone and a desktop.

The harness runs axe-core on each one, and fails on any CSP violation or console error.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink
from tests.conftest import PASSWORD, World, build_world, current_totp_code

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> World:
    return build_world()


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:  # staff: the second step
        for _attempt in range(2):
            page.get_by_label("Code").fill(current_totp_code(email))
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            if "/accounts/2fa/" not in page.url:
                return
            # A code is single-use: one already spent in this 30-second window is refused,
            # so wait for the authenticator's next code, as a person would.
            page.wait_for_timeout(1000 * (31 - int(time.time()) % 30))
        raise AssertionError(f"{email} could not pass the second step")


def visit_all(page: Any, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.status < 400, f"{path} answered {response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.viewport_size["width"]
        assert width <= viewport, f"{path} is {width}px wide on a {viewport}px screen"


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_therapist_page_passes_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    world = live_world
    page = new_context(**device).new_page()
    sign_in(page, "alice@example.com")
    visit_all(
        page,
        [
            "/clients/",
            "/clients/?status=all&q=a",
            "/clients/new/",
            f"/clients/{world.carl_client.pk}/",
            f"/clients/{world.mia_client.pk}/",
            f"/clients/{world.carl_client.pk}/edit/",
            f"/clients/{world.mia_client.pk}/caregivers/invite/",
            "/invitations/",
            "/practice/",
            "/accounts/settings/",
            "/accounts/password/change/",
            "/accounts/email/",
        ],
    )
    page.goto(f"/clients/{world.mia_client.pk}/")
    page.get_by_role("button", name="Make an invitation link").click()
    page.get_by_role("heading", name="Invitation ready").wait_for()
    # A form sent back with errors is a page too.
    page.goto("/clients/new/")
    page.get_by_role("button", name="Add client").click()
    page.get_by_text("This field is required.").first.wait_for()


def test_every_admin_page_passes_the_checks(live_world: World, new_context: Any) -> None:
    page = new_context(**PHONE).new_page()
    sign_in(page, "ada@example.com")
    visit_all(page, ["/practice/", "/clients/", "/invitations/"])


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_client_and_parent_page_passes_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    from stepwise.clinic.models import Client

    world = live_world
    CaregiverLink.objects.create(caregiver=world.gina, client=world.dana_client)
    Client.objects.filter(pk=world.carl_client.pk).update(country="CA")  # lines with text too
    client_page = new_context(**device).new_page()
    sign_in(client_page, "carl@example.net")
    visit_all(client_page, ["/me/", "/accounts/settings/", "/accounts/password/change/"])
    footer = client_page.locator("footer")
    assert footer.get_by_role("link", name="988").count() == 2  # call and text
    assert footer.get_by_text("does not watch your answers as they arrive").count() == 1
    parent_page = new_context(**device).new_page()
    sign_in(parent_page, "gina@example.net")
    visit_all(parent_page, ["/me/", "/accounts/settings/"])


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_public_page_passes_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    page = new_context(**device).new_page()
    issued = actions.invite_client(live_world.mia_client, live_world.alice)
    visit_all(
        page,
        [
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/link/",
            "/accounts/password/reset/",
            issued.path,
        ],
    )
    for path in ["/invite/unknown-token/", "/accounts/link/unknown/"]:
        page.goto(path)  # error pages must be accessible too
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
