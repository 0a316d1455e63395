"""The language switcher on a 360-pixel phone: visible before sign-in, pressed from the keyboard,
and the page then speaks Spanish (axe-core checks every page through `new_context`)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_visitor_switches_to_spanish_from_the_keyboard_on_a_phone(
    db: None, new_context: Any
) -> None:
    context = new_context(locale="en-US", **PHONE)
    page = context.new_page()
    page.goto("/accounts/link/")
    assert page.evaluate("document.documentElement.lang") == "en"
    switcher = page.get_by_role("form", name="Language")
    spanish = switcher.get_by_role("button", name="Español")
    assert spanish.is_visible()
    box = spanish.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 360
    assert box["height"] >= 24  # a target a thumb can hit
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    spanish.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("heading", name="Enviarme un enlace para iniciar sesión").is_visible()
    # The choice stays on this browser, whatever it asks for.
    page.goto("/accounts/login/")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("form", name="Language").get_by_role("button", name="English")
