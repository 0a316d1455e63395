"""Response headers and cookies (SECURITY.md 11) on a sample of every route, and in production
settings (read from a real `STEPWISE_MODE=production` start in a subprocess, then applied here).

Every GET route of the authorization matrix is opened once by a persona allowed to open it: the
answer carries a nonce-based CSP with `object-src 'none'`, `base-uri 'none'` and
`frame-ancestors 'none'`, nosniff, `Referrer-Policy: same-origin`, a Permissions-Policy,
`X-Frame-Options: DENY`, and `Cache-Control: no-store` whenever someone is signed in (every page
that can hold client data, htmx fragments included).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client as HttpClient
from django.urls import reverse

from tests.conftest import PASSWORD, World
from tests.test_authorization_matrix import ROUTES

ROOT = Path(__file__).resolve().parents[2]
# The production settings are computed once (a process start): their tests share one process.
pytestmark = pytest.mark.xdist_group("production-settings")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style[^>]*>")
NONCE = re.compile(r'nonce="([^"]+)"')
PREFERRED = ["alice", "carl", "ada", "gina", "olga", "bob", "dana"]


def _opener(name: str) -> str | None:
    """A persona the matrix lets open this route (200), or None."""
    expect = ROUTES[name].expect
    for persona in [*PREFERRED, "anonymous"]:
        if expect.get(persona) == 200:
            return persona
    return None


# Answers with no personal data, the same for everyone, which browsers may keep: the scripts'
# words (the language is in the address, see stepwise/views.py).
SAME_FOR_EVERYONE = {"javascript_catalog"}

GET_ROUTES = sorted(
    name for name, route in ROUTES.items() if route.method == "get" and _opener(name) is not None
)


def assert_common_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    # An inline script or style runs only with this response's nonce (django-csp adds the nonce
    # to the header when the page uses one).
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode()
        for tag in INLINE.findall(html):
            nonce = NONCE.search(tag)
            assert nonce is not None, f"inline without a nonce: {tag}"
            assert f"'nonce-{nonce.group(1)}'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def assert_not_stored(response: Any) -> None:
    cache = response["Cache-Control"]
    assert "no-store" in cache, cache
    assert "private" in cache
    assert "Cookie" in response.get("Vary", "")


def test_the_sample_covers_most_of_the_table() -> None:
    assert len(GET_ROUTES) >= 50
    assert set(GET_ROUTES) >= {"clinic:client_detail", "progress:export_csv", "progress:fhir"}


@pytest.mark.parametrize("name", GET_ROUTES)
def test_every_page_carries_the_security_headers(
    name: str, world: World, client: HttpClient
) -> None:
    route = ROUTES[name]
    persona = _opener(name)
    assert persona is not None
    user = world.persona(persona)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse(name, kwargs=route.kwargs(world)))
    assert response.status_code == 200
    assert_common_headers(response)
    if user is not None and name not in SAME_FOR_EVERYONE:
        assert_not_stored(response)


def test_htmx_fragments_and_json_are_not_stored_either(world: World, client: HttpClient) -> None:
    client.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
    fragment = client.get(f"/clients/{world.carl_client.pk}/", HTTP_HX_REQUEST="true")
    assert_common_headers(fragment)
    assert_not_stored(fragment)
    client.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    json_answer = client.post(
        "/me/reminders/push/subscribe/", "{}", content_type="application/json"
    )
    assert_common_headers(json_answer)
    assert_not_stored(json_answer)


def test_refusals_and_redirects_carry_the_headers(world: World, client: HttpClient) -> None:
    anonymous = client.get(f"/clients/{world.carl_client.pk}/")
    assert anonymous.status_code == 302
    assert_common_headers(anonymous)
    client.force_login(world.bob, backend="django.contrib.auth.backends.ModelBackend")
    refused = client.get(f"/clients/{world.carl_client.pk}/")
    assert refused.status_code == 404
    assert_common_headers(refused)
    assert_not_stored(refused)


def test_development_cookies_are_httponly_and_samesite(world: World, client: HttpClient) -> None:
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    client.post("/accounts/login/", {"login": "carl@example.net", "password": PASSWORD})
    session = client.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


PRODUCTION_NAMES = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
)


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The transport settings a real production start computes (settings are read at import)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))},
        "STEPWISE_MODE": "production",
        "SECRET_KEY": "p" + Fernet.generate_key().decode() + "q" * 20,
        "ALLOWED_HOSTS": "stepwise.example",
        "SITE_URL": "https://stepwise.example",
        "STEPWISE_FIELD_KEYS": Fernet.generate_key().decode(),
        "STEPWISE_DATA_DIR": str(tmp_path_factory.mktemp("production")),
        "DJANGO_SETTINGS_MODULE": "stepwise.settings",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(PRODUCTION_NAMES)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_turns_on_hsts_and_host_prefixed_secure_cookies(
    production_settings: dict[str, Any],
) -> None:
    p = production_settings
    assert p["DEBUG"] is False
    assert p["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert p["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert p["SECURE_HSTS_PRELOAD"]
    assert p["SECURE_SSL_REDIRECT"] is True
    assert p["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert p["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert p["SESSION_COOKIE_SECURE"]
    assert p["CSRF_COOKIE_SECURE"]
    assert p["SESSION_COOKIE_HTTPONLY"]
    assert p["CSRF_COOKIE_HTTPONLY"]
    assert p["SESSION_COOKIE_SAMESITE"] == p["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_production_responses_and_cookies(
    production_settings: dict[str, Any], world: World, settings: Any
) -> None:
    """The production values, applied to this process, give the headers and cookies a browser
    sees behind the TLS proxy (which sends X-Forwarded-Proto: https)."""
    for name, value in production_settings.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    browser = HttpClient(HTTP_X_FORWARDED_PROTO="https")
    plain = HttpClient()
    assert plain.get("/accounts/login/")["Location"].startswith("https://")  # SSL redirect
    page = browser.get("/accounts/login/", secure=True)
    assert page.status_code == 200
    hsts = page["Strict-Transport-Security"]
    seconds = production_settings["SECURE_HSTS_SECONDS"]
    assert hsts == f"max-age={seconds}; includeSubDomains; preload"
    assert_common_headers(page)
    csrf = page.cookies[production_settings["CSRF_COOKIE_NAME"]]
    signed_in = browser.post(
        "/accounts/login/", {"login": "carl@example.net", "password": PASSWORD}, secure=True
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies[production_settings["SESSION_COOKIE_NAME"]]
    for cookie in (csrf, session):
        # __Host- cookies must be Secure, Path=/ and carry no Domain, or browsers drop them.
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
    record = browser.get("/me/", secure=True)
    assert record.status_code == 200
    assert_not_stored(record)
    assert "Strict-Transport-Security" in record
