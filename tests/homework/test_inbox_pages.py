"""The review inbox, page by page: not reviewed yet first, then reviewed, each newest first;
no piece of homework twice or missing across pages; the same queries however long the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.homework.actions import assigning
from stepwise.homework.models import Completion
from stepwise.homework.overview import inbox_page
from tests.conftest import World
from tests.progress import history as h

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def _history(world: World, days: int, reviewed_before: int) -> list[Completion]:
    """One completion a day for `days` days; those older than `reviewed_before` days reviewed."""
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=days))
    made = [h.hand_in(assignment, today - timedelta(days=back), h.mood(5)) for back in range(days)]
    assigning.mark_reviewed(
        [c for c in made if c.local_date < today - timedelta(days=reviewed_before)],
        by=world.alice,
    )
    return made


def _flat(pages: list[list[int]]) -> list[int]:
    return [pk for page in pages for pk in page]


def _all_pages(world: World, state: str, size: int) -> list[list[int]]:
    pages, number = [], 1
    while True:
        page = inbox_page(world.alice, client_id=None, state=state, number=number, size=size)
        pages.append([c.pk for c in page.completions])
        if not page.has_next:
            return pages
        number += 1


def test_pages_list_unreviewed_then_reviewed_newest_first_each_once(
    world: World, frozen: Any
) -> None:
    made = _history(world, days=23, reviewed_before=4)  # days 0-4 not reviewed: 5 of them
    newest_first = sorted(made, key=lambda c: (c.completed_at, c.pk), reverse=True)
    waiting = set(Completion.objects.filter(reviewed_at__isnull=True).values_list("pk", flat=True))
    unreviewed = [c.pk for c in newest_first if c.pk in waiting]
    reviewed = [c.pk for c in newest_first if c.pk not in unreviewed]
    pages = _all_pages(world, "all", size=4)
    assert [len(p) for p in pages] == [4, 4, 4, 4, 4, 3]
    assert _flat(pages) == unreviewed + reviewed
    assert len(unreviewed) == 5
    assert _flat(_all_pages(world, "unreviewed", size=4)) == unreviewed
    assert _flat(_all_pages(world, "reviewed", size=4)) == reviewed
    first = inbox_page(world.alice, client_id=None, state="all", number=1, size=4)
    assert first.to_review == 5
    assert not first.has_previous
    assert first.has_next


def test_a_page_past_the_end_shows_the_first_page(world: World, frozen: Any) -> None:
    _history(world, days=3, reviewed_before=1)
    page = inbox_page(world.alice, client_id=None, state="all", number=40, size=4)
    assert page.number == 1
    assert len(page.completions) == 3


def test_the_inbox_pager_links_keep_the_filter(
    world: World, frozen: Any, alice_client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stepwise.homework.views.review.PAGE_SIZE", 4)
    _history(world, days=10, reviewed_before=2)
    html = alice_client.get("/review/?state=all&page=2").content.decode()
    assert "Page 2" in html
    assert "state=all&amp;page=1" in html
    assert "state=all&amp;page=3" in html
    assert "3 to review, newest first" in html


def test_a_page_takes_the_same_queries_after_a_short_or_a_long_history(
    world: World, frozen: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            inbox_page(world.alice, client_id=None, state="all", number=2, size=5)
        return len(captured)

    _history(world, days=12, reviewed_before=3)
    short = queries()
    Completion.objects.all().delete()
    _history(world, days=60, reviewed_before=3)
    assert queries() == short
