"""Charts of a client's progress for the therapist, and the client's own progress page: metric
lines with tables, minutes per week, the adherence calendar, and shared questionnaire results."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from stepwise.accounts.models import User
from stepwise.assessments import actions as assessment_actions
from stepwise.assessments.models import SharedResults
from stepwise.audit.models import AccessLog
from stepwise.clinic.models import CaregiverLink
from stepwise.progress.client_progress import build_progress
from tests.conftest import World
from tests.progress import history as h
from tests.progress.test_dashboard import text_of
from tests.progress.test_summary import exposure

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_metric_charts_group_a_unit_and_carry_a_table(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    log = h.assign_daily(
        world.carl_client, world.alice, today - timedelta(days=10), slug="exposure-practice-log"
    )
    for n, back in enumerate((9, 6, 3)):
        h.hand_in(log, today - timedelta(days=back), exposure(60, 80 - 10 * n, 30))
    progress = build_progress(world.carl_client, world.alice.time_zone)
    (group,) = progress.metrics
    titles = [chart.title for chart in group.charts]
    assert "Exposure practice log: SUDS before, SUDS peak, SUDS after" in titles
    suds = next(c for c in group.charts if "SUDS peak" in c.title)
    assert [s.label for s in suds.series] == ["SUDS before", "SUDS peak", "SUDS after"]
    assert suds.table_headers[1:] == ["SUDS before (SUDS)", "SUDS peak (SUDS)", "SUDS after (SUDS)"]
    assert [row[2] for row in suds.table_rows] == ["80", "70", "60"]
    assert "SUDS peak: 3 values, from 80 to 60 (falling)" in suds.summary


def test_minutes_per_week_use_the_timer_where_there_is_one(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    log = h.assign_daily(
        world.carl_client, world.alice, today - timedelta(days=3), slug="exposure-practice-log"
    )
    h.hand_in(log, today - timedelta(days=1), exposure(50, 70, 30))  # timer: 600 s = 10 min
    mood = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=3))
    h.hand_in(mood, today - timedelta(days=1), h.mood(6))  # no timer: its 2 estimated minutes
    progress = build_progress(world.carl_client, world.alice.time_zone)
    assert progress.minutes is not None
    assert progress.minutes.table_rows[-1] == ["23 Nov 2026", "12"]


def test_the_calendar_marks_days_done_part_missed_and_extra(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    mood = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=3))
    h.hand_in(mood, today - timedelta(days=3), h.mood(6))
    h.hand_in(mood, today - timedelta(days=1), h.mood(6))
    h.hand_in(mood, today - timedelta(days=5), h.mood(6), extra=True)
    days = {
        d.day: d.state
        for week in build_progress(world.carl_client, "UTC").calendar.weeks
        for d in week
    }
    assert days[today - timedelta(days=3)] == "done"
    assert days[today - timedelta(days=2)] == "missed"
    assert days[today - timedelta(days=1)] == "done"
    assert days[today] == "open"
    assert days[today + timedelta(days=1)] == "future"  # the calendar is history
    assert days[today - timedelta(days=5)] == "extra"


def test_the_progress_page_renders_every_chart_with_its_table(
    world: World, frozen: Any, alice_client: HttpClient
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 14)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=10), 12)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 7)
    html = alice_client.get(f"/clients/{world.carl_client.pk}/progress/").content.decode()
    assert html.count('role="img"') >= 4  # calendar, minutes, mood measures, PHQ-9
    assert html.count("Show as a table") == html.count('role="img"')
    assert "<script" not in html[html.index("<main") : html.index("</main>")]
    text = text_of(html)
    assert "Homework calendar" in text
    assert "Minutes practised per week" in text
    assert "Daily mood check-in: Mood, Energy, Sleep quality" in text
    assert "PHQ-9 total score" in text


def test_progress_charts_are_for_the_care_team_only(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    url = f"/clients/{world.carl_client.pk}/progress/"
    for persona in (world.bob, world.ada, world.olga, world.carl, world.gina):
        assert login_as(persona).get(url).status_code == 404


# --- the client's own page ---------------------------------------------------------------------


def test_a_client_sees_streaks_minutes_and_their_measures_without_clinical_words(
    world: World, frozen: Any, login_as: Callable[[User | None], HttpClient]
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 10, done=[0, 1, 2, 3, 6])
    h.answer_phq9(world.carl_client, NOW - timedelta(days=2), 18, item9=1)
    html = login_as(world.carl).get("/me/progress/").content.decode()
    text = text_of(html)
    assert "4 days in a row. Keep it going!" in text
    assert "Daily mood check-in: Mood, Energy, Sleep quality" in text
    for clinical in ("PHQ", "Moderately severe", "deterioration", "missed", "alert"):
        assert clinical not in text, clinical


def test_questionnaire_results_appear_only_once_the_therapist_shares_them(
    world: World, frozen: Any, login_as: Callable[[User | None], HttpClient]
) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=2), 9)
    carl = login_as(world.carl)
    assert "PHQ-9" not in text_of(carl.get("/me/progress/").content.decode())
    alice = login_as(world.alice)
    response = alice.post(f"/clients/{world.carl_client.pk}/assessments/share/", {"shared": "1"})
    assert response.status_code == 302
    assert SharedResults.objects.filter(client=world.carl_client, shared_by=world.alice).exists()
    assert (
        "Stop sharing questionnaire results"
        in alice.get(f"/clients/{world.carl_client.pk}/").content.decode()
    )
    text = text_of(login_as(world.carl).get("/me/progress/").content.decode())
    assert "Questionnaire results" in text
    assert "PHQ-9" in text
    assert "Mild" in text
    assert "reliable" not in text.lower()
    login_as(world.alice).post(
        f"/clients/{world.carl_client.pk}/assessments/share/", {"shared": "0"}
    )
    assert "PHQ-9" not in text_of(login_as(world.carl).get("/me/progress/").content.decode())


def test_only_the_care_team_can_share_results(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    url = f"/clients/{world.carl_client.pk}/assessments/share/"
    for persona in (world.bob, world.ada, world.olga, world.carl):
        assert login_as(persona).post(url, {"shared": "1"}).status_code == 404
    assert not SharedResults.objects.exists()
    with pytest.raises(assessment_actions.AssessmentError):
        assessment_actions.set_results_shared(world.carl_client, world.bob, shared=True)


def test_a_parent_sees_only_homework_not_hidden_from_carers(
    world: World, frozen: Any, login_as: Callable[[User | None], HttpClient]
) -> None:
    today = world.carl_client_today()
    shown = h.assign_daily(world.mia_client, world.alice, today - timedelta(days=3))
    hidden = h.assign_daily(
        world.mia_client,
        world.alice,
        today - timedelta(days=3),
        slug="exposure-practice-log",
        hidden_from_caregiver=True,
    )
    h.hand_in(shown, today - timedelta(days=1), h.mood(7))
    h.hand_in(hidden, today - timedelta(days=1), exposure(50, 60, 20))
    html = login_as(world.gina).get("/me/progress/").content.decode()
    text = text_of(html)
    assert "Mia's practice" in text
    assert "Daily mood check-in" in text
    assert "Exposure practice log" not in text
    assert "SUDS" not in text
    assert re.search(r"<span class=\"tile-number\">2</span> minutes? this week", html)


def test_unlinking_a_parent_ends_their_view_on_the_next_request(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    gina = login_as(world.gina)
    assert gina.get("/me/progress/").status_code == 200
    CaregiverLink.objects.filter(caregiver=world.gina).delete()
    assert gina.get("/me/progress/").status_code == 404


def test_own_progress_is_for_clients_and_carers_and_each_view_is_audited(
    world: World, login_as: Callable[[User | None], HttpClient]
) -> None:
    for persona in (world.alice, world.ada, world.bob):
        assert login_as(persona).get("/me/progress/").status_code == 404
    before = AccessLog.objects.count()
    login_as(world.carl).get("/me/progress/")
    new = AccessLog.objects.order_by("id")[before:]
    assert [(r.action, r.client_id) for r in new] == [("progress.own", world.carl_client.pk)]
