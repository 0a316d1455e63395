"""`manage.py library --json` lists what exists, the new instruments and categories included."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_library_json_lists_the_new_instruments_and_the_behavioural_exercises() -> None:
    out = io.StringIO()
    call_command("library", "--json", stdout=out)
    rows = {(row["kind"], row["slug"]): row for row in json.loads(out.getvalue())}
    for key in ("phq8", "smfq_child", "smfq_parent", "asq"):
        assert ("assessment", key) in rows, key
    assert rows[("assessment", "asq")]["category"] == "suicide risk screening"
    assert rows[("exercise", "activity-scheduling")]["category"] == "behavioural"
    assert rows[("exercise", "brave-steps-ladder")]["version"] >= 1
