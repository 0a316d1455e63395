"""Spanish runs longer than English: every page a therapist, a client and a visitor open still
fits a 320-pixel-wide screen in Spanish, says `lang="es"`, and its navigation is in Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from stepwise.accounts.models import User
from tests.conftest import World
from tests.e2e.test_reflow import NARROW, _pages_for, _session_cookie
from tests.test_authorization_matrix import ROUTES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", ["anonymous", "alice", "carl"])
def test_every_page_fits_a_320_pixel_screen_in_spanish(
    live_world: World, browser: Any, live_server: Any, persona: str
) -> None:
    user = live_world.persona(persona)
    if user is not None and any(f.name == "language" for f in User._meta.get_fields()):
        User.objects.filter(pk=user.pk).update(language="es")
    context = browser.new_context(base_url=live_server.url, locale="es-US", **NARROW)
    context.set_default_navigation_timeout(45_000)
    context.add_cookies(
        [
            *_session_cookie(live_world, persona, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url},
        ]
    )
    page = context.new_page()
    too_wide, not_spanish = [], []
    checked = 0
    for name in _pages_for(persona):
        url = reverse(name, kwargs=ROUTES[name].kwargs(live_world))
        probe = context.request.head(url, max_redirects=0)
        kind = probe.headers.get("content-type", "")
        if probe.status != 200 or not kind.startswith("text/html"):
            continue
        if "attachment" in probe.headers.get("content-disposition", ""):
            continue
        response = page.goto(url)
        if response is None or response.status != 200:
            continue
        checked += 1
        nav = page.evaluate("(document.querySelector('.site-nav') || {}).textContent || ''")
        english = [w for w in ("Sign in", "Sign out", "Settings", "Caseload") if w in nav]
        if page.evaluate("document.documentElement.lang") != "es" or english:
            not_spanish.append(f"{name} {english}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{name} ({url}): {width}px")
    context.close()
    assert checked > 0
    assert too_wide == [], "\n".join(too_wide)
    assert not_spanish == [], "pages not in Spanish: " + ", ".join(not_spanish)
