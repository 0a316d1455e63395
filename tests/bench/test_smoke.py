"""The benchmark scripts keep working: `bench/run --smoke` generates the small practice on SQLite
and measures every page a few times (seconds; the figures themselves live in bench/RESULTS.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_generates_and_measures_every_page_in_a_smoke_run():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run"), "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr[-3000:]
    rows = [line for line in completed.stdout.splitlines() if line.startswith("| sqlite | small")]
    pages = {row.split("|")[3].strip() for row in rows}
    assert {"ceiling", "caseload", "client home", "submit"} <= pages
