"""Exercises in a real browser: a client on a 360-px phone completes a thought record and a
breathing exercise with the keyboard alone; a therapist builds, publishes and previews their own.

The harness checks every page with axe-core and fails on CSP violations and console errors.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from stepwise.homework.models import MetricValue, Submission
from tests.conftest import World, build_world
from tests.e2e.test_page_sweep import DESKTOP, PHONE, sign_in
from tests.factories import exercise_version as shipped_version
from tests.factories import first_occurrence
from tests.library.helpers import assign_daily, ensure_shipped_library

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> World:
    return build_world()


def tab_to(page: Any, element_id: str, limit: int = 150) -> None:
    """Press Tab until the element has focus: it must be reachable by keyboard."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def wait_for_focus(page: Any, element_id: str) -> None:
    """Poll from Python: the page's policy forbids the eval that wait_for_function needs."""
    for _ in range(100):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"focus did not move to #{element_id}")


def type_into(page: Any, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def homework_for_carl(world: World, version: Any) -> str:
    """The page where Carl does today's occurrence of `version`, assigned to him by Alice."""
    assignment = assign_daily(version.definition, world.carl_client, world.alice)
    return f"/me/do/{first_occurrence(assignment).pk}/"


def assert_fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide on a 360px screen"


def test_a_client_completes_a_thought_record_on_a_phone_with_the_keyboard(
    live_world: World, new_context: Any
) -> None:
    ensure_shipped_library()
    version = shipped_version("thought-record")
    page = new_context(**PHONE).new_page()
    sign_in(page, "carl@example.net")
    page.goto(homework_for_carl(live_world, version))
    page.get_by_role("heading", name="Thought record").wait_for()
    assert_fits_the_phone(page)

    type_into(page, "f-step-situation", "My friend did not answer my message.")
    tab_to(page, "f-step-feelings_before-sad-chosen")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the intensity field appears next to the chosen feeling
    assert page.evaluate("document.activeElement.id") == "f-step-feelings_before-sad"
    page.keyboard.type("70")
    type_into(page, "f-step-automatic_thought", "They don't like me any more.")
    type_into(page, "f-step-belief_thought", "150")  # too high: the server says so
    type_into(page, "f-step-evidence_for", "No reply for a day.")
    type_into(page, "f-step-evidence_against", "They are busy at work this week.")
    type_into(page, "f-step-balanced_thought", "They are probably busy; we are still friends.")
    type_into(page, "f-step-belief_balanced", "60")
    tab_to(page, "f-step-feelings_after-sad-chosen")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    tab_to(page, "save-exercise")
    page.keyboard.press("Enter")

    summary = page.get_by_role("heading", name="Some answers need a look")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.locator("#f-step-situation").input_value() == (
        "My friend did not answer my message."
    )
    assert page.locator("#f-step-feelings_before-sad").input_value() == "70"
    assert (
        "Enter a whole number from 0 to 100." in page.locator("#e-step-belief_thought").inner_text()
    )
    assert_fits_the_phone(page)
    page.keyboard.press("Tab")  # into the summary: its link leads to the field
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "f-step-belief_thought"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("85")
    tab_to(page, "save-exercise")
    page.keyboard.press("Enter")

    page.wait_for_url("**/me/well-done/")
    page.get_by_role("heading", name="Well done!").wait_for()
    submission = Submission.objects.get(client=live_world.carl_client)
    assert submission.mode == "home"
    assert submission.answers["belief_thought"] == 85
    assert submission.answers["feelings_before"] == [{"emotion": "sad", "intensity": 70}]
    metrics = dict(MetricValue.objects.values_list("name", "value"))
    assert metrics["belief_thought"] == 85


def test_a_client_completes_a_breathing_exercise_on_a_phone_with_the_keyboard(
    live_world: World, new_context: Any
) -> None:
    ensure_shipped_library()
    version = shipped_version("paced-breathing")
    page = new_context(**PHONE, reduced_motion="reduce").new_page()
    sign_in(page, "carl@example.net")
    page.clock.install()
    page.goto(homework_for_carl(live_world, version))
    page.get_by_role("heading", name=re.compile("breathing", re.I)).first.wait_for()
    assert_fits_the_phone(page)

    tab_to(page, "f-step-calm_before-0")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # a radio group: arrows choose
    tab_to(page, "pacer-start-breathe")
    page.keyboard.press("Enter")
    cue = page.locator("[data-pacer-cue]")
    assert cue.get_attribute("aria-live") == "polite"
    assert cue.inner_text() == "Breathe in (breath 1 of 18)"
    assert page.locator("[data-breathing]").evaluate("box => box.classList.contains('pacer-still')")
    page.clock.run_for(4_500)
    assert cue.inner_text() == "Breathe out (breath 1 of 18)"
    page.clock.run_for(18 * 10 * 1000)
    assert cue.inner_text() == "Well done. You finished 18 breaths."
    assert page.locator("#f-step-breathe").input_value() == "18"
    tab_to(page, "f-step-calm_after-0")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    type_into(page, "f-step-noticed", "My shoulders dropped.")
    tab_to(page, "save-exercise")
    page.keyboard.press("Enter")

    page.wait_for_url("**/me/well-done/")
    submission = Submission.objects.get(client=live_world.carl_client)
    assert submission.answers["calm_before"] == 3
    assert submission.answers["breathe"] == 18
    assert submission.answers["calm_after"] == 7
    metrics = dict(MetricValue.objects.values_list("name", "value"))
    assert metrics["minutes"] == 3  # 18 breaths of 10 seconds


def test_a_therapist_builds_publishes_and_previews_an_exercise(
    live_world: World, new_context: Any
) -> None:
    page = new_context(**DESKTOP).new_page()
    sign_in(page, "alice@example.com")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("heading", name="Exercise library").wait_for()
    page.get_by_role("link", name="Build an exercise").click()
    page.get_by_label("Title").fill("Coping card")
    page.get_by_label("Category").select_option("affect_emotion")
    page.get_by_role("button", name="Start building").click()
    page.get_by_role("heading", name="Build: Coping card").wait_for()

    page.get_by_label("Summary").fill("A short card to read when things get hard.")
    page.get_by_label("Why this helps").fill("A card in your pocket reminds you what helps.")
    page.get_by_label("Therapist notes").fill("Make it together.\n\n## Evidence\n\nA CBT staple.")
    page.get_by_label("References").fill("Beck, J. S. (2021). Cognitive behavior therapy.")
    page.locator("#f-s0-prompt").fill("What words help you when things get hard?")
    page.get_by_label("Kind of step to add").select_option("suds")
    page.get_by_role("button", name="Add step").click()
    page.get_by_text("Step 2: Distress rating (0-100)").wait_for()
    wait_for_focus(page, "f-s1-id")  # focus follows the new step
    page.locator("#f-s1-prompt").fill("How upset do you feel now?")
    page.get_by_role("button", name="Move up step 2").click()
    page.get_by_text("Step 1: Distress rating (0-100)").wait_for()
    wait_for_focus(page, "s0-down")
    preview = page.locator("#builder-preview")
    preview.get_by_text("What words help you when things get hard?").wait_for()
    preview.get_by_text("How upset do you feel now?").wait_for()
    page.get_by_label("Everyone in my practice").check()
    page.get_by_role("button", name="Publish a new version").click()

    page.get_by_text("Version 1 is published.").wait_for()
    page.get_by_role("link", name="Try it").click()
    page.get_by_role("spinbutton", name=re.compile("How upset do you feel now")).fill("40")
    page.get_by_label("What words help you when things get hard?").fill("This will pass.")
    page.get_by_role("button", name="Check the answers").click()
    page.get_by_role("heading", name=re.compile("pass every check")).wait_for()
    page.get_by_text("40 on a scale from 0 to 100").wait_for()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_library_page_passes_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    from stepwise.homework.actions.submissions import submit_exercise
    from stepwise.library import actions
    from tests.e2e.test_page_sweep import visit_all
    from tests.library.helpers import publish_sink, sink_answers

    ensure_shipped_library()
    world = live_world
    sink = publish_sink(world.alice).current_version
    thought = shipped_version("thought-record")
    copy = actions.copy_exercise(shipped_version("fear-ladder"), world.alice)
    submission = submit_exercise(
        client=world.carl_client,
        version=sink,
        data=sink_answers(),
        mode="in_session",
        submitted_by=world.alice,
    )
    carl = world.carl_client.pk
    therapist = new_context(**device).new_page()
    sign_in(therapist, "alice@example.com")
    visit_all(
        therapist,
        [
            "/library/",
            "/library/?category=exposure&audience=adult&length=medium&q=ladder",
            f"/library/{thought.definition_id}/",
            f"/library/versions/{thought.pk}/try/",
            f"/library/versions/{sink.pk}/try/",
            f"/library/{copy.pk}/edit/",
            "/library/new/",
            "/library/import/",
            "/library/media/",
            f"/clients/{carl}/",
            f"/clients/{carl}/practise/",
            f"/clients/{carl}/practise/{sink.pk}/",
            f"/clients/{carl}/practice/{submission.pk}/",
        ],
    )
    # A form sent back with errors is a page too.
    therapist.goto(f"/clients/{carl}/practise/{sink.pk}/")
    therapist.locator("#save-exercise").click()
    therapist.get_by_role("heading", name="Some answers need a look").wait_for()
    client = new_context(**device).new_page()
    sign_in(client, "carl@example.net")
    visit_all(client, [homework_for_carl(world, sink)])


def test_a_client_orders_a_fear_ladder_with_the_keyboard_on_a_phone(
    live_world: World, new_context: Any
) -> None:
    ensure_shipped_library()
    version = shipped_version("fear-ladder")
    page = new_context(**PHONE).new_page()
    sign_in(page, "carl@example.net")
    page.goto(homework_for_carl(live_world, version))
    type_into(page, "f-step-fear", "Driving")
    type_into(page, "f-step-goal", "Drive to work")
    rows = [("Motorway at rush hour", "90"), ("Quiet road", "20"), ("Town centre", "60")]
    for index, (situation, suds) in enumerate(rows):
        type_into(page, f"f-step-situations-{index}-situation", situation)
        type_into(page, f"f-step-situations-{index}-suds", suds)
    tab_to(page, "f-step-situations-2-notes")
    page.keyboard.press("Tab")  # the row's own buttons follow its fields
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Move up", "Move down", "Remove" of row 3: "Add a situation"
    page.keyboard.press("Enter")
    wait_for_focus(page, "f-step-situations-3-situation")  # the new row's first field
    page.keyboard.type("Car park")
    type_into(page, "f-step-situations-3-suds", "10")

    # Row 2 ("Quiet road") moves up to first place; row 4 ("Car park") is removed.
    tab_to(page, "f-step-situations-1-notes")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Move up row 2"
    expect(page.locator("[data-list-status]")).to_have_text("Row moved to position 1.")
    assert page.locator("#f-step-situations-0-situation").input_value() == "Quiet road"
    assert page.locator("#f-step-situations-1-situation").input_value() == ("Motorway at rush hour")
    tab_to(page, "f-step-situations-3-notes")
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Remove row 4"
    assert page.locator("#f-step-situations-3-situation").count() == 0
    tab_to(page, "save-exercise")
    page.keyboard.press("Enter")

    page.wait_for_url("**/me/well-done/")
    ladder = Submission.objects.get().answers["situations"]
    assert [row["situation"] for row in ladder] == [
        "Quiet road",
        "Motorway at rush hour",
        "Town centre",
    ]
    assert [row["suds"] for row in ladder] == [20, 90, 60]


def test_timers_fill_in_minutes_and_the_slider_follows_the_number(
    live_world: World, new_context: Any
) -> None:
    from tests.library.helpers import publish_sink

    version = publish_sink(live_world.alice).current_version
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")
    page.clock.install()
    page.goto(f"/library/versions/{version.pk}/try/")

    practice = page.locator('[data-step="practice"]')
    practice.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(65_000)
    practice.get_by_role("button", name="Pause the timer").click()
    expect(practice.locator("[data-timer-display]")).to_have_text("8:55")
    expect(page.locator("#f-step-practice")).to_have_value("1.08")  # minutes; 65 s when saved
    expect(practice.locator("[data-timer-status]")).to_have_text("Timer paused at 1:05.")
    extra = page.locator('[data-step="extra"]')
    extra.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(10_000)
    expect(page.locator("#f-step-extra")).to_have_value("0.17")
    expect(extra.locator("[data-timer-display]")).to_have_text("0:10")

    number = page.locator("#f-step-suds_before")
    slider = page.get_by_role("slider", name="Distress before? (slider)")
    number.fill("35")
    expect(slider).to_have_value("35")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(number).to_have_value("36")


def test_the_builder_preview_follows_a_burst_of_changes_without_console_errors(
    live_world: World, new_context: Any
) -> None:
    """Preview requests that overtake each other: the last one wins and nothing logs an error.

    The harness fails the test on any console error, such as htmx's `htmx:sendAbort`, which an
    aborted (replaced) request logs; a busy machine made that happen at random.
    """
    from stepwise.library import actions

    ensure_shipped_library()
    copy = actions.copy_exercise(shipped_version("fear-ladder"), live_world.alice)
    page = new_context(**DESKTOP).new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/library/{copy.pk}/edit/")
    preview = page.locator("#builder-preview")
    preview.locator(".preview-frame").wait_for()
    page.locator("#f-s0-prompt").fill("The words that help me most")
    # Several refreshes at once, as a busy machine delivers them: each starts a request while
    # the one before is still on its way.
    page.evaluate(
        "for (let i = 0; i < 5; i += 1) {"
        " document.body.dispatchEvent(new CustomEvent('builder-refresh')); }"
    )
    preview.get_by_text("The words that help me most").wait_for()
    page.wait_for_load_state("networkidle")
    expect(preview.get_by_text("The words that help me most")).to_be_visible()
