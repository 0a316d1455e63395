"""The therapist's review: the inbox, a completion read in full, marking reviewed and feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stepwise.audit.models import AccessLog
from stepwise.homework.actions import assigning
from stepwise.homework.models import Completion, Feedback
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library import actions as library_actions
from tests.conftest import World
from tests.factories import assign_exercise, assign_questionnaire, hand_in, hand_in_questionnaire
from tests.library.helpers import publish_sink, sink_answers

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; 09:00 in London


def inbox(browser: HttpClient, **query: Any) -> str:
    response = browser.get(reverse("homework:inbox"), query)
    assert response.status_code == 200
    return response.content.decode()


def detail_url(completion: Completion) -> str:
    return reverse("homework:completion", args=[completion.pk])


# The inbox ---------------------------------------------------------------------------------------


def test_the_inbox_lists_the_newest_unreviewed_first_then_the_reviewed(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    first = hand_in(mood, world.carl)
    frozen.shift(timedelta(hours=1))
    second = hand_in(mood, world.carl, extra=True)
    frozen.shift(timedelta(hours=1))
    newest = hand_in(assign_exercise(world.dana_client, world.alice), world.dana)
    assigning.mark_reviewed([second], by=world.alice)

    html = inbox(alice_client)

    links = [detail_url(c) for c in (newest, first, second)]
    positions = [html.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    assert html.count('class="unreviewed"') == 2


def test_the_inbox_filters_by_reviewed_or_not(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    waiting = hand_in(mood, world.carl)
    done = hand_in(mood, world.carl, extra=True)
    assigning.mark_reviewed([done], by=world.alice)

    everything = inbox(alice_client)
    assert detail_url(waiting) in everything
    assert detail_url(done) in everything

    html = inbox(alice_client, state="unreviewed")
    assert detail_url(waiting) in html
    assert detail_url(done) not in html

    reviewed = inbox(alice_client, state="reviewed")
    assert detail_url(done) in reviewed
    assert detail_url(waiting) not in reviewed


def test_the_inbox_filters_by_client(world: World, alice_client: HttpClient, frozen: Any) -> None:
    carls = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    danas = hand_in(assign_exercise(world.dana_client, world.alice), world.dana)

    html = inbox(alice_client, client=world.dana_client.pk)

    assert detail_url(danas) in html
    assert detail_url(carls) not in html
    assert f'<option value="{world.dana_client.pk}" selected>Dana</option>' in html


def test_a_client_outside_the_caseload_is_no_filter_and_shows_nothing_of_theirs(
    world: World, login_as: Any, frozen: Any
) -> None:
    carls = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    browser = login_as(world.bob)

    html = inbox(browser, client=world.carl_client.pk)

    assert detail_url(carls) not in html
    assert "Carl" not in html


def test_each_row_says_who_what_when_timing_and_feedback(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    hand_in(mood, world.carl)
    extra = hand_in(mood, world.carl, extra=True)
    assigning.leave_feedback(extra, by=world.alice, text="Great extra effort.")
    late = assign_exercise(
        world.dana_client,
        world.alice,
        Schedule(Frequency.DAILY, NOW.date() - timedelta(days=3)),
    )
    earliest = late.occurrences.order_by("opens").first()
    hand_in(late, world.dana, earliest)
    world.alice.time_zone = "America/New_York"
    world.alice.save()

    html = inbox(alice_client, state="all")

    assert "Daily mood check-in" in html
    assert "Thu 26 Nov, 04:00" in html  # 09:00 UTC in New York
    assert "On time" in html
    assert "Late" in html
    assert "Extra practice" in html
    assert "1 note" in html


def test_an_htmx_filter_gets_only_the_table(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    hand_in(assign_exercise(world.carl_client, world.alice), world.carl)

    response = alice_client.get(
        reverse("homework:inbox"), {"state": "all"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="inbox-table"')
    assert "<html" not in html


def test_opening_the_inbox_writes_one_access_record(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    before = AccessLog.objects.count()

    inbox(alice_client)
    inbox(alice_client, client=world.carl_client.pk)

    records = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.action, r.client_id) for r in records] == [
        ("homework.review_inbox", None),
        ("homework.review_inbox", world.carl_client.pk),
    ]


def _inbox_queries(browser: HttpClient) -> int:
    with CaptureQueriesContext(connection) as captured:
        inbox(browser, state="all")
    return len(captured)


def test_the_inbox_takes_as_many_queries_for_50_completions_as_for_5(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    mood = assign_exercise(world.carl_client, world.alice)
    danas = assign_exercise(world.dana_client, world.alice)
    done = [hand_in(mood, world.carl, extra=True) for _ in range(5)]
    assigning.leave_feedback(done[0], by=world.alice, text="Good.")
    inbox(alice_client)  # warm the session
    few = _inbox_queries(alice_client)
    for n in range(45):
        completion = hand_in(
            danas if n % 2 else mood, world.dana if n % 2 else world.carl, extra=True
        )
        if n % 3 == 0:
            assigning.leave_feedback(completion, by=world.alice, text="Noted.")

    assert _inbox_queries(alice_client) == few
    assert Completion.objects.count() == 50


def test_the_navigation_counts_unreviewed_work_of_the_caseload_in_one_query(
    world: World, alice_client: HttpClient, login_as: Any, frozen: Any
) -> None:
    from stepwise.homework.overview import unreviewed_count

    mood = assign_exercise(world.carl_client, world.alice)
    hand_in(mood, world.carl)
    reviewed = hand_in(mood, world.carl, extra=True)
    hand_in(mood, world.carl, extra=True)
    assigning.mark_reviewed([reviewed], by=world.alice)

    with CaptureQueriesContext(connection) as captured:
        assert unreviewed_count(world.alice) == 2
    assert len(captured) == 1
    html = alice_client.get(reverse("clinic:caseload")).content.decode()
    assert '<span class="badge nav-count">2<span class="visually-hidden"> waiting</span>' in html
    bobs = login_as(world.bob).get(reverse("clinic:caseload")).content.decode()
    assert "Review</a>" in bobs  # no badge: none of it is Bob's to review


# One completion ----------------------------------------------------------------------------------


def test_an_exercise_is_shown_against_the_version_it_answered(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    definition = publish_sink(world.alice)
    first = definition.current_version
    assert first is not None
    assignment = assign_exercise(world.carl_client, world.alice, slug="daily-mood-check-in")
    assignment.exercise = definition
    assignment.title = definition.title
    assignment.save()
    completion = assigning.complete_exercise(
        assignment=assignment, occurrence=None, data=sink_answers(), by=world.carl
    )
    document = dict(first.document)
    document["steps"] = [s for s in document["steps"] if s["id"] != "mood"]
    document["metrics"] = [m for m in document["metrics"] if m["source"] != "mood"]
    document["steps"][1] = dict(document["steps"][1], prompt="Describe the situation.")
    library_actions.save_draft(definition, document)
    library_actions.publish(definition, world.alice)

    html = alice_client.get(detail_url(completion)).content.decode()

    assert "What happened?" in html  # the question as it was asked
    assert "Describe the situation." not in html
    assert "6 on a scale from 0 to 10" in html  # an answer to a step version 2 dropped
    assert "an older version" in html
    assert "Extra practice" in html


def test_a_questionnaire_shows_score_band_answers_and_a_link_to_the_results(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    phq = assign_questionnaire(world.carl_client, world.alice)
    completion = hand_in_questionnaire(phq, world.carl, [2, 2, 1, 1, 1, 1, 1, 1, 0])

    html = alice_client.get(detail_url(completion)).content.decode()

    assert '<dd class="score">10</dd>' in html
    assert "Moderate" in html
    assert "Little interest or pleasure in doing things" in html
    assert "More than half the days" in html
    response = completion.assessment_response
    assert response is not None
    results = reverse("assessments:results", args=[world.carl_client.pk, response.instrument_id])
    assert f'href="{results}"' in html


def test_opening_a_completion_writes_one_access_record_and_changes_nothing(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    before = AccessLog.objects.count()

    assert alice_client.get(detail_url(completion)).status_code == 200

    records = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.action, r.client_id, r.outcome) for r in records] == [
        ("homework.completion", world.carl_client.pk, "allowed")
    ]
    completion.refresh_from_db()
    assert completion.reviewed_at is None


@pytest.mark.parametrize("persona", ["bob", "olga", "ada"])
def test_another_therapists_completion_is_not_found_and_the_attempt_is_logged(
    world: World, login_as: Any, frozen: Any, persona: str
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    browser = login_as(getattr(world, persona))

    for method, name, data in [
        ("get", "homework:completion", {}),
        ("post", "homework:mark_reviewed", {}),
        ("post", "homework:feedback", {"text": "Sneaky."}),
    ]:
        before = AccessLog.objects.filter(outcome="denied").count()
        response = getattr(browser, method)(reverse(name, args=[completion.pk]), data)
        assert response.status_code == 404
        assert AccessLog.objects.filter(outcome="denied").count() == before + 1
    denied = AccessLog.objects.filter(outcome="denied").latest("id")
    assert denied.client_id == world.carl_client.pk
    completion.refresh_from_db()
    assert completion.reviewed_at is None
    assert not Feedback.objects.exists()


def test_a_completion_id_that_does_not_exist_is_not_found(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.get(reverse("homework:completion", args=[999999]))
    assert response.status_code == 404
    assert AccessLog.objects.filter(outcome="denied", client_id=None).exists()


def test_marking_reviewed_records_who_and_returns_to_the_inbox(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)

    response = alice_client.post(reverse("homework:mark_reviewed", args=[completion.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("homework:inbox")
    completion.refresh_from_db()
    assert completion.reviewed_by == world.alice
    assert completion.reviewed_at == NOW
    again = alice_client.post(reverse("homework:mark_reviewed", args=[completion.pk]), follow=True)
    assert "already reviewed" in again.content.decode()


def test_marking_reviewed_needs_a_post(world: World, alice_client: HttpClient, frozen: Any) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)

    response = alice_client.get(reverse("homework:mark_reviewed", args=[completion.pk]))

    assert response.status_code == 405
    completion.refresh_from_db()
    assert completion.reviewed_at is None


def test_feedback_is_saved_listed_and_marks_the_completion_reviewed(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)
    url = reverse("homework:feedback", args=[completion.pk])

    response = alice_client.post(url, {"text": "  Lovely to see this every day.  "})

    assert response.status_code == 302
    assert response["Location"] == detail_url(completion)
    feedback = Feedback.objects.get()
    assert (feedback.text, feedback.author) == ("Lovely to see this every day.", world.alice)
    completion.refresh_from_db()
    assert completion.reviewed_by == world.alice
    alice_client.post(url, {"text": "And one more thing."})
    html = alice_client.get(detail_url(completion)).content.decode()
    assert html.index("Lovely to see this every day.") < html.index("And one more thing.")
    assert "Mark reviewed" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write some feedback first."),
        ("   ", "Write some feedback first."),
        ("x" * 2001, "Feedback can be at most 2000 characters (this is 2001)."),
    ],
)
def test_feedback_that_is_empty_or_too_long_is_refused_and_keeps_the_text(
    world: World, alice_client: HttpClient, frozen: Any, text: str, message: str
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)

    response = alice_client.post(reverse("homework:feedback", args=[completion.pk]), {"text": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if text.strip():
        assert text in html  # what was typed is still in the box
    assert not Feedback.objects.exists()
    completion.refresh_from_db()
    assert completion.reviewed_at is None


def test_extra_fields_in_a_feedback_post_change_nothing_else(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    completion = hand_in(assign_exercise(world.carl_client, world.alice), world.carl)

    alice_client.post(
        reverse("homework:feedback", args=[completion.pk]),
        {"text": "Fine.", "author": world.bob.pk, "completion": 1, "client": world.dana_client.pk},
    )

    feedback = Feedback.objects.get()
    assert (feedback.author, feedback.completion) == (world.alice, completion)


def test_an_acknowledged_alert_no_longer_reads_as_needing_attention(
    world: World, alice_client: HttpClient, frozen: Any
) -> None:
    from stepwise.assessments.actions import acknowledge_alert
    from stepwise.assessments.models import Alert

    phq = assign_questionnaire(world.carl_client, world.alice)
    completion = hand_in_questionnaire(phq, world.carl, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    alert = Alert.objects.get()
    before = alice_client.get(detail_url(completion)).content.decode()
    assert "<dt>Needs attention</dt><dd>Yes" in before
    assert f'href="/attention/{alert.pk}/"' in before

    acknowledge_alert(alert, world.alice, "Called Carl.")
    after = alice_client.get(detail_url(completion)).content.decode()

    assert "Needs attention" not in after
    assert "<dt>Alert</dt><dd>Acknowledged by Alice Therapist on 26 Nov 2026, 09:00" in after
