"""The dashboard keeps each caseload row it rendered (`dashboard.RENDERED`) under everything the
row shows: a page seen again renders no row, and a row is rendered again exactly when its client's
name, figures, review or alert counts, or the reader's language or time zone changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.accounts.actions import set_language
from stepwise.clinic import actions as clinic_actions
from stepwise.progress.dashboard import RENDERED
from tests.conftest import World
from tests.factories import NOW  # noqa: F401 - the clock `frozen` stops
from tests.languages import back_to_english  # noqa: F401 - autouse: English for the next test
from tests.progress import history as h

ROWS = RENDERED["caseload-row"]


@pytest.fixture(autouse=True)
def no_rows_kept() -> Iterator[None]:
    ROWS.clear()
    yield
    ROWS.clear()


def rows_of(html: str) -> list[str]:
    return re.findall(
        r"<tr[ >].*?</tr>", html[html.index("<tbody>") : html.index("</tbody>")], re.S
    )


def dashboard(browser: HttpClient) -> tuple[list[str], int]:
    """The page's rows and how many were rendered for it."""
    before = ROWS.misses
    response = browser.get("/dashboard/")
    assert response.status_code == 200
    return rows_of(response.content.decode()), ROWS.misses - before


def row_of(rows: list[str], name: str) -> str:
    (found,) = [row for row in rows if f">{name}</a>" in row]
    return found


def test_a_page_seen_again_renders_no_row_and_shows_the_same_rows(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    h.assign_daily(world.carl_client, world.alice, world.carl_client_today() - timedelta(days=3))
    first, rendered = dashboard(alice_client)
    assert rendered == len(first) > 0
    again, rendered = dashboard(alice_client)
    assert rendered == 0
    assert again == first


def test_a_row_is_rendered_again_when_what_it_shows_changes_and_only_that_row(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=3))
    before, _ = dashboard(alice_client)
    dana = row_of(before, world.dana_client.display_name)

    h.hand_in(assignment, today - timedelta(days=1), h.mood(6))  # a result to review
    after, rendered = dashboard(alice_client)
    assert rendered == 1
    assert "1 to review" in row_of(after, "Carl")
    assert "1 to review" not in row_of(before, "Carl")
    assert row_of(after, world.dana_client.display_name) == dana

    carl = world.carl_client
    clinic_actions.update_client(
        carl,
        display_name="Carlos",
        time_zone=carl.time_zone,
        email=carl.email,
        mobile=carl.mobile,
        is_minor=carl.is_minor,
    )
    renamed, rendered = dashboard(alice_client)
    assert rendered == 1
    assert "1 to review" in row_of(renamed, "Carlos")
    assert not [row for row in renamed if ">Carl</a>" in row]


def test_a_row_kept_in_one_language_is_not_shown_to_a_reader_of_another(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    h.assign_daily(world.carl_client, world.alice, world.carl_client_today() - timedelta(days=3))
    english, _ = dashboard(alice_client)
    assert 'data-label="Last 7 days"' in row_of(english, "Carl")
    set_language(world.alice, "es")
    spanish, rendered = dashboard(alice_client)
    assert rendered == len(english)
    assert 'data-label="Últimos 7 días"' in row_of(spanish, "Carl")
