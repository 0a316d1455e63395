"""The client's side of the loop: today's list, doing homework at home, extra practice,
questionnaires with critical answers, what a parent sees, and assigning in a few clicks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from stepwise.assessments import catalog
from stepwise.assessments.models import Alert, AssessmentResponse
from stepwise.audit.models import AccessLog
from stepwise.homework.actions import assigning
from stepwise.homework.models import (
    Assignee,
    Assignment,
    Completion,
    Feedback,
    ItemKind,
    Occurrence,
    Submission,
)
from stepwise.homework.schedule import Frequency, Schedule
from tests.conftest import World
from tests.factories import exercise as shipped
from tests.library.helpers import form_for
from tests.library.test_shipped_content import example_answers

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("frozen")  # every test at NOW


def give(
    world: World, slug: str = "daily-mood-check-in", client: Any = None, **kwargs: Any
) -> Assignment:
    exercise = shipped(slug)
    schedule = kwargs.pop("schedule", Schedule(Frequency.DAILY, TODAY))
    return assigning.assign(
        client=client or world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(
            kind=ItemKind.EXERCISE, exercise=exercise, title=exercise.title, estimated_minutes=5
        ),
        schedule=schedule,
        reminder_time=time(18),
        **kwargs,
    )


def give_questionnaire(world: World, key: str = "phq9") -> Assignment:
    return assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key=key, title="Check-in"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, TODAY),
        reminder_time=time(18),
    )


def valid_form(slug: str) -> dict[str, Any]:
    document = shipped(slug).current_version.parsed  # type: ignore[union-attr]
    return form_for(document, example_answers(document))


def todays(assignment: Assignment) -> Occurrence:
    return Occurrence.objects.get(assignment=assignment, opens=TODAY)


def test_today_lists_what_is_due_with_minutes_and_coming_up(world: World, login_as: Any) -> None:
    give(world)
    html = login_as(world.carl).get("/me/").content.decode()
    assert "Daily mood check-in" in html or shipped("daily-mood-check-in").title in html
    assert "About 5 minutes in all." in html
    assert "Coming up" in html


def test_a_client_completes_todays_exercise_and_sees_it_done(world: World, login_as: Any) -> None:
    assignment = give(world)
    browser = login_as(world.carl)
    path = f"/me/do/{todays(assignment).pk}/"
    assert browser.get(path).status_code == 200
    response = browser.post(path, valid_form("daily-mood-check-in"))
    assert response["Location"] == "/me/well-done/"
    assert "Well done" in browser.get("/me/well-done/").content.decode()
    completion = Completion.objects.get(assignment=assignment)
    assert (completion.occurrence, completion.local_date) == (todays(assignment), TODAY)
    assert completion.submission is not None
    assert completion.submission.mode == "home"
    assert "All done for today" in browser.get("/me/").content.decode()


def test_a_double_submit_stores_one_result(world: World, login_as: Any) -> None:
    assignment = give(world)
    browser = login_as(world.carl)
    path = f"/me/do/{todays(assignment).pk}/"
    browser.post(path, valid_form("daily-mood-check-in"))
    second = browser.post(path, valid_form("daily-mood-check-in"), follow=True)
    assert "already" in second.content.decode()
    assert Submission.objects.count() == 1


def test_a_wrong_answer_comes_back_with_a_message_and_what_was_typed(
    world: World, login_as: Any
) -> None:
    assignment = give(world)
    form = valid_form("daily-mood-check-in")
    form["step-mood"] = "99"
    form["step-went_well"] = "Walked the dog"
    response = login_as(world.carl).post(f"/me/do/{todays(assignment).pk}/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Walked the dog" in html
    assert "aria-invalid" in html or "field-error" in html
    assert not Submission.objects.exists()


def test_nobody_else_can_open_a_clients_item(world: World, login_as: Any) -> None:
    occurrence = todays(give(world))
    for persona in (world.dana, world.gina, world.alice):
        assert login_as(persona).get(f"/me/do/{occurrence.pk}/").status_code == 404
    assert AccessLog.objects.filter(action="homework.do", outcome="denied").count() == 3


def test_an_ended_assignment_cannot_be_handed_in(world: World, login_as: Any) -> None:
    assignment = give(world)
    occurrence = todays(assignment)
    assigning.set_status(assignment, "ended", by=world.alice)
    browser = login_as(world.carl)
    response = browser.post(f"/me/do/{occurrence.pk}/", valid_form("daily-mood-check-in"))
    assert response.status_code in (302, 404)
    assert not Submission.objects.exists()


def test_extra_practice_is_counted(world: World, login_as: Any) -> None:
    assignment = give(world)
    browser = login_as(world.carl)
    browser.post(f"/me/extra/{assignment.pk}/", valid_form("daily-mood-check-in"))
    assert Completion.objects.get(assignment=assignment).occurrence is None
    assert "(extra practice)" in browser.get("/me/").content.decode()


def test_feedback_shows_on_the_done_list(world: World, login_as: Any) -> None:
    assignment = give(world)
    done = assigning.complete_exercise(
        assignment=assignment,
        occurrence=todays(assignment),
        data=example_answers(shipped("daily-mood-check-in").current_version.parsed),  # type: ignore[union-attr]
        by=world.carl,
    )
    Feedback.objects.create(completion=done, author=world.alice, text="Great noticing!")
    assert "Great noticing!" in login_as(world.carl).get("/me/").content.decode()


def test_a_questionnaire_at_home_is_scored_and_a_critical_answer_shows_the_crisis_message(
    world: World, login_as: Any
) -> None:
    assignment = give_questionnaire(world)
    browser = login_as(world.carl)
    answers = {f"item_{n}": "1" for n in range(1, 10)}
    response = browser.post(f"/me/do/{todays(assignment).pk}/", answers)
    assert response["Location"] == "/me/well-done/"
    page = browser.get("/me/well-done/").content.decode()
    assert "If you are in danger right now, call your local emergency number" in page
    stored = AssessmentResponse.objects.get()
    assert (stored.mode, stored.total) == ("home", 9)
    assert Alert.objects.filter(client=world.carl_client).count() == 1
    assert Completion.objects.get().assessment_response == stored


def test_a_questionnaire_missing_answers_is_refused_and_keeps_the_rest(
    world: World, login_as: Any
) -> None:
    assignment = give_questionnaire(world)
    answers = {f"item_{n}": "2" for n in range(1, 9)}
    response = login_as(world.carl).post(f"/me/do/{todays(assignment).pk}/", answers)
    assert response.status_code == 400
    assert (
        'value="2" checked'
        in response.content.decode().replace('checked value="2"', 'value="2" checked')
        or "checked" in response.content.decode()
    )
    assert not AssessmentResponse.objects.exists()


def test_a_parent_sees_their_own_items_and_shared_ones_but_not_hidden_ones(
    world: World, login_as: Any
) -> None:
    give(world, "reward-chart", client=world.mia_client, assignee=Assignee.CAREGIVER)
    give(world, "feelings-thermometer", client=world.mia_client)
    give(world, "daily-mood-check-in", client=world.mia_client, hidden_from_caregiver=True)
    html = login_as(world.gina).get("/me/").content.decode()
    assert shipped("reward-chart").title in html
    assert shipped("feelings-thermometer").title in html
    assert shipped("daily-mood-check-in").title not in html


def test_a_client_does_not_see_items_meant_for_their_parent(world: World, login_as: Any) -> None:
    give(
        world, "reward-chart", assignee=Assignee.CAREGIVER, client=world.carl_client
    ) if False else None
    world.carl_client.caregiver_links.create(caregiver=world.gina)
    give(world, "reward-chart", client=world.carl_client, assignee=Assignee.CAREGIVER)
    html = login_as(world.carl).get("/me/").content.decode()
    assert shipped("reward-chart").title not in html


def _history(world: World, days: int) -> Assignment:
    """A daily assignment with `days` of past occurrences, each done, with submissions."""
    assignment = give(world, schedule=Schedule(Frequency.DAILY, TODAY - timedelta(days=days)))
    version = shipped("daily-mood-check-in").current_version
    answers = example_answers(version.parsed)  # type: ignore[union-attr]
    occurrences = list(Occurrence.objects.filter(assignment=assignment, opens__lt=TODAY))
    submissions = Submission.objects.bulk_create(
        Submission(client=world.carl_client, exercise_version=version, answers=answers, mode="home")
        for _ in occurrences
    )
    Completion.objects.bulk_create(
        Completion(
            assignment=assignment,
            client=world.carl_client,
            occurrence=o,
            submission=s,
            completed_by=world.carl,
            local_date=o.opens,
        )
        for o, s in zip(occurrences, submissions, strict=True)
    )
    return assignment


def _home_queries(browser: HttpClient) -> int:
    browser.get("/me/")  # the window is in place after the first look of the day
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/me/").status_code == 200
    return len(queries)


def test_the_client_home_costs_the_same_after_three_years_of_daily_homework(
    world: World, login_as: Any
) -> None:
    browser = login_as(world.carl)
    _history(world, 7)
    short = _home_queries(browser)
    Completion.objects.all().delete()
    Occurrence.objects.all().delete()
    Assignment.objects.all().delete()
    _history(world, 3 * 365)
    assert Occurrence.objects.count() > 1000
    assert _home_queries(browser) == short


def test_assigning_takes_three_interactions_with_sensible_defaults(
    world: World, alice_client: HttpClient
) -> None:
    page = alice_client.get(f"/clients/{world.carl_client.pk}/assign/")
    assert page.status_code == 200
    exercise = shipped("paced-breathing")
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/assign/", {"item": f"exercise:{exercise.pk}"}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    schedule = assignment.schedules.get()
    assert (schedule.frequency, schedule.start, assignment.reminder_time) == (
        "daily",
        TODAY,
        time(18),
    )
    phq9 = catalog.find_available(world.practice.pk, "phq9")
    assert phq9 is not None
    alice_client.post(
        f"/clients/{world.carl_client.pk}/assign/", {"item": f"assessment:{phq9.version.pk}"}
    )
    weekly = Assignment.objects.get(kind="assessment").schedules.get()
    assert (weekly.frequency, weekly.interval_weeks) == ("every_n_weeks", 1)


def test_a_bad_schedule_is_explained_and_keeps_what_was_typed(
    world: World, alice_client: HttpClient
) -> None:
    exercise = shipped("paced-breathing")
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/assign/",
        {
            "item": f"exercise:{exercise.pk}",
            "frequency": "times_per_week",
            "times_per_week": "0",
            "note": "Try it before bed",
            "start": TODAY.isoformat(),
            "ends": "date",
            "end": (TODAY - timedelta(days=3)).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Try it before bed" in html
    assert "greater than or equal to 1" in html or "From 1 to 7" in html
    assert not Assignment.objects.exists()


def test_a_colleague_without_access_cannot_assign(world: World, login_as: Any) -> None:
    exercise = shipped("paced-breathing")
    response = login_as(world.bob).post(
        f"/clients/{world.carl_client.pk}/assign/", {"item": f"exercise:{exercise.pk}"}
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_after_practising_in_session_assigning_is_one_click(
    world: World, alice_client: HttpClient
) -> None:
    exercise = shipped("paced-breathing")
    version = exercise.current_version
    assert version is not None
    alice_client.post(
        f"/clients/{world.carl_client.pk}/practise/{version.pk}/", valid_form("paced-breathing")
    )
    submission = Submission.objects.get()
    page = alice_client.get(
        f"/clients/{world.carl_client.pk}/practice/{submission.pk}/"
    ).content.decode()
    assert "Assign this as homework" in page
    alice_client.post(
        f"/clients/{world.carl_client.pk}/assign/", {"item": f"exercise:{exercise.pk}"}
    )
    assert Assignment.objects.get().exercise == exercise


def test_the_crisis_plan_is_one_tap_away_once_made(world: World, login_as: Any) -> None:
    browser = login_as(world.carl)
    assert "My crisis coping plan" not in browser.get("/me/").content.decode()
    plan = shipped("crisis-coping-plan")
    assignment = give(
        world, "crisis-coping-plan", schedule=Schedule(Frequency.ONCE, TODAY, due=TODAY)
    )
    browser.post(f"/me/do/{todays(assignment).pk}/", valid_form("crisis-coping-plan"))
    assert "My crisis coping plan" in browser.get("/me/").content.decode()
    page = browser.get("/me/crisis-plan/")
    assert page.status_code == 200
    assert plan.title in page.content.decode() or "coping plan" in page.content.decode()


def test_typing_is_saved_on_the_server_and_comes_back_on_another_device(
    world: World, login_as: Any
) -> None:
    from stepwise.homework.models import Draft

    assignment = give(world)
    occurrence = todays(assignment)
    phone = login_as(world.carl)
    draft = {"step-mood": "4", "step-went_well": "Called my sister"}
    url = f"/me/draft/{assignment.pk}/{occurrence.pk}/"
    assert phone.post(url, draft).status_code == 204
    assert phone.post(url, {**draft, "step-went_well": "Called my sister twice"}).status_code == 204
    assert Draft.objects.count() == 1
    laptop = HttpClient()
    laptop.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    page = laptop.get(f"/me/do/{occurrence.pk}/").content.decode()
    assert "Called my sister twice" in page
    laptop.post(f"/me/do/{occurrence.pk}/", valid_form("daily-mood-check-in"))
    assert not Draft.objects.exists()


def test_drafts_are_private_and_bounded(world: World, login_as: Any) -> None:
    assignment = give(world)
    url = f"/me/draft/{assignment.pk}/extra/"
    assert login_as(world.dana).post(url, {"step-mood": "4"}).status_code == 404
    carl = login_as(world.carl)
    assert carl.post(url, {"step-notes": "x" * 120_000}).status_code == 413
    assert carl.post(f"/me/draft/{assignment.pk}/999999/", {"step-mood": "4"}).status_code == 404


def test_from_the_library_a_therapist_picks_a_client_and_the_exercise_is_preselected(
    world: World, alice_client: HttpClient
) -> None:
    exercise = shipped("paced-breathing")
    page = alice_client.get(f"/library/{exercise.pk}/").content.decode()
    link = f"/clients/{world.carl_client.pk}/assign/?exercise={exercise.pk}"
    assert link in page.replace("&amp;", "&")
    form = alice_client.get(link).content.decode()
    assert f'<option value="exercise:{exercise.pk}" selected>' in form


def test_a_draft_sent_as_multipart_form_data_is_kept(world: World, login_as: Any) -> None:
    from stepwise.homework.models import Draft

    assignment = give(world)
    carl = HttpClient(enforce_csrf_checks=True)
    carl.force_login(world.carl, backend="django.contrib.auth.backends.ModelBackend")
    carl.get("/me/")  # sets the CSRF cookie, as the page does
    token = carl.cookies["csrftoken"].value
    # The browser's autosave sends FormData (multipart); the CSRF check reads it first.
    response = carl.post(
        f"/me/draft/{assignment.pk}/extra/",
        {"step-went_well": "A walk"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 204
    assert Draft.objects.get().data["step-went_well"] == ["A walk"]


def _ahead(assignment: Assignment, days: int = 7) -> Occurrence:
    return Occurrence.objects.get(assignment=assignment, opens=TODAY + timedelta(days=days))


def test_an_exercise_that_opens_next_week_cannot_be_answered_ahead(
    world: World, login_as: Any
) -> None:
    occurrence = _ahead(give(world))
    browser = login_as(world.carl)
    page = browser.get(f"/me/do/{occurrence.pk}/", follow=True).content.decode()
    assert "This one opens on Thursday 3 December" in page
    response = browser.post(f"/me/do/{occurrence.pk}/", valid_form("daily-mood-check-in"))
    assert response["Location"] == "/me/"
    assert not Submission.objects.exists()
    assert not Completion.objects.exists()


def test_a_questionnaire_that_opens_later_cannot_be_answered_ahead(
    world: World, login_as: Any
) -> None:
    assignment = give_questionnaire(world)
    later = assignment.occurrences.filter(opens__gt=TODAY).order_by("opens").first()
    assert later is not None
    response = login_as(world.carl).post(
        f"/me/do/{later.pk}/", {f"item_{n}": "1" for n in range(1, 10)}, follow=True
    )
    assert "This one opens on" in response.content.decode()
    assert not AssessmentResponse.objects.exists()
    assert not Alert.objects.exists()


def test_the_action_refuses_an_occurrence_not_open_yet_whoever_calls_it(world: World) -> None:
    assignment = give(world)
    with pytest.raises(assigning.NotOpenYet, match="opens on Thursday 3 December"):
        assigning.complete_exercise(
            assignment=assignment,
            occurrence=_ahead(assignment),
            data=example_answers(shipped("daily-mood-check-in").current_version.parsed),  # type: ignore[union-attr]
            by=world.carl,
        )
    assert not Submission.objects.exists()


def test_a_draft_for_an_occurrence_not_open_yet_is_refused(world: World, login_as: Any) -> None:
    from stepwise.homework.models import Draft

    assignment = give(world)
    url = f"/me/draft/{assignment.pk}/{_ahead(assignment).pk}/"
    response = login_as(world.carl).post(url, {"step-mood": "4"})
    assert response.status_code == 409
    assert "opens on" in response.content.decode()
    assert not Draft.objects.exists()


def test_an_occurrence_opens_on_the_clients_own_day(
    world: World, login_as: Any, frozen: Any
) -> None:
    occurrence = _ahead(give(world), days=1)
    frozen.move_to(datetime.combine(TODAY + timedelta(days=1), time(9), UTC))
    response = login_as(world.carl).post(
        f"/me/do/{occurrence.pk}/", valid_form("daily-mood-check-in")
    )
    assert response["Location"] == "/me/well-done/"


def test_the_plan_page_shows_the_practices_own_crisis_lines(world: World, login_as: Any) -> None:
    from stepwise.assessments.actions import update_assessment_settings

    update_assessment_settings(
        world.practice,
        world.alice,
        crisis_message="Riverside crisis line: call the number on your appointment card.",
        email_alerts=False,
    )
    browser = login_as(world.carl)
    assignment = give(
        world, "youth-safety-plan", schedule=Schedule(Frequency.ONCE, TODAY, due=TODAY)
    )
    browser.post(f"/me/do/{todays(assignment).pk}/", valid_form("youth-safety-plan"))

    page = browser.get("/me/crisis-plan/").content.decode()

    assert "My safety plan, made with a grown-up I trust" in page
    assert "Riverside crisis line: call the number on your appointment card." in page
