"""Two web server processes on two ports, one PostgreSQL database and one object store: what a
person needs is shared, so a load balancer may send each request to either node (docs/scaling.md).

Each node has its own data folder, as separate machines would; they share only the database,
the bucket and the secret key.
"""

from __future__ import annotations

import secrets

import pytest
import requests
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from stepwise.accounts.models import User
from stepwise.library.models import MediaFile
from tests.conftest import PASSWORD, World, totp_code
from tests.fakes.objectstore import ObjectStore
from tests.library.helpers import MP4
from tests.processes import WebStarter, needs_postgres, process_env

pytestmark = [
    needs_postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("web-nodes"),  # the two nodes start once, in one process
]

# The name people use: a load balancer passes it to whichever node it chooses.
HOST = "stepwise.test"


def browser() -> requests.Session:
    """A browser reaching the nodes through the load balancer's host name."""
    session = requests.Session()
    session.headers["Host"] = HOST
    return session


@pytest.fixture(scope="module")
def nodes(
    object_store: ObjectStore, start_web_node: WebStarter, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str]:
    """Two nodes sharing the test database, one bucket and the keys; each its own data folder."""
    shared = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        # Every node decrypts the same stored secrets (the authenticator seeds made here).
        "STEPWISE_FIELD_KEYS": ",".join(django_settings.STEPWISE_FIELD_KEYS),
        **object_store.environment(object_store.new_bucket()),
    }
    folders = tmp_path_factory.mktemp("nodes")
    return (
        start_web_node(process_env(STEPWISE_DATA_DIR=str(folders / "a"), **shared)),
        start_web_node(process_env(STEPWISE_DATA_DIR=str(folders / "b"), **shared)),
    )


@pytest.fixture(autouse=True)
def argon2_passwords(world: World, settings) -> None:
    cache.clear()  # the shared cache table outlives each test's data: no throttle carried over
    # The personas' passwords are hashed for speed in this process; the nodes verify Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for user in User.objects.filter(email__in=["alice@example.com", "carl@example.net"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _token(session: requests.Session, node: str, path: str) -> str:
    session.get(f"{node}{path}", allow_redirects=False)
    token = session.cookies["csrftoken"]
    assert token is not None
    return token


def _sign_in(
    session: requests.Session, node: str, email: str, password: str = PASSWORD
) -> requests.Response:
    token = _token(session, node, "/accounts/login/")
    return session.post(
        f"{node}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )


def test_a_person_signed_in_on_one_node_is_signed_in_on_the_other(
    world: World, nodes: tuple[str, str]
) -> None:
    a, b = nodes
    carl = browser()

    assert _sign_in(carl, a, "carl@example.net").status_code == 302
    home = carl.get(f"{b}{reverse('homework:client_home')}", allow_redirects=False)

    assert home.status_code == 200
    assert "Carl" in home.text
    # The form token node A gave is good on node B: signing out there works, and ends it on A.
    signed_out = carl.post(
        f"{b}/accounts/logout/",
        data={"csrfmiddlewaretoken": carl.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert signed_out.status_code == 302
    after = carl.get(f"{a}{reverse('homework:client_home')}", allow_redirects=False)
    assert after.status_code == 302
    assert "/accounts/login/" in after.headers["Location"]


def test_failed_sign_ins_are_counted_across_both_nodes(
    world: World, nodes: tuple[str, str]
) -> None:
    a, b = nodes
    guesser = browser()
    for node in (a, b, a, b, a):  # five failures in all, no more than three on either node
        failed = _sign_in(guesser, node, "carl@example.net", "wrong password")
        assert failed.status_code in (200, 429)

    owner = browser()
    refused = _sign_in(owner, b, "carl@example.net")

    assert refused.status_code in (200, 429)  # the form again, not the redirect of a sign-in
    assert "sessionid" not in owner.cookies
    assert "Too many failed login attempts" in refused.text


def test_a_file_uploaded_through_one_node_is_served_by_the_other(
    world: World, nodes: tuple[str, str]
) -> None:
    a, b = nodes
    alice = browser()
    assert (
        _sign_in(alice, a, "alice@example.com")
        .headers["Location"]
        .startswith("/accounts/2fa/authenticate/")
    )
    code = totp_code(world.totp_secrets["alice@example.com"])
    token = _token(alice, a, "/accounts/2fa/authenticate/")
    second = alice.post(
        f"{a}/accounts/2fa/authenticate/",
        data={"code": code, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    assert second.status_code == 302, second.text

    uploaded = alice.post(
        f"{a}{reverse('library:media')}",
        data={
            "title": "Breathing video",
            "csrfmiddlewaretoken": _token(alice, a, "/library/media/"),
        },
        files={"file": ("breathing.mp4", MP4, "application/octet-stream")},
        allow_redirects=False,
    )
    assert uploaded.status_code == 302, uploaded.text
    media = MediaFile.objects.get()
    url = reverse("library:media_file", args=[media.pk])

    carl = browser()
    assert _sign_in(carl, b, "carl@example.net").status_code == 302
    served = carl.get(f"{b}{url}")
    part = alice.get(f"{b}{url}", headers={"Range": "bytes=4-11"})

    assert served.status_code == 200
    assert served.content == MP4
    assert part.status_code == 206
    assert part.content == MP4[4:12]
