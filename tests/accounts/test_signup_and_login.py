"""Therapist sign-up, email verification, login throttling and password hashing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.clinic.models import Membership, Role
from tests.conftest import PASSWORD, World, password_login, run_tasks

SIGNUP = {
    "name": "Tess Therapist",
    "email": "tess@example.com",
    "password1": "a long and unusual passphrase",
    "practice_name": "Harbour Counselling",
    "time_zone": "Europe/Dublin",
}


def test_signup_creates_a_solo_practice_with_the_therapist_as_admin(
    db: None, client: HttpClient
) -> None:
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="tess@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.ADMIN
    assert membership.practice.name == "Harbour Counselling"
    assert user.time_zone == "Europe/Dublin"
    assert user.name == "Tess Therapist"


def test_the_signup_page_leaves_the_time_zone_for_the_browser_to_propose(
    db: None, client: HttpClient
) -> None:
    """The field is empty so stepwise.js can fill in the device's zone (Intl); it is marked for
    that script and offers the list of zones."""
    html = client.get("/accounts/signup/").content.decode()
    field = re.search(r"<input[^>]*name=\"time_zone\"[^>]*>", html)
    assert field is not None
    assert "data-detect-tz" in field.group(0)
    assert "value=" not in field.group(0)
    assert '<datalist id="time-zones">' in html


def test_signup_proposed_zone_becomes_the_therapists_and_the_new_practices(
    db: None, client: HttpClient
) -> None:
    client.post("/accounts/signup/", {**SIGNUP, "time_zone": "America/Chicago"})
    user = User.objects.get(email="tess@example.com")
    assert user.time_zone == "America/Chicago"
    assert Membership.objects.get(user=user).practice.time_zone == "America/Chicago"


def test_signup_without_a_script_and_without_a_zone_starts_in_utc(
    db: None, client: HttpClient
) -> None:
    response = client.post("/accounts/signup/", {**SIGNUP, "time_zone": ""})
    assert response.status_code == 302
    user = User.objects.get(email="tess@example.com")
    assert user.time_zone == "UTC"
    assert Membership.objects.get(user=user).practice.time_zone == "UTC"


def test_signup_sends_a_verification_email_and_login_waits_for_it(
    db: None, client: HttpClient
) -> None:
    client.post("/accounts/signup/", SIGNUP)
    run_tasks()
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", str(mail.outbox[0].body))
    assert link is not None
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "tess@example.com", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]

    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    response = client.post(
        "/accounts/login/", {"login": "tess@example.com", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    # Signed in, but no client data until a second factor is set up.
    assert client.get("/home/")["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/settings/").status_code == 200


def test_signup_with_an_empty_practice_name_uses_the_therapists_name(
    db: None, client: HttpClient
) -> None:
    client.post("/accounts/signup/", {**SIGNUP, "practice_name": ""})
    assert Membership.objects.get().practice.name == "Tess Therapist's practice"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("time_zone", "Mars/Olympus_Mons", "is not a time zone we know"),
        ("name", "x" * 101, "at most 100 characters"),
        ("password1", "password123", "too common"),
    ],
)
def test_signup_with_bad_input_shows_a_specific_message_and_keeps_what_was_typed(
    db: None, client: HttpClient, field: str, value: str, message: str
) -> None:
    response = client.post("/accounts/signup/", {**SIGNUP, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Harbour Counselling"' in html
    assert not User.objects.exists()


def test_signup_with_a_taken_email_creates_no_second_account_and_tells_the_owner(
    world: World, client: HttpClient
) -> None:
    # The page does not reveal whether the address is registered (a client's therapy would be
    # revealed by it); the owner gets an email that says so instead.
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "alice@example.com"})
    assert response.status_code == 302
    assert User.objects.filter(email="alice@example.com").count() == 1
    run_tasks()
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].body.lower()


def test_passwords_are_hashed_with_argon2(db: None, settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # type: ignore[attr-defined]
    user = User.objects.create_user("h@example.com", "Ünïcødé pässwörd ✓ " * 20)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("Ünïcødé pässwörd ✓ " * 20)


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(
    world: World, client: HttpClient
) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_not_culled_from_a_busy_shared_cache(db: None) -> None:
    from allauth.core import ratelimit
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/login/")
    request.user = AnonymousUser()
    for _ in range(5):  # five wrong passwords for one account
        assert ratelimit.consume(request, action="login_failed", key="carl@example.net")
    # A county service's evening: thousands of other people's counters written meanwhile.
    # Django's database cache culls a third of its keys once it holds more than MAX_ENTRIES.
    for n in range(1000):
        cache.set(f"someone-else-{n}", [n], 300)

    assert not ratelimit.consume(request, action="login_failed", key="carl@example.net")


def test_login_throttling_is_kept_in_the_shared_database_cache(db: None) -> None:
    from django.conf import settings

    assert str(settings.CACHES["default"]["BACKEND"]).endswith("DatabaseCache")


def test_login_gives_a_new_session_key(world: World, client: HttpClient) -> None:
    client.get("/accounts/login/")
    before = client.session.session_key
    password_login(client, "alice@example.com", world.totp_secrets["alice@example.com"])
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(world.alice.pk)
