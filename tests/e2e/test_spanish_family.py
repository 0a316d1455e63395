"""A family in two languages, in real browsers: a parent who reads Spanish, her child and the
therapist in English.

The therapist invites the parent in Spanish; the parent accepts on a phone whose browser asks for
English (the invitation's language wins), does a parent-child activity in Spanish, opens the
PSC-17 (no official Spanish translation is shipped: she is told so in Spanish and reads it in
English), and is reminded in Spanish. The child does her own exercise in English. The therapist
reviews both in English and reads the parent's answers in the Spanish she saw, with the English
beside it.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from stepwise.accounts.models import User
from stepwise.assessments.models import AssessmentResponse
from stepwise.clinic import actions
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignee, Completion, ItemKind, Submission, today_for
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders.models import Reminder
from tests.conftest import PASSWORD, World, make_user, run_tasks
from tests.e2e.test_page_sweep import sign_in
from tests.factories import assign_exercise
from tests.fakes.smtp import SmtpSink
from tests.reminders.conftest import run_worker

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PSC17_ITEMS = 17


def smtp_sink_wait(sink: SmtpSink, to: str) -> Any:
    """The email sent to `to` (the task worker sends it)."""
    run_tasks()
    found = [m for m in sink.messages if m["To"] == to]
    assert found, [m["To"] for m in sink.messages]
    return found[-1]


def es(english: str) -> str:
    """What Spanish readers see for an English message of the catalogues."""
    with translation.override("es"):
        spanish = gettext(english)
    assert spanish != english, f"no Spanish for {english!r}"
    return spanish


def test_a_spanish_speaking_parent_an_english_child_and_their_therapist(
    live_world: World, new_context: Any, smtp_sink: SmtpSink
) -> None:
    world = live_world
    mia = world.mia_client
    assert mia.language == "en"
    praise = assign_exercise(
        mia, world.alice, slug="labelled-praise-tracker", assignee=Assignee.CAREGIVER
    )
    assigning.assign(
        client=mia,
        by=world.alice,
        item=assigning.ItemChoice(
            kind=ItemKind.ASSESSMENT, instrument_key="psc17", title="PSC-17", estimated_minutes=5
        ),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, today_for(mia)),
        reminder_time=time(18, 0),
        assignee=Assignee.CAREGIVER,
    )
    thermometer = assign_exercise(mia, world.alice, slug="feelings-thermometer")

    # The therapist (English) invites the parent, choosing Spanish for her; the email is Spanish.
    therapist = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(therapist, "alice@example.com")
    therapist.goto(f"/clients/{mia.pk}/caregivers/invite/")
    therapist.get_by_label("Parent or carer's email").fill("pilar@example.net")
    therapist.get_by_label("Their language").select_option("es")
    therapist.get_by_role("button", name=re.compile("invitation", re.I)).first.click()
    invitation = smtp_sink_wait(smtp_sink, "pilar@example.net")
    assert invitation["Content-Language"] == "es"
    link = re.search(r"https?://\S+(/invite/\S+/)", smtp_sink.text_of(invitation))
    assert link is not None

    # She opens it on a phone whose browser asks for English: the page is in Spanish.
    parent = new_context(locale="en-GB", **PHONE).new_page()
    parent.goto(link.group(1))
    assert parent.evaluate("document.documentElement.lang") == "es"
    expect(parent.get_by_role("heading", name=es("Welcome to Stepwise"))).to_be_visible()
    parent.locator('input[name="name"]').fill("Pilar")
    parent.locator('input[name="email"]').fill("pilar@example.net")
    parent.locator('input[name="sign_in"][value="password"]').check()
    parent.locator('input[name="password"]').fill(PASSWORD)
    parent.locator('input[name="time_zone"]').fill("Europe/London")
    parent.get_by_role("button", name=es("Create my account")).click()
    parent.wait_for_url("**/me/")
    assert User.objects.get(email="pilar@example.net").language == "es"
    expect(parent.get_by_role("heading", name=re.compile("Mia"))).to_be_visible()

    # The parent-child activity, in Spanish.
    parent.get_by_role("link", name=re.compile("Registro de elogios específicos")).click()
    expect(parent.get_by_text("Comparado con un día normal, ¿cuánto elogió hoy?")).to_be_visible()
    parent.locator('input[name="step-compared"][value="1"]').check()
    parent.get_by_role("button", name=es("Save my answers")).click()
    parent.wait_for_url("**/me/well-done/")
    handed_in = Submission.objects.get(
        client=mia, exercise_version__definition__slug="labelled-praise-tracker"
    )
    assert handed_in.language == "es"

    # The PSC-17 has no official Spanish: she is told so in Spanish, and reads it in English.
    parent.goto("/me/")
    parent.get_by_role("link", name=re.compile("PSC-17")).click()
    notice = es(
        "This questionnaire is only available in English: there is no official translation of "
        "it in your language yet. If you would like help with it, please ask your therapist."
    )
    expect(parent.get_by_text(notice)).to_be_visible()
    expect(parent.locator('[lang="en"]').first).to_be_visible()
    for number in range(1, PSC17_ITEMS + 1):
        parent.locator(f'input[name="item_{number}"][value="0"]').check()
        next_button = parent.get_by_role("button", name=es("Next"))
        if next_button.count() and next_button.first.is_visible():
            next_button.first.click()
    parent.get_by_role("button", name=es("Submit answers")).click()
    parent.wait_for_url("**/me/well-done/")
    answered = AssessmentResponse.objects.get(client=mia, instrument__key="psc17")
    assert answered.language == "en"

    # Tomorrow's reminder for her reaches her in Spanish.
    reminders = Reminder.objects.filter(
        occurrence__assignment=praise,
        recipient__email="pilar@example.net",
        occurrence__completion__isnull=True,  # today's is done: tomorrow's
        state="pending",
        kind="due",
        channel="email",
    )
    first = reminders.order_by("send_at").first()
    assert first is not None
    smtp_sink.messages.clear()
    with time_machine.travel(first.send_at + timedelta(minutes=1), tick=False):
        tally = run_worker()
    to_parent = [m for m in smtp_sink.messages if m["To"] == "pilar@example.net"]
    assert to_parent, tally
    assert to_parent[0]["Content-Language"] == "es"
    assert to_parent[0]["Subject"] == es("A reminder from Stepwise")

    # The child, in English, does her own exercise.
    child_user = make_user("mia@example.net", "Mia")
    actions.accept_invitation(actions.invite_client(mia, world.alice).invitation, child_user)
    child = new_context(**PHONE).new_page()
    sign_in(child, "mia@example.net")
    child.goto("/me/")
    assert child.evaluate("document.documentElement.lang") == "en"
    child.get_by_role("link", name=re.compile("My feelings thermometer")).click()
    child.locator('input[name="step-feeling"]').first.check()
    child.locator('input[name="step-temperature_before"][value="7"]').check()
    child.locator('input[name="step-body_clues"]').first.check()
    child.locator('input[name="step-cool_down"]').first.check()
    child.locator('input[name="step-temperature_after"][value="3"]').check()
    child.get_by_role("button", name="Save my answers").click()
    child.wait_for_url("**/me/well-done/")

    # The therapist reviews both in English: the parent's answers in the Spanish she read, with
    # the English beside it; the child's in English.
    parents = Completion.objects.get(assignment=praise)
    therapist.goto(f"/review/{parents.pk}/")
    assert therapist.evaluate("document.documentElement.lang") == "en"
    expect(
        therapist.locator('[lang="es"]', has_text="Comparado con un día normal").first
    ).to_be_visible()
    expect(
        therapist.locator('[lang="en"]', has_text="Compared with a usual day").first
    ).to_be_visible()
    childs = Completion.objects.get(assignment=thermometer)
    therapist.goto(f"/review/{childs.pk}/")
    expect(therapist.get_by_text("How hot was the feeling?")).to_be_visible()
    assert therapist.locator('[lang="es"]').count() == 0
