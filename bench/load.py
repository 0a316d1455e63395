"""Loading the history fast: rows with explicit ids, written by several processes at once, with
the tables' secondary indexes built once at the end instead of row by row.

- PostgreSQL: each process COPYs its rows straight into the tables, foreign-key triggers off
  (the generator is the only writer and makes every reference itself).
- SQLite (one writer at a time): each process writes its rows to a shard file of its own, plain
  tables with no index but the id; the parent then merges the shards into the database in id
  order (`INSERT ... SELECT ... ORDER BY id`, which SQLite runs as a merge of the sorted shards).

Either way the secondary indexes and unique constraints of the loaded tables are dropped before
the load and made again after it (`deferred_indexes`), as a bulk load into any database should.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

Order = Sequence[tuple[Any, list[str]]]  # (model, field names) in foreign-key order


def columns_of(model: Any, fields: list[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]


class Writer:
    """Buffers rows per table (rows are appended to `buffers[model]` directly) and writes them
    in foreign-key order. Values come formatted for the engine: SQLite takes Django's text forms
    of dates, times and decimals."""

    def __init__(self, order: Order, postgres: bool) -> None:
        self.order = order
        self.postgres = postgres
        self.buffers: dict[Any, list[tuple[Any, ...]]] = {model: [] for model, _ in order}
        self.counts: dict[str, int] = {model.__name__: 0 for model, _ in order}

    @property
    def buffered(self) -> int:
        return sum(len(rows) for rows in self.buffers.values())

    def when(self, moment: datetime | None) -> Any:
        """A UTC datetime as each driver wants it (SQLite: Django's text form)."""
        if moment is None or self.postgres:
            return moment
        if moment.tzinfo is not UTC:
            moment = moment.astimezone(UTC)
        return moment.isoformat(" ")[:-6]  # without "+00:00", as Django writes it

    def day(self, value: date | None) -> Any:
        return value if value is None or self.postgres else value.isoformat()

    def decimal(self, value: Decimal | None) -> Any:
        return value if value is None or self.postgres else str(value)

    def flush(self) -> None:
        self._begin()
        for model, fields in self.order:
            rows = self.buffers[model]
            if rows:
                self._write(model, fields, rows)
                self.counts[model.__name__] += len(rows)
                rows.clear()  # the same list: row makers hold it
        self._commit()

    def close(self) -> None:
        self.flush()

    def _begin(self) -> None:
        raise NotImplementedError

    def _write(self, model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    """PostgreSQL: COPY into the database's tables, on a connection of this process's own."""

    def __init__(self, order: Order) -> None:
        super().__init__(order, postgres=True)
        from django.db import connection

        self.connection = connection
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")

    def _begin(self) -> None:
        self.connection.set_autocommit(False)

    def _write(self, model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
        table = model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in columns_of(model, fields))
        with (
            self.connection.cursor() as cursor,
            cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _commit(self) -> None:
        self.connection.commit()
        self.connection.set_autocommit(True)

    def close(self) -> None:
        super().close()
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        self.connection.close()


def _shard_tables(order: Order) -> Iterator[tuple[str, list[str]]]:
    for model, fields in order:
        yield model._meta.db_table, columns_of(model, fields)


class ShardWriter(Writer):
    """SQLite: plain tables in a file of this process's own, merged by `merge_shards`."""

    def __init__(self, order: Order, path: Path) -> None:
        super().__init__(order, postgres=False)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.inserts = {}
        for model, fields in order:
            table = model._meta.db_table
            columns = columns_of(model, fields)
            assert columns[0] == "id", table
            names = ", ".join(f'"{c}"' for c in columns[1:])
            self.db.execute(f'CREATE TABLE "{table}" ("id" INTEGER PRIMARY KEY, {names})')
            marks = ", ".join("?" for _ in columns)
            # Table and column names come from the models' own metadata, never from input.
            self.inserts[model] = f'INSERT INTO "{table}" VALUES ({marks})'  # noqa: S608

    def _begin(self) -> None:
        self.db.execute("BEGIN")

    def _write(self, model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.db.executemany(self.inserts[model], rows)

    def _commit(self) -> None:
        self.db.execute("COMMIT")

    def close(self) -> None:
        super().close()
        self.db.close()


def merge_shards(order: Order, shards: Sequence[Path]) -> None:
    """Copy the shards' rows into the database's tables, in id order (SQLite)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    # A rollback journal, not the WAL, for the load: the WAL would hold every new page once
    # more until a checkpoint copies it over. The generator makes every reference itself.
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA foreign_keys = OFF")
    aliases = [f"shard{n}" for n in range(len(shards))]
    for alias, path in zip(aliases, shards, strict=True):
        raw.execute("ATTACH DATABASE ? AS " + alias, [str(path)])
    try:
        for table, columns in _shard_tables(order):
            names = ", ".join(f'"{c}"' for c in columns)
            # Names from the models' metadata; a merge of the id-ordered shards.
            parts = " UNION ALL ".join(f'SELECT {names} FROM {a}."{table}"' for a in aliases)  # noqa: S608
            raw.execute(f'INSERT INTO main."{table}" ({names}) {parts} ORDER BY 1')
            raw.commit()
    finally:
        for alias in aliases:
            raw.execute("DETACH DATABASE " + alias)
        raw.execute("PRAGMA foreign_keys = ON")
        raw.execute("PRAGMA synchronous = NORMAL")
        raw.execute("PRAGMA journal_mode = WAL")


# --- indexes --------------------------------------------------------------------------------------

_PG_UNIQUE = """
    SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    WHERE c.contype = 'u' AND c.conrelid = ANY(%s::regclass[])
    ORDER BY c.conname
"""
_PG_INDEXES = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c
        WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid
      )
    ORDER BY i.relname
"""


@contextmanager
def deferred_indexes(tables: Sequence[str], jobs: int = 1) -> Iterator[None]:
    """Drop the tables' secondary indexes and unique constraints (primary keys stay), and make
    them again, from their own definitions, when the block is done: on PostgreSQL `jobs` at a
    time, on SQLite one at a time with `jobs` threads sorting."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    drops: list[str] = []
    creates: list[str] = []
    with connection.cursor() as cursor:
        if postgres:
            names = [f'"{t}"' for t in tables]
            cursor.execute(_PG_UNIQUE, [names])
            for table, name, definition in cursor.fetchall():
                drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                creates.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(_PG_INDEXES, [names])
            for name, definition in cursor.fetchall():
                drops.append(f'DROP INDEX "{name}"')
                creates.append(definition)
        else:
            marks = ", ".join("?" for _ in tables)
            # Names from the models' metadata; the unique constraints SQLite keeps in the table
            # itself (its autoindexes) cannot be dropped and stay.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "  # noqa: S608
                f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) "
                "ORDER BY name",
                list(tables),
            )
            for name, definition in cursor.fetchall():
                drops.append(f'DROP INDEX "{name}"')
                creates.append(definition)
        for statement in drops:
            cursor.execute(statement)
    yield
    if postgres:
        _create_in_parallel(creates, jobs)
        return
    with connection.cursor() as cursor:
        # As for the merge: a rollback journal while the indexes are written, not the WAL.
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB while sorting
        cursor.execute(f"PRAGMA threads = {int(jobs)}")
        for statement in creates:
            cursor.execute(statement)
        cursor.execute("PRAGMA cache_size = -2000")
        cursor.execute("PRAGMA journal_mode = WAL")


def _create_in_parallel(statements: Sequence[str], jobs: int) -> None:
    """PostgreSQL: run the statements on `jobs` connections of their own at once."""
    from django.db import connection

    idle: queue.Queue[Any] = queue.Queue()
    opened = []
    for _ in range(max(1, jobs)):
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.autocommit = True
        raw.execute("SET maintenance_work_mem = '512MB'")
        opened.append(raw)
        idle.put(raw)

    def run(statement: str) -> None:
        raw = idle.get()
        try:
            raw.execute(statement)
        finally:
            idle.put(raw)

    try:
        with ThreadPoolExecutor(len(opened)) as pool:
            list(pool.map(run, statements))
    finally:
        for raw in opened:
            raw.close()


def reset_sequences(models: Sequence[Any]) -> None:
    """PostgreSQL: the id sequences continue after the generated ids."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
