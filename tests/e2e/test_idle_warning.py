"""Typing is activity: in a real browser with a faked page clock (and the server's clock moved
with it), a client typing a long answer is never warned or signed out; the warning leaves the
focus in a field being typed in, otherwise holds the focus with the page under it inert, and
closes with Escape, not with a late answer to a keepalive from before it. Every page passes the
harness's checks (axe, CSP, console)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from stepwise.homework.models import Submission
from tests.conftest import World, build_world
from tests.e2e.test_page_sweep import PHONE, sign_in
from tests.factories import assign_exercise, first_occurrence

pytestmark = pytest.mark.browser

MINUTE_MS = 60_000
FIELD = '[name="step-went_well"]'


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> World:
    return build_world()


@pytest.fixture
def server_clock() -> Iterator[Any]:
    """The live server runs in this process: this moves its clock, page.clock the browser's."""
    with time_machine.travel(timezone.now(), tick=True) as clock:
        yield clock


def _pass(page: Any, server_clock: Any, minutes: float) -> None:
    page.clock.run_for(int(minutes * MINUTE_MS))
    server_clock.shift(timedelta(minutes=minutes))


def _told_within_a_minute(page: Any, server_clock: Any) -> None:
    """The keepalive for what was just typed goes out (within a minute) and is answered."""
    with page.expect_response(lambda response: "/keepalive/" in response.url):
        _pass(page, server_clock, 1)


def _focused(page: Any) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.name || '' : ''")


def _open_the_check_in(live_world: World, new_context: Any) -> Any:
    world = live_world
    assignment = assign_exercise(world.carl_client, world.alice)
    page = new_context(**PHONE).new_page()
    page.clock.install()
    sign_in(page, "carl@example.net")
    page.goto(f"/me/do/{first_occurrence(assignment).pk}/")
    for step in ("mood", "energy", "sleep"):
        page.locator(f'input[name="step-{step}"][value="5"]').check()
    page.locator(FIELD).focus()
    return page


def test_a_client_typing_for_35_minutes_is_never_warned_nor_signed_out(
    live_world: World, new_context: Any, server_clock: Any
) -> None:
    page = _open_the_check_in(live_world, new_context)
    keepalives: list[str] = []
    page.on("request", lambda r: keepalives.append(r.url) if "/keepalive/" in r.url else None)
    warning = page.locator("#idle-warning")
    for minute in range(35):
        page.keyboard.type(f"{minute} ")
        _pass(page, server_clock, 1)
        expect(warning).to_be_hidden()
        assert _focused(page) == "step-went_well", f"the focus left the field at minute {minute}"
    typed = "".join(f"{minute} " for minute in range(35))
    expect(page.locator(FIELD)).to_have_value(typed)
    # At most one keepalive a minute, and typing alone sent them.
    assert 30 <= len(keepalives) <= 36, len(keepalives)

    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/me/well-done/")
    assert Submission.objects.get().answers["went_well"] == typed.strip()


def test_the_warning_leaves_a_field_alone_and_otherwise_holds_the_focus_until_escape(
    live_world: World, new_context: Any, server_clock: Any
) -> None:
    page = _open_the_check_in(live_world, new_context)
    page.keyboard.type("Half a thought")
    _told_within_a_minute(page, server_clock)
    warning = page.locator("#idle-warning")

    # Quiet for 28 minutes with the focus in the field: warned, but the focus stays.
    _pass(page, server_clock, 28.2)
    expect(warning).to_be_visible()
    assert _focused(page) == "step-went_well"
    expect(page.locator("#idle-warning-announce")).to_contain_text("Are you still there?")
    page.keyboard.type(", and the rest.")  # the next keystroke is activity: the warning goes
    expect(warning).to_be_hidden()
    expect(page.locator(FIELD)).to_have_value("Half a thought, and the rest.")
    page.locator("h1").click()  # leaving the field (its change is activity too)
    _told_within_a_minute(page, server_clock)

    # Quiet again, the focus on no field: the warning takes it, and the page under it is inert.
    _pass(page, server_clock, 28.2)
    expect(warning).to_be_visible()
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Shift+Tab")
    reached = page.evaluate(
        "document.activeElement && document.activeElement.closest('main, header, footer')"
        " ? document.activeElement.outerHTML : ''"
    )
    assert reached == "", f"Shift+Tab reached {reached[:80]} under the warning"
    stay.focus()
    page.keyboard.press("Escape")
    expect(warning).to_be_hidden()
    expect(page.locator("main")).not_to_have_attribute("inert", "")

    # Escape counted as "Stay signed in": four more minutes and the page is still there.
    _pass(page, server_clock, 4)
    page.reload()
    assert "/me/do/" in page.url
    expect(page.locator(FIELD)).to_have_value("Half a thought, and the rest.")


def test_a_late_answer_to_a_keepalive_from_before_the_warning_leaves_it_and_its_focus(
    live_world: World, new_context: Any, server_clock: Any
) -> None:
    """A busy server answers the keepalive for the last keystroke only after the warning came:
    the warning was still due counting from that keystroke, so it stays, keeping the focus."""
    page = _open_the_check_in(live_world, new_context)
    page.keyboard.type("Half a thought")
    page.locator("h1").click()  # the focus on no field
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/keepalive/", hold)
    _pass(page, server_clock, 1)  # the keepalive for the typing goes out, and is held
    for _ in range(200):  # the route handler runs as the driver's messages are read
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    _pass(page, server_clock, 28.2)
    warning = page.locator("#idle-warning")
    stay = page.get_by_role("button", name="Stay signed in")
    expect(warning).to_be_visible()
    expect(stay).to_be_focused()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000)  # (seconds) no tick in between

    with page.expect_response(lambda response: "/keepalive/" in response.url):
        held[0].continue_()
    page.unroute("**/keepalive/", hold)
    # A request of our own, answered after that one: the page has read its answer by then.
    assert page.evaluate("() => fetch('/healthz').then(response => response.status)") == 200
    expect(warning).to_be_visible()
    expect(stay).to_be_focused()
    expect(page.locator("main")).to_have_attribute("inert", "")

    page.keyboard.press("Escape")  # activity now: answered, the warning goes
    expect(warning).to_be_hidden()
    expect(page.locator("main")).not_to_have_attribute("inert", "")
