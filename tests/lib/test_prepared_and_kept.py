"""`lib.db.PreparedRows` (a query compiled once, run with each call's id) reads what the ORM
reads, on both engines; `lib.memo.BoundedMemo` keeps at most its size, least recently used
first out."""

from __future__ import annotations

from typing import Any

import pytest

from stepwise.accounts.models import User
from stepwise.clinic.access import caseload_for
from stepwise.lib.db import PreparedRows
from stepwise.lib.memo import BoundedMemo
from stepwise.progress.dashboard import STATE, _state_query
from tests.conftest import World


def test_prepared_rows_are_the_orms_rows_for_each_reader(world: World) -> None:
    for therapist in (world.alice, world.bob, world.ada):
        assert STATE.rows(therapist.pk) == list(_state_query(therapist))
    names = {row.display_name for row in STATE.rows(world.alice.pk)}
    assert world.carl_client.display_name in names
    assert STATE.rows(world.carl.pk) == []  # a client has no caseload


def test_prepared_rows_convert_values_as_the_orm_does(world: World) -> None:
    prepared = PreparedRows(
        lambda user_id: caseload_for(User(pk=user_id)).values_list(
            "id", "is_minor", "next_session_on", "discharged_at", named=True
        )
    )
    expected: list[Any] = list(
        caseload_for(world.alice).values_list(
            "id", "is_minor", "next_session_on", "discharged_at", named=True
        )
    )
    assert prepared.rows(world.alice.pk) == expected
    assert all(isinstance(row.is_minor, bool) for row in expected)


def test_a_prepared_query_that_does_not_use_its_marker_is_refused(world: World) -> None:
    prepared = PreparedRows(lambda user_id: User.objects.values_list("id", named=True))
    with pytest.raises(ValueError, match="marker"):
        prepared.rows(world.alice.pk)


def test_a_memo_keeps_its_size_and_lets_the_least_recently_used_go_first() -> None:
    memo: BoundedMemo[str] = BoundedMemo(2)
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value.upper()

    assert memo.get("a", lambda: make("a")) == "A"
    assert memo.get("b", lambda: make("b")) == "B"
    assert memo.get("a", lambda: make("a")) == "A"  # kept; "b" is now the oldest
    assert memo.get("c", lambda: make("c")) == "C"
    assert len(memo) == 2
    assert memo.get("b", lambda: make("b")) == "B"  # made again
    assert made == ["a", "b", "c", "b"]
    assert (memo.hits, memo.misses) == (1, 4)
