"""The before-session summary: the period it covers, what was due and done, measures, scores,
the client's own words and alerts; access and a query count that does not grow with history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.accounts.models import User
from stepwise.audit.models import AccessLog
from stepwise.homework.actions import assigning
from stepwise.homework.models import Completion
from stepwise.progress.summary import build_summary, choose_since
from tests.conftest import World
from tests.progress import history as h
from tests.progress.test_dashboard import text_of

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def exposure(before: int, peak: int, after: int, learned: str = "") -> dict[str, Any]:
    return {
        "step": "Lift",
        "prediction": "I will panic",
        "belief_before": 80,
        "suds_before": before,
        "practice_timer": 600,
        "suds_peak": peak,
        "suds_after": after,
        "what_happened": "It was fine",
        "prediction_result": "no",
        "belief_after": 30,
        "learned": learned or "Anxiety passes",
    }


def test_the_period_starts_at_the_last_review_unless_a_date_is_chosen() -> None:
    today = NOW.date()
    review = today - timedelta(days=5)
    assert choose_since("", today, review) == (review, "since your last review")
    chosen = today - timedelta(days=20)
    assert choose_since(chosen.isoformat(), today, review) == (chosen, "from the date you chose")
    assert choose_since("2026-13-45", today, None)[0] == today - timedelta(days=13)
    assert choose_since((today + timedelta(days=1)).isoformat(), today, None)[0] != today + (
        timedelta(days=1)
    )


def test_summary_shows_due_and_done_measures_scores_words_and_alerts(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    mood = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=13))
    h.hand_in(mood, today - timedelta(days=1), h.mood(4, "Slept badly, argued with Sam"))
    h.hand_in(mood, today - timedelta(days=3), h.mood(6), late_by=1)
    log = h.assign_daily(
        world.carl_client, world.alice, today - timedelta(days=13), slug="exposure-practice-log"
    )
    for n, back in enumerate((12, 9, 6, 3, 2)):
        h.hand_in(log, today - timedelta(days=back), exposure(60, 85 - 10 * n, 40 - 5 * n))
    h.answer_phq9(world.carl_client, NOW - timedelta(days=40), 6)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=2), 15, item9=1)

    html = alice_client.get(
        f"/clients/{world.carl_client.pk}/summary/?since={(today - timedelta(days=13)).isoformat()}"
    ).content.decode()
    text = text_of(html)
    period = "Fri 13 Nov 2026 to Thu 26 Nov 2026, client's time"
    assert f"{period} (14 days; from the date you chose)" in text
    assert "Daily mood check-in 2 of 13 (1 late) 11 0" in text
    assert "Exposure practice log 5 of 13 8 0" in text
    assert "SUDS peak (Exposure practice log, 5×) 85 → 45 SUDS 45–85 falling" in text  # noqa: RUF001
    assert "PHQ-9 24 Nov, client's time 15 Moderately severe" in text
    assert "up 9 since the previous result (worse) Reliable deterioration" in text
    assert "Slept badly, argued with Sam" in text
    assert "Anxiety passes" in text
    assert "PHQ-9 question 9" in text
    assert "not acknowledged" in text


def test_the_default_period_follows_the_last_review(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    mood = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=20))
    done = h.hand_in(mood, today - timedelta(days=15), h.mood(5))
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        assigning.mark_reviewed([done], by=world.alice)
    summary = build_summary(world.carl_client, world.alice)
    assert summary.since == today - timedelta(days=10)
    assert summary.since_reason == "since your last review"
    assert summary.done_count == 0, "what was reviewed before the period is not repeated"


def test_summary_is_for_the_care_team_only_and_denials_are_audited(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    url = f"/clients/{world.carl_client.pk}/summary/"
    for persona in (world.bob, world.ada, world.olga, world.carl, world.dana, world.gina):
        before = AccessLog.objects.filter(outcome="denied").count()
        assert login_as(persona).get(url).status_code == 404
        assert AccessLog.objects.filter(outcome="denied").count() == before + 1
    login_as(world.alice).get(url)
    assert (
        AccessLog.objects.filter(
            action="progress.summary", client_id=world.carl_client.pk, outcome="allowed"
        ).count()
        == 1
    )


def _queries(browser: HttpClient, url: str) -> int:
    # The session's first page also stores the reader's roles in it: not a cost of this page.
    assert browser.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def test_summary_and_progress_take_the_same_queries_for_short_and_long_histories(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    alice_client.get("/home/")  # the session's first page reads and keeps the roles
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 6, done=[1, 2])
    h.answer_phq9(world.carl_client, NOW - timedelta(days=3), 8)
    summary = f"/clients/{world.carl_client.pk}/summary/?since={(today - timedelta(days=27))}"
    progress = f"/clients/{world.carl_client.pk}/progress/?range=all"
    # The session's first page also stores the reader's roles in it: not a cost of these pages.
    assert alice_client.get("/clients/").status_code == 200
    short = (_queries(alice_client, summary), _queries(alice_client, progress))
    Completion.objects.all().delete()
    h.daily_history(world.carl_client, world.alice, today, 28, done=range(1, 28))
    for back in range(5, 28, 7):
        h.answer_phq9(world.carl_client, NOW - timedelta(days=back), 5 + back % 9)
    long = (_queries(alice_client, summary), _queries(alice_client, progress))
    assert long == short


def test_around_midnight_the_summary_lists_the_clients_own_days_labelled_as_such(
    world: World, client: HttpClient
) -> None:
    """Alice in Chicago opens the summary at 23:30 on Sunday 6 Dec; Carl in New York did his
    homework at 23:45 on Sunday and at 00:15 on Monday, his time (both on Monday in UTC, both on
    Sunday in Chicago). His days are his own, and the page says whose days they are."""
    from tests.factories import assign_exercise, hand_in

    User.objects.filter(pk=world.alice.pk).update(time_zone="America/Chicago")
    world.carl_client.time_zone = "America/New_York"
    world.carl_client.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 12, 4, 15, 0, tzinfo=UTC), tick=False):
        mood = assign_exercise(world.carl_client, world.alice)
    with time_machine.travel(datetime(2026, 12, 7, 4, 45, tzinfo=UTC), tick=False):
        hand_in(mood, world.carl, extra=True)  # 23:45 Sunday in New York
    with time_machine.travel(datetime(2026, 12, 7, 5, 15, tzinfo=UTC), tick=False):
        hand_in(mood, world.carl, extra=True)  # 00:15 Monday in New York
    with time_machine.travel(datetime(2026, 12, 7, 5, 30, tzinfo=UTC), tick=False):
        client.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")
        text = text_of(client.get(f"/clients/{world.carl_client.pk}/summary/").content.decode())
    assert "Tue 24 Nov 2026 to Mon 7 Dec 2026, client's time (14 days;" in text
    assert "Daily mood check-in · Mon 7 Dec, client's time · Extra practice" in text
    assert "Daily mood check-in · Sun 6 Dec, client's time · Extra practice" in text
    assert text.count("Daily mood check-in · ") == 2


def test_a_summary_of_a_single_day_names_the_day_once(
    world: World, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    text = text_of(
        alice_client.get(
            f"/clients/{world.carl_client.pk}/summary/?since={today.isoformat()}"
        ).content.decode()
    )
    assert f"{today:%a} {today.day} {today:%b %Y}, client's time (from the date you chose)" in text
