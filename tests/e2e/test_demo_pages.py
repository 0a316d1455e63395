"""The demo practice in a real browser: its logins work and its pages, full of history, pass the
harness's checks (axe-core, CSP, console) at desktop and phone width without sideways scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest

from stepwise.clinic.demo import DEMO_PASSWORD, current_demo_code, load_demo
from stepwise.clinic.models import Client
from stepwise.homework.models import Occurrence, today_for

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None, live_server: Any) -> dict[str, Client]:
    load_demo()
    return {c.display_name: c for c in Client.objects.all()}


def _sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:  # staff: the demo's published secret
        page.get_by_label("Code").fill(current_demo_code())
        page.get_by_role("button", name=re.compile("^sign in$", re.IGNORECASE)).click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


def _visit(page: Any, paths: list[str]) -> None:
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response is not None
            assert response.status < 400, f"{path} answered {response.status}"
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide}px wide on a {width}px screen"


def test_the_demo_pages_pass_the_checks_for_each_persona(
    demo: dict[str, Client], new_context: Any
) -> None:
    alex = new_context().new_page()
    _sign_in(alex, "alex.morgan@demo.stepwise.test")
    jordan, casey = demo["Jordan"], demo["Casey"]
    _visit(
        alex,
        [
            "/dashboard/",
            "/review/",
            f"/clients/{jordan.pk}/",
            f"/clients/{jordan.pk}/progress/",
            f"/clients/{jordan.pk}/summary/",
            f"/clients/{casey.pk}/",
            f"/clients/{casey.pk}/summary/",
            f"/clients/{demo['Mia'].pk}/progress/",
        ],
    )
    assert "Critical answer" in alex.goto("/dashboard/").text()

    client = new_context().new_page()
    _sign_in(client, "jordan@demo.stepwise.test")
    today = today_for(jordan)
    mood = Occurrence.objects.filter(
        assignment__client=jordan,
        assignment__title="Daily mood check-in",
        opens=today,
    ).get()
    _visit(client, ["/me/", "/me/progress/", f"/me/do/{mood.pk}/"])

    carer = new_context().new_page()
    _sign_in(carer, "chris@demo.stepwise.test")
    _visit(carer, ["/me/", "/me/progress/"])
