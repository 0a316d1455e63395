"""The bare ceiling (`bench/bare`) answers the practice's name with one query and nothing else: no
middleware, no session. It runs under its own settings, so in a process of its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

assert settings.MIDDLEWARE == [], settings.MIDDLEWARE
with CaptureQueriesContext(connection) as queries:
    response = Client().get("/bench/ceiling/7/")
print(response.status_code, response.content.decode(), len(queries.captured_queries))
"""


def test_the_bare_ceiling_reads_one_row_by_primary_key(tmp_path: Path) -> None:
    database = tmp_path / "bare.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE clinic_practice (id integer primary key, name text)")
        connection.execute("INSERT INTO clinic_practice VALUES (7, 'Bench practice')")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
    }

    completed = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.split("\n")[-2] == "200 Bench practice 1"
