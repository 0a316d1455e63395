"""A therapist signs up, verifies their email, adds a client, and the client joins by invitation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import run_tasks, totp_code
from tests.fakes.smtp import SmtpSink

pytestmark = pytest.mark.browser


def test_therapist_signs_up_adds_a_client_and_the_client_lands_on_their_home(
    new_context: Any, smtp_sink: SmtpSink
) -> None:
    therapist = new_context().new_page()
    therapist.goto("/accounts/signup/")
    therapist.get_by_label("Your name").fill("Tess Therapist")
    therapist.get_by_label("Email").fill("tess@example.com")
    therapist.get_by_label("Password").fill("a long and unusual passphrase")
    therapist.get_by_label("Practice name").fill("Harbour Counselling")
    therapist.get_by_label("Your time zone").fill("Europe/Dublin")
    therapist.get_by_role("button", name="Create account").click()
    therapist.wait_for_url("**/accounts/confirm-email/")

    run_tasks()  # the task worker sends the email
    assert len(smtp_sink.messages) == 1
    body = smtp_sink.text_of(smtp_sink.messages[0])
    confirm = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", body)
    assert confirm is not None
    therapist.goto(confirm.group(1))
    therapist.get_by_role("button", name="Confirm").click()

    # No client data before a second factor: the therapist sets up an authenticator app
    # straight away; having just confirmed the email, they are not asked for the password.
    therapist.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = therapist.locator("#authenticator_secret").input_value()
    therapist.get_by_label("Authenticator code").fill(totp_code(secret))
    therapist.get_by_role("button", name="Turn on two-step sign-in").click()
    therapist.wait_for_url("**/accounts/2fa/recovery-codes/")
    therapist.get_by_role("link", name="I have saved them: continue").click()
    # The empty dashboard says where to start.
    therapist.get_by_role("heading", name="Getting started").wait_for()
    therapist.get_by_role("link", name="Add your first client").click()
    therapist.get_by_label("Name shown in Stepwise").fill("Robin")
    therapist.get_by_label("Client's time zone").fill("Europe/Dublin")
    therapist.get_by_role("button", name="Add client").click()
    therapist.get_by_role("heading", name="Robin").wait_for()
    therapist.get_by_role("button", name="Make an invitation link").click()
    therapist.get_by_role("heading", name="Invitation ready").wait_for()
    invitation_path = therapist.locator("#invitation-url").get_attribute("href")
    assert invitation_path
    assert invitation_path.startswith("/invite/")

    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    client = phone.new_page()
    client.goto(invitation_path)
    client.get_by_label("Your name").fill("Robin")
    client.get_by_label("Email address").fill("robin@example.net")
    client.get_by_label("Email me a sign-in link each time").check()
    client.get_by_label("Your time zone").fill("Europe/Dublin")
    client.get_by_role("button", name="Create my account").click()
    client.wait_for_url("**/me/")
    client.get_by_role("heading", name="Hello, Robin").wait_for()
    assert client.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_sign_up_form_proposes_the_browsers_own_time_zone(
    new_context: Any, smtp_sink: SmtpSink
) -> None:
    """The field is filled from the browser's Intl zone, and the account is made in it."""
    from stepwise.accounts.models import User

    page = new_context(timezone_id="America/Chicago").new_page()
    page.goto("/accounts/signup/")
    assert page.get_by_label("Your time zone").input_value() == "America/Chicago"
    page.get_by_label("Your name").fill("Tess Therapist")
    page.get_by_label("Email").fill("tess@example.com")
    page.get_by_label("Password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert User.objects.get(email="tess@example.com").time_zone == "America/Chicago"
