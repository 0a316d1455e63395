"""validate_import gives a practice a readable report on a definition it wants to import."""

from __future__ import annotations

import json
from typing import Any

from stepwise.library.loader import IMPORT_MAX_BYTES, validate_import

from .conftest import sink_document


def problems_of(document: dict[str, Any] | str | bytes) -> list[str]:
    raw = document if isinstance(document, str | bytes) else json.dumps(document)
    definition, problems = validate_import(raw)
    assert definition is None
    assert problems
    return problems


def test_it_imports_a_valid_definition():
    definition, problems = validate_import(json.dumps(sink_document()))

    assert problems == []
    assert definition is not None
    assert definition.slug == "every-step-type"


def test_it_accepts_utf8_bytes_with_a_byte_order_mark():
    definition, problems = validate_import(b"\xef\xbb\xbf" + json.dumps(sink_document()).encode())

    assert problems == []
    assert definition is not None


def test_it_explains_where_the_json_is_broken():
    assert problems_of('{"slug": "x",\n  "title": }') == [
        "This is not valid JSON: Expecting value at line 2, column 12."
    ]


def test_it_refuses_text_that_is_not_utf8():
    assert problems_of(b"\xff\xfe{}") == [
        "The file is not UTF-8 text. Save it as UTF-8 JSON and try again."
    ]


def test_it_refuses_a_document_that_is_not_an_object():
    assert problems_of("[1, 2]") == [
        "The file must contain one exercise definition: a JSON object { ... }."
    ]


def test_it_refuses_duplicate_keys_instead_of_keeping_the_last():
    assert problems_of('{"slug": "a", "slug": "b"}') == [
        "The key 'slug' appears twice in the same object."
    ]


def test_it_refuses_nan():
    assert "not a number JSON allows" in problems_of('{"estimated_minutes": NaN}')[0]


def test_it_refuses_oversized_files():
    assert "too large" in problems_of(" " * (IMPORT_MAX_BYTES + 1))[0]


def test_it_refuses_a_newer_schema_version():
    document = sink_document()
    document["schema_version"] = 2

    assert problems_of(document) == [
        "This definition uses schema version 2; this installation reads version 1."
    ]


def test_it_names_the_step_with_an_unknown_type():
    document = sink_document()
    document["steps"][3]["type"] = "slider"

    problems = problems_of(document)

    assert len(problems) == 1
    assert problems[0].startswith("step 4 (\"mood\"): unknown step type 'slider'; expected one of")
    assert "'breathing'" in problems[0]


def test_it_reports_duplicate_step_ids_readably():
    document = sink_document()
    document["steps"][2]["id"] = "situation"

    assert problems_of(document) == [
        "Step id 'situation' is used by step 2 and step 3; step ids must be unique"
    ]


def test_it_points_at_misspelt_and_missing_settings():
    document = sink_document()
    del document["title"]
    document["steps"][9]["maxrows"] = 3
    document["steps"][9]["fields"][1]["kind"] = "emoji"

    problems = problems_of(document)

    assert "Missing required setting 'title'" in problems
    assert "step 10 (\"ladder\"): unknown setting 'maxrows' (check the spelling)" in problems
    assert any(
        p.startswith("step 10 (\"ladder\") > fields > item 2: unknown kind 'emoji'")
        for p in problems
    )


def test_it_lists_every_problem_not_only_the_first():
    document = sink_document()
    document["category"] = "magic"
    document["estimated_minutes"] = 0
    document["steps"][3]["max"] = "ten"

    assert len(problems_of(document)) == 3
