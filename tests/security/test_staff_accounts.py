"""Django staff and superusers meet the same bar as therapists, and the admin asks for more
(issue 16 item 1): no sign-in links for anyone with something to protect, a second factor
completed in the session on every admin URL, and audited, re-authenticated changes to another
account's addresses and authenticators."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.core import mail
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from stepwise.accounts import actions
from stepwise.accounts.models import MagicLink, User
from stepwise.audit.models import AccessLog
from stepwise.clinic.models import Membership, Role
from tests.conftest import PASSWORD, World, enrol_totp, password_login, run_tasks

ROOT = "root@example.com"


def _superuser(email: str = ROOT) -> User:
    """What `manage.py createsuperuser` makes: no practice, no second factor yet."""
    return User.objects.create_superuser(email=email, password=PASSWORD)


def _staff_user() -> User:
    user = User.objects.create_user(email="helpdesk@example.com", password=PASSWORD)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def _link_for(client: HttpClient, email: str) -> str | None:
    mail.outbox.clear()
    client.post("/accounts/link/", {"email": email})
    run_tasks()
    if not mail.outbox:
        return None
    found = re.search(r"/accounts/link/[\w-]+/", mail.outbox[-1].body)
    return found.group(0) if found else None


STAFF_KINDS: dict[str, Callable[[World], User]] = {
    "superuser without a practice": lambda w: _superuser(),
    "Django staff": lambda w: _staff_user(),
    "therapist": lambda w: w.alice,
    "client with an authenticator": lambda w: (enrol_totp(w.carl), w.carl)[1],
}


@pytest.mark.parametrize("kind", sorted(STAFF_KINDS))
def test_nobody_with_something_to_protect_gets_a_sign_in_link(
    kind: str, world: World, client: HttpClient
) -> None:
    user = STAFF_KINDS[kind](world)
    response = client.post("/accounts/link/", {"email": user.email})
    assert response.status_code == 200  # the same page as for anyone
    run_tasks()
    assert mail.outbox == []
    assert not MagicLink.objects.filter(user=user).exists()


BECOMING_STAFF: dict[str, Callable[[World], None]] = {
    "made a superuser": lambda w: User.objects.filter(pk=w.carl.pk).update(
        is_staff=True, is_superuser=True
    ),
    "made Django staff": lambda w: User.objects.filter(pk=w.carl.pk).update(is_staff=True),
    "joined a practice": lambda w: (
        Membership.objects.create(practice=w.other_practice, user=w.carl, role=Role.THERAPIST)
        and None
    ),
    "set up an authenticator": lambda w: enrol_totp(w.carl) and None,
}


@pytest.mark.parametrize("change", sorted(BECOMING_STAFF))
def test_a_link_issued_before_its_owner_became_staff_does_not_work(
    change: str, world: World, client: HttpClient
) -> None:
    path = _link_for(client, "carl@example.net")
    assert path is not None
    BECOMING_STAFF[change](world)
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert "_auth_user_id" not in client.session


def _admin_paths() -> Iterator[str]:
    """Every admin URL, with 1 for each id in it."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield "/" + re.sub(r"<[^>]+>", "1", route).lstrip("^").rstrip("$")

    yield from walk(admin.site.get_urls(), "admin/")


ADMIN_PATHS = sorted(set(_admin_paths()) - {"/admin/logout/"})


def test_every_admin_url_is_checked(db: None) -> None:
    assert len(ADMIN_PATHS) > 20
    assert "/admin/account/emailaddress/1/change/" in ADMIN_PATHS
    assert "/admin/mfa/authenticator/1/delete/" in ADMIN_PATHS


@pytest.mark.parametrize("enrolled", [False, True], ids=["no authenticator", "authenticator"])
def test_every_admin_url_needs_a_second_factor_given_in_this_session(
    enrolled: bool, world: World, client: HttpClient
) -> None:
    """Signed in without the second step (a link once did this): no admin page opens."""
    root = _superuser()
    if enrolled:
        enrol_totp(root)
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    for path in ADMIN_PATHS:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, response.status_code)
            if enrolled:
                assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), path
            else:
                assert response["Location"] == "/accounts/2fa/totp/activate/", path
    fragment = client.get("/admin/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 403


def test_the_admin_opens_after_the_second_step(world: World) -> None:
    root = _verified_superuser()
    secret = enrol_totp(root)
    browser = password_login(HttpClient(), ROOT, secret)
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/account/emailaddress/").status_code == 200


def test_a_second_step_given_later_in_the_session_opens_the_admin(world: World) -> None:
    from tests.conftest import totp_code

    root = _superuser()
    secret = enrol_totp(root)
    browser = HttpClient()
    browser.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    first = browser.get("/admin/")
    confirmed = browser.post(first["Location"], {"code": totp_code(secret)})
    assert confirmed["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_the_reviewed_chain_is_closed(world: World) -> None:
    """Link, admin without a second step, a verified address on a therapist, her authenticator
    deleted: each step now fails."""
    _superuser()
    attacker = HttpClient()
    # 1. No sign-in link for a superuser.
    assert _link_for(attacker, ROOT) is None
    # 2. Even signed in some other way without the second step, the admin does not open.
    attacker.force_login(User.objects.get(email=ROOT))
    added = attacker.post(
        "/admin/account/emailaddress/add/",
        {"user": world.alice.pk, "email": "evil@example.org", "verified": "on", "primary": ""},
    )
    assert added.status_code == 302
    assert added["Location"] == "/accounts/2fa/totp/activate/"
    authenticator = Authenticator.objects.get(user=world.alice)
    deleted = attacker.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert deleted["Location"] == "/accounts/2fa/totp/activate/"
    assert not EmailAddress.objects.filter(email="evil@example.org").exists()
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()
    # 3. A password reset to the therapist's own address still leaves her second step.
    assert Authenticator.objects.filter(user=world.alice).count() == 1


def _verified_superuser() -> User:
    root = _superuser()
    EmailAddress.objects.create(user=root, email=ROOT, primary=True, verified=True)
    return root


@pytest.fixture
def root_browser(world: World) -> HttpClient:
    """A superuser signed in with password and authenticator, minutes ago."""
    root = _verified_superuser()
    secret = enrol_totp(root)
    return password_login(HttpClient(), ROOT, secret)


def _reauthenticate(browser: HttpClient, response_location: str) -> HttpClient:
    assert response_location.startswith("/accounts/reauthenticate/?next="), response_location
    return browser.post(response_location, {"password": PASSWORD})


def _logged(action_prefix: str, owner: User) -> list[AccessLog]:
    return list(AccessLog.objects.filter(action=f"{action_prefix} user {owner.pk}"))


def test_giving_a_therapist_an_address_needs_reauthentication_and_is_logged(
    world: World, root_browser: HttpClient
) -> None:
    form = {"user": world.alice.pk, "email": "second@example.com", "verified": "on"}
    asked = root_browser.post("/admin/account/emailaddress/add/", form)
    assert asked.status_code == 302
    assert not EmailAddress.objects.filter(email="second@example.com").exists()
    resumed = _reauthenticate(root_browser, asked["Location"])
    assert resumed.status_code == 302
    assert EmailAddress.objects.filter(user=world.alice, email="second@example.com").exists()
    [entry] = _logged("admin.email.add", world.alice)
    assert entry.actor is not None
    assert entry.actor.email == ROOT


def test_deleting_a_therapists_authenticator_needs_reauthentication_and_is_logged(
    world: World, root_browser: HttpClient
) -> None:
    authenticator = Authenticator.objects.get(user=world.alice)
    path = f"/admin/mfa/authenticator/{authenticator.pk}/delete/"
    asked = root_browser.post(path, {"post": "yes"})
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()
    _reauthenticate(root_browser, asked["Location"])
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    assert len(_logged("admin.authenticator.delete", world.alice)) == 1


def test_a_reauthentication_lasts_five_minutes(world: World, root_browser: HttpClient) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        asked = root_browser.post(
            "/admin/account/emailaddress/add/",
            {"user": world.alice.pk, "email": "one@example.com"},
        )
        _reauthenticate(root_browser, asked["Location"])
        clock.shift(timedelta(minutes=4))
        authenticator = Authenticator.objects.get(user=world.bob)
        done = root_browser.post(
            f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}
        )
        assert done["Location"].startswith("/admin/")
        assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
        clock.shift(timedelta(minutes=2))
        address = EmailAddress.objects.get(email="one@example.com")
        again = root_browser.post(
            f"/admin/account/emailaddress/{address.pk}/delete/", {"post": "yes"}
        )
        assert again["Location"].startswith("/accounts/reauthenticate/")
        assert EmailAddress.objects.filter(pk=address.pk).exists()


def test_bulk_actions_on_staff_addresses_need_reauthentication_too(
    world: World, root_browser: HttpClient
) -> None:
    EmailAddress.objects.filter(user=world.alice).update(verified=False)
    ids = [
        str(pk) for pk in EmailAddress.objects.filter(user=world.alice).values_list("pk", flat=True)
    ]
    for action in ("make_verified", "delete_selected"):
        asked = root_browser.post(
            "/admin/account/emailaddress/",
            {"action": action, "_selected_action": ids, "post": "yes"},
        )
        assert asked["Location"].startswith("/accounts/reauthenticate/"), action
    assert EmailAddress.objects.filter(user=world.alice, verified=False).count() == len(ids)
    authenticators = Authenticator.objects.filter(user__in=[world.alice, world.bob])
    asked = root_browser.post(
        "/admin/mfa/authenticator/",
        {
            "action": "delete_selected",
            "_selected_action": [str(a.pk) for a in authenticators],
            "post": "yes",
        },
    )
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert authenticators.count() == 2


def test_a_clients_address_is_changed_without_reauthentication_but_logged(
    world: World, root_browser: HttpClient
) -> None:
    address = EmailAddress.objects.get(user=world.carl)
    changed = root_browser.post(
        f"/admin/account/emailaddress/{address.pk}/change/",
        {"user": world.carl.pk, "email": "carl.new@example.net", "verified": "on", "primary": "on"},
    )
    assert changed["Location"] == "/admin/account/emailaddress/"
    assert len(_logged("admin.email.change", world.carl)) == 1


def test_authenticators_cannot_be_added_or_edited_in_the_admin(
    world: World, root_browser: HttpClient
) -> None:
    authenticator = Authenticator.objects.get(user=world.alice)
    assert root_browser.get("/admin/mfa/authenticator/add/").status_code == 403
    before = dict(authenticator.data)
    root_browser.post(
        f"/admin/mfa/authenticator/{authenticator.pk}/change/",
        {"user": world.alice.pk, "type": "totp", "data": '{"secret": "KNOWN"}'},
    )
    authenticator.refresh_from_db()
    assert authenticator.data == before


def test_issuing_a_link_by_hand_refuses_staff_too(world: World) -> None:
    root = _superuser()
    assert actions.issue_magic_link(root) is None
    assert actions.issue_magic_link(world.alice) is None
    assert actions.issue_magic_link(world.carl) is not None


# SECURITY.md 6, 7, 9 and 13 for Django staff and superusers, not only for practice members.
# (9, sign-in links, is covered above.)

KINDS_OF_STAFF: dict[str, dict[str, bool]] = {
    "superuser": {"is_staff": True, "is_superuser": True},
    "superuser without admin access": {"is_staff": False, "is_superuser": True},
    "Django staff": {"is_staff": True, "is_superuser": False},
}


def _operator(kind: str) -> User:
    """A verified account of this kind with no practice membership."""
    user = User.objects.create_user(email=ROOT, password=PASSWORD, **KINDS_OF_STAFF[kind])
    EmailAddress.objects.create(user=user, email=ROOT, primary=True, verified=True)
    return user


@pytest.mark.parametrize("kind", sorted(KINDS_OF_STAFF))
def test_staff_sign_in_is_locked_after_failures_even_with_the_right_password(
    kind: str, world: World, client: HttpClient
) -> None:
    _operator(kind)
    for _ in range(5):
        client.post("/accounts/login/", {"login": ROOT, "password": "wrong"})
    refused = client.post("/accounts/login/", {"login": ROOT, "password": PASSWORD})
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    # The admin's own login is the same throttled page.
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("kind", sorted(KINDS_OF_STAFF))
def test_staff_sign_in_is_throttled_per_address_of_the_caller(
    kind: str, world: World, client: HttpClient
) -> None:
    _operator(kind)
    for n in range(10):
        client.post("/accounts/login/", {"login": f"guess{n}@example.com", "password": "wrong"})
    refused = client.post("/accounts/login/", {"login": ROOT, "password": PASSWORD})
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("kind", sorted(KINDS_OF_STAFF))
def test_staff_without_a_second_factor_are_sent_to_set_one_up(
    kind: str, world: World, client: HttpClient
) -> None:
    user = _operator(kind)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for path in ("/home/", "/clients/", f"/clients/{world.carl_client.pk}/", "/practice/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
    assert client.get("/accounts/settings/").status_code == 200


@pytest.mark.parametrize("kind", sorted(KINDS_OF_STAFF))
def test_staff_codes_work_once_and_a_reset_does_not_skip_them(
    kind: str, world: World, client: HttpClient
) -> None:
    from tests.conftest import totp_code

    user = _operator(kind)
    secret = enrol_totp(user)
    code = totp_code(secret)
    first = HttpClient()
    asked = first.post("/accounts/login/", {"login": ROOT, "password": PASSWORD})
    assert asked["Location"].startswith("/accounts/2fa/authenticate/")
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    second = HttpClient()
    second.post("/accounts/login/", {"login": ROOT, "password": PASSWORD})
    assert second.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in second.session

    client.post("/accounts/password/reset/", {"email": ROOT})
    run_tasks()
    link = re.search(r"http://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    new_password = "a brand new passphrase"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    assert "_auth_user_id" not in client.session  # a reset signs nobody in
    after = client.post("/accounts/login/", {"login": ROOT, "password": new_password})
    assert after["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("kind", sorted(KINDS_OF_STAFF))
def test_bad_input_from_staff_gets_a_clear_message_and_keeps_what_was_typed(
    kind: str, world: World, client: HttpClient
) -> None:
    user = _operator(kind)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/accounts/settings/", {"name": "Root Operator", "time_zone": "Mars/Olympus_Mons"}
    )
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "is not a time zone we know" in html
    assert 'value="Root Operator"' in html
    user.refresh_from_db()
    assert user.time_zone != "Mars/Olympus_Mons"


def test_bad_input_in_the_admin_gets_a_clear_message_and_keeps_what_was_typed(
    world: World, root_browser: HttpClient
) -> None:
    response = root_browser.post(
        "/admin/account/emailaddress/add/",
        {"user": world.carl.pk, "email": "not an address", "verified": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert 'value="not an address"' in html
    assert not EmailAddress.objects.filter(email="not an address").exists()
