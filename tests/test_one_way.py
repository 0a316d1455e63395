"""One way for each thing: htmx detection, the signed-in user, settings defaults, and pure types
named apart from the models they mirror."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

import stepwise
from stepwise.homework import schedule

SOURCE = Path(stepwise.__file__).parent
MODULES = sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)


def _lines_matching(pattern: re.Pattern[str], *, allowed: set[str]) -> list[str]:
    found = []
    for path in MODULES:
        name = str(path.relative_to(SOURCE))
        if name in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_nothing_reads_the_htmx_header_by_hand() -> None:
    """`request.htmx` (django-htmx) through `lib.htmx` is the one way to tell."""
    by_hand = re.compile(r"""["'](HX-Request|HTTP_HX_REQUEST)["']""")
    assert _lines_matching(by_hand, allowed=set()) == []


def test_the_htmx_middleware_runs_before_every_stepwise_middleware() -> None:
    order = list(settings.MIDDLEWARE)
    htmx = order.index("django_htmx.middleware.HtmxMiddleware")
    ours = [i for i, name in enumerate(order) if name.startswith("stepwise.")]
    assert ours
    assert htmx < min(ours)


def test_views_get_the_signed_in_user_from_one_helper() -> None:
    """`accounts.signed_in.signed_in_user(request)`, not an `assert isinstance` of their own."""
    own_assert = re.compile(r"assert isinstance\([^)]*, User\)")
    assert _lines_matching(own_assert, allowed={"accounts/signed_in.py"}) == []


def test_settings_have_their_defaults_in_settings_py_only() -> None:
    """No module falls back to a default of its own (`getattr(settings, NAME, default)`):
    settings.py parses every value and its default once."""
    with_default = re.compile(r"getattr\(\s*settings\s*,\s*[\"'][A-Z_]+[\"']\s*,")
    # The deploy checks look at what a misconfigured settings module might lack.
    assert _lines_matching(with_default, allowed={"ops/checks.py"}) == []


def test_pure_schedule_types_are_named_apart_from_models() -> None:
    tree = ast.parse(Path(schedule.__file__).read_text())
    pure = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    models = {model.__name__ for model in apps.get_models()}
    assert pure & models == set()
