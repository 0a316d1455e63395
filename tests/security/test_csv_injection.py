"""Every CSV Stepwise writes hands a spreadsheet text, never a formula (issue 16, item 6)."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from typing import Any

import pytest

import stepwise
from stepwise.accounts.models import User
from stepwise.lib.spreadsheet import csv_line_writer, csv_text, safe_cell
from tests.conftest import World

FORMULA_EMAIL = "=cmd|'/C calc'!A0@evil.test"


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def test_the_access_log_export_neutralises_a_formula_shaped_email(
    world: World, login_as: Any
) -> None:
    User.objects.filter(pk=world.alice.pk).update(email=FORMULA_EMAIL)
    world.alice.refresh_from_db()
    login_as(world.alice).get(f"/clients/{world.carl_client.pk}/")

    response = login_as(world.ada).get("/practice/access-log.csv")
    cells = _cells(b"".join(response.streaming_content).decode())

    assert "'" + FORMULA_EMAIL in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_writer_prefixes_formula_text(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert _cells(csv_text(["h"], [[value]]))[1] == "'" + value
    assert _cells(csv_line_writer().writerow([value]))[0] == "'" + value


def test_numbers_and_plain_text_pass_unchanged() -> None:
    assert _cells(csv_text(["a", "b", "c"], [[-3, 2.5, "calm"]]))[3:] == ["-3", "2.5", "calm"]


def _csv_writer_calls(tree: ast.AST) -> list[int]:
    """Lines that call csv.writer / csv.DictWriter (or the names imported from csv)."""
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "csv"
        for alias in node.names
    }
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id == "csv" and func.attr in {"writer", "DictWriter"}:
                lines.append(node.lineno)
        elif isinstance(func, ast.Name) and func.id in imported & {"writer", "DictWriter"}:
            lines.append(node.lineno)
    return lines


def test_no_module_but_the_spreadsheet_helper_builds_a_csv_writer() -> None:
    root = Path(stepwise.__file__).parent
    helper = root / "lib" / "spreadsheet.py"
    offenders = [
        f"{path.relative_to(root)}:{line}"
        for path in sorted(root.rglob("*.py"))
        if path != helper
        for line in _csv_writer_calls(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == []
    assert _csv_writer_calls(ast.parse(helper.read_text())) != []  # the check can see a call
