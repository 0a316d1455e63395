"""The benchmark data generator: the same seed gives the same rows however many processes make
them and on either database, and the loaded tables end with every index and constraint the
migrations make (they are dropped for the load and made again after it)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bench.rows import TABLES
from tests.bench.conftest import generate

# The generated databases (tests/bench/conftest.py) are made once: the bench tests share a process.
pytestmark = pytest.mark.xdist_group("bench")
# Columns that read the same on both engines (ids and references), per table.
KEYS = {
    "homework_assignment": "id, client_id, exercise_id, created_by_id",
    "homework_scheduleversion": "id, assignment_id, times_per_week, interval_weeks",
    "homework_occurrence": "id, assignment_id, client_id, key, ordinal",
    "homework_submission": "id, client_id, exercise_version_id, submitted_by_id",
    "homework_metricvalue": "id, submission_id, client_id, definition_id, name",
    "assessments_assessmentresponse": "id, client_id, instrument_id, band",
    "assessments_alert": "id, client_id, response_id, acknowledged_by_id",
    "homework_completion": (
        "id, assignment_id, client_id, occurrence_id, submission_id, assessment_response_id, "
        "reviewed_by_id"
    ),
    "homework_feedback": "id, completion_id, author_id, text",
    "reminders_reminder": "id, client_id, occurrence_id, key, state, skip_reason",
}


def digest(rows: Any) -> str:
    found = hashlib.sha256()
    for row in rows:
        found.update(repr(tuple(row)).encode())
    return found.hexdigest()


def select(columns: str, table: str) -> str:
    return f"SELECT {columns} FROM {table} ORDER BY id"  # noqa: S608 (names from KEYS)


def sqlite_digests(path: Path, columns: dict[str, str] | None = None) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return {
            table: digest(db.execute(select((columns or {}).get(table, "*"), table)))
            for table in KEYS
        }
    finally:
        db.close()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite files whatever the suite's database: run once, in the SQLite suite",
)
def test_the_same_seed_gives_the_same_rows_with_one_process_or_two(generated):
    (one, summary_one), (two, summary_two) = generated[1], generated[2]

    assert (summary_one["jobs"], summary_two["jobs"]) == (1, 2)
    assert summary_one["rows"] == summary_two["rows"]
    assert summary_one["rows"]["Submission"] > 500
    assert summary_one["rows"]["MetricValue"] > summary_one["rows"]["Submission"]
    assert sqlite_digests(one) == sqlite_digests(two)


def test_ids_grow_with_time_across_clients(generated):
    path, _ = generated[2]
    db = sqlite3.connect(path)
    try:
        moments = [
            row[0] for row in db.execute("SELECT submitted_at FROM homework_submission ORDER BY id")
        ]
        clients = {
            row[0]
            for row in db.execute("SELECT client_id FROM homework_submission ORDER BY id LIMIT 100")
        }
    finally:
        db.close()

    days = [date.fromisoformat(moment[:10]) for moment in moments]
    # Made a day at a time: a submission handed in late (up to 9 days for a weekly exercise)
    # keeps the id of the day its occurrence opened (and days here are UTC days, a day off the
    # local one in Sydney or Chicago); none is older than that.
    latest = days[0]
    for day in days:
        assert day >= latest - timedelta(days=11)
        latest = max(latest, day)
    assert days[-1] - days[0] > timedelta(days=80)
    assert len(clients) > 5  # interleaved across clients, not one client's history after another


def _schema(cursor: Any, tables: list[str]) -> list[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' AND tablename = ANY(%s) ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY conname",
            [tables],
        )
        return indexes + cursor.fetchall()
    marks = ", ".join("?" for _ in tables)
    query = f"SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) ORDER BY name"  # noqa: S608, E501
    cursor.execute(query, tables)
    return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_loaded_tables_keep_every_index_and_constraint_of_the_migrations(generated):
    from django.apps import apps

    tables = [apps.get_model(label)._meta.db_table for label in TABLES.values()]
    with connection.cursor() as cursor:  # the test database, made by the migrations
        expected = _schema(cursor, tables)
    assert len(expected) > 3 * len(tables)

    if connection.vendor == "postgresql":
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/"))
        name = f"test_bench_generate_{os.getpid()}"
        generate(url + name, jobs=2)
        try:
            with psycopg.connect(url + name) as db, db.cursor() as cursor:
                found = _schema(cursor, tables)
                keys = {}
                for table, columns in KEYS.items():
                    cursor.execute(select(columns, table))
                    keys[table] = digest(cursor.fetchall())
        finally:
            with psycopg.connect(url + "postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # The same rows as on SQLite: ids, references and keys agree.
        assert keys == sqlite_digests(generated[2][0], KEYS)
    else:
        made = sqlite3.connect(generated[2][0])
        try:
            found = _schema(made.cursor(), tables)
        finally:
            made.close()

    assert found == expected
