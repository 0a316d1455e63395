"""Fake SMS and push providers on loopback, spoken to over real HTTP.

They count what they receive, can be told to fail or stall, and the push fake decrypts each
payload with the subscription's private key, as a browser would.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass
class FakeProvider:
    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None  # answer this status instead of accepting
    stall_seconds: float = 0.0  # sleep before answering (a time-out from the sender's side)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class PushSubscriber:
    """A browser's push subscription: its keys, and the decryption of what arrives for it."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: b"0123456789abcdef")

    def subscription(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": _b64(public), "auth": _b64(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return dict(json.loads(plain))


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            if provider.stall_seconds:
                time.sleep(provider.stall_seconds)
            if provider.fail_with:
                self.send_response(provider.fail_with)
                self.end_headers()
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            record = {"path": self.path, "headers": headers, "body": body}
            if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                record["form"] = dict(urllib.parse.parse_qsl(body.decode()))
            with provider.lock:
                provider.received.append(record)
                number = len(provider.received)
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Location", f"/messages/{number}")
            self.end_headers()
            self.wfile.write(json.dumps({"sid": f"SM{number:08d}"}).encode())

    return Handler


@contextmanager
def fake_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
