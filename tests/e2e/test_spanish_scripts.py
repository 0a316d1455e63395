"""In a real browser, what the scripts write is in the page's language: a therapist who reads
Stepwise in Spanish tries an exercise, and the timer speaks Spanish (from the JavaScript
catalogue, loaded before the scripts, with the Content-Security-Policy untouched)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import World
from tests.e2e.test_page_sweep import PHONE, sign_in
from tests.languages import read_in

pytestmark = pytest.mark.browser


def test_the_timer_speaks_spanish_on_a_spanish_page(
    live_world: World, live_server: Any, new_context: Any
) -> None:
    from tests.library.helpers import publish_sink

    version = publish_sink(live_world.alice).current_version
    assert version is not None
    context = new_context(**PHONE)
    page = context.new_page()
    sign_in(page, "alice@example.com")
    read_in("es", None, live_world.alice)  # signed in above: her own language decides
    page.clock.install()
    page.goto(f"/library/versions/{version.pk}/try/")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    practice = page.locator('[data-step="practice"]')
    practice.locator("[data-timer-start]").click()
    expect(practice.locator("[data-timer-status]")).to_have_text("Temporizador en marcha.")
    expect(practice.locator("[data-timer-start]")).to_contain_text("Pausa")
    page.clock.run_for(65_000)
    practice.locator("[data-timer-start]").click()
    expect(practice.locator("[data-timer-status]")).to_have_text("Temporizador en pausa en 1:05.")
    expect(practice.locator("[data-timer-start]")).to_contain_text("Seguir")


def test_the_timer_stays_in_english_on_an_english_page(live_world: World, new_context: Any) -> None:
    from tests.library.helpers import publish_sink

    version = publish_sink(live_world.alice).current_version
    assert version is not None
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/library/versions/{version.pk}/try/")
    practice = page.locator('[data-step="practice"]')
    practice.locator("[data-timer-start]").click()
    expect(practice.locator("[data-timer-status]")).to_have_text("Timer started.")
