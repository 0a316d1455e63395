"""Behind the TLS proxy, the access log and login throttling see the client's address, taken
from the entry the proxy appended to X-Forwarded-For, never from one the client wrote itself."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from stepwise.audit.models import AccessLog
from tests.conftest import World


def _logged_ip(world: World, **headers: str) -> str | None:
    browser = HttpClient(**headers)  # type: ignore[arg-type]  # headers as WSGI environ keys
    browser.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get(f"/clients/{world.carl_client.pk}/").status_code == 200
    entry = AccessLog.objects.order_by("-id").first()
    assert entry is not None
    return entry.ip


def test_without_a_proxy_the_connection_address_is_used(world: World, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert _logged_ip(world, HTTP_X_FORWARDED_FOR="203.0.113.9") == "127.0.0.1"


def test_behind_one_proxy_its_appended_address_is_used(world: World, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert _logged_ip(world, HTTP_X_FORWARDED_FOR="203.0.113.9") == "203.0.113.9"
    # A client that sends its own X-Forwarded-For gets the proxy's entry appended after it.
    spoofed = _logged_ip(world, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert spoofed == "203.0.113.9"
