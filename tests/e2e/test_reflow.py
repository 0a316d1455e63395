"""Every page of the authorization matrix reflows on a 320-pixel-wide screen (WCAG 1.4.10): no
page is wider than the screen, so nothing is cut off or needs scrolling sideways.

Each page is opened by each persona the matrix lets see it, signed in with a session made for
them (the sign-in itself is tested elsewhere)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from tests.conftest import World
from tests.test_authorization_matrix import PERSONAS, ROUTES

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def _pages_for(persona: str) -> list[str]:
    return sorted(
        name
        for name, route in ROUTES.items()
        if route.method == "get" and route.expect.get(persona) == 200
    )


def _session_cookie(world: World, persona: str, base_url: str) -> list[dict[str, Any]]:
    user = world.persona(persona)
    if user is None:
        return []
    client = HttpClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_320_pixel_screen(
    live_world: World, browser: Any, live_server: Any, persona: str
) -> None:
    context = browser.new_context(base_url=live_server.url, **NARROW)
    context.set_default_navigation_timeout(45_000)
    context.add_cookies(_session_cookie(live_world, persona, live_server.url))
    page = context.new_page()
    too_wide = []
    checked = 0
    for name in _pages_for(persona):
        url = reverse(name, kwargs=ROUTES[name].kwargs(live_world))
        # Files and feeds start a download instead of a page: ask first what it is.
        probe = context.request.head(url, max_redirects=0)
        kind = probe.headers.get("content-type", "")
        if probe.status != 200 or not kind.startswith("text/html"):
            continue
        if "attachment" in probe.headers.get("content-disposition", ""):
            continue
        response = page.goto(url)
        assert response is not None
        if response.status != 200:
            continue
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            widest = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 321
                        || e.scrollWidth > e.clientWidth + 1)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
                    .slice(0, 6).join(', ')"""
            )
            too_wide.append(f"{name} ({url}): {width}px; {widest}")
    context.close()
    assert checked > 0 or not _pages_for(persona)
    assert too_wide == [], "\n".join(too_wide)
