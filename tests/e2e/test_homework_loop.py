"""The whole homework loop in real browsers: practise in session, assign (an exercise daily and a
weekly PHQ-9), the client does today's items on a phone (the connection drops mid-way and comes
back), the therapist reviews and leaves feedback, and the client sees it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from stepwise.homework.models import Assignment, Completion
from stepwise.library.models import ExerciseDefinition
from tests.conftest import World
from tests.e2e.test_page_sweep import sign_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 1024, "height": 768}}
PHQ9_ITEMS = 9


def breathe_through(page: Any, *, before: str, after: str) -> None:
    """Fill the paced-breathing exercise: calm before, the pacer to the end, calm after."""
    page.locator(f'input[name="step-calm_before"][value="{before}"]').check()
    page.get_by_role("button", name=re.compile("Start", re.I)).first.click()
    page.clock.run_for(18 * 10 * 1000 + 1000)
    expect(page.locator("[data-pacer-cue]")).to_have_text(re.compile("You finished 18 breaths"))
    page.locator(f'input[name="step-calm_after"][value="{after}"]').check()


def test_the_homework_loop_from_session_to_feedback(live_world: World, new_context: Any) -> None:
    world = live_world
    breathing = ExerciseDefinition.objects.get(slug="paced-breathing", practice__isnull=True)
    assert breathing.current_version is not None

    # In session: practise together, then make it homework in one click.
    therapist = new_context(**TABLET).new_page()
    therapist.clock.install()
    sign_in(therapist, "alice@example.com")
    therapist.goto(f"/clients/{world.carl_client.pk}/practise/{breathing.current_version.pk}/")
    breathe_through(therapist, before="3", after="6")
    therapist.get_by_role("button", name=re.compile("Save to Carl")).click()
    therapist.get_by_role("button", name="Assign this as homework").click()
    therapist.wait_for_url(f"**/clients/{world.carl_client.pk}/**")
    expect(therapist.get_by_text(re.compile("Assigned to Carl"))).to_be_visible()

    # And a weekly PHQ-9, chosen from the list, everything else left at the defaults.
    therapist.goto(f"/clients/{world.carl_client.pk}/assign/")
    phq9 = therapist.locator("option", has_text="PHQ-9: ").first.get_attribute("value")
    therapist.get_by_label("What to practise").select_option(phq9)
    therapist.get_by_role("button", name="Assign").first.click()
    therapist.wait_for_url(f"**/clients/{world.carl_client.pk}/**")
    kinds = sorted(
        Assignment.objects.filter(client=world.carl_client).values_list("kind", flat=True)
    )
    assert kinds == ["assessment", "exercise"]

    # At home on a phone: today's breathing, with the connection dropping before sending.
    phone = new_context(**PHONE)
    client = phone.new_page()
    client.clock.install()
    sign_in(client, "carl@example.net")
    client.goto("/me/")
    client.get_by_role("link", name=re.compile(breathing.title)).click()
    breathe_through(client, before="2", after="7")
    phone.set_offline(True)
    client.get_by_role("button", name="Save my answers").click()
    expect(client.locator("[data-draft-status]")).to_have_text(re.compile("You are offline"))
    assert "/me/do/" in client.url  # nothing lost, still on the form
    phone.set_offline(False)
    client.evaluate("window.dispatchEvent(new Event('online'))")
    expect(client.locator("[data-draft-status]")).to_have_text(re.compile("back online"))
    client.get_by_role("button", name="Save my answers").click()
    client.wait_for_url("**/me/well-done/")
    expect(client.get_by_role("heading", name="Well done!")).to_be_visible()

    # Then this week's PHQ-9, one question per screen.
    client.goto("/me/")
    client.get_by_role("link", name=re.compile("PHQ-9")).click()
    for number in range(1, PHQ9_ITEMS + 1):
        client.locator(f'input[name="item_{number}"][value="0"]').check()
        client.get_by_role("button", name="Next").click()
    client.get_by_role("button", name="Submit answers").click()
    client.wait_for_url("**/me/well-done/")

    # The therapist reviews the breathing practice and leaves feedback.
    done = Completion.objects.filter(client=world.carl_client, submission__isnull=False).get()
    therapist.goto("/review/")
    therapist.locator(f'a[href$="/review/{done.pk}/"]').first.click()
    therapist.get_by_label("Feedback for the client").fill("Lovely slow breathing, well done.")
    therapist.get_by_role("button", name="Send feedback").click()
    expect(therapist.get_by_text("Lovely slow breathing, well done.")).to_be_visible()

    # The client sees it on their "done" list.
    client.goto("/me/")
    expect(client.get_by_text("Lovely slow breathing, well done.")).to_be_visible()
    assert client.evaluate("document.documentElement.scrollWidth") <= 360
