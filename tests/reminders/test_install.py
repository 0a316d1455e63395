"""The installable client site: the web app manifest, its icons, and the push service worker
under the Content Security Policy (checked in a real Chromium)."""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient

from tests.conftest import World
from tests.e2e.conftest import (
    CHROMIUM_ARGS,
    attach_checks,
    chromium_executable,
    live_world,  # noqa: F401 - a fixture
    settle,
)
from tests.e2e.test_page_sweep import sign_in


def png_size(path: str) -> tuple[int, int]:
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_manifest_is_served_with_its_content_type_and_no_login(
    db: None, client: HttpClient
) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Stepwise"
    assert manifest["start_url"] == "/me/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#175e73"


def test_every_icon_exists_at_its_declared_size(db: None, client: HttpClient) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon["src"]
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert png_size(str(found)) == (width, height)


def test_every_page_links_the_manifest_and_a_theme_colour(world: World, client: HttpClient) -> None:
    for html in (client.get("/").content.decode(), client.get("/accounts/login/").content.decode()):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert '<meta name="theme-color" content="#175e73">' in html


def test_the_policy_lets_same_origin_manifests_and_workers_load(
    db: None, client: HttpClient
) -> None:
    """No manifest-src or worker-src is needed: both fall back (worker-src via script-src) to
    'self', which is where the manifest and push-sw.js live."""
    directives = {
        part.split()[0]: part.split()[1:]
        for part in client.get("/")["Content-Security-Policy"].split(";")
        if part.strip()
    }
    for name, fallback in (("manifest-src", "default-src"), ("worker-src", "script-src")):
        assert "'self'" in directives.get(name, directives[fallback])


def on_own_thread(work: Callable[[], None]) -> None:
    """Run Playwright on a thread of its own. When tests/e2e ran earlier in the session, its
    session-wide browser keeps an event loop running on the main thread, and a second sync
    Playwright cannot start there."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run, name="chromium-check")
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the browser check did not finish"
    if failures:
        raise failures[0]


@pytest.mark.browser
def test_chromium_takes_the_manifest_and_the_push_worker_starts(
    live_world: World,  # noqa: F811
    live_server: Any,
    vapid: Any,
) -> None:
    """Axe, CSP violations and console errors fail it too (the e2e harness's checks)."""
    from playwright.sync_api import sync_playwright

    def check() -> None:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
            )
            context = chromium.new_context(base_url=live_server.url)
            context.set_default_timeout(15_000)
            checks = attach_checks(context)
            page = context.new_page()
            sign_in(page, "carl@example.net")
            page.goto("/me/reminders/")
            # Shown only once push.js has an active worker and asked it for a subscription.
            page.locator("[data-push-subscribe]").wait_for(state="visible")
            assert page.locator("[data-push-unsubscribe]").is_hidden()  # not subscribed yet
            assert page.locator("[data-push-unsupported]").is_hidden()
            scopes = page.evaluate(
                "navigator.serviceWorker.getRegistrations()"
                ".then((all) => all.map((r) => new URL(r.scope).pathname))"
            )
            assert scopes == ["/static/reminders/"]
            cdp = context.new_cdp_session(page)
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["url"].endswith("/manifest.webmanifest")
            assert manifest["errors"] == []
            assert json.loads(manifest["data"])["start_url"] == "/me/"
            # Playwright's contexts are incognito profiles, where Chromium never offers to
            # install; anything else (icons, manifest fields, origin) would be listed here.
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
            settle(context)
            context.close()
            chromium.close()
            assert checks.problems == []
            assert checks.checked, "axe-core checked no page"

    on_own_thread(check)
