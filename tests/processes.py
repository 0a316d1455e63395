"""Helpers for tests that run Stepwise as real processes (workers, web nodes) on the test database.

pytest-django's SQLite test database lives in this process's memory, so such tests run on
PostgreSQL only (`needs_postgres`); the in-process tests cover the same rules on both engines.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

needs_postgres = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="subprocesses need a database shared between processes; pytest-django's "
    "SQLite test database is in memory (run with DATABASE_URL=postgres://…)",
)


def shared_database_url() -> str:
    """The URL of the test database this process uses, for a subprocess to reach it."""
    db = settings.DATABASES["default"]
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": shared_database_url(), "LOG_LEVEL": "WARNING", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status)
    except urllib.error.HTTPError:
        return True  # it answered (503 from /healthz still means the server is up)
    except OSError:
        return False


WebStarter = Callable[[dict[str, str]], str]


@pytest.fixture(scope="module")
def start_web_node() -> Iterator[WebStarter]:
    """Start a web server process (`runserver --noreload`) on a free port; returns its base URL.
    Every one still running when the test module ends is stopped (a start takes seconds, so a
    module's tests share their nodes)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str]) -> str:
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: process.poll() is not None or _answers(f"{base}/healthz"),
            60,
            f"{base} to start",
        )
        assert process.poll() is None, f"the web node on port {port} stopped at start"
        return base

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def copy_migrated(source: Path, data_dir: Path) -> None:
    """Give `data_dir` the migrated SQLite database (and key) of `migrated_data_dir`, as if
    `manage.py migrate` had run there: a copy takes milliseconds, a migrate seconds."""
    shutil.copytree(source, data_dir, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def migrated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose SQLite database `manage.py migrate` made, once per test process, for
    tests that start Stepwise's own commands on a fresh database (copy it with `copy_migrated`)."""
    folder = tmp_path_factory.mktemp("migrated")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "STEPWISE_DATA_DIR": str(folder)},
        check=True,
        timeout=600,
    )
    return folder
