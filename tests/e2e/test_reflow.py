"""Every page of the authorization matrix reflows on a 320-pixel-wide screen (WCAG 1.4.10): no
page is wider than the screen, so nothing is cut off or needs scrolling sideways.

Each page is opened by each persona the matrix lets see it, signed in with a session made for
them (the sign-in itself is tested elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from stepwise.accounts.models import User
from tests.conftest import World
from tests.languages import read_in
from tests.test_authorization_matrix import PERSONAS, ROUTES

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def _pages_for(persona: str) -> list[str]:
    return sorted(
        name
        for name, route in ROUTES.items()
        if route.method == "get" and route.expect.get(persona) == 200
    )


def _browser_as(live_world: World, persona: str, language: str | None) -> HttpClient:
    """A test client signed in as `persona` (with a session made for them), reading `language`
    if one is given: everyone does, as a page reached from a message's link without signing in
    (an unsubscribe page) speaks the language of the person it was sent to."""
    http = HttpClient()
    user = live_world.persona(persona)
    if user is not None:
        http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if language is not None:
        read_in(language, http, *User.objects.all())
    return http


@dataclass
class Walk:
    checked: int = 0
    too_wide: list[str] = field(default_factory=list)
    not_in_language: list[str] = field(default_factory=list)


# Navigation words that must not be left in English on a page in another language.
NAVIGATION = ("Sign in", "Sign out", "Settings", "Caseload")


def walk_narrow(
    live_world: World, browser: Any, live_server: Any, persona: str, language: str | None = None
) -> Walk:
    """Open every page the matrix lets `persona` see on a 320-pixel screen, in `language` if one
    is given (else as a browser asks by default), and note what is too wide or in another
    language."""
    http = _browser_as(live_world, persona, language)
    accept = http.defaults.get("HTTP_ACCEPT_LANGUAGE")
    context = browser.new_context(
        base_url=live_server.url,
        extra_http_headers={"Accept-Language": accept} if accept else None,
        **NARROW,
    )
    context.set_default_navigation_timeout(45_000)
    context.add_cookies(
        [{"name": key, "value": c.value, "url": live_server.url} for key, c in http.cookies.items()]
    )
    page = context.new_page()
    walk = Walk()
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
        walk.checked += 1
        if language is not None and language != "en":
            nav = page.evaluate("(document.querySelector('.site-nav') || {}).textContent || ''")
            english = [w for w in NAVIGATION if w in nav]
            if page.evaluate("document.documentElement.lang") != language or english:
                walk.not_in_language.append(f"{name} {english}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            widest = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 321
                        || e.scrollWidth > e.clientWidth + 1)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
                    .slice(0, 6).join(', ')"""
            )
            walk.too_wide.append(f"{name} ({url}): {width}px; {widest}")
    context.close()
    return walk


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_320_pixel_screen(
    live_world: World, browser: Any, live_server: Any, persona: str
) -> None:
    walk = walk_narrow(live_world, browser, live_server, persona)
    assert walk.checked > 0 or not _pages_for(persona)
    assert walk.too_wide == [], "\n".join(walk.too_wide)
