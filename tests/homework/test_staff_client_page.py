"""The Homework section of a client's page: schedules in words, adherence, next due, history."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stepwise.audit.models import AccessLog
from stepwise.homework.actions import assigning
from stepwise.homework.models import AssignmentStatus, Completion
from stepwise.homework.overview import client_homework
from stepwise.homework.schedule import Frequency, Schedule
from tests.conftest import World
from tests.factories import assign_exercise, assign_questionnaire, hand_in
from tests.homework.staff_helpers import history

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; 09:00 in London
TODAY = date(2026, 11, 26)


def client_page(browser: HttpClient, world: World) -> str:
    response = browser.get(reverse("clinic:client_detail", args=[world.carl_client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    """The Homework section alone, with whitespace squeezed."""
    start = html.index('id="homework-heading"')
    end = html.index('id="practice-heading"')
    return re.sub(r"\s+", " ", html[start:end])


def test_a_client_without_homework_says_so(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    html = section(client_page(alice_client, world))
    assert "No homework assigned yet." in html
    assert "Nothing handed in yet." in html


def test_each_schedule_is_said_in_words(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    carl, alice = world.carl_client, world.alice
    assign_exercise(carl, alice)
    assign_exercise(carl, alice, Schedule(Frequency.TIMES_PER_WEEK, TODAY, times_per_week=3))
    assign_exercise(carl, alice, Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 3})))
    assign_exercise(carl, alice, Schedule(Frequency.EVERY_N_WEEKS, TODAY, interval_weeks=2))
    assign_exercise(carl, alice, Schedule(Frequency.ONCE, TODAY, due=date(2026, 12, 3)))

    html = section(client_page(alice_client, world))

    for words in [
        "Daily",
        "3 times a week",
        "Mondays and Thursdays",
        "Every 2 weeks",
        "Once, due 3 Dec",
    ]:
        assert f"<dt>How often</dt><dd>{words}</dd>" in html


def test_adherence_this_week_and_over_30_days_comes_from_occurrences_and_completions(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    # 40 days before today: every 4th missed, every 5th done a day late.
    history(mood, world.carl, days=40, today=TODAY)
    hand_in(mood, world.carl, extra=True)

    html = section(client_page(alice_client, world))

    # Monday to Wednesday done on time; today still open; one extra practice.
    assert "<dt>This week</dt><dd>3 of 3 done, 1 open now, 1 extra practice</dd>" in html
    # 29 days before today: 7 missed (days 4, 8, ... 28), 4 late (5, 10, 15, 25), 18 on time.
    assert (
        "<dt>Last 30 days</dt><dd>22 of 29 done: 18 on time, 4 late, 7 missed, "
        "1 open now, 1 extra practice</dd>"
    ) in html
    assert "<dt>Next due</dt><dd>Today, client's time</dd>" in html


def test_next_due_moves_on_once_today_is_done(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    hand_in(mood, world.carl)

    html = section(client_page(alice_client, world))

    assert "<dt>This week</dt><dd>1 of 1 done</dd>" in html
    assert "<dt>Next due</dt><dd>Tomorrow, client's time</dd>" in html


def test_a_weekly_questionnaire_open_now_says_until_when(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    assign_questionnaire(world.carl_client, world.alice)

    html = section(client_page(alice_client, world))

    assert "<dt>How often</dt><dd>Every week</dd>" in html
    assert "<dt>Next due</dt><dd>Now, by Wed 2 Dec, client's time</dd>" in html


def test_a_schedule_that_starts_later_names_the_day_it_opens(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    assign_exercise(
        world.carl_client,
        world.alice,
        Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0}), end=date(2026, 12, 31)),
    )

    html = section(client_page(alice_client, world))

    assert "<dt>How often</dt><dd>Mondays, until 31 Dec</dd>" in html
    assert "<dt>This week</dt><dd>Nothing due yet</dd>" in html
    assert "<dt>Next due</dt><dd>Mon 30 Nov, client's time</dd>" in html


def test_days_the_rolling_window_has_not_reached_still_count_as_missed(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    frozen.shift(timedelta(days=20))  # nobody opened anything: occurrences stop at day 14

    summary = client_homework(world.carl_client, "Europe/London").current[0]

    assert summary.assignment == mood
    assert summary.month.missed == 20
    assert summary.month.open == 1
    assert summary.next_due == TODAY + timedelta(days=20)
    assert not mood.occurrences.filter(opens__gt=TODAY + timedelta(days=14)).exists()


def test_paused_and_ended_homework_are_shown_as_such(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    paused = assign_exercise(world.carl_client, world.alice)
    ended = assign_questionnaire(world.carl_client, world.alice)
    assigning.set_status(paused, AssignmentStatus.PAUSED, by=world.alice)
    assigning.set_status(ended, AssignmentStatus.ENDED, by=world.alice)

    html = section(client_page(alice_client, world))

    assert 'Daily mood check-in <span class="badge">Paused</span>' in html
    assert "<dt>Next due</dt><dd>Paused</dd>" in html
    resume = reverse("homework:assignment_resume", args=[world.carl_client.pk, paused.pk])
    assert f'action="{resume}"' in html
    assert "Ended homework (1)" in html
    assert "PHQ-9</strong>" in html
    end = reverse("homework:assignment_end", args=[world.carl_client.pk, ended.pk])
    assert end not in html  # nothing more to do with it


def test_recent_completions_link_to_their_review_page(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    done = hand_in(mood, world.carl)
    assigning.leave_feedback(done, by=world.alice, text="Good.")
    extra = hand_in(mood, world.carl, extra=True)

    html = section(client_page(alice_client, world))

    for completion in (done, extra):
        url = reverse("homework:completion", args=[completion.pk])
        assert f'href="{url}"' in html
    assert "on time, reviewed, 1 feedback note" in html
    assert "extra practice, <strong>not reviewed yet</strong>" in html


def test_the_section_writes_no_access_record_of_its_own(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    before = AccessLog.objects.count()

    client_page(alice_client, world)

    assert [r.action for r in AccessLog.objects.order_by("id")[before:]] == ["client.detail"]


def _page_queries(browser: HttpClient, world: World) -> int:
    with CaptureQueriesContext(connection) as captured:
        client_page(browser, world)
    return len(captured)


def test_the_client_page_takes_as_many_queries_for_20_assignments_and_a_long_history_as_for_2(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    carl, alice = world.carl_client, world.alice
    first = assign_exercise(carl, alice)
    assign_questionnaire(carl, alice)
    hand_in(first, world.carl)
    client_page(alice_client, world)  # warm the session
    few = _page_queries(alice_client, world)

    made = 0
    for n in range(18):
        schedule = Schedule(Frequency.DAILY, TODAY - timedelta(days=60))
        assignment = assign_exercise(carl, alice, schedule)
        made += history(assignment, world.carl, days=40, today=TODAY)
        if n % 3 == 0:
            assigning.edit_schedule(
                assignment,
                Schedule(Frequency.WEEKDAYS, TODAY, weekdays=frozenset({0, 3})),
                by=alice,
            )
        if n % 4 == 0:
            assigning.set_status(assignment, AssignmentStatus.ENDED, by=alice)
    for completion in Completion.objects.filter(client=carl)[:30]:
        assigning.leave_feedback(completion, by=alice, text="Noted.")

    assert made > 500
    assert _page_queries(alice_client, world) == few
