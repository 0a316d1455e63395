"""Database housekeeping that differs by engine."""

from __future__ import annotations

from django.db import connection

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
