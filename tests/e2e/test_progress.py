"""The progress pages in a real browser on a 1024-px tablet and a 360-px phone: the dashboard,
a client's summary and progress charts, and the client's own progress page.

Every page passes the harness's axe-core, CSP and console checks, fits the screen, and shows its
charts (server-drawn SVG) with their tables.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stepwise.assessments import actions as assessment_actions
from tests.conftest import World
from tests.e2e.test_page_sweep import PHONE, live_world, sign_in, visit_all
from tests.progress import history as h
from tests.progress.test_summary import exposure

pytestmark = pytest.mark.browser
__all__ = ["live_world"]

TABLET = {"viewport": {"width": 1024, "height": 768}, "is_mobile": True, "has_touch": True}


def _history(world: World) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 20)
    log = h.assign_daily(
        world.carl_client, world.alice, today - timedelta(days=10), slug="exposure-practice-log"
    )
    for n, back in enumerate((9, 6, 3)):
        h.hand_in(log, today - timedelta(days=back), exposure(60, 85 - 10 * n, 35 - 5 * n))
    now = timezone.now()
    h.answer_phq9(world.carl_client, now - timedelta(days=30), 6)
    h.answer_phq9(world.carl_client, now - timedelta(days=2), 17, item9=1)
    h.assign_daily(world.dana_client, world.alice, world.carl_client_today() - timedelta(days=6))
    assessment_actions.set_results_shared(world.carl_client, world.alice, shared=True)


@pytest.mark.parametrize("device", [TABLET, PHONE], ids=["tablet", "phone"])
def test_progress_pages_render_their_charts_and_pass_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    world = live_world
    _history(world)
    carl = world.carl_client.pk
    page = new_context(**device).new_page()
    sign_in(page, "alice@example.com")
    assert page.url.endswith("/dashboard/"), "therapists land on the dashboard"
    visit_all(
        page,
        [
            "/dashboard/",
            "/dashboard/?sort=-month&show=attention",
            f"/clients/{carl}/summary/",
            f"/clients/{carl}/progress/",
            f"/clients/{carl}/progress/?range=all",
            f"/clients/{carl}/report/",
        ],
    )
    page.goto("/dashboard/")
    queue = page.get_by_role("region", name="Needs attention")
    expect(queue.get_by_text("Critical answer")).to_be_visible()
    expect(queue.get_by_text("Reliable deterioration")).to_be_visible()
    page.get_by_label("Sort by").select_option("month")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**sort=month**")
    if device is TABLET:  # column headers sort too where the table is shown as a table
        page.get_by_role("link", name=re.compile(r"^Last 30 days")).click()
        page.wait_for_url("**sort=-month**")

    page.goto(f"/clients/{carl}/progress/")
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5  # calendar, minutes, mood, exposure (several), PHQ-9
    page.get_by_text("Show as a table").first.click()
    expect(page.locator("details[open] table").first).to_be_visible()

    page.goto(f"/clients/{carl}/summary/")
    expect(page.get_by_role("heading", name="Key measures")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()

    client_page = new_context(**device).new_page()
    sign_in(client_page, "carl@example.net")
    visit_all(client_page, ["/me/progress/"])
    expect(client_page.get_by_role("heading", name="Your practice")).to_be_visible()
    expect(client_page.get_by_role("heading", name="Questionnaire results")).to_be_visible()
    assert client_page.locator("svg[role=img]").count() >= 2


def test_a_parent_sees_their_childs_progress_on_a_phone(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    today = world.carl_client_today()
    mood = h.assign_daily(world.mia_client, world.alice, today - timedelta(days=5))
    h.hand_in(mood, today - timedelta(days=1), h.mood(8))
    page = new_context(**PHONE).new_page()
    sign_in(page, "gina@example.net")
    visit_all(page, ["/me/progress/"])
    expect(page.get_by_role("heading", name="Mia's practice")).to_be_visible()
