"""Every domain app has the same shape, so a newcomer finds a page, a form or a write in one place.

actions (every write), forms, a views/ package with one module per area, one urls.py with one
namespace named after the app; no `*_views.py` or second URL module beside them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver

APPS_DIR = Path(__file__).resolve().parent.parent / "stepwise"
DOMAIN_APPS = [
    "accounts",
    "clinic",
    "audit",
    "library",
    "assessments",
    "homework",
    "progress",
    "reminders",
]
WITH_FORMS = [app for app in DOMAIN_APPS if app != "progress"]
# Apps whose pages find records by id and answer 404 (audited) outside the reader's scope.
WITH_ACCESS_RULES = ["clinic", "library", "assessments", "homework", "reminders"]


def _has_module(app: str, name: str) -> bool:
    return (APPS_DIR / app / f"{name}.py").is_file() or (
        APPS_DIR / app / name / "__init__.py"
    ).is_file()


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_each_app_keeps_its_views_in_a_views_package_and_one_urls_module(app: str) -> None:
    assert (APPS_DIR / app / "views" / "__init__.py").is_file()
    assert not (APPS_DIR / app / "views.py").exists()
    assert (APPS_DIR / app / "urls.py").is_file()
    strays = sorted(
        path.name
        for path in (APPS_DIR / app).glob("*.py")
        if path.name.endswith(("_views.py", "_urls.py", "_forms.py", "_access.py"))
    )
    assert strays == []


# Every app writes, through its actions; progress only its derived, rebuildable figures.
@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_each_app_that_writes_has_actions(app: str) -> None:
    assert _has_module(app, "actions")


@pytest.mark.parametrize("app", WITH_ACCESS_RULES)
def test_each_app_with_access_rules_keeps_them_in_access(app: str) -> None:
    assert (APPS_DIR / app / "access.py").is_file()


@pytest.mark.parametrize("app", WITH_FORMS)
def test_each_app_with_forms_keeps_them_in_forms(app: str) -> None:
    assert (APPS_DIR / app / "forms.py").is_file()


def test_every_app_is_included_once_under_one_namespace_named_after_it() -> None:
    included = [
        (pattern.urlconf_module.__name__, pattern.namespace)
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver)
        and getattr(pattern.urlconf_module, "__name__", "").startswith("stepwise.")
    ]
    assert sorted(included) == sorted((f"stepwise.{app}.urls", app) for app in DOMAIN_APPS)


def _imported_apps(app: str) -> set[str]:
    found: set[str] = set()
    for path in (APPS_DIR / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "stepwise" and len(parts) > 1 and parts[1] != app:
                    found.add(parts[1])
        source = path.read_text()
        if "importlib" in source:
            found.add("importlib")
    return found


def test_the_library_reaches_no_app_above_it() -> None:
    """accounts <- clinic <- library <- assessments <- homework: practising in session and the
    listing of instruments live above the library, not inside it."""
    assert _imported_apps("library") & {"assessments", "homework", "reminders", "progress"} == set()
    assert "importlib" not in _imported_apps("library")


# A model instance's save()/delete() take no positional argument (the in-session lock's
# `lock.save(request, state)` keeps its state in the session and is no model write).
INSTANCE_WRITES = {"save", "delete"}
WRITE_METHODS = {
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
# `.update(...)` is a write when its receiver reads as a queryset or a manager.
QUERYSET_MARKS = ("objects", "QuerySet", ".filter(", ".exclude(", ".all(", ".select_for_update(")


def _model_writes(path: Path) -> list[str]:
    """The model writes in one module, as "line .method()": see the rule in
    `test_models_are_written_only_in_actions`."""
    source = path.read_text()
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if (
            name in WRITE_METHODS
            or (name in INSTANCE_WRITES and not node.args)
            or (name == "update" and any(m in ast.unparse(node.func.value) for m in QUERYSET_MARKS))
        ):
            found.append((node.lineno, f"{node.lineno} .{name}()"))
    return [write for _, write in sorted(found)]


def _is_actions(relative: Path) -> bool:
    return relative.parts[0] in ("actions", "actions.py")


def test_views_write_only_through_actions() -> None:
    """A view parses, checks access, calls one action and renders: no model write of its own."""
    writes = [
        f"{app}/views/{path.name}:{write}"
        for app in DOMAIN_APPS
        for path in sorted((APPS_DIR / app / "views").glob("*.py"))
        for write in _model_writes(path)
    ]
    assert writes == []


def test_models_are_written_only_in_actions() -> None:
    """Every write of a domain app is in its `actions.py` or `actions/` package (issue 17: no
    hidden writes), so a reader finds each write, and what follows from it, in one place.

    The rule, read from the syntax of every module of the app except `migrations/`, `models.py`
    (managers and model methods) and the actions: a call of `create`, `get_or_create`,
    `update_or_create`, `bulk_create` or `bulk_update`; `save()` or `delete()` with no
    positional argument (a model instance's or a queryset's; `lock.save(request, state)` writes
    a session); and `.update(...)` whose receiver reads as a queryset or a manager: its source
    names `objects` or `QuerySet`, or calls `.filter(`, `.exclude(`, `.all(` or
    `.select_for_update(`. That receiver rule keeps `dict.update` and a step's `item.update`
    out; it also misses an update on a queryset held in a plain variable (`rows.update(...)`),
    so keep such a variable inside the actions too.
    """
    writes = []
    for app in DOMAIN_APPS:
        for path in sorted((APPS_DIR / app).rglob("*.py")):
            relative = path.relative_to(APPS_DIR / app)
            if "migrations" in relative.parts or relative.name == "models.py":
                continue
            if _is_actions(relative):
                continue
            writes += [f"{app}/{relative}:{write}" for write in _model_writes(path)]
    assert writes == []
