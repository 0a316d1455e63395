"""The documented dependency direction holds: import-linter's contracts (pyproject.toml,
[tool.importlinter]) pass, so a layer break fails the suite and not only `make lint`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_the_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_cover_the_layers_lib_and_cycles() -> None:
    contracts = _contracts()

    assert contracts["layers"]["type"] == "layers"
    assert contracts["layers"]["exhaustive"] is True  # a new app must be given a layer
    layers = contracts["layers"]["layers"]
    assert isinstance(layers, list)
    assert layers[-1] == "lib"
    assert layers.index("ops") < layers.index("reminders | progress") < layers.index("homework")
    assert contracts["lib-leaf"]["source_modules"] == ["stepwise.lib"]
    assert contracts["no-cycles"]["type"] == "acyclic_siblings"


def test_lib_imports_nothing_of_stepwise_but_itself() -> None:
    offending = []
    for path in sorted((ROOT / "stepwise" / "lib").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            text = line.strip()
            if text.startswith(("from stepwise", "import stepwise")) and not text.startswith(
                ("from stepwise.lib", "import stepwise.lib")
            ):
                offending.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert offending == []
