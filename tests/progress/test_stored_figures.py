"""Stored dashboard figures: computed once, read after that, and computed again after every write
that changes them, on a new local day, and when a write races the computation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.assessments.models import ScoreRevision
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import AssignmentStatus
from stepwise.ops.erasure import erase_client
from stepwise.progress import stored
from stepwise.progress.models import ClientFigures
from stepwise.reminders.worker import Worker
from tests.conftest import World
from tests.progress import history as h

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def figures_of(world: World, client: Client) -> stored.Figures:
    return stored.current_figures([client], world.practice.pk)[client.pk]


def is_current(client: Client) -> bool:
    row = ClientFigures.objects.get(client=client)
    return row.fresh_version == row.version


def test_every_new_client_gets_a_row_that_is_computed_on_first_read(world: World) -> None:
    client = clinic_actions.add_client(world.alice, display_name="Nia", time_zone="Europe/London")
    assert not is_current(client)
    figures = figures_of(world, client)
    assert figures.week.due == 0
    assert figures.last_activity is None
    assert is_current(client)


def test_a_second_read_uses_the_stored_figures_and_fewer_queries(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 10)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=3), 12)
    with CaptureQueriesContext(connection) as first:
        computed = figures_of(world, world.carl_client)
    with CaptureQueriesContext(connection) as second:
        read = figures_of(world, world.carl_client)
    assert read == computed
    assert len(second) == 1 < len(first)
    fresh = stored.compute(
        [world.carl_client], {world.carl_client.pk: today}, world.practice.pk, NOW
    )
    assert fresh[world.carl_client.pk] == read


def test_handing_in_homework_updates_adherence_and_last_activity(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=6))
    before = figures_of(world, world.carl_client)
    assert (before.week.done, before.last_activity) == (0, None)
    h.hand_in(assignment, today - timedelta(days=1), h.mood(6))
    after = figures_of(world, world.carl_client)
    assert after.week.done == 1
    assert after.last_activity == h.noon(today - timedelta(days=1))


def test_a_questionnaire_and_a_revised_score_update_the_scores(world: World, frozen: Any) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=20), 5)
    assert [s.total for s in figures_of(world, world.carl_client).scores] == [5.0]
    response = h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 17)
    scores = figures_of(world, world.carl_client).scores
    assert [(s.total, s.previous, s.deteriorated) for s in scores] == [(17.0, 5.0, True)]
    ScoreRevision.objects.create(
        response=response,
        instrument=response.instrument,
        total=4,
        band="Minimal",
        reason="test",
    )
    assert [s.total for s in figures_of(world, world.carl_client).scores] == [4.0]


def test_pausing_homework_updates_what_counts_as_overdue(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=5))
    assert figures_of(world, world.carl_client).overdue == 3
    assigning.set_status(assignment, AssignmentStatus.ENDED, by=world.alice)
    assert not is_current(world.carl_client)
    figures_of(world, world.carl_client)
    assert is_current(world.carl_client)


def test_a_new_local_day_computes_the_figures_again(world: World, frozen: Any) -> None:
    today = world.carl_client_today()
    h.assign_daily(world.carl_client, world.alice, today - timedelta(days=2))
    assert figures_of(world, world.carl_client).week.missed == 2
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert figures_of(world, world.carl_client).week.missed == 3
        assert ClientFigures.objects.get(client=world.carl_client).as_of == today + timedelta(1)


def test_a_write_during_the_computation_leaves_the_row_out_of_date(
    world: World, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=3))
    compute = stored.compute

    def racing(*args: Any, **kwargs: Any) -> Any:
        result = compute(*args, **kwargs)  # read before the hand-in below commits
        h.hand_in(assignment, today - timedelta(days=1), h.mood(6))
        return result

    monkeypatch.setattr(stored, "compute", racing)
    assert figures_of(world, world.carl_client).week.done == 0  # what it read
    monkeypatch.setattr(stored, "compute", compute)
    assert not is_current(world.carl_client), "the stored figures predate the hand-in"
    assert figures_of(world, world.carl_client).week.done == 1


def test_clients_made_without_the_orm_signals_get_their_row_on_first_read(
    world: World, frozen: Any
) -> None:
    ClientFigures.objects.filter(client=world.dana_client).delete()
    figures = figures_of(world, world.dana_client)
    assert figures.week.due == 0
    assert is_current(world.dana_client)


def test_changing_a_client_or_erasing_them_keeps_the_table_consistent(world: World) -> None:
    figures_of(world, world.carl_client)
    world.carl_client.time_zone = "America/New_York"
    world.carl_client.save()
    assert not is_current(world.carl_client)
    erase_client(world.dana_client.pk)
    assert not ClientFigures.objects.filter(client_id=world.dana_client.pk).exists()


def test_reading_many_clients_takes_the_same_queries_as_reading_a_few(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    made = []
    for n in range(30):
        client = clinic_actions.add_client(
            world.alice, display_name=f"Client {n:02}", time_zone="Europe/London"
        )
        h.daily_history(client, world.alice, today, 5, done=[1, 3])
        made.append(client)

    def queries(clients: list[Client]) -> int:
        ClientFigures.objects.update(version=999)  # every row out of date
        with CaptureQueriesContext(connection) as captured:
            stored.current_figures(clients, world.practice.pk)
        return len(captured)

    assert queries(made[:3]) == queries(made)


def test_the_worker_computes_out_of_date_figures_before_anyone_opens_the_dashboard(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    h.assign_daily(world.carl_client, world.alice, today - timedelta(days=2))
    for client in (world.carl_client, world.dana_client, world.mia_client):
        figures_of(world, client)
    clinic_actions.set_discharged(world.mia_client, discharged=True)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        Worker().maintain(force=True)
        rows = {r.client_id: r for r in ClientFigures.objects.all()}
        assert rows[world.carl_client.pk].as_of == today + timedelta(days=1)
        assert rows[world.carl_client.pk].data["week"][3] == 3  # missed: a day more
        assert rows[world.dana_client.pk].as_of == today + timedelta(days=1)
        assert rows[world.mia_client.pk].as_of == today, "discharged clients are left alone"
        assert stored.refresh_out_of_date() == 0, "nothing left to do"


def test_the_worker_gives_sqlite_planner_statistics(world: World) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    Worker().maintain(force=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'clinic_client'")
        assert cursor.fetchone()[0] > 0


def test_the_sort_and_filter_columns_are_stored_with_the_figures_they_come_from(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    h.daily_history(world.carl_client, world.alice, today, 10, done=[5, 6])  # quiet since day 5
    h.answer_phq9(world.carl_client, NOW - timedelta(days=30), 5)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=6), 22)  # reliably worse
    figures = figures_of(world, world.carl_client)
    row = ClientFigures.objects.get(client=world.carl_client)
    assert row.week_rate == figures.week.rate
    assert row.month_rate == figures.month.rate
    assert row.overdue == figures.overdue > 0
    assert row.inactive_days == 5
    assert row.inactive is True
    assert row.deteriorated is True
    assert row.as_of == today
