"""The crisis coping plan the client's home links to: their newest, whether made from the shipped
plan or a practice's copy of it; never another exercise, never another client's plan."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from stepwise.homework.actions.submissions import submit_exercise
from stepwise.homework.models import Mode, Submission
from stepwise.homework.today import crisis_plan_for
from stepwise.library import actions as library
from stepwise.library.models import ExerciseDefinition, ExerciseVersion
from tests.conftest import World
from tests.library.test_shipped_content import example_answers


def _version(slug: str) -> ExerciseVersion:
    definition = ExerciseDefinition.objects.get(slug=slug, practice__isnull=True)
    assert definition.current_version is not None
    return definition.current_version


def _submit(world: World, version: ExerciseVersion, day: int, client: Any = None) -> Submission:
    return submit_exercise(
        client=client or world.carl_client,
        version=version,
        data=example_answers(version.parsed),
        mode=Mode.IN_SESSION,
        submitted_by=world.alice,
        submitted_at=datetime(2026, 11, day, 10, tzinfo=UTC),
    )


def test_there_is_none_until_the_client_makes_one(world: World) -> None:
    _submit(world, _version("daily-mood-check-in"), 1)
    _submit(world, _version("crisis-coping-plan"), 2, client=world.dana_client)

    assert crisis_plan_for(world.carl_client) is None


def test_it_is_the_newest_plan_of_the_client_whatever_else_came_after(world: World) -> None:
    shipped = _version("crisis-coping-plan")
    copy = library.copy_exercise(shipped, world.alice)
    practice_copy = library.publish(copy, world.alice)
    assert practice_copy.definition.slug == "crisis-coping-plan"  # its own practice's slug

    _submit(world, shipped, 1)
    newest = _submit(world, practice_copy, 3)
    _submit(world, shipped, 2)
    _submit(world, _version("daily-mood-check-in"), 4)
    _submit(world, shipped, 5, client=world.dana_client)

    assert crisis_plan_for(world.carl_client) == newest.pk


def test_it_takes_one_query(world: World, django_assert_num_queries: Any) -> None:
    plan = _submit(world, _version("crisis-coping-plan"), 1)

    with django_assert_num_queries(1):
        assert crisis_plan_for(world.carl_client) == plan.pk


def test_the_plan_page_shows_the_practices_crisis_message_for_the_clients_country(
    world: World, login_as: Any
) -> None:
    from stepwise.clinic.models import Client

    Client.objects.filter(pk=world.carl_client.pk).update(country="IE")
    _submit(world, _version("crisis-coping-plan"), 1)
    page = login_as(world.carl).get("/me/crisis-plan/").content.decode()
    main = page[: page.index("<footer")]
    assert '<a href="tel:112">112</a>' in main
    assert '<a href="tel:116123">116 123</a>' in main
    assert "does not watch your answers as they arrive" in main


def test_a_young_persons_plan_is_their_crisis_plan_with_the_youth_message(
    world: World, login_as: Any
) -> None:
    from stepwise.clinic.models import Client, Practice
    from tests.conftest import make_user

    Practice.objects.filter(pk=world.practice.pk).update(country="GB")
    mia = make_user("mia@example.net", "Mia")
    Client.objects.filter(pk=world.mia_client.pk).update(user=mia)
    world.mia_client.refresh_from_db()
    plan = _submit(world, _version("youth-safety-plan"), 1, client=world.mia_client)

    assert crisis_plan_for(world.mia_client) == plan.pk
    page = login_as(mia).get("/me/crisis-plan/").content.decode()
    main = page[: page.index("<footer")]
    assert "My safety plan, made with a grown-up I trust" in main
    assert "tell a trusted adult now" in main
    assert '<a href="tel:08001111">0800 1111</a>' in main


def test_a_young_persons_safety_plan_is_their_one_tap_plan_too(world: World) -> None:
    _submit(world, _version("crisis-coping-plan"), 1)
    youth = _submit(world, _version("youth-safety-plan"), 2)

    assert crisis_plan_for(world.carl_client) == youth.pk
