"""The access log is append-only: no update or delete path in the application or the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client as HttpClient

from stepwise.audit.models import AccessLog, AppendOnlyError
from tests.conftest import World


def _a_record(world: World, alice_client: HttpClient) -> AccessLog:
    alice_client.get(f"/clients/{world.carl_client.pk}/")
    return AccessLog.objects.get(client_id=world.carl_client.pk)


def test_a_saved_record_cannot_be_changed_through_the_model(
    world: World, alice_client: HttpClient
) -> None:
    record = _a_record(world, alice_client)
    record.outcome = "denied"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_the_queryset_refuses_bulk_update_and_delete(
    world: World, alice_client: HttpClient
) -> None:
    _a_record(world, alice_client)
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.update(outcome="denied")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(
    world: World, alice_client: HttpClient
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the model guards")
    _a_record(world, alice_client)
    for sql in ("UPDATE audit_accesslog SET outcome = 'denied'", "DELETE FROM audit_accesslog"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.filter(outcome="allowed").count() == 1


def test_a_denied_look_at_another_practices_client_is_recorded(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.get(f"/clients/{world.oscar_client.pk}/")
    assert response.status_code == 404
    record = AccessLog.objects.get(client_id=world.oscar_client.pk)
    assert (record.actor, record.outcome) == (world.alice, "denied")


def test_records_outlive_the_account_they_name(world: World, alice_client: HttpClient) -> None:
    _a_record(world, alice_client)
    actor_id = world.alice.pk
    world.alice.delete()
    assert AccessLog.objects.get(client_id=world.carl_client.pk).actor_id == actor_id
