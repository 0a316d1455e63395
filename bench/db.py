"""Which database a benchmark uses, and making it exist: SQLite under bench/data/, or a
``stepwise_bench_<size>`` database on the local PostgreSQL server.

Both scripts run Django in a process of their own per database, because the settings read
DATABASE_URL once at import.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"


def default_url(engine: str, size: str, data_dir: Path = DATA_DIR) -> str:
    if engine == "sqlite":
        return f"sqlite:///{data_dir / f'bench-{size}.sqlite3'}"
    if engine == "postgres":
        server = os.environ.get("BENCH_POSTGRES", POSTGRES_SERVER).rstrip("/")
        return f"{server}/stepwise_bench_{size.replace('-', '_')}"
    raise ValueError(f"Unknown engine {engine!r}: sqlite or postgres.")


def engine_of(url: str) -> str:
    return "postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def _admin_connection(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def _pg_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def drop(url: str) -> None:
    """Remove the database (file or PostgreSQL database) if it exists."""
    if engine_of(url) == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with _admin_connection(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_pg_name(url)}" WITH (FORCE)')


def create(url: str) -> None:
    """Make an empty database (the migrations fill it)."""
    if engine_of(url) == "sqlite":
        Path(urlsplit(url).path).parent.mkdir(parents=True, exist_ok=True)
        return
    with _admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{_pg_name(url)}"')


def exists(url: str) -> bool:
    if engine_of(url) == "sqlite":
        return Path(urlsplit(url).path).exists()
    with _admin_connection(url) as admin:
        row = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [_pg_name(url)]
        ).fetchone()
    return row is not None


def read_marker(url: str) -> str | None:
    """The generated practice's name ("Bench medium (seed 1, through 2026-11-26)"), if any."""
    query = "SELECT name FROM clinic_practice WHERE name LIKE 'Bench %' ORDER BY id LIMIT 1"
    try:
        if engine_of(url) == "sqlite":
            import sqlite3

            path = Path(urlsplit(url).path)
            if not path.exists():
                return None
            connection = sqlite3.connect(path)
            try:
                row = connection.execute(query).fetchone()
            finally:
                connection.close()
        else:
            import psycopg

            if not exists(url):
                return None
            with psycopg.connect(url) as connection:
                row = connection.execute(query).fetchone()
    except Exception:  # no such table: not generated (or not finished)
        return None
    return str(row[0]) if row else None
