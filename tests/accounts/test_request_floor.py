"""The per-request floor (issue 17 part 4): a signed-in page that changes nothing makes at most
four queries and writes nothing, because the session keeps the person's roles and second-factor
state (read again whenever the user's generations move on) and writes the idle stamp at most once
a minute. Changes of role still take effect on the very next request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.base.internal.flows import delete_and_cleanup
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.accounts.session_timeout import SEEN
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Role
from tests.conftest import World

Login = Callable[[User | None], HttpClient]
WRITES = ("INSERT", "UPDATE", "DELETE")


def _requests_of(browser: HttpClient, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path)
    assert response.status_code == 200, response
    return [query["sql"] for query in queries.captured_queries]


def _writes(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(WRITES)]


def _session_writes(browser: HttpClient, path: str) -> list[str]:
    return [sql for sql in _writes(_requests_of(browser, path)) if "django_session" in sql]


@pytest.mark.urls("bench.urls")
@pytest.mark.parametrize("persona", ["alice", "ada", "carl", "gina"])
@pytest.mark.parametrize("page", ["/accounts/settings/", "/bench/ceiling/{practice}/"])
def test_a_signed_in_page_that_changes_nothing_makes_four_queries_and_no_write(
    world: World, login_as: Login, persona: str, page: str
) -> None:
    browser = login_as(getattr(world, persona))
    path = page.format(practice=world.practice.pk)
    browser.get(path)  # the session's first request reads the roles and keeps them

    statements = _requests_of(browser, path)

    assert len(statements) <= 4, statements
    assert _writes(statements) == []


def test_the_roles_are_read_once_a_session_not_once_a_request(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.alice)
    first = _requests_of(browser, "/accounts/settings/")
    again = _requests_of(browser, "/accounts/settings/")
    role_queries = ('SELECT "clinic_membership"."role"', '"mfa_authenticator"')
    assert any(query in sql for sql in first for query in role_queries)
    assert not any(query in sql for sql in again for query in role_queries)


def test_a_new_admin_role_takes_effect_on_the_next_request(world: World, login_as: Login) -> None:
    browser = login_as(world.alice)
    assert browser.get("/practice/access-log/").status_code == 404

    actions.set_member_role(world.alice.membership, Role.ADMIN)

    assert browser.get("/practice/access-log/").status_code == 200


def test_a_lost_admin_role_takes_effect_on_the_next_request(world: World, login_as: Login) -> None:
    browser = login_as(world.ada)
    assert browser.get("/practice/access-log/").status_code == 200
    actions.set_member_role(world.alice.membership, Role.ADMIN)  # the practice keeps an admin

    actions.set_member_role(world.ada.membership, Role.THERAPIST)

    assert browser.get("/practice/access-log/").status_code == 404


def test_removal_from_the_practice_takes_effect_on_the_next_request(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.alice)
    assert browser.get("/clients/").status_code == 200

    actions.remove_member(world.alice.membership, by=world.ada)

    response = browser.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_out_everywhere_takes_effect_on_the_other_devices_next_request(
    world: World, login_as: Login
) -> None:
    phone = login_as(world.carl)
    laptop = HttpClient()
    laptop.force_login(world.carl)
    assert phone.get("/me/").status_code == 200

    assert laptop.post("/accounts/settings/sign-out-everywhere/").status_code == 302

    response = phone.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unlinked_caregiver_loses_the_role_on_the_next_request(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.gina)
    assert browser.get("/home/")["Location"] == "/me/"

    actions.unlink_caregiver(CaregiverLink.objects.get(caregiver=world.gina))

    response = browser.get("/home/")
    assert response.status_code == 200
    assert response.templates[0].name == "no_role.html"


def test_a_new_client_record_takes_effect_on_the_next_request(
    world: World, login_as: Login
) -> None:
    newcomer = User.objects.create_user("newcomer@example.com", "x")
    browser = login_as(newcomer)
    assert browser.get("/home/").templates[0].name == "no_role.html"
    invitation = actions.invite_caregiver(
        world.mia_client, world.alice, email=newcomer.email, relationship="mother"
    )

    actions.accept_invitation(invitation.invitation, newcomer)

    assert browser.get("/home/")["Location"] == "/me/"


def test_a_removed_second_factor_is_asked_for_on_the_next_request(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.alice)
    assert browser.get("/clients/").status_code == 200
    request = RequestFactory().post("/accounts/2fa/totp/deactivate/")
    request.user = world.alice

    delete_and_cleanup(request, Authenticator.objects.get(user=world.alice, type="totp"))

    response = browser.get("/clients/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_the_idle_stamp_is_written_at_most_once_a_minute(world: World, login_as: Login) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = login_as(world.alice)
        browser.get("/accounts/settings/")  # the first request keeps the roles
        stamped = browser.session[SEEN]
        for _ in range(5):
            clock.shift(timedelta(seconds=11))
            assert _session_writes(browser, "/accounts/settings/") == []
        assert browser.session[SEEN] == stamped

        clock.shift(timedelta(seconds=5))  # 60 s after the stamp
        assert len(_session_writes(browser, "/accounts/settings/")) == 1
        assert browser.session[SEEN] == pytest.approx(stamped + 60)


def test_stay_signed_in_writes_the_stamp_at_once(world: World, login_as: Login) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = login_as(world.carl)
        browser.get("/accounts/settings/")
        stamped = browser.session[SEEN]
        clock.shift(timedelta(seconds=20))
        assert browser.post("/accounts/keepalive/").status_code == 204
    assert browser.session[SEEN] == pytest.approx(stamped + 20)


def test_the_idle_warning_counts_down_from_the_written_stamp(world: World, login_as: Login) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = login_as(world.carl)
        browser.get("/accounts/settings/")
        clock.shift(timedelta(seconds=40))  # within the minute: no new stamp
        html = browser.get("/accounts/settings/").content.decode()
    assert 'data-idle-seconds="1760"' in html
