"""The harness itself: it must catch what it promises to catch."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import attach_checks, settle

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>bad</title></head><body><main>
<h1>Bad page</h1><form><input type="text" name="unlabelled"></form>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""


def _serve(page: Any, html: str, headers: dict[str, str] | None = None) -> None:
    page.route(
        "http://harness.test/",
        lambda route: route.fulfill(
            status=200, body=html, content_type="text/html", headers=headers or {}
        ),
    )
    page.goto("http://harness.test/")


def test_the_harness_reports_serious_accessibility_violations(browser: Any) -> None:
    context = browser.new_context()
    checks = attach_checks(context)
    _serve(context.new_page(), BAD_PAGE)
    settle(context)
    context.close()
    assert checks.checked == ["/"]
    assert any("label" in problem for problem in checks.problems), checks.problems
    assert any("image-alt" in problem for problem in checks.problems), checks.problems


def test_the_harness_reports_csp_violations(browser: Any) -> None:
    context = browser.new_context()
    checks = attach_checks(context)
    page_html = (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        "<body><main><h1>x</h1><script>1</script></main></body></html>"
    )
    _serve(context.new_page(), page_html, {"Content-Security-Policy": "script-src 'self'"})
    settle(context)
    context.close()
    assert any("CSP violation" in problem for problem in checks.problems), checks.problems


def test_the_live_server_answers_requests_that_overlap(live_world: Any, new_context: Any) -> None:
    """A page's requests overlap (an autosave and a keepalive, a preview and a search): each
    signed-in request writes the session, and none may fail because another is running."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    from tests.e2e.test_page_sweep import sign_in

    context = new_context()
    page = context.new_page()
    sign_in(page, "carl@example.net")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    url = page.url

    def fetch(_: int) -> int:
        with urlopen(Request(url, headers={"Cookie": cookie}), timeout=60) as response:
            return int(response.status)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(40)))
    assert statuses == [200] * 40
