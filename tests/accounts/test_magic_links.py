"""Clients and caregivers sign in with single-use, expiring links that carry nothing clinical."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from tests.conftest import World, run_tasks


def _request_link(client: HttpClient, email: str) -> str | None:
    client.post("/accounts/link/", {"email": email})
    run_tasks()
    if not mail.outbox:
        return None
    found = re.search(r"/accounts/link/[\w-]+/", mail.outbox[-1].body)
    return found.group(0) if found else None


def test_a_client_signs_in_with_an_emailed_link(world: World, client: HttpClient) -> None:
    path = _request_link(client, "carl@example.net")
    assert path is not None
    assert client.get(path).status_code == 200  # showing the button uses nothing up
    response = client.post(path)
    assert response.status_code == 302
    assert client.get("/home/")["Location"] == "/me/"


def test_a_link_works_only_once(world: World, client: HttpClient) -> None:
    path = _request_link(client, "carl@example.net")
    assert path is not None
    client.post(path)
    other = HttpClient()
    assert other.post(path).status_code == 410
    assert other.get(path).status_code == 410


def test_opening_the_used_link_again_while_signed_in_goes_home(
    world: World, client: HttpClient
) -> None:
    path = _request_link(client, "carl@example.net")
    assert path is not None
    client.post(path)
    for method in (client.get, client.post):
        response = method(path, follow=True)
        assert response.redirect_chain[0] == ("/home/", 302), method
        assert response.request["PATH_INFO"] == "/me/"
        assert "This link no longer works" not in response.content.decode()
        assert "You are already signed in." in response.content.decode()


def test_a_link_expires(world: World, client: HttpClient) -> None:
    path = _request_link(client, "carl@example.net")
    assert path is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert client.post(path).status_code == 410


def test_the_answer_is_the_same_for_an_unknown_address(world: World, client: HttpClient) -> None:
    def main_text(email: str) -> str:
        html = client.post("/accounts/link/", {"email": email}).content.decode()
        return html[html.index("<main") : html.index("</main>")].replace(email, "X")

    assert main_text("carl@example.net") == main_text("nobody@example.net")
    run_tasks()
    assert len(mail.outbox) == 1


def test_therapists_do_not_get_sign_in_links(world: World, client: HttpClient) -> None:
    assert _request_link(client, "alice@example.com") is None


def test_the_email_carries_no_clinical_content(world: World, client: HttpClient) -> None:
    _request_link(client, "carl@example.net")
    message = mail.outbox[0]
    text = message.subject + message.body + str(message.alternatives)
    for word in ("Carl", "therap", "anxiety", "homework", "Riverside"):
        assert word not in text


def test_requests_for_links_are_rate_limited_per_address(world: World, client: HttpClient) -> None:
    for _ in range(5):
        client.post("/accounts/link/", {"email": "carl@example.net"})
    run_tasks()
    assert len(mail.outbox) == 3
