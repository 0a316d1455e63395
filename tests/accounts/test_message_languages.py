"""Every email is written in its recipient's language, whoever triggered it: invitations (in the
invitation's language, which the accept page and the new account then speak), sign-in links,
allauth's account emails and the attention-needed emails to staff."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic.models import Client, Invitation
from stepwise.lib.emails import send_templated_email
from tests.assessments.support import PHQ9_CRITICAL, immediate_tasks, submit
from tests.conftest import World, password_login, run_tasks
from tests.languages import read_in

__all__ = ["immediate_tasks"]

# Friday 20 March 2026: an invitation made now works until Friday 27 March.
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def invite_parent(therapist: HttpClient, world: World, language: str) -> None:
    response = therapist.post(
        f"/clients/{world.mia_client.pk}/caregivers/invite/",
        {"email": "papa@example.net", "relationship": "father", "language": language},
    )
    assert response.status_code == 200, response


# Invitations ------------------------------------------------------------------------------------


def test_an_english_therapist_invites_a_spanish_parent_in_spanish(
    world: World, alice_client: HttpClient
) -> None:
    assert world.alice.language == world.mia_client.language == "en"
    form = alice_client.get(f"/clients/{world.mia_client.pk}/caregivers/invite/").content
    assert b'name="language"' in form
    with time_machine.travel(NOW, tick=False):
        invite_parent(alice_client, world, "es")
    invitation = Invitation.objects.get(email="papa@example.net")
    assert invitation.language == "es"
    message = mail.outbox[-1]
    assert message.to == ["papa@example.net"]
    assert message.extra_headers["Content-Language"] == "es"
    assert "vie 27 mar 2026" in message.body  # the link's end, dated in Spanish
    assert "Fri 27" not in message.body


def test_an_english_invitation_stays_english(world: World, alice_client: HttpClient) -> None:
    with time_machine.travel(NOW, tick=False):
        invite_parent(alice_client, world, "en")
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == "en"
    assert "Fri 27 Mar 2026" in message.body


def test_the_invitation_page_and_the_new_account_speak_the_invitations_language(
    world: World, alice_client: HttpClient
) -> None:
    invite_parent(alice_client, world, "es")
    path = re.search(r"/invite/[\w-]+/", str(mail.outbox[-1].body))
    assert path is not None
    parent = HttpClient(HTTP_ACCEPT_LANGUAGE="en-US,en")  # an English phone
    response = parent.get(path.group(0))
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()
    response = parent.post(
        path.group(0),
        {"name": "Papá", "email": "papa@example.net", "sign_in": "link", "time_zone": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(email="papa@example.net").language == "es"
    response = parent.get("/accounts/settings/")
    assert response["Content-Language"] == "es"


def test_the_switcher_on_the_invitation_page_beats_the_invitations_language(
    world: World, alice_client: HttpClient
) -> None:
    invite_parent(alice_client, world, "es")
    path = re.search(r"/invite/[\w-]+/", str(mail.outbox[-1].body))
    assert path is not None
    parent = HttpClient()
    parent.post("/i18n/setlang/", {"language": "en", "next": path.group(0)})
    assert parent.get(path.group(0))["Content-Language"] == "en"
    parent.post(
        path.group(0),
        {"name": "Dad", "email": "papa@example.net", "sign_in": "link", "time_zone": ""},
    )
    assert User.objects.get(email="papa@example.net").language == "en"


def test_a_client_invitation_carries_the_language_set_on_the_record(
    world: World, alice_client: HttpClient
) -> None:
    Client.objects.filter(pk=world.mia_client.pk).update(language="es", email="mia@example.net")
    alice_client.post(f"/clients/{world.mia_client.pk}/invite/", {"send_email": "1"})
    invitation = Invitation.objects.get(client=world.mia_client, kind="client")
    assert invitation.language == "es"
    assert mail.outbox[-1].extra_headers["Content-Language"] == "es"


def test_a_colleague_is_invited_in_the_language_the_admin_chose(world: World) -> None:
    admin = password_login(HttpClient(), "ada@example.com", world.totp_secrets["ada@example.com"])
    response = admin.post(
        "/practice/invite/",
        {"email": "colega@example.com", "role": "therapist", "language": "es"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="colega@example.com").language == "es"
    assert mail.outbox[-1].extra_headers["Content-Language"] == "es"


# Sign-in links and account emails ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_sign_in_link_is_in_the_account_holders_language(
    world: World, client: HttpClient, language: str
) -> None:
    read_in(language, None, world.carl)
    other = "es" if language == "en" else "en"
    client.post("/accounts/link/", {"email": "carl@example.net"}, HTTP_ACCEPT_LANGUAGE=other)
    run_tasks()
    assert mail.outbox[-1].extra_headers["Content-Language"] == language


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_password_reset_is_in_the_account_holders_language(
    world: World, client: HttpClient, language: str
) -> None:
    read_in(language, None, world.carl)
    other = "es" if language == "en" else "en"
    client.post(
        "/accounts/password/reset/", {"email": "carl@example.net"}, HTTP_ACCEPT_LANGUAGE=other
    )
    run_tasks()
    message = mail.outbox[-1]
    assert message.to == ["carl@example.net"]
    assert message.extra_headers["Content-Language"] == language


def test_an_address_without_an_account_is_answered_in_the_language_of_the_form(
    db: None, client: HttpClient
) -> None:
    client.post(
        "/accounts/password/reset/", {"email": "nadie@example.net"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    run_tasks()
    assert mail.outbox[-1].extra_headers["Content-Language"] == "es"


# Emails to staff --------------------------------------------------------------------------------


@pytest.mark.usefixtures("immediate_tasks")
def test_the_attention_email_is_in_each_staff_members_language(world: World) -> None:
    read_in("es", None, world.alice)
    submit(world.carl_client, "phq9", PHQ9_CRITICAL)
    told = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
    assert told == {"alice@example.com": "es"}


def test_an_email_to_an_address_without_an_account_and_no_language_given_is_in_english(
    db: None,
) -> None:
    send_templated_email("magic_link", "someone@example.net", {"path": "/x/"}, time_zone="UTC")
    assert mail.outbox[-1].extra_headers["Content-Language"] == "en"


def test_a_therapist_signing_up_from_a_spanish_page_gets_a_spanish_account_and_email(
    db: None, client: HttpClient
) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Tere Terapeuta",
            "email": "tere@example.com",
            "password1": "a long and unusual passphrase",
            "practice_name": "Consulta Tere",
            "time_zone": "America/Chicago",
        },
        HTTP_ACCEPT_LANGUAGE="es-MX,es",
    )
    assert response.status_code == 302
    assert User.objects.get(email="tere@example.com").language == "es"
    run_tasks()
    message = mail.outbox[-1]
    assert message.to == ["tere@example.com"]
    assert message.extra_headers["Content-Language"] == "es"


def test_a_client_who_switched_the_invitation_page_to_english_reads_english_everywhere(
    world: World, alice_client: HttpClient
) -> None:
    Client.objects.filter(pk=world.mia_client.pk).update(language="es")
    created = alice_client.post(f"/clients/{world.mia_client.pk}/invite/").content.decode()
    assert Invitation.objects.get(client=world.mia_client, kind="client").language == "es"
    path = re.search(r"/invite/[\w-]+/", created)
    assert path is not None
    phone = HttpClient()
    assert phone.get(path.group(0))["Content-Language"] == "es"
    phone.post("/i18n/setlang/", {"language": "en", "next": path.group(0)})
    response = phone.post(
        path.group(0),
        {"name": "Mia", "email": "mia@example.net", "sign_in": "link", "time_zone": ""},
    )
    assert response.status_code == 302
    world.mia_client.refresh_from_db()
    assert world.mia_client.user is not None
    # One setting: the record follows the language the person chose while signing up.
    assert (world.mia_client.user.language, world.mia_client.language) == ("en", "en")


def test_an_expired_invitation_says_so_in_its_language(
    world: World, alice_client: HttpClient
) -> None:
    invite_parent(alice_client, world, "es")
    path = re.search(r"/invite/[\w-]+/", str(mail.outbox[-1].body))
    assert path is not None
    Invitation.objects.filter(email="papa@example.net").update(expires_at=NOW)
    response = HttpClient().get(path.group(0), headers={"accept-language": "en"})
    assert response.status_code == 410
    assert response["Content-Language"] == "es"
