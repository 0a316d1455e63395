"""The small benchmark practice, generated once per test run and shared by the bench tests (the
generator's own checks and the `bench/run --smoke` run); they run in one process (xdist_group
"bench"), so it is made once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = 3
TODAY = "2026-04-02"  # the history spans a clock change


def generate(url: str, jobs: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "bench.generate", "--size", "small", "--seed", str(SEED)),
            *("--today", TODAY, "--jobs", str(jobs)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return summary


class Generated:
    """Small practices generated into SQLite files (by one process or `jobs`), each made when
    first asked for, named as `bench/run --data-dir` looks for them."""

    def __init__(self, folder: Path, migrated: Path) -> None:
        self.folder = folder
        self.migrated = migrated
        self.made: dict[int, tuple[Path, dict[str, Any]]] = {}

    def __getitem__(self, jobs: int) -> tuple[Path, dict[str, Any]]:
        if jobs not in self.made:
            path = self.folder / f"jobs{jobs}" / "bench-small.sqlite3"
            path.parent.mkdir()
            # The generator migrates first; on a copy of a migrated database that is a no-op
            # (the migrations take seconds, the small practice's rows a fraction of that).
            for made in self.migrated.glob("stepwise.sqlite3*"):  # with any -wal file
                shutil.copy(made, path.parent / made.name.replace("stepwise", "bench-small"))
            self.made[jobs] = (path, generate(f"sqlite:///{path}", jobs))
        return self.made[jobs]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory, migrated_data_dir: Path) -> Generated:
    return Generated(tmp_path_factory.mktemp("bench"), migrated_data_dir)
