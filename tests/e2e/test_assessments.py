"""A therapist gives the PHQ-9 in session on a phone, by keyboard, and reads the result.

Every page passes the harness's axe-core, CSP and console checks.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stepwise.assessments import actions
from stepwise.assessments.models import AssessmentResponse, InstrumentVersion, PracticeInstrument
from tests.conftest import PASSWORD, World
from tests.e2e.test_page_sweep import DESKTOP, PHONE, live_world, sign_in, visit_all

pytestmark = pytest.mark.browser
__all__ = ["live_world"]

# Total 15 ("Moderately severe"); item 9 answered "Several days" raises an alert.
ANSWERS = [2, 2, 2, 2, 2, 2, 1, 1, 1]
STEPS = len(ANSWERS) + 1  # the unscored difficulty question comes last


def _tab_to(page: Any, name: str) -> None:
    """Press Tab until the button called `name` has the focus, as a keyboard user would."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached the {name!r} button")


def _answer_by_keyboard(page: Any, number: int, value: int) -> None:
    page.locator(f'input[name="item_{number}"]').first.focus()
    page.keyboard.press("Space")
    for _ in range(value):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f'input[name="item_{number}"][value="{value}"]')).to_be_checked()


def _phq9_results(world: World) -> str:
    """The PHQ-9 results page, named by the version's id (no instrument key in URLs)."""
    phq9 = InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest("version")
    return f"/clients/{world.carl_client.pk}/assessments/{phq9.pk}/"


def _start_phq9(page: Any, world: World) -> None:
    page.goto(f"/clients/{world.carl_client.pk}/")
    page.get_by_label("Give a questionnaire in session").select_option("phq9")
    page.get_by_role("button", name="Start in session").click()
    page.wait_for_url("**/in-session/")


def test_therapist_gives_the_phq9_in_session_on_a_phone_and_sees_score_band_and_chart(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")
    _start_phq9(page, world)

    # Handed over: no navigation, one question per screen with a progress indicator.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    progress = page.locator("[data-step-progress]")
    expect(page.locator("[data-missing]:visible")).to_have_count(0)
    expect(page.get_by_role("button", name="Back")).to_be_hidden()
    for number, value in enumerate(ANSWERS, 1):
        expect(progress).to_have_text(f"Question {number} of {STEPS}")
        expect(page.locator("fieldset[data-step]:visible")).to_have_count(1)
        expect(page.get_by_role("button", name="Submit answers")).to_be_hidden()
        if number == 3:
            # Back keeps what was answered.
            _tab_to(page, "Back")
            page.keyboard.press("Enter")
            expect(progress).to_have_text(f"Question 2 of {STEPS}")
            expect(page.locator('input[name="item_2"][value="2"]')).to_be_checked()
            _tab_to(page, "Next")
            page.keyboard.press("Enter")
            expect(progress).to_have_text(f"Question 3 of {STEPS}")
        _answer_by_keyboard(page, number, value)
        _tab_to(page, "Next")
        page.keyboard.press("Enter")
    expect(progress).to_have_text(f"Question {STEPS} of {STEPS}")
    expect(page.get_by_text("If you checked off any problems")).to_be_visible()
    _tab_to(page, "Submit answers")
    page.keyboard.press("Enter")

    page.wait_for_url("**/in-session/done/")
    expect(page.get_by_role("heading", name="If you need help now")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Other pages stay out of reach until the therapist's password is entered.
    page.goto("/clients/")
    page.wait_for_url("**/in-session/done/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and return").click()

    page.wait_for_url(f"**{_phq9_results(world)}")
    expect(page.get_by_role("heading", name="PHQ-9 results for Carl")).to_be_visible()
    expect(page.locator("dd.score")).to_have_text("15")
    expect(page.locator("dd.band")).to_have_text("Moderately severe")
    chart = page.get_by_role("img", name="PHQ-9 total score: 1 result, 15 on")
    expect(chart).to_be_visible()
    expect(page.locator("svg.chart text.band-label", has_text="Moderately severe")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    drafts = "Object.keys(localStorage).filter((k) => k.startsWith('stepwise-draft:')).length"
    assert page.evaluate(drafts) == 0
    stored = AssessmentResponse.objects.get()
    assert (stored.answers, stored.administered_by_id) == (ANSWERS, world.alice.pk)

    # The alert waits on the caseload until acknowledged with a note.
    page.goto("/clients/")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    page.get_by_role("link", name="Carl").first.click()
    page.get_by_label("What did you do?").fill("Risk assessment completed in session.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()


def test_answers_survive_a_reload_and_the_draft_is_kept_on_the_device_only(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")
    _start_phq9(page, world)
    for number in (1, 2):
        _answer_by_keyboard(page, number, 1)
        page.get_by_role("button", name="Next").click()
    page.reload()
    expect(page.locator("[data-step-progress]")).to_have_text(f"Question 3 of {STEPS}")
    page.get_by_role("button", name="Back").click()
    expect(page.locator('input[name="item_2"][value="1"]')).to_be_checked()
    assert "item_" not in page.url
    # Next without an answer says what is missing instead of moving on.
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("[data-missing]:visible")).to_have_text(
        "Please choose an answer to continue."
    )
    expect(page.locator("[data-step-progress]")).to_have_text(f"Question 3 of {STEPS}")


def test_on_a_wide_screen_every_question_is_on_one_page(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    page = new_context(**DESKTOP).new_page()
    sign_in(page, "alice@example.com")
    _start_phq9(page, world)
    expect(page.locator("fieldset[data-step]:visible")).to_have_count(STEPS)
    expect(page.locator("[data-step-progress]")).to_be_hidden()
    expect(page.locator("[data-missing]:visible")).to_have_count(0)
    expect(page.get_by_role("button", name="Next")).to_be_hidden()
    expect(page.get_by_role("button", name="Back")).to_be_hidden()
    for number, value in enumerate(ANSWERS, 1):
        page.locator(f'label[for="id_item_{number}_{value}"]').click()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/in-session/done/")
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Confirm and return").click()
    expect(page.get_by_text("That is not the right password.")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and return").click()
    page.wait_for_url(f"**{_phq9_results(world)}")


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_assessment_page_passes_the_checks(
    live_world: World, new_context: Any, device: dict[str, Any]
) -> None:
    world = live_world
    phq9 = InstrumentVersion.objects.filter(key="phq9").latest("version")
    dass = InstrumentVersion.objects.filter(key="dass21").latest("version")
    gad7 = InstrumentVersion.objects.filter(key="gad7").latest("version")
    for answers in ([3, 3, 2, 2, 2, 2, 1, 1, 0], [2, 2, 1, 1, 1, 1, 1, 0, 0], [1] * 8 + [0]):
        actions.submit_assessment(client=world.carl_client, instrument=phq9, answers=answers)
    actions.submit_assessment(client=world.carl_client, instrument=dass, answers=[1] * 21)
    actions.submit_assessment(
        client=world.dana_client, instrument=phq9, answers=[0, 0, 0, 0, 0, 0, 0, 0, 2]
    )
    from django.utils import timezone

    from stepwise.assessments.actions.escalation import claim_escalation
    from stepwise.assessments.models import Alert
    from stepwise.clinic.models import Practice

    claim_escalation(Alert.objects.get(client=world.dana_client), timezone.now())  # for admins
    Practice.objects.filter(pk=world.practice.pk).update(country="GB")  # the lines' links
    admin = new_context(**device).new_page()
    sign_in(admin, "ada@example.com")
    visit_all(
        admin,
        [
            "/practice/instruments/",
            "/practice/instruments/import/",
            "/practice/assessments/",
            "/practice/alerts/",
            "/dashboard/",
        ],
    )
    admin.goto("/practice/instruments/import/")
    admin.get_by_role("button", name="Import").click()  # a form sent back with errors
    admin.get_by_text("Choose the instrument file to import.").wait_for()

    page = new_context(**device).new_page()
    sign_in(page, "alice@example.com")
    visit_all(
        page,
        [
            "/clients/",
            f"/clients/{world.carl_client.pk}/",
            f"/clients/{world.dana_client.pk}/",
            f"/clients/{world.carl_client.pk}/assessments/",
            f"/clients/{world.carl_client.pk}/assessments/{phq9.pk}/",
            f"/clients/{world.carl_client.pk}/assessments/{dass.pk}/",
            f"/clients/{world.carl_client.pk}/assessments/{gad7.pk}/",
            "/practice/instruments/",
        ],
    )
    _start_phq9(page, world)
    page.get_by_role("button", name="Submit answers" if device is DESKTOP else "Next").click()
    page.goto(f"/clients/{world.carl_client.pk}/")  # blocked: back to the questionnaire
    page.wait_for_url("**/in-session/")
    page.locator("summary").click()
    page.get_by_label("Your password").fill("wrong")
    page.get_by_role("button", name="End in-session mode").click()
    page.get_by_text("That is not the right password.").wait_for()


def test_the_asq_asks_question_5_only_after_a_positive_screen_on_a_phone(
    live_world: World, new_context: Any
) -> None:
    world = live_world
    PracticeInstrument.objects.create(
        practice=world.practice,
        key="asq",
        enabled=True,
        licence_confirmed_by=world.ada,
        licence_confirmed_at=timezone.now(),
    )
    page = new_context(**PHONE).new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/clients/{world.carl_client.pk}/")
    page.get_by_label("Give a questionnaire in session").select_option("asq")
    page.get_by_role("button", name="Start in session").click()
    page.wait_for_url("**/in-session/")

    # First stage: the four screening questions, and no question 5.
    progress = page.locator("[data-step-progress]")
    expect(progress).to_have_text("Question 1 of 4")
    expect(page.locator('input[name="item_5"]')).to_have_count(0)
    for number, value in ((1, "0"), (2, "1"), (3, "0"), (4, "0")):
        page.locator(f'input[name="item_{number}"][value="{value}"]').check()
        if number < 4:
            page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Submit answers").click()

    # Positive: the form comes back on question 5, with the answers kept.
    expect(page.get_by_text("The screen is positive: ask question 5 now").first).to_be_visible()
    expect(progress).to_have_text("Question 5 of 5")
    expect(page.locator("fieldset[data-step]:visible legend")).to_contain_text("right now?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator('input[name="item_5"][value="0"]').check()
    page.get_by_role("button", name="Submit answers").click()

    page.wait_for_url("**/in-session/done/")
    expect(page.get_by_text("Result: Non-acute positive screen (potential risk)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    stored = AssessmentResponse.objects.get()
    assert (stored.answers, stored.not_asked) == ([0, 1, 0, 0, 0], [])


def test_the_import_page_explains_scoring_rules_on_a_phone(
    live_world: World, new_context: Any
) -> None:
    page = new_context(**PHONE).new_page()
    sign_in(page, "ada@example.com")
    page.goto("/practice/instruments/import/")
    page.get_by_text("How the file says it is scored").click()
    expect(page.get_by_text("A sum is never prorated.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
