"""Database housekeeping that differs by engine, and queries compiled once."""

from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet

# Rows ANALYZE samples per index on SQLite: enough for the planner to tell a selective index
# from a poor one, and quick (milliseconds per index) even on tables of millions of rows.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics() -> None:
    """Give SQLite's planner statistics to choose indexes by (PostgreSQL's autovacuum does this
    on its own). Without them SQLite picks indexes by rule, and can read every unreviewed
    completion of a practice where a partial index would read one client's."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


class PreparedRows:
    """A `values_list(..., named=True)` query compiled to SQL once per database connection and
    run with each call's own id.

    Building and compiling an ORM query with subqueries can cost more than running it (the
    dashboard's caseload query: about 2 ms to build and compile, 1 ms to run, on every view).
    `build(marker)` makes the queryset with `marker` wherever the id goes (a number no row
    has); each run puts the id where the markers were and converts the rows as the ORM does
    (dates, booleans, JSON). The SQL is the ORM's own, so it follows every migration.
    """

    MARKER = -(2**52) + 7  # no primary key, count or flag is this

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def rows(self, value: int, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        wrapper = connections[using]
        compiled = self._compiled.get(wrapper)
        if compiled is None:
            compiled = self._compiled[wrapper] = self._compile(using)
        params = list(compiled.params)
        for slot in compiled.slots:
            params[slot] = value
        with wrapper.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        make = compiled.row.__new__
        return [
            make(compiled.row, *values)
            for values in compiled.compiler.results_iter(results=[found], tuple_expected=True)
        ]

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(self.MARKER)
        names = tuple(getattr(queryset, "_fields", None) or ())  # the values_list's, in order
        if not names:
            raise ValueError("A prepared query names its values (values_list with fields).")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if p == self.MARKER]
        if not slots:
            raise ValueError("The prepared query does not use the marker it was built with.")
        return _Compiled(compiler, sql, tuple(params), slots, namedtuple("Row", names))


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: list[int]
    row: Any
