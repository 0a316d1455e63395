"""Personas shared by every test: one practice with a care team, a colleague, another practice.

alice   therapist in Riverside, on Carl's, Dana's and Mia's care team
ada     practice admin of Riverside, on no care team
bob     therapist in Riverside (colleague without access)
olga    therapist and admin of another practice, with her own client Oscar
carl    client (signed up), dana another client of alice's
gina    caregiver (parent) linked to Mia, a minor client of alice's
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client as HttpClient
from hypothesis import settings as hypothesis_settings

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import CaregiverLink, Client, Membership, Practice, Role
from tests.fakes.dns import PUBLIC_ADDRESS, FakeDns, fake_dns

pytest_plugins = ["tests.fakes.smtp", "tests.fakes.objectstore", "tests.processes"]

PASSWORD = "correct horse battery staple"

# No per-example time limit: on a busy machine (or two test processes per core) an example's
# time says nothing about the code, and a missed deadline fails a run at random.
hypothesis_settings.register_profile("stepwise", deadline=None)
hypothesis_settings.load_profile("stepwise")


def enrol_totp(user: User) -> str:
    """Give a staff member an authenticator app, as the set-up page would; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now for `secret`."""
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def current_totp_code(email: str) -> str:
    """The code the authenticator app of this staff member shows now (secret read back)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return totp_code(decrypt(authenticator.data["secret"]))


def password_login(browser: HttpClient, email: str, secret: str | None = None) -> HttpClient:
    """Sign in through the real form; staff then give their authenticator code."""
    response = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
    if secret is not None:
        assert response["Location"].startswith("/accounts/2fa/authenticate/"), response
        response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response
    return browser


def run_tasks() -> None:
    """Run every queued background task now, as the `db_worker` process of `make run` does
    (public forms only enqueue their emails)."""
    from unittest import mock

    from django.core.management import call_command

    # The worker closes connections between tasks; inside a test's transaction (PostgreSQL
    # reports it as not in autocommit) that would close the test's own connection.
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def make_user(email: str, name: str, time_zone: str = "Europe/London") -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, name=name, time_zone=time_zone)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@dataclass
class World:
    practice: Practice
    other_practice: Practice
    alice: User
    ada: User
    bob: User
    olga: User
    carl: User
    dana: User
    gina: User
    carl_client: Client
    dana_client: Client
    mia_client: Client
    oscar_client: Client
    totp_secrets: dict[str, str] = field(default_factory=dict)  # staff email -> secret

    def carl_client_today(self) -> Any:
        from stepwise.homework.models import today_for

        return today_for(self.carl_client)

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    alice = make_user("alice@example.com", "Alice Therapist")
    ada = make_user("ada@example.com", "Ada Admin")
    bob = make_user("bob@example.com", "Bob Colleague")
    olga = make_user("olga@example.org", "Olga Elsewhere", "America/New_York")
    practice = actions.create_solo_practice(ada, "Riverside")
    Membership.objects.create(practice=practice, user=alice, role=Role.THERAPIST)
    Membership.objects.create(practice=practice, user=bob, role=Role.THERAPIST)
    other_practice = actions.create_solo_practice(olga, "Elsewhere")

    carl_client = actions.add_client(alice, display_name="Carl", time_zone="Europe/London")
    dana_client = actions.add_client(alice, display_name="Dana", time_zone="Europe/Paris")
    mia_client = actions.add_client(
        alice, display_name="Mia", time_zone="Europe/London", is_minor=True
    )
    oscar_client = actions.add_client(olga, display_name="Oscar", time_zone="America/New_York")
    carl = make_user("carl@example.net", "Carl")
    dana = make_user("dana@example.net", "Dana")
    gina = make_user("gina@example.net", "Gina Parent")
    Client.objects.filter(pk=carl_client.pk).update(user=carl)
    Client.objects.filter(pk=dana_client.pk).update(user=dana)
    CaregiverLink.objects.create(caregiver=gina, client=mia_client, relationship="mother")
    carl_client.refresh_from_db()
    dana_client.refresh_from_db()
    secrets = {staff.email: enrol_totp(staff) for staff in (alice, ada, bob, olga)}
    return World(
        practice=practice,
        other_practice=other_practice,
        alice=alice,
        ada=ada,
        bob=bob,
        olga=olga,
        carl=carl,
        dana=dana,
        gina=gina,
        carl_client=carl_client,
        dana_client=dana_client,
        mia_client=mia_client,
        oscar_client=oscar_client,
        totp_secrets=secrets,
    )


@pytest.fixture
def login_as(client: HttpClient) -> Callable[[User | None], HttpClient]:
    """Sign a persona in on the test client (None stays anonymous)."""

    def _login(user: User | None) -> HttpClient:
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def alice_client(world: World, login_as: Callable[[User | None], HttpClient]) -> HttpClient:
    return login_as(world.alice)


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a page read in Spanish by the test client
    leaves Spanish active on the thread (LocaleMiddleware does not undo it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Argon2 is deliberately slow; tests that check hashing switch it back on."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDns]:
    """The documentation push hosts the tests subscribe with resolve to a public address; a
    test can point any name anywhere (`dns.set("name", "127.0.0.1")`). Other names: real DNS."""
    with fake_dns(monkeypatch) as fake:
        for name in ("push.example.net", "push.example.com"):
            fake.set(name, PUBLIC_ADDRESS)
        yield fake


@pytest.fixture
def frozen(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    """The clock stopped at the test module's `NOW` (tests/factories.py has the usual Thursday);
    `frozen.shift(timedelta(...))` moves it."""
    now = getattr(request.module, "NOW", None)
    assert isinstance(now, datetime), f"{request.module.__name__} needs a NOW for `frozen`"
    with time_machine.travel(now, tick=False) as clock:
        yield clock
