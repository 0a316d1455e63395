"""The landing page, the health check and the headers every response carries."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient

from tests.conftest import World


def test_healthz_answers_ok_when_the_database_is_reachable(db: None, client: HttpClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(db: None, client: HttpClient) -> None:
    with mock.patch("stepwise.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_landing_page_is_public(db: None, client: HttpClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Therapy homework" in response.content


def test_monitors_can_ask_for_the_landing_page_and_the_health_check_with_head(
    db: None, client: HttpClient
) -> None:
    for path in ("/", "/healthz"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


def test_pages_need_a_login_by_default(db: None, client: HttpClient) -> None:
    response = client.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_response_has_a_strict_content_security_policy(db: None, client: HttpClient) -> None:
    csp = client.get("/")["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp


def test_signed_in_pages_are_never_cached(world: World, alice_client: HttpClient) -> None:
    response = alice_client.get(f"/clients/{world.carl_client.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/link/"])
def test_public_pages_have_one_main_landmark_and_a_heading(
    db: None, client: HttpClient, path: str
) -> None:
    html = client.get(path).content.decode()
    assert html.count("<main") == 1
    assert "<h1" in html
    assert 'lang="en"' in html
