"""Invitation links: single-use, expiring, revocable, shown as link and QR code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Invitation, Membership
from tests.conftest import World

ACCEPT = {
    "name": "Mia",
    "email": "mia@example.net",
    "sign_in": "link",
    "password": "",
    "time_zone": "Europe/London",
}


def _invite_path(html: str) -> str:
    found = re.search(r'href="(/invite/[\w-]+/)"', html)
    assert found is not None
    return found.group(1)


def test_an_invitation_is_shown_once_as_a_link_and_a_qr_code(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(f"/clients/{world.mia_client.pk}/invite/")
    html = response.content.decode()
    path = _invite_path(html)
    assert 'src="data:image/svg+xml' in html
    invitation = Invitation.objects.get(client=world.mia_client)
    token = path.split("/")[2]
    assert token not in invitation.token_hash  # only the digest is stored
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_a_client_accepts_and_lands_on_their_home(world: World, alice_client: HttpClient) -> None:
    path = _invite_path(
        alice_client.post(f"/clients/{world.mia_client.pk}/invite/").content.decode()
    )
    visitor = HttpClient()
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, ACCEPT)
    assert response["Location"] == "/home/"
    assert visitor.get("/home/")["Location"] == "/me/"
    assert "Hello, Mia" in visitor.get("/me/").content.decode()
    world.mia_client.refresh_from_db()
    assert world.mia_client.user == User.objects.get(email="mia@example.net")
    assert not world.mia_client.user.has_usable_password()


def test_a_client_may_choose_a_password_instead_of_links(world: World) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    visitor = HttpClient()
    visitor.post(
        issued.path, {**ACCEPT, "sign_in": "password", "password": "a very good passphrase"}
    )
    assert User.objects.get(email="mia@example.net").check_password("a very good passphrase")


def test_choosing_a_password_without_typing_one_keeps_the_rest(world: World) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    response = HttpClient().post(issued.path, {**ACCEPT, "sign_in": "password"})
    html = response.content.decode()
    assert "Choose a password, or pick sign-in links instead." in html
    assert 'value="mia@example.net"' in html
    assert not User.objects.filter(email="mia@example.net").exists()


def test_an_invitation_works_only_once(world: World) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    HttpClient().post(issued.path, ACCEPT)
    second = HttpClient()
    response = second.get(issued.path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert second.post(issued.path, {**ACCEPT, "email": "x@example.net"}).status_code == 410


def test_an_expired_invitation_says_so(world: World) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = HttpClient().get(issued.path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_revoked_invitation_stops_working(world: World, alice_client: HttpClient) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    alice_client.post(f"/invitations/{issued.invitation.pk}/revoke/")
    response = HttpClient().get(issued.path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_an_unknown_link_is_not_found(db: None, client: HttpClient) -> None:
    assert client.get("/invite/not-a-real-token/").status_code == 404


def test_inviting_a_client_twice_asks_to_revoke_the_first(
    world: World, alice_client: HttpClient
) -> None:
    alice_client.post(f"/clients/{world.mia_client.pk}/invite/")
    response = alice_client.post(f"/clients/{world.mia_client.pk}/invite/", follow=True)
    assert "already has an open invitation" in response.content.decode()
    assert Invitation.objects.filter(client=world.mia_client).count() == 1


def test_a_client_with_an_account_cannot_be_invited_again(world: World) -> None:
    with pytest.raises(actions.ActionError, match="already has an account"):
        actions.invite_client(world.carl_client, world.alice)


def test_accepting_with_an_email_that_has_an_account_is_refused_with_a_reason(world: World) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    response = HttpClient().post(issued.path, {**ACCEPT, "email": "carl@example.net"})
    assert "An account with this email already exists" in response.content.decode()


def test_the_invitation_email_names_who_invites_and_nothing_clinical(
    world: World, alice_client: HttpClient
) -> None:
    Invitation.objects.all().delete()
    world.mia_client.email = "mia@example.net"
    world.mia_client.save()
    alice_client.post(f"/clients/{world.mia_client.pk}/invite/", {"send_email": "1"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mia@example.net"]
    assert "/invite/" in message.body
    # Who invites and from where, so the email is not taken for phishing (issue 19)...
    assert "Alice Therapist" in message.subject
    assert "Alice Therapist at Riverside" in message.body
    # ...and nothing clinical: not the client's name, homework, diagnoses or scores.
    for word in ("Mia", "exercise", "anxiety", "depress", "score", "PHQ"):
        assert word not in message.subject + message.body


def test_a_parent_is_invited_and_linked_to_the_child(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(
        f"/clients/{world.mia_client.pk}/caregivers/invite/",
        {"email": "Dad@Example.net", "relationship": "father"},
    )
    path = _invite_path(response.content.decode())
    assert mail.outbox[0].to == ["dad@example.net"]
    parent = HttpClient()
    parent.post(path, {**ACCEPT, "name": "Dad", "email": "dad@example.net"})
    link = CaregiverLink.objects.get(caregiver__email="dad@example.net")
    assert (link.client, link.relationship) == (world.mia_client, "father")
    assert "Mia" in parent.get("/me/").content.decode()


def test_a_signed_in_parent_links_a_second_child(world: World, login_as: object) -> None:
    issued = actions.invite_caregiver(
        world.carl_client, world.alice, email="gina@example.net", relationship=""
    )
    browser = login_as(world.gina)  # type: ignore[operator]
    assert "Link to my account" in browser.get(issued.path).content.decode()
    browser.post(issued.path)
    assert set(
        CaregiverLink.objects.filter(caregiver=world.gina).values_list(
            "client__display_name", flat=True
        )
    ) == {
        "Mia",
        "Carl",
    }


def test_a_signed_in_therapist_cannot_accept_a_client_invitation(
    world: World, alice_client: HttpClient
) -> None:
    issued = actions.invite_client(world.mia_client, world.alice)
    html = alice_client.get(issued.path).content.decode()
    assert "Sign out, then open the link again" in html
    alice_client.post(issued.path)
    world.mia_client.refresh_from_db()
    assert world.mia_client.user is None


def test_unlinking_a_parent_takes_effect_on_their_next_request(
    world: World, alice_client: HttpClient, login_as: object
) -> None:
    parent = HttpClient()
    parent.force_login(world.gina, backend="django.contrib.auth.backends.ModelBackend")
    assert parent.get("/me/").status_code == 200
    link = CaregiverLink.objects.get(caregiver=world.gina)
    alice_client.post(f"/clients/{world.mia_client.pk}/caregivers/{link.pk}/remove/")
    assert parent.get("/me/").status_code == 404


def test_an_admin_invites_a_therapist_who_joins_the_practice(
    world: World, login_as: object
) -> None:
    admin = login_as(world.ada)  # type: ignore[operator]
    admin.post("/practice/invite/", {"email": "newbie@example.com", "role": "therapist"})
    path = re.search(r"/invite/[\w-]+/", mail.outbox[0].body)
    assert path is not None
    newcomer = HttpClient()
    html = newcomer.get(path.group(0)).content.decode()
    assert "How do you want to sign in?" not in html  # staff always use a password
    newcomer.post(
        path.group(0),
        {
            "name": "Newbie",
            "email": "ignored@example.com",
            "password": "a long staff passphrase",
            "time_zone": "UTC",
        },
    )
    membership = Membership.objects.get(user__email="newbie@example.com")
    assert (membership.practice, membership.role) == (world.practice, "therapist")
    assert newcomer.get("/home/")["Location"] == "/accounts/2fa/totp/activate/"


def test_an_invited_colleague_who_gives_no_zone_starts_in_the_practices(
    world: World, login_as: object
) -> None:
    world.practice.time_zone = "America/Chicago"
    world.practice.save(update_fields=["time_zone"])
    admin = login_as(world.ada)  # type: ignore[operator]
    admin.post("/practice/invite/", {"email": "newbie@example.com", "role": "therapist"})
    path = re.search(r"/invite/[\w-]+/", mail.outbox[0].body)
    assert path is not None
    newcomer = HttpClient()
    html = newcomer.get(path.group(0)).content.decode()
    assert "Leave empty for America/Chicago" in html
    newcomer.post(
        path.group(0),
        {"name": "Newbie", "password": "a long staff passphrase", "time_zone": ""},
    )
    assert User.objects.get(email="newbie@example.com").time_zone == "America/Chicago"


def test_a_client_accepting_an_invitation_is_offered_the_zone_on_their_record(
    world: World, login_as: object
) -> None:
    world.mia_client.time_zone = "Asia/Kolkata"
    world.mia_client.save(update_fields=["time_zone"])
    issued = actions.invite_client(world.mia_client, world.alice)
    html = HttpClient().get(issued.path).content.decode()
    assert re.search(r'name="time_zone" value="Asia/Kolkata"', html)


def test_inviting_someone_who_already_works_somewhere_is_refused(
    world: World, login_as: object
) -> None:
    admin = login_as(world.ada)  # type: ignore[operator]
    response = admin.post("/practice/invite/", {"email": "olga@example.org", "role": "therapist"})
    assert response.status_code == 400
    assert "already belongs to a practice" in response.content.decode()


def test_an_admin_changes_roles_but_never_removes_the_last_admin(
    world: World, login_as: object
) -> None:
    admin = login_as(world.ada)  # type: ignore[operator]
    alice_membership = Membership.objects.get(user=world.alice)
    admin.post(f"/practice/members/{alice_membership.pk}/role/", {"role": "admin"})
    alice_membership.refresh_from_db()
    assert alice_membership.role == "admin"
    ada_membership = Membership.objects.get(user=world.ada)
    admin.post(f"/practice/members/{ada_membership.pk}/role/", {"role": "therapist"})
    ada_membership.refresh_from_db()
    assert ada_membership.role == "therapist"
    with pytest.raises(actions.ActionError, match="at least one admin"):
        actions.set_member_role(Membership.objects.get(user=world.alice), "therapist")
