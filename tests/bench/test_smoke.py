"""The benchmark scripts keep working: `bench/run --smoke` measures every page of the small practice
on SQLite a few times and runs a small reminder benchmark (seconds; the figures themselves live in
bench/RESULTS.md). The practice is the one the generator's tests make (tests/bench/conftest.py),
reused through `--data-dir` as a developer reuses bench/data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.measure import PAGES
from tests.bench.conftest import SEED, Generated

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("bench")  # with the generator's tests: one generated practice


def _tables(text: str) -> dict[str, list[dict[str, str]]]:
    """The Markdown tables in `text`, by their first line (the header), as rows of cells."""
    found: dict[str, list[dict[str, str]]] = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if len(lines) < 2:
            continue
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        found[lines[0]] = [
            dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
            for line in lines[2:]
        ]
    return found


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite files whatever the suite's database: run once, in the SQLite suite",
)
def test_it_measures_every_page_and_the_reminders_in_a_smoke_run(
    generated: Generated, tmp_path: Path
) -> None:
    made, _ = generated[2]
    shutil.copy(made, tmp_path / made.name)  # measuring may write; the generator's tests compare
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    completed = subprocess.run(
        [
            *(sys.executable, str(ROOT / "bench" / "run"), "--smoke"),
            *("--seed", str(SEED), "--data-dir", str(tmp_path)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr[-3000:]
    tables = _tables(completed.stdout)
    pages = next(rows for header, rows in tables.items() if "| page |" in header)
    by_name = {row["page"]: row for row in pages}
    assert set(by_name) == {page.name for page in PAGES}
    for row in pages:
        assert (row["database"], row["size"]) == ("sqlite", "small")
        assert float(row["median ms"]) > 0, row
        assert int(row["queries"]) > 0, row

    sweeps = next(rows for header, rows in tables.items() if "| reminders/s |" in header)
    assert [row["sent rows"] for row in sweeps] == ["0", "1,000"]
    for row in sweeps:
        assert row["database"] == "sqlite"
        assert int(row["reminders"]) == 200
        assert float(row["reminders/s"]) > 0, row
        assert float(row["sweep median ms"]) > 0, row
        assert float(row["sweep p95 ms"]) >= float(row["sweep median ms"]), row
