"""Homework plans: saved from a client's current homework, listed, assigned to another client."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from stepwise.clinic.models import CaregiverLink
from stepwise.homework.actions import plans
from stepwise.homework.actions.assigning import HomeworkError
from stepwise.homework.models import (
    Assignee,
    Assignment,
    AssignmentStatus,
    HomeworkPlan,
    Occurrence,
)
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.library import actions as library_actions
from tests.conftest import World
from tests.factories import assign_exercise, assign_questionnaire
from tests.library.conftest import sink_document

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday: 09:00 in London, 10:00 in Paris
TODAY = date(2026, 11, 26)


@pytest.fixture
def carls_homework(world: World, frozen: Any) -> list[Assignment]:
    mood = assign_exercise(
        world.carl_client,
        world.alice,
        Schedule(Frequency.DAILY, TODAY, end=TODAY + timedelta(days=13)),
        note="Carl: do it after the school run.",
        reminder_time=time(20, 15),
    )
    phq = assign_questionnaire(world.carl_client, world.alice)
    return [mood, phq]


def save(world: World, homework: list[Assignment], **kwargs: Any) -> HomeworkPlan:
    return plans.save_plan(
        client=world.carl_client,
        by=world.alice,
        name=kwargs.pop("name", "Week 1 of panic treatment"),
        shared_with_practice=kwargs.pop("shared_with_practice", False),
        assignments=homework,
    )


def test_a_plan_keeps_what_and_how_often_but_nothing_about_the_client(
    world: World, carls_homework: list[Assignment]
) -> None:
    plan = save(world, carls_homework)

    assert plan.practice == world.practice
    assert plan.owner == world.alice
    mood, phq = plan.items
    assert mood["frequency"] == "daily"
    assert mood["duration_days"] == 13
    assert mood["reminder_time"] == "20:15"
    assert (phq["kind"], phq["instrument_key"], phq["frequency"]) == (
        "assessment",
        "phq9",
        "every_n_weeks",
    )
    stored = json.dumps(plan.items)
    assert "Carl" not in stored
    assert "school run" not in stored
    assert "2026" not in stored


def test_saving_a_plan_from_the_client_page(
    world: World, alice_client: HttpClient, carls_homework: list[Assignment]
) -> None:
    url = reverse("homework:plan_new", args=[world.carl_client.pk])
    page = alice_client.get(url).content.decode()
    assert "Daily mood check-in" in page
    assert "PHQ-9" in page

    response = alice_client.post(
        url,
        {
            "name": "Week 1",
            "shared_with_practice": "on",
            "assignments": [carls_homework[0].pk],
            "owner": world.bob.pk,
            "practice": world.other_practice.pk,
        },
    )

    assert response["Location"] == reverse("homework:plans")
    plan = HomeworkPlan.objects.get()
    assert (plan.name, plan.shared_with_practice, plan.owner, plan.practice) == (
        "Week 1",
        True,
        world.alice,
        world.practice,
    )
    assert [i["title"] for i in plan.items] == ["Daily mood check-in"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "assignments": "all"}, "This field is required."),
        ({"name": "Empty"}, "Choose at least one piece of homework for the plan."),
        ({"name": "x" * 121, "assignments": "all"}, "at most 120 characters"),
    ],
)
def test_a_plan_without_a_name_or_homework_is_refused_and_keeps_what_was_typed(
    world: World,
    alice_client: HttpClient,
    carls_homework: list[Assignment],
    data: dict[str, str],
    message: str,
) -> None:
    if data.get("assignments") == "all":
        data = {**data, "assignments": [a.pk for a in carls_homework]}  # type: ignore[dict-item]

    response = alice_client.post(reverse("homework:plan_new", args=[world.carl_client.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    assert not HomeworkPlan.objects.exists()


def test_ended_homework_or_another_clients_cannot_go_into_a_plan(
    world: World, carls_homework: list[Assignment]
) -> None:
    danas = assign_exercise(world.dana_client, world.alice)
    with pytest.raises(HomeworkError, match="this client's current homework only"):
        save(world, [carls_homework[0], danas])

    from stepwise.homework.actions import assigning

    assigning.set_status(carls_homework[0], AssignmentStatus.ENDED, by=world.alice)
    carls_homework[0].refresh_from_db()
    with pytest.raises(HomeworkError, match="this client's current homework only"):
        save(world, [carls_homework[0]])


def test_the_list_shows_my_plans_and_those_shared_in_my_practice_only(
    world: World, login_as: Any, carls_homework: list[Assignment]
) -> None:
    save(world, carls_homework, name="Alice private")
    save(world, carls_homework, name="Alice shared", shared_with_practice=True)

    alices = login_as(world.alice).get(reverse("homework:plans")).content.decode()
    assert "Alice private" in alices
    assert "Alice shared" in alices
    assert 'Daily mood check-in <span class="muted">— Daily, for 14 days</span>' in alices
    assert 'PHQ-9 <span class="muted">— Every week</span>' in alices

    bobs = login_as(world.bob).get(reverse("homework:plans")).content.decode()
    assert "Alice private" not in bobs
    assert "Alice shared" in bobs
    assert "By Alice Therapist, shared with the practice" in bobs

    olgas = login_as(world.olga).get(reverse("homework:plans")).content.decode()
    assert "Alice" not in olgas


def test_assigning_a_plan_makes_every_item_start_on_the_clients_today(
    world: World, alice_client: HttpClient, carls_homework: list[Assignment], frozen: Any
) -> None:
    plan = save(world, carls_homework)
    frozen.shift(timedelta(days=5))
    alice_client.force_login(world.alice, backend="django.contrib.auth.backends.ModelBackend")

    response = alice_client.post(
        reverse("homework:plan_assign", args=[world.dana_client.pk]),
        {"plan": plan.pk},
        follow=True,
    )

    danas = list(Assignment.objects.filter(client=world.dana_client).order_by("id"))
    assert [a.title for a in danas] == ["Daily mood check-in", "PHQ-9"]
    start = TODAY + timedelta(days=5)
    mood, phq = danas
    version = mood.schedules.get()
    assert (version.frequency, version.start, version.end) == (
        "daily",
        start,
        start + timedelta(days=13),
    )
    assert mood.reminder_time == time(20, 15)
    assert mood.note == ""
    assert phq.schedules.get().frequency == "every_n_weeks"
    assert Occurrence.objects.filter(assignment=mood, opens=start).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert "“Week 1 of panic treatment” assigned: 2 pieces of homework from today." in messages


def test_assigning_a_plan_twice_leaves_what_is_already_assigned(
    world: World, alice_client: HttpClient, carls_homework: list[Assignment]
) -> None:
    plan = save(world, carls_homework)
    url = reverse("homework:plan_assign", args=[world.dana_client.pk])
    alice_client.post(url, {"plan": plan.pk})

    response = alice_client.post(url, {"plan": plan.pk}, follow=True)

    assert Assignment.objects.filter(client=world.dana_client).count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert "Already assigned, so left as they are: Daily mood check-in, PHQ-9." in messages


def test_a_plan_that_cannot_be_assigned_in_full_assigns_nothing(
    world: World, alice_client: HttpClient, carls_homework: list[Assignment]
) -> None:
    CaregiverLink.objects.create(caregiver=world.gina, client=world.carl_client)
    for_the_parent = assign_exercise(
        world.carl_client,
        world.alice,
        slug="balloon-breathing",
        assignee=Assignee.CAREGIVER,
    )
    plan = save(world, [*carls_homework, for_the_parent])

    response = alice_client.post(
        reverse("homework:plan_assign", args=[world.dana_client.pk]),
        {"plan": plan.pk},
        follow=True,
    )

    assert not Assignment.objects.filter(client=world.dana_client).exists()
    assert not Occurrence.objects.filter(client=world.dana_client).exists()
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Dana has no linked parent or carer yet." in messages


def test_a_colleague_cannot_assign_an_exercise_private_to_the_plans_author(
    world: World, carls_homework: list[Assignment]
) -> None:
    document = sink_document()
    document["slug"] = "alices-own"
    own = library_actions.import_definition(world.alice, json.dumps(document))
    mine = assign_exercise(world.carl_client, world.alice, slug="daily-mood-check-in")
    mine.exercise = own
    mine.save()
    plan = save(world, [mine], shared_with_practice=True)
    world.dana_client.therapists.add(world.bob)

    with pytest.raises(HomeworkError, match="no longer in your library"):
        plans.assign_plan(plan, client=world.dana_client, by=world.bob)
    assert not Assignment.objects.filter(client=world.dana_client).exists()


def test_a_plan_that_is_not_yours_to_see_cannot_be_assigned(
    world: World, login_as: Any, carls_homework: list[Assignment]
) -> None:
    private = save(world, carls_homework)
    world.dana_client.therapists.add(world.bob)
    browser = login_as(world.bob)

    response = browser.post(
        reverse("homework:plan_assign", args=[world.dana_client.pk]),
        {"plan": private.pk},
        follow=True,
    )

    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Choose one of the plans offered." in messages
    assert not Assignment.objects.filter(client=world.dana_client).exists()


def test_a_plan_cannot_be_assigned_to_a_client_outside_the_caseload(
    world: World, login_as: Any, carls_homework: list[Assignment]
) -> None:
    plan = save(world, carls_homework, shared_with_practice=True)

    response = login_as(world.bob).post(
        reverse("homework:plan_assign", args=[world.dana_client.pk]), {"plan": plan.pk}
    )

    assert response.status_code == 404
    assert not Assignment.objects.filter(client=world.dana_client).exists()


def test_only_the_author_removes_a_plan(
    world: World, login_as: Any, carls_homework: list[Assignment]
) -> None:
    plan = save(world, carls_homework, shared_with_practice=True)
    url = reverse("homework:plan_delete", args=[plan.pk])

    bobs = login_as(world.bob).post(url, follow=True)
    assert "Only the therapist who made a plan can remove it." in bobs.content.decode()
    assert HomeworkPlan.objects.filter(pk=plan.pk).exists()

    login_as(world.alice).post(url)
    assert not HomeworkPlan.objects.filter(pk=plan.pk).exists()
    assert Assignment.objects.filter(client=world.carl_client).count() == 2


def test_the_client_page_offers_plans_to_assign_and_to_save(
    world: World, alice_client: HttpClient, carls_homework: list[Assignment]
) -> None:
    save(world, carls_homework, name="Week 1")

    html = alice_client.get(reverse("clinic:client_detail", args=[world.dana_client.pk]))

    text = html.content.decode()
    assert "Assign a plan to Dana" in text
    assert ">Week 1</option>" in text
    carls = alice_client.get(reverse("clinic:client_detail", args=[world.carl_client.pk]))
    new = reverse("homework:plan_new", args=[world.carl_client.pk])
    assert f'href="{new}"' in carls.content.decode()
