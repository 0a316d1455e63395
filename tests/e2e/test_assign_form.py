"""The assign form shows only the fields of the chosen frequency, with or without script, and its
date and time inputs are big enough to tap."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.test_page_sweep import PHONE, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_only_the_chosen_frequencys_fields_show(
    live_world: World, new_context: Any, browser: Any, live_server: Any, script: bool
) -> None:
    if script:
        page = new_context(**PHONE).new_page()
    else:  # the checked contexts run axe-core, which needs script: a plain one here
        page = browser.new_context(
            base_url=live_server.url, java_script_enabled=False, **PHONE
        ).new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/clients/{live_world.carl_client.pk}/assign/")
    page.locator("summary", has_text="Schedule, reminder and note").click()
    times = page.locator("#id_times_per_week")
    every = page.locator("#id_interval_weeks")
    due = page.locator("#id_due")
    assert not times.is_visible()
    assert not every.is_visible()
    assert not due.is_visible()

    page.get_by_role("radio", name="A number of times each week").check()
    assert times.is_visible()
    assert not due.is_visible()
    page.get_by_role("radio", name="Once, by a date").check()
    assert due.is_visible()
    assert not times.is_visible()

    last_day = page.locator("#id_end")
    assert not last_day.is_visible()
    page.get_by_role("radio", name="On a date").check()
    assert last_day.is_visible()

    for field in (due, last_day, page.locator("#id_reminder_time")):
        box = field.bounding_box()
        assert box is not None
        assert box["height"] >= 44
