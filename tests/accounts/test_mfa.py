"""Two-step sign-in: required for staff before client data, single-use codes, no reset bypass,
secrets encrypted at rest with rotatable keys."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core import mail
from django.test import Client as HttpClient

from stepwise.accounts.field_keys import ENCRYPTED_PREFIX, _fernet
from stepwise.accounts.mfa import MFAAdapter
from stepwise.clinic.models import Membership, Role
from tests.conftest import PASSWORD, World, make_user, password_login, run_tasks, totp_code


def _new_therapist(world: World) -> HttpClient:
    user = make_user("newbie@example.com", "Newbie")
    Membership.objects.create(practice=world.practice, user=user, role=Role.THERAPIST)
    browser = HttpClient()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def test_staff_without_a_second_factor_see_no_client_data(world: World) -> None:
    browser = _new_therapist(world)
    for path in ("/clients/", f"/clients/{world.carl_client.pk}/", "/invitations/", "/practice/"):
        response = browser.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert browser.get("/accounts/settings/").status_code == 200


def test_htmx_requests_are_sent_to_the_set_up_page_too(world: World) -> None:
    response = _new_therapist(world).get("/clients/?q=c", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert response["HX-Redirect"] == "/accounts/2fa/totp/activate/"


def test_clients_do_not_need_a_second_factor(world: World, login_as: Any) -> None:
    assert login_as(world.carl).get("/me/").status_code == 200


def test_django_staff_need_one_too(world: World) -> None:
    user = make_user("ops@example.com", "Ops")
    user.is_staff = True
    user.save()
    browser = HttpClient()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


def test_password_sign_in_asks_for_the_code(world: World) -> None:
    browser = HttpClient()
    response = browser.post(
        "/accounts/login/", {"login": "alice@example.com", "password": PASSWORD}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert browser.get("/clients/").status_code == 302  # not signed in yet
    wrong = browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    password_login(HttpClient(), "alice@example.com", world.totp_secrets["alice@example.com"])


def test_a_code_works_only_once(world: World) -> None:
    secret = world.totp_secrets["alice@example.com"]
    code = totp_code(secret)
    first = HttpClient()
    first.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    second = HttpClient()
    second.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    replay = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert replay.status_code == 200  # refused: the form again
    assert second.get("/clients/").status_code == 302


def test_a_password_reset_does_not_skip_the_second_factor(world: World, client: HttpClient) -> None:
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    run_tasks()
    link = re.search(r"http://\S+(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )
    assert "_auth_user_id" not in client.session  # a reset signs nobody in
    response = client.post(
        "/accounts/login/", {"login": "alice@example.com", "password": "a brand new passphrase"}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_totp_secrets_are_stored_encrypted(world: World) -> None:
    stored = Authenticator.objects.get(user=world.alice, type=Authenticator.Type.TOTP)
    secret = world.totp_secrets["alice@example.com"]
    assert stored.data["secret"].startswith(ENCRYPTED_PREFIX)
    assert secret not in str(stored.data)
    assert MFAAdapter().decrypt(stored.data["secret"]) == secret


def test_keys_rotate_by_putting_a_new_one_first(settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.STEPWISE_FIELD_KEYS = [old]
    _fernet.cache_clear()
    sealed = MFAAdapter().encrypt("JBSWY3DPEHPK3PXP")
    settings.STEPWISE_FIELD_KEYS = [new, old]
    assert MFAAdapter().decrypt(sealed) == "JBSWY3DPEHPK3PXP"
    assert MFAAdapter().encrypt("x") != sealed
