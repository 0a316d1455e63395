"""A resolver the test decides: names in its table answer what the test says (and may change
between calls, as DNS rebinding does); every other name goes to the system's resolver."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

# example.com's real address: a public one, for names the push tests subscribe with.
PUBLIC_ADDRESS = "93.184.215.14"


class FakeDns:
    def __init__(self) -> None:
        self.table: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def answer(self, name: str, *addresses: str) -> None:
        """`name` resolves to `addresses`; several calls queue answers, the last one stays."""
        self.table.setdefault(name.lower(), []).extend(addresses)

    def set(self, name: str, *addresses: str) -> None:
        self.table[name.lower()] = list(addresses)

    def next_answer(self, name: str) -> str | None:
        queue = self.table.get(name.lower())
        if not queue:
            return None
        return queue.pop(0) if len(queue) > 1 else queue[0]


@contextmanager
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDns]:
    dns = FakeDns()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        address = dns.next_answer(name)
        if address is None:
            return real(host, port, *args, **kwargs)
        dns.lookups.append(name)
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield dns
