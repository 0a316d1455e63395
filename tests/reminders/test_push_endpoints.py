"""A push subscription cannot point the worker at a host inside the network (issue 16, item 3):
its endpoint is resolved and judged by address at subscribe, again at send, and the connection
itself refuses a peer that is not public (DNS rebinding)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from stepwise.lib import outbound
from stepwise.reminders.channels import PermanentFailure, PushChannel
from stepwise.reminders.models import PushSubscription
from tests.conftest import World
from tests.fakes.dns import PUBLIC_ADDRESS, FakeDns
from tests.fakes.providers import PushSubscriber
from tests.reminders.test_channels import outgoing
from tests.reminders.test_pages import SUBSCRIPTION, Login
from tests.test_settings import FIELD_KEY, GOOD_KEY, run_settings


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 standing for an internal TLS service: it records each
    connection and whatever bytes (a TLS ClientHello) arrive on it."""

    port: int = 0
    connections: int = 0
    received: bytes = b""
    _stop: threading.Event = field(default_factory=threading.Event)


@contextmanager
def internal_service() -> Iterator[Listener]:
    listener = Listener()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    listener.port = server.getsockname()[1]

    def serve() -> None:
        while not listener._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            listener.connections += 1
            conn.settimeout(0.5)
            with suppress(OSError):
                listener.received += conn.recv(4096)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        listener._stop.set()
        thread.join()
        server.close()


def _subscribe(login_as: Login, world: World, endpoint: str) -> Any:
    body = json.dumps({**SUBSCRIPTION, "endpoint": endpoint})
    return login_as(world.carl).post(
        "/me/reminders/push/subscribe/", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.1:9443/",
        "https://2130706433:9443/",
        "https://0x7f.0.0.1:9443/",
        "https://inside.example.net:9443/",  # a DNS name that resolves to 127.0.0.1
        "https://[::ffff:127.0.0.1]:9443/",
    ],
)
def test_every_spelling_of_loopback_is_refused_at_subscribe(
    world: World, login_as: Login, dns: FakeDns, endpoint: str
) -> None:
    dns.set("inside.example.net", "127.0.0.1")
    response = _subscribe(login_as, world, endpoint)
    assert response.status_code == 400
    assert "not one we can use" in response.content.decode()
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",  # noqa: S104
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:93.184.215.14",  # IPv4-mapped, even of a public address
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    ],
)
def test_a_name_resolving_to_a_non_public_address_is_refused(dns: FakeDns, address: str) -> None:
    dns.set("push.example.org", address)
    with pytest.raises(outbound.UnsafeAddress):
        outbound.check_url("https://push.example.org/send/1")


def test_only_https_without_credentials_to_a_public_name_is_accepted(dns: FakeDns) -> None:
    dns.set("push.example.org", PUBLIC_ADDRESS)
    assert outbound.check_url("https://push.example.org/x") == [PUBLIC_ADDRESS]
    for url in ("http://push.example.org/x", "https://user:pw@push.example.org/x", "https:///x"):
        with pytest.raises(outbound.UnsafeAddress):
            outbound.check_url(url)


def test_an_allow_list_limits_the_push_services(
    world: World, login_as: Login, dns: FakeDns, settings: Any
) -> None:
    settings.STEPWISE_PUSH_SERVICES = ["push.example.com"]
    dns.set("eu.push.example.com", PUBLIC_ADDRESS)
    assert _subscribe(login_as, world, "https://push.example.net/send/1").status_code == 400
    assert _subscribe(login_as, world, "https://eu.push.example.com/send/1").status_code == 201


def test_a_name_whose_dns_changed_after_subscribing_is_refused_at_send(
    world: World, login_as: Login, dns: FakeDns, vapid: Any
) -> None:
    vapid.STEPWISE_PUSH_ALLOW_PRIVATE = False
    with internal_service() as inside:
        endpoint = f"https://moved.example.net:{inside.port}/push/1"
        dns.set("moved.example.net", PUBLIC_ADDRESS)
        assert _subscribe(login_as, world, endpoint).status_code == 201
        dns.set("moved.example.net", "127.0.0.1")
        with pytest.raises(PermanentFailure, match="non-public"):
            PushChannel().send(outgoing(json.dumps(PushSubscriber(endpoint).subscription())))
    assert inside.connections == 0


def test_a_name_that_rebinds_between_check_and_connect_reaches_nothing_inside(
    dns: FakeDns, vapid: Any
) -> None:
    vapid.STEPWISE_PUSH_ALLOW_PRIVATE = False
    with internal_service() as inside:
        endpoint = f"https://rebind.example.net:{inside.port}/push/1"
        dns.answer("rebind.example.net", PUBLIC_ADDRESS, "127.0.0.1")  # check, then connect
        with pytest.raises(PermanentFailure, match="connection reached a non-public"):
            PushChannel().send(outgoing(json.dumps(PushSubscriber(endpoint).subscription())))
    assert inside.received == b""  # no TLS handshake, no request


def test_production_refuses_the_tests_only_private_push_switch(tmp_path: Path) -> None:
    result = run_settings(
        tmp_path,
        STEPWISE_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="stepwise.example",
        SITE_URL="https://stepwise.example",
        STEPWISE_FIELD_KEYS=FIELD_KEY,
        STEPWISE_PUSH_ALLOW_PRIVATE="true",
    )
    assert result.returncode != 0
    assert "STEPWISE_PUSH_ALLOW_PRIVATE" in result.stderr
