"""A client on a 360x740 phone presses "send" while offline: an exercise and a questionnaire
both stay on the page with every answer, say so right below the button (in view, to screen
readers too), and send once the client presses again back online. One result is stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from stepwise.assessments.models import AssessmentResponse
from stepwise.homework.models import Submission
from tests.conftest import World, build_world
from tests.e2e.test_page_sweep import PHONE, sign_in
from tests.factories import assign_exercise, assign_questionnaire, first_occurrence

pytestmark = pytest.mark.browser

PHQ9_STEPS = 10  # nine items and the unscored difficulty question


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> World:
    return build_world()


def answer_phq9(page: Any, value: str) -> None:
    """Every item, one per screen; the last (optional) question is left as it is."""
    for number in range(1, PHQ9_STEPS):
        page.locator(f'input[name="item_{number}"][value="{value}"]').check()
        page.get_by_role("button", name="Next").click()


def _offline_message_below(page: Any, button: Any, pattern: str) -> Any:
    """The status line under `button`: says `pattern`, is on screen, is a live region."""
    status = page.locator("[data-draft-status]")
    expect(status).to_have_text(re.compile(pattern))
    expect(status).to_be_in_viewport()
    expect(status).to_have_attribute("role", "status")
    gap = page.evaluate(
        "([b, s]) => s.getBoundingClientRect().top - b.getBoundingClientRect().bottom",
        [button.element_handle(), status.element_handle()],
    )
    assert 0 <= gap <= 80, f"the message is {gap}px from the button"
    return status


def test_an_exercise_sent_offline_stays_with_its_answers_and_sends_when_back_online(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    assignment = assign_exercise(world.carl_client, world.alice)
    phone = new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, "carl@example.net")
    page.goto(f"/me/do/{first_occurrence(assignment).pk}/")
    for step, value in (("mood", "6"), ("energy", "4"), ("sleep", "7")):
        page.locator(f'input[name="step-{step}"][value="{value}"]').check()
    page.locator('[name="step-went_well"]').fill("A walk by the river.")
    save = page.get_by_role("button", name="Save my answers")

    phone.set_offline(True)
    save.click()
    status = _offline_message_below(page, save, "You are offline")
    assert "/me/do/" in page.url
    expect(page.locator('input[name="step-energy"][value="4"]')).to_be_checked()
    expect(page.locator('[name="step-went_well"]')).to_have_value("A walk by the river.")
    assert not Submission.objects.exists()

    phone.set_offline(False)
    expect(status).to_have_text(re.compile("back online"))
    save.click()
    page.wait_for_url("**/me/well-done/")
    stored = Submission.objects.get(client=world.carl_client)
    assert stored.answers["energy"] == 4
    assert stored.answers["went_well"] == "A walk by the river."


def test_a_questionnaire_sent_offline_stays_with_its_answers_and_sends_when_back_online(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    assignment = assign_questionnaire(world.carl_client, world.alice)
    phone = new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, "carl@example.net")
    page.goto(f"/me/do/{first_occurrence(assignment).pk}/")
    answer_phq9(page, "1")
    submit = page.get_by_role("button", name="Submit answers")

    phone.set_offline(True)
    submit.click()
    status = _offline_message_below(page, submit, "You are offline")
    assert "/me/do/" in page.url  # not the browser's "No internet" page
    expect(page.locator("[data-step-progress]")).to_have_text(
        f"Question {PHQ9_STEPS} of {PHQ9_STEPS}"
    )
    assert not AssessmentResponse.objects.exists()

    phone.set_offline(False)
    expect(status).to_have_text(re.compile("back online"))
    submit.click()
    page.wait_for_url("**/me/well-done/")
    assert AssessmentResponse.objects.get().answers == [1] * 9


def test_a_questionnaire_sent_on_a_connection_that_carries_nothing_stays_on_the_page(
    live_world: World, new_context: Any
) -> None:
    """The phone says it is online, but nothing gets through: Stepwise cannot be reached."""
    world = live_world
    assignment = assign_questionnaire(world.carl_client, world.alice)
    phone = new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, "carl@example.net")
    page.goto(f"/me/do/{first_occurrence(assignment).pk}/")
    answer_phq9(page, "0")
    submit = page.get_by_role("button", name="Submit answers")

    page.route("**/*", lambda route: route.abort("internetdisconnected"))
    submit.click()
    _offline_message_below(page, submit, "Stepwise cannot be reached")
    assert "/me/do/" in page.url
    assert not AssessmentResponse.objects.exists()

    page.unroute("**/*")
    submit.click()
    page.wait_for_url("**/me/well-done/")
    assert AssessmentResponse.objects.get().answers == [0] * 9
