"""Browser-test harness: Playwright driving a real Chromium against the live server.

Every page a test visits is checked by axe-core (serious or critical violations fail the test),
and any CSP violation or console error fails it too, so each new browser test inherits the bar.
Emails go over real SMTP to a local sink (`tests/fakes/smtp.py`). A browser that cannot start
fails the run: these tests never skip silently.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread
logging.getLogger("mail.log").setLevel(logging.WARNING)

VENDOR = Path(__file__).parent / "vendor"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PAGE_CHECKS = """
(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    window.stepwiseProblem('CSP violation on ' + location.pathname + ': ' +
      e.violatedDirective + ' blocked ' + e.blockedURI);
  });
  window.addEventListener('load', () => {
    if (window.top !== window) { return; }
    axe.run(document, { resultTypes: ['violations'] }).then((result) => {
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
          v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
      return window.stepwiseAxe(location.pathname, serious);
    }).finally(() => { window.stepwiseChecked = true; });
  });
})();
"""


def chromium_executable() -> str | None:
    """Debian's Chromium when present (or STEPWISE_CHROMIUM); None means Playwright's own build."""
    chosen = os.environ.get("STEPWISE_CHROMIUM")
    if chosen:
        return chosen
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")


def pytest_report_header() -> str:
    executable = chromium_executable()
    where = executable or "Playwright's own build (playwright install chromium)"
    return f"browser tests: Chromium at {where}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
            )
        except Exception as exc:
            pytest.fail(
                f"Chromium could not start ({exc}). "
                "Run scripts/ensure-browser or set STEPWISE_CHROMIUM.",
                pytrace=False,
            )
        yield launched
        launched.close()


@dataclass
class PageChecks:
    """What the pages reported: axe violations and CSP/console problems, by page."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def attach_checks(context: Any) -> PageChecks:
    """Run axe-core on every page the context loads; collect CSP violations and console errors."""
    checks = PageChecks()

    def report_axe(source: Any, path: str, violations: list[str]) -> None:
        checks.checked.append(path)
        checks.problems.extend(f"axe on {path}: {v}" for v in violations)

    def report_problem(source: Any, text: str) -> None:
        checks.problems.append(text)

    context.expose_binding("stepwiseAxe", report_axe)
    context.expose_binding("stepwiseProblem", report_problem)
    context.add_init_script(script=(VENDOR / "axe.min.js").read_text())
    context.add_init_script(script=PAGE_CHECKS)

    def watch(page: Any) -> None:
        def on_console(msg: Any) -> None:
            where = msg.location.get("url")
            # A page's own 4xx status is the test's to judge; failed sub-resources are problems.
            own_status = msg.text.startswith("Failed to load resource") and where == page.url
            # A test that cuts the connection (offline, or requests aborted as disconnected)
            # causes these itself; the page's own handling of it is what the test checks.
            cut_off = "net::ERR_INTERNET_DISCONNECTED" in msg.text
            if msg.type == "error" and not own_status and not cut_off:
                checks.problems.append(f"console error on {page.url}: {msg.text} ({where})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: checks.problems.append(f"page error: {exc}"))

    context.on("page", watch)
    return checks


def settle(context: Any) -> None:
    """Wait until the last page of a context has reported its axe run (no longer: no fixed
    pause, which a busy machine outlasts and a quiet one wastes)."""
    for page in context.pages:
        try:
            page.wait_for_load_state("load", timeout=5_000)
            page.wait_for_function(
                "() => window.stepwiseChecked === true || typeof axe === 'undefined'",
                timeout=10_000,
            )
        except Exception:  # noqa: S110 - a closed page has nothing left to check
            pass


def one_request_at_a_time(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """Serve a WSGI app's requests one after the other, each to its end (body and close)."""
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    return serve


@pytest.fixture(scope="session")
def live_server(live_server: Any) -> Any:
    """pytest-django's live server, made safe for requests that overlap.

    On the in-memory SQLite test database every server thread shares the test's one connection,
    so two requests at once (a keepalive and an autosave, a preview and a search) collide inside
    one transaction ("cannot start a transaction within a transaction") and answer 500: on a busy
    machine, at random. There the server takes one request at a time; PostgreSQL gives each
    thread its own connection and needs nothing.
    """
    thread = live_server.thread
    if thread.connections_override:
        thread.httpd.set_app(one_request_at_a_time(thread.httpd.get_app()))
    return live_server


@pytest.fixture
def new_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """Make browser contexts (one per person) whose every page is checked."""
    contexts: list[tuple[Any, PageChecks]] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **options)
        # Generous: CI machines are small and may be busy; a real hang still fails.
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(45_000)
        contexts.append((context, attach_checks(context)))
        return context

    yield make

    failures: list[str] = []
    for context, checks in contexts:
        settle(context)
        failures.extend(checks.problems)
        if not checks.checked:
            failures.append("axe-core checked no page: the harness is not running")
        context.close()
    assert failures == [], "\n".join(failures)


@pytest.fixture
def live_world(transactional_db: None, live_server: Any) -> Any:
    """The personas of tests/conftest.py, in a database the live server can see."""
    from tests.conftest import build_world

    return build_world()
