"""The therapist's dashboard: home for therapists, the attention queue, the caseload figures,
sorting and filtering, access, and a query count that does not grow with the caseload."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.accounts.models import User
from stepwise.audit.models import AccessLog
from stepwise.clinic import actions as clinic_actions
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment
from stepwise.progress.dashboard import build_dashboard
from tests.conftest import World
from tests.progress import history as h

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday, 09:00 in London


def text_of(html: str) -> str:
    """The words of the page's main content (or of a fragment), tags taken out."""
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def rows_by_name(world: World) -> dict[str, Any]:
    data = build_dashboard(world.alice, world.practice.pk)
    return {row.client.display_name: row for row in data.rows}


def test_therapists_land_on_the_dashboard_and_it_comes_first_in_their_menu(
    alice_client: HttpClient,
) -> None:
    assert alice_client.get("/home/")["Location"] == "/dashboard/"
    html = alice_client.get("/dashboard/").content.decode()
    nav = html[html.index('<nav aria-label="Main"') :]
    assert nav.index(">Dashboard<") < nav.index(">Caseload<")


def test_adherence_is_done_on_time_or_late_out_of_due_over_7_and_30_days(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=29))
    for back in (1, 2, 3):  # on time
        h.hand_in(assignment, today - timedelta(days=back), h.mood(6))
    h.hand_in(assignment, today - timedelta(days=5), h.mood(6), late_by=1)  # late, same week
    h.hand_in(assignment, today - timedelta(days=20), h.mood(6))
    carl = rows_by_name(world)["Carl"]
    # Last 7 days: six past days due (days 1-6) and today open; 4 done.
    assert (carl.week.due, carl.week.done, carl.week.late, carl.week.open) == (6, 4, 1, 1)
    assert carl.week_label == "67%"
    assert (carl.month.due, carl.month.done) == (29, 5)


def test_days_the_rolling_window_never_reached_still_count_as_missed(
    world: World, frozen: Any
) -> None:
    """A client who has not opened the app for weeks has no occurrences stored for those days."""
    today = world.carl_client_today()
    with time_machine.travel(NOW - timedelta(days=25), tick=False):
        assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=25))
    assignment.refresh_from_db()
    assert assignment.materialised_until == today - timedelta(days=25 - assigning.WINDOW_DAYS)
    carl = rows_by_name(world)["Carl"]
    assert (carl.month.due, carl.month.missed, carl.month.open) == (25, 25, 1)
    assert carl.is_inactive
    assert Assignment.objects.get(pk=assignment.pk).materialised_until == (
        assignment.materialised_until
    ), "the dashboard writes nothing"


def test_attention_queue_lists_alerts_then_deterioration_then_inactivity_then_reviews(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    # Carl: PHQ-9 from 5 to 17 (reliable deterioration) with item 9 endorsed (an alert).
    h.answer_phq9(world.carl_client, NOW - timedelta(days=30), 5)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 17, item9=1)
    # Dana: homework due, nothing done for a week.
    h.assign_daily(world.dana_client, world.alice, today - timedelta(days=7))
    # Mia: one result waiting for review, done today.
    mia = h.assign_daily(world.mia_client, world.alice, today - timedelta(days=1))
    h.hand_in(mia, today, h.mood(7))
    html = alice_client.get("/dashboard/").content.decode()
    queue = html[html.index('id="attention-heading"') : html.index('id="caseload-heading"')]
    kinds = re.findall(r'class="attention-item attention-(\w+)"', queue)
    assert kinds == ["alert", "deterioration", "inactive", "unreviewed"]
    text = text_of(queue)
    assert "Carl : PHQ-9 question 9" in text
    assert "PHQ-9 17 (Moderately severe): reliably worse than at baseline" in text
    assert "Dana : no activity yet; 3 homework items not done" in text
    assert "Mia : 1 new result to review" in text


def test_a_client_active_in_the_last_three_days_is_not_inactive(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=10))
    h.hand_in(assignment, today - timedelta(days=2), h.mood(5))
    carl = rows_by_name(world)["Carl"]
    assert carl.inactive_days == 2
    assert not carl.is_inactive
    assert carl.activity_label == "2 days ago"


def test_latest_score_shows_band_and_an_arrow_with_words_for_screen_readers(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=28), 16)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=14), 12)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 8)
    html = alice_client.get("/dashboard/").content.decode()
    assert (
        'PHQ-9 <strong>8</strong> Mild <span class="trend" aria-hidden="true">↓</span>'
        '<span class="visually-hidden">, down 4 since the previous result (better)</span>'
    ) in html
    carl = rows_by_name(world)["Carl"]
    assert carl.scores[0].verdict == "recovered"  # reliably better and below the cut-off


def test_an_old_questionnaire_without_an_assignment_is_not_shown_as_active(
    world: World, frozen: Any
) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=200), 9)
    assert rows_by_name(world)["Carl"].scores == []


def test_sorting_and_filtering_happen_on_the_server(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 10, done=range(1, 11))  # 100%
    h.daily_history(world.dana_client, world.alice, today, 10, done=[2, 4])  # 20%

    def names(url: str) -> list[str]:
        html = alice_client.get(url).content.decode()
        table = html[html.index("<tbody>") : html.index("</tbody>")]
        return re.findall(r'/clients/\d+/">([^<]+)</a>', table)

    assert names("/dashboard/") == ["Carl", "Dana", "Mia"]
    assert names("/dashboard/?sort=-name") == ["Mia", "Dana", "Carl"]
    assert names("/dashboard/?sort=month") == ["Dana", "Carl", "Mia"]  # nothing due: last
    assert names("/dashboard/?sort=-month") == ["Carl", "Dana", "Mia"]
    assert names("/dashboard/?show=low") == ["Dana"]
    assert names("/dashboard/?q=ca") == ["Carl"]
    assert names("/dashboard/?sort=bogus&show=bogus") == ["Carl", "Dana", "Mia"]
    html = alice_client.get("/dashboard/?sort=-month").content.decode()
    assert 'aria-sort="descending"' in html


def test_a_discharged_client_leaves_the_dashboard(world: World, alice_client: HttpClient) -> None:
    clinic_actions.set_discharged(world.dana_client, discharged=True)
    text = text_of(alice_client.get("/dashboard/").content.decode())
    assert "Dana" not in text


@pytest.mark.parametrize("persona", ["bob", "ada", "olga"])
def test_other_therapists_see_none_of_alices_clients(
    world: World, login_as: Callable[[User | None], HttpClient], persona: str
) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 10, item9=1)
    html = login_as(getattr(world, persona)).get("/dashboard/").content.decode()
    for name in ("Carl", "Dana", "Mia"):
        assert name not in text_of(html)


@pytest.mark.parametrize("persona", ["carl", "gina", None])
def test_clients_carers_and_strangers_get_no_dashboard(
    world: World, login_as: Callable[[User | None], HttpClient], persona: str | None
) -> None:
    response = login_as(getattr(world, persona) if persona else None).get("/dashboard/")
    assert response.status_code in (302, 404)
    if persona:
        assert response.status_code == 404


def test_one_access_record_per_view_of_the_dashboard(
    world: World, alice_client: HttpClient
) -> None:
    before = AccessLog.objects.count()
    alice_client.get("/dashboard/")
    records = list(AccessLog.objects.order_by("-id")[: AccessLog.objects.count() - before])
    assert [(r.action, r.client_id, r.outcome) for r in records] == [
        ("progress.dashboard", None, "allowed")
    ]


def _caseload_with_history(world: World, count: int) -> None:
    today = world.carl_client_today()
    for n in range(count):
        client = clinic_actions.add_client(
            world.alice, display_name=f"Client {n:03}", time_zone="Europe/London"
        )
        assignment = h.assign_daily(client, world.alice, today - timedelta(days=12))
        for back in (1, 3, 5, 9):
            h.hand_in(assignment, today - timedelta(days=back), h.mood(4 + back % 5))
        h.answer_phq9(client, NOW - timedelta(days=20), 6 + n % 5)
        h.answer_phq9(client, NOW - timedelta(days=6), 8 + n % 7, item9=1 if n % 10 == 0 else 0)
        h.answer_phq9(client, NOW - timedelta(days=1), 10 + n % 9)


def _dashboard_queries(browser: HttpClient) -> tuple[int, int]:
    """The queries of one view of the dashboard: those that are not writes of recomputed
    figures, and those that are (SQLite takes a batch of rows per UPDATE)."""
    with CaptureQueriesContext(connection) as captured:
        response = browser.get("/dashboard/")
    assert response.status_code == 200
    writes = sum(
        1 for q in captured if q["sql"].startswith('UPDATE "progress_clientfigures" SET "data"')
    )
    return len(captured) - writes, writes


def test_the_dashboard_takes_the_same_number_of_queries_for_10_or_150_clients(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    # The session's first page also stores the reader's roles in it: not a cost of the dashboard.
    assert alice_client.get("/clients/").status_code == 200
    _caseload_with_history(world, 10)
    alice_client.get("/home/")  # the session's first page reads and keeps the roles
    small, small_writes = _dashboard_queries(alice_client)  # every row computed
    small_current, _ = _dashboard_queries(alice_client)  # every row current
    _caseload_with_history(world, 140)
    large, large_writes = _dashboard_queries(alice_client)
    large_current, _ = _dashboard_queries(alice_client)
    assert large == small, f"{small} queries for 10 clients, {large} for 150"
    assert large_current == small_current
    assert small_writes == 1
    assert large_writes <= 2  # one UPDATE on PostgreSQL; SQLite's bound on parameters splits it
    assert small <= 25
    assert small_current <= 15


def test_the_caseload_comes_a_page_at_a_time_and_the_pager_keeps_the_filter(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    for n in range(30):
        clinic_actions.add_client(
            world.alice, display_name=f"Client {n:02}", time_zone="Europe/London"
        )

    def names(html: str) -> list[str]:
        table = html[html.index("<tbody>") : html.index("</tbody>")]
        return re.findall(r'/clients/\d+/">([^<]+)</a>', table)

    first = alice_client.get("/dashboard/?sort=-name").content.decode()
    assert len(names(first)) == 25
    assert names(first)[0] == "Mia"
    assert "1\u201325 of 33 active clients" in text_of(first)
    assert 'href="?sort=-name&amp;show=all&amp;q=&amp;page=2" rel="next"' in first
    second = alice_client.get("/dashboard/?sort=-name&show=all&q=&page=2").content.decode()
    assert names(second)[-1] == "Carl"
    assert len(names(second)) == 8
    assert "26\u201333 of 33 active clients" in text_of(second)
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert names(alice_client.get("/dashboard/?page=99").content.decode())[-1] == "Mia"
    filtered = alice_client.get("/dashboard/?q=client 1").content.decode()
    assert len(names(filtered)) == 10
    assert "10 of 10 matching, out of 33 active clients" in text_of(filtered)


def test_the_attention_queue_shows_the_first_ten_and_offers_the_rest(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    for n in range(12):
        client = clinic_actions.add_client(
            world.alice, display_name=f"Quiet {n:02}", time_zone="Europe/London"
        )
        h.assign_daily(client, world.alice, today - timedelta(days=7))

    def items(html: str) -> list[str]:
        queue = html[html.index('id="attention-heading"') : html.index('id="caseload-heading"')]
        return re.findall(r'class="attention-item attention-(\w+)"', queue)

    html = alice_client.get("/dashboard/").content.decode()
    assert items(html) == ["inactive"] * 10
    assert "Show all 12 items" in html
    everything = alice_client.get("/dashboard/?attention=all").content.decode()
    assert items(everything) == ["inactive"] * 12
    assert "Show all" not in everything


def test_the_menus_review_count_includes_discharged_clients_as_the_inbox_does(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 4, done=[1, 2])
    h.daily_history(world.dana_client, world.alice, today, 4, done=[1, 2, 3])
    clinic_actions.set_discharged(world.dana_client, discharged=True)

    def menu_count(path: str) -> str:
        html = alice_client.get(path).content.decode()
        return re.findall(r'nav-count">(\d+)<', html)[0]

    dashboard = alice_client.get("/dashboard/").content.decode()
    assert "Dana" not in text_of(dashboard)
    assert "2 new results to review" in text_of(dashboard)  # Carl's, on the active caseload
    assert menu_count("/dashboard/") == menu_count("/clients/") == "5"
