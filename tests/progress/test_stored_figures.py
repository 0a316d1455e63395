"""Stored dashboard figures: computed once, read after that, and computed again after every write
that changes them, on a new local day, and when a write races the computation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.accounts import actions as account_actions
from stepwise.assessments import actions as assessment_actions
from stepwise.assessments import catalog
from stepwise.assessments.actions.shipped import sync_shipped_instruments
from stepwise.assessments.models import InstrumentSource, InstrumentVersion
from stepwise.clinic import actions as clinic_actions
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import AssignmentStatus, ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.ops.erasure import erase_client
from stepwise.ops.worker import Worker
from stepwise.progress import stored
from stepwise.progress.models import ClientFigures
from tests.assessments.helpers import raw_instrument
from tests.conftest import World
from tests.progress import history as h

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def figures_of(world: World, client: Client) -> stored.Figures:
    return stored.current_figures([client], world.practice.pk)[client.pk]


def is_current(client: Client) -> bool:
    row = ClientFigures.objects.filter(client=client).first()
    return row is not None and row.fresh_version == row.version


def read_then_check(world: World, client: Client) -> None:
    """Figures read (so stored and current) before the action under test."""
    figures_of(world, client)
    assert is_current(client)


def test_every_new_client_gets_a_row_that_is_computed_on_first_read(world: World) -> None:
    client = clinic_actions.add_client(world.alice, display_name="Nia", time_zone="Europe/London")
    assert ClientFigures.objects.filter(client=client).exists()
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
    # A corrected band wording: rescoring appends a revision, and the figures follow it.
    data = raw_instrument("phq9")
    data["bands"][3]["label"] = "Moderately severe (corrected)"
    InstrumentVersion.objects.create(
        key="phq9",
        version=2,
        definition_text=json.dumps(data),
        content_hash=catalog.content_hash(data),
        source=InstrumentSource.SHIPPED,
        **catalog.listing_fields(data),
    )
    assert is_current(world.carl_client)
    assert assessment_actions.rescore_response(response) is not None
    assert not is_current(world.carl_client)
    scores = figures_of(world, world.carl_client).scores
    assert [(s.total, s.band) for s in scores] == [(17.0, "Moderately severe (corrected)")]


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


def test_clients_without_a_stored_row_get_it_on_first_read(world: World, frozen: Any) -> None:
    ClientFigures.objects.filter(client=world.dana_client).delete()
    figures = figures_of(world, world.dana_client)
    assert figures.week.due == 0
    assert is_current(world.dana_client)


def test_moving_a_client_or_erasing_them_keeps_the_table_consistent(world: World) -> None:
    read_then_check(world, world.carl_client)
    carl = world.carl_client
    clinic_actions.update_client(
        carl,
        display_name=carl.display_name,
        time_zone="America/New_York",
        email=carl.email,
        mobile=carl.mobile,
        is_minor=carl.is_minor,
    )
    assert not is_current(world.carl_client)
    figures_of(world, world.dana_client)
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
        assert rows[world.carl_client.pk].data["week"]["missed"] == 3  # missed: a day more
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


# --- every action that changes a client's figures puts them out of date -------------------------


def test_handing_in_homework_through_the_client_action_puts_the_figures_out_of_date(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=2))
    read_then_check(world, world.carl_client)
    occurrence = assignment.occurrences.get(due=today)
    assigning.complete_exercise(
        assignment=assignment, occurrence=occurrence, data=h.mood(5), by=world.carl
    )
    assert not is_current(world.carl_client)
    assert figures_of(world, world.carl_client).week.done == 1


def test_practice_in_session_and_a_questionnaire_put_the_figures_out_of_date(
    world: World, frozen: Any
) -> None:
    read_then_check(world, world.carl_client)
    h.practise_in_session(world.carl_client, world.alice, world.carl_client_today(), h.mood(4))
    assert not is_current(world.carl_client)
    read_then_check(world, world.carl_client)
    h.answer_phq9(world.carl_client, NOW - timedelta(hours=1), 9)
    assert not is_current(world.carl_client)
    assert [s.total for s in figures_of(world, world.carl_client).scores] == [9.0]


def test_assigning_and_editing_homework_put_the_figures_out_of_date(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    read_then_check(world, world.dana_client)
    read_then_check(world, world.carl_client)
    assignment = h.assign_daily(world.carl_client, world.alice, today - timedelta(days=2))
    assert not is_current(world.carl_client)
    assert figures_of(world, world.carl_client).overdue == 3
    for status in (AssignmentStatus.PAUSED, AssignmentStatus.ACTIVE):
        read_then_check(world, world.carl_client)
        assigning.set_status(assignment, status, by=world.alice)
        assert not is_current(world.carl_client)
    read_then_check(world, world.carl_client)
    tomorrow = today + timedelta(days=1)
    assigning.edit_schedule(assignment, Schedule(Frequency.DAILY, tomorrow), by=world.alice)
    assert not is_current(world.carl_client)
    assert is_current(world.dana_client), "another client's figures stay as they were"


def test_an_assigned_questionnaire_counts_as_active_once_assigned(
    world: World, frozen: Any
) -> None:
    today = world.carl_client_today()
    h.answer_phq9(world.carl_client, NOW - timedelta(days=200), 7)  # too old to show by itself
    assert figures_of(world, world.carl_client).scores == ()
    assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="phq9", title="PHQ-9"),
        schedule=Schedule(
            Frequency.ONCE, today + timedelta(days=30), due=today + timedelta(days=31)
        ),
        reminder_time=time(18),
    )
    assert [s.total for s in figures_of(world, world.carl_client).scores] == [7.0]


def test_a_new_episode_of_care_puts_the_figures_out_of_date(world: World, frozen: Any) -> None:
    h.answer_phq9(world.carl_client, NOW - timedelta(days=20), 5)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=10), 20)
    h.answer_phq9(world.carl_client, NOW - timedelta(days=1), 21)
    assert figures_of(world, world.carl_client).scores[0].deteriorated
    assessment_actions.start_new_episode(world.carl_client, "phq9", world.alice)
    assert not is_current(world.carl_client)


def test_an_imported_instrument_puts_its_practices_figures_out_of_date(
    world: World, frozen: Any
) -> None:
    for client in (world.carl_client, world.oscar_client):
        read_then_check(world, client)
    data = raw_instrument("phq9") | {"id": "own_scale", "name": "Own", "abbreviation": "OWN"}
    assessment_actions.import_instrument(
        world.practice, world.ada, json.dumps(data).encode(), licence_confirmed=True
    )
    assert not is_current(world.carl_client)
    assert is_current(world.oscar_client), "another practice's figures stay as they were"


def test_a_client_moving_time_zone_in_their_own_settings_puts_the_figures_out_of_date(
    world: World, frozen: Any
) -> None:
    read_then_check(world, world.carl_client)
    account_actions.update_account_settings(world.carl, name="Carl", time_zone="Asia/Tokyo")
    assert not is_current(world.carl_client)


def test_new_shipped_instrument_versions_put_every_practices_figures_out_of_date(
    world: World, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for client in (world.carl_client, world.oscar_client):
        read_then_check(world, client)
    assert sync_shipped_instruments() == [], "nothing new: nothing out of date"
    assert is_current(world.carl_client)
    files = catalog.shipped_files()
    changed = []
    for text, data in files:
        if data["id"] == "phq9":
            data = {**data, "population": data["population"] + " (revised)"}
            text = json.dumps(data)
        changed.append((text, data))
    monkeypatch.setattr(catalog, "shipped_files", lambda: changed)
    assert sync_shipped_instruments() == ["phq9 v2"]
    assert not is_current(world.carl_client)
    assert not is_current(world.oscar_client)
