"""Keyboard alone, as someone who cannot use a mouse or a touch screen: Tab order, where the focus
goes after an error, and the names and values a screen reader is given.

(The PHQ-9 given in session on a phone by keyboard is in test_assessments.py.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World
from tests.e2e.test_page_sweep import DESKTOP, PHONE, sign_in
from tests.test_authorization_matrix import _carl_daily_mood

pytestmark = pytest.mark.browser

FOCUSED = "document.activeElement"
ERROR_TITLE = re.compile(r"^Error: ")


def _tab_until(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"{FOCUSED}.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _description(page: Any) -> str:
    """What a screen reader reads after the focused field's name: its aria-describedby text."""
    return str(
        page.evaluate(
            f"""(() => (({FOCUSED}.getAttribute('aria-describedby') || '').split(' ')
                .map(id => document.getElementById(id))
                .filter(Boolean).map(e => e.textContent.trim()).join(' ')))()"""
        )
    )


def test_sign_in_by_keyboard_goes_email_password_then_sign_in(
    live_world: World, new_context: Any
) -> None:
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    _tab_until(page, "#id_login")
    page.keyboard.type(live_world.carl.email)
    page.keyboard.press("Tab")
    # The next stop is the password, never a "Forgot your password?" link in between.
    assert page.evaluate(f"{FOCUSED}.id") == "id_password"
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    expect(page).to_have_title(ERROR_TITLE)

    # Sent back: the title says so, the focus is on the password, its error is read with it.
    assert page.title().startswith("Error: ")
    assert page.evaluate(f"{FOCUSED}.id") == "id_password"
    assert page.evaluate(f"{FOCUSED}.getAttribute('aria-invalid')") == "true"
    assert "not correct" in _description(page)
    # What was typed is kept.
    expect(page.locator("#id_login")).to_have_value(live_world.carl.email)

    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")


def test_an_exercise_by_keyboard_errors_first_then_answers(
    live_world: World, new_context: Any
) -> None:
    occurrence = _carl_daily_mood(live_world).occurrences.order_by("opens").first()
    page = new_context(**PHONE).new_page()
    sign_in(page, "carl@example.net")
    page.goto(f"/me/do/{occurrence.pk}/")
    save = page.get_by_role("button", name="Save my answers")
    save.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(ERROR_TITLE)

    # The summary of problems takes the focus and is announced; the title says there is one.
    assert page.title().startswith("Error: ")
    assert page.evaluate(f"{FOCUSED}.classList.contains('error-summary')")
    assert page.evaluate(f"{FOCUSED}.getAttribute('role')") == "alert"
    # Its first link takes the focus to the first question that needs an answer.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    first = page.evaluate(f"{FOCUSED}.name || ''")
    assert first, "the link did not move the focus to a field"

    # Scale buttons: one Tab into the group, arrows to choose; names say number and meaning.
    radio = page.locator("input[type=radio][name$='mood']").first
    radio.focus()
    page.keyboard.press("ArrowRight")
    checked = page.locator("input[type=radio][name$='mood']:checked")
    expect(checked).to_have_count(1)
    label = page.evaluate(
        "document.querySelector(`label[for='${document.activeElement.id}']`).textContent"
    )
    assert label.strip().startswith("1")
    for name in ("energy", "sleep"):
        page.locator(f"input[type=radio][name$='{name}']").first.focus()
        page.keyboard.press("ArrowRight")
    save.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/well-done/**")
    assert "Well done" in page.title()


def test_the_assign_form_by_keyboard_puts_the_focus_on_what_is_missing(
    live_world: World, new_context: Any
) -> None:
    page = new_context(**DESKTOP).new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/clients/{live_world.carl_client.pk}/assign/")
    # The first stop in the form is what to practise, then the button that assigns it.
    _tab_until(page, "#id_item")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.textContent.trim()") == "Assign"
    page.keyboard.press("Enter")
    expect(page).to_have_title(ERROR_TITLE)
    assert page.evaluate(f"{FOCUSED}.id") == "id_item"
    assert page.evaluate(f"{FOCUSED}.getAttribute('aria-invalid')") == "true"
    assert _description(page)  # the error is read with the field
