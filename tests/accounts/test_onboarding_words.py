"""From sign-up to first client in Stepwise's own voice: no second password prompt right after
confirming the email, recovery codes with a way on, no security key offered that does not exist,
and none of the sign-in library's own words on a page or in an email."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client as HttpClient

from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import Invitation
from tests.conftest import World, password_login, run_tasks, totp_code

SIGNUP = {
    "name": "Tess Therapist",
    "email": "tess@example.com",
    "password1": "a long and unusual passphrase",
    "practice_name": "Harbour Counselling",
    "time_zone": "Europe/Dublin",
}
# What allauth says in its own voice, which Stepwise replaces everywhere a person can see it.
LIBRARY_WORDS = (
    "Hello from",
    "Sign In",
    "Sign Out",
    "Two-Factor Authentication",
    "two-factor",
    "Confirm Access",
    "reauthenticate",
    "Thank you for using",
    "Bad Token",
    "Verify Your Email Address",
    "Successfully signed in",
)


def _sign_up_and_confirm(client: HttpClient) -> None:
    client.post("/accounts/signup/", SIGNUP)
    run_tasks()
    link = re.search(r"http://\S+?(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link is not None
    response = client.post(link.group(1))
    assert response.status_code == 302


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_new_therapist_sets_up_two_step_sign_in_without_typing_the_password_again(
    db: None, client: HttpClient
) -> None:
    _sign_up_and_confirm(client)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200  # not a redirect to "type your password again"
    secret = response.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    assert 'href="/home/"' in page.content.decode()  # a way on from the codes


def test_the_grace_ends_after_half_an_hour(db: None, client: HttpClient) -> None:
    _sign_up_and_confirm(client)
    session = client.session
    session["stepwise_email_confirmed_at"] -= 31 * 60
    session.save()
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_an_existing_factor_still_needs_the_password_to_change(
    world: World, client: HttpClient
) -> None:
    """The grace is for a first factor only: a session that confirmed an email does not let
    anyone turn off or replace an authenticator that was there before."""
    password_login(client, world.alice.email, world.totp_secrets[world.alice.email])
    session = client.session
    session["stepwise_email_confirmed_at"] = time.time()
    session.save()
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]


def test_the_sign_in_form_has_one_forgotten_password_link_after_the_button(
    db: None, client: HttpClient
) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert html.count("Forgot your password?") == 1
    # Email, Tab, password, Enter must not land on the reset link: it comes after the button.
    assert html.index('type="password"') < html.index('type="submit"')
    assert html.index('type="submit"') < html.index("Forgot your password?")


def test_no_security_key_is_offered_when_none_is_registered(
    world: World, client: HttpClient
) -> None:
    response = client.post(
        "/accounts/login/", {"login": world.alice.email, "password": "correct horse battery staple"}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "security key" not in html.lower()
    assert not Authenticator.objects.filter(
        user=world.alice, type=Authenticator.Type.WEBAUTHN
    ).exists()


def test_the_security_key_step_knows_when_a_key_exists(world: World) -> None:
    from stepwise.accounts.forms import AuthenticateWebAuthnForm

    assert AuthenticateWebAuthnForm(user=world.alice).has_keys is False
    Authenticator.objects.create(
        user=world.alice, type=Authenticator.Type.WEBAUTHN, data={"name": "Key"}
    )
    assert AuthenticateWebAuthnForm(user=world.alice).has_keys is True


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/key/1-bad-key/",
    ],
)
def test_public_account_pages_speak_in_stepwises_voice(
    db: None, client: HttpClient, path: str
) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    for words in LIBRARY_WORDS:
        assert words not in text, (path, words)


def test_a_signed_in_therapists_account_pages_speak_in_stepwises_voice(
    world: World, client: HttpClient
) -> None:
    password_login(client, world.alice.email, world.totp_secrets[world.alice.email])
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
    ):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        text = _visible_text(response.content.decode())
        for words in LIBRARY_WORDS:
            assert words not in text, (path, words)


def test_account_emails_speak_in_stepwises_voice_and_name_no_server(
    db: None, client: HttpClient
) -> None:
    client.post("/accounts/signup/", SIGNUP)
    client.post("/accounts/signup/", {**SIGNUP, "name": "Someone Else"})  # address taken
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    client.post("/accounts/password/reset/", {"email": SIGNUP["email"]})
    run_tasks()
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        for words in LIBRARY_WORDS:
            assert words not in message.subject + message.body, (message.subject, words)
        assert "127.0.0.1" not in message.body.replace("http://127.0.0.1:8000/", "")
        assert message.body.startswith("Hello,")


def test_a_carers_invitation_names_the_therapist_the_practice_and_the_child(
    world: World,
) -> None:
    issued = clinic_actions.invite_caregiver(
        world.mia_client, world.alice, email="parent@example.net", relationship="father"
    )
    context = issued.invitation.email_context(issued.path)
    assert context["inviter"] == "Alice Therapist"
    assert context["practice_name"] == "Riverside"
    assert context["child_name"] == "Mia"


def test_invitation_emails_name_who_invites(world: World, alice_client: HttpClient) -> None:
    response = alice_client.post(
        f"/clients/{world.mia_client.pk}/caregivers/invite/",
        {"email": "parent@example.net", "relationship": "father"},
    )
    assert response.status_code in (200, 302)
    invitation = Invitation.objects.get(email="parent@example.net")
    assert invitation.client == world.mia_client
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Alice Therapist" in message.subject
    assert "Mia" in message.subject
    assert "Alice Therapist at Riverside" in message.body
    assert "help Mia" in message.body


def test_a_wrong_password_is_said_next_to_the_password_and_tied_to_it(
    world: World, client: HttpClient
) -> None:
    response = client.post("/accounts/login/", {"login": world.carl.email, "password": "wrong"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["password"]
    assert not form.non_field_errors()
    html = response.content.decode()
    assert 'aria-describedby="id_password_error"' in html or "id_password_error" in html
    assert "<title>Error: Sign in" in html
