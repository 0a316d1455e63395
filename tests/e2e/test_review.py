"""The therapist reviews homework in a real browser: the inbox on a tablet, a completion, feedback,
"mark reviewed"; and the homework pages of a client on a 360-px phone.

The harness checks every page with axe-core and fails on CSP violations and console errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from stepwise.homework.actions import assigning, plans
from stepwise.homework.models import AssignmentStatus, Completion, Feedback
from tests.conftest import World
from tests.e2e.test_page_sweep import PHONE, live_world, sign_in, visit_all
from tests.factories import assign_exercise, assign_questionnaire, hand_in, hand_in_questionnaire

pytestmark = pytest.mark.browser
__all__ = ["live_world"]

TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


def test_a_therapist_reviews_homework_on_a_tablet(live_world: World, new_context: Any) -> None:
    world = live_world
    mood = assign_exercise(world.carl_client, world.alice)
    first = hand_in(mood, world.carl)
    phq = assign_questionnaire(world.dana_client, world.alice)
    second = hand_in_questionnaire(phq, world.dana, [1, 1, 1, 1, 0, 0, 0, 0, 0])
    page = new_context(**TABLET).new_page()
    sign_in(page, "alice@example.com")

    page.get_by_role("link", name="Review 2 waiting").click()
    page.get_by_role("heading", name="Review homework").wait_for()
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Dana")  # the newest first
    expect(rows.nth(1)).to_contain_text("Carl")

    page.get_by_label("Client").select_option(label="Carl")  # htmx swaps the table
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Daily mood check-in").click()
    page.get_by_role("heading", name="Daily mood check-in").wait_for()
    expect(page.get_by_role("heading", name="Answers")).to_be_visible()

    page.get_by_role("button", name="Send feedback").click()  # empty: refused
    expect(page.get_by_text("Write some feedback first.")).to_be_visible()
    page.get_by_label("Feedback for the client").fill("Lovely to see your mood rising this week.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    expect(page.locator(".feedback-list")).to_contain_text("Lovely to see your mood rising")
    expect(page.get_by_role("button", name="Mark reviewed")).to_have_count(0)

    page.get_by_role("link", name="Review 1 waiting").click()
    page.get_by_role("link", name="PHQ-9").click()
    expect(page.locator("dd.score")).to_have_text("4")
    expect(page.get_by_role("link", name="PHQ-9 results over time")).to_be_visible()
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("Marked as reviewed: PHQ-9.")).to_be_visible()
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_visible()  # no count
    expect(rows.filter(has_text="Not yet")).to_have_count(0)
    page.get_by_label("Show").select_option(label="Not reviewed yet")
    page.get_by_text("Nothing waits for review.").wait_for()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reviewed_by == world.alice
    assert second.reviewed_by == world.alice
    assert Feedback.objects.get().completion == first


def test_the_homework_pages_of_a_client_pass_the_checks_on_a_phone(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    carl = world.carl_client
    mood = assign_exercise(carl, world.alice)
    paused = assign_exercise(carl, world.alice, slug="balloon-breathing")
    phq = assign_questionnaire(carl, world.alice)
    hand_in(mood, world.carl)
    extra = hand_in(mood, world.carl, extra=True)
    assigning.leave_feedback(extra, by=world.alice, text="Good extra practice.")
    questionnaire = hand_in_questionnaire(phq, world.carl, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    assigning.set_status(paused, AssignmentStatus.PAUSED, by=world.alice)
    ended = assign_exercise(carl, world.alice, slug="thought-record")
    assigning.set_status(ended, AssignmentStatus.ENDED, by=world.alice)
    plans.save_plan(
        client=carl, by=world.alice, name="Week 1", shared_with_practice=True, assignments=[mood]
    )
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")

    visit_all(
        page,
        [
            f"/clients/{carl.pk}/",
            f"/clients/{carl.pk}/assignments/{mood.pk}/edit/",
            f"/clients/{carl.pk}/assignments/{mood.pk}/end/",
            f"/clients/{carl.pk}/plans/new/",
            "/plans/",
            "/review/",
            "/review/?state=all",
            f"/review/{extra.pk}/",
            f"/review/{questionnaire.pk}/",
        ],
    )

    # An invalid schedule comes back with its reason and what was typed, still fitting the phone.
    page.goto(f"/clients/{carl.pk}/assignments/{mood.pk}/edit/")
    page.get_by_label("On chosen days of the week").check()
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("Choose at least one day of the week.")).to_be_visible()
    expect(page.get_by_label("On chosen days of the week")).to_be_checked()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the refused form is {width}px wide"

    # Pausing from the client's page, then ending with the confirmation.
    page.goto(f"/clients/{carl.pk}/")
    page.get_by_role("button", name="Pause Daily mood check-in").click()
    expect(page.get_by_text("Daily mood check-in: paused.")).to_be_visible()
    page.get_by_role("link", name="End Daily mood check-in").click()
    page.get_by_role("button", name="End this homework").click()
    expect(page.get_by_text("Daily mood check-in: ended.")).to_be_visible()
    assert Completion.objects.filter(assignment=mood).count() == 2
