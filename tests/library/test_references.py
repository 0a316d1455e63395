"""The shipped library's references: every citation resolves, every entry carries a DOI or PubMed
id where one exists, and entries without one say why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stepwise.library.citations import cited, reference_key
from stepwise.library.loader import (
    CONTENT_DIR,
    REFERENCES_PATH,
    ShippedContentError,
    expand_shared_pieces,
    format_reference,
)

BIBLIOGRAPHY: dict[str, dict[str, str]] = json.loads(REFERENCES_PATH.read_text())
FILES = sorted(CONTENT_DIR.glob("*.json"))
RAW = {path.stem: json.loads(path.read_text()) for path in FILES}
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# Entries with no identifier must say why: a book or chapter, or an article whose DOI has not been
# confirmed yet (listed, so the gap is visible and nobody guesses one).
REASONS = ("book", "book chapter", "unverified: journal article")


@pytest.mark.parametrize("slug", sorted(RAW))
def test_every_reference_is_a_key_into_the_bibliography(slug: str) -> None:
    for ref in RAW[slug]["references"]:
        assert ref.startswith("@"), f"{slug}: write {ref[:40]!r} into references.json, cite its key"
        assert ref[1:] in BIBLIOGRAPHY, f"{slug}: {ref} is not in references.json"


@pytest.mark.parametrize("slug", sorted(RAW))
def test_every_citation_in_the_therapist_notes_resolves_to_a_listed_reference(slug: str) -> None:
    listed = {reference_key(BIBLIOGRAPHY[ref[1:]]["citation"]) for ref in RAW[slug]["references"]}
    in_notes = cited(RAW[slug]["therapist_notes"])
    assert in_notes - listed == set(), "cited in the notes but not in references"
    assert listed - in_notes == set(), "listed in references but never cited in the notes"


@pytest.mark.parametrize("key", sorted(BIBLIOGRAPHY))
def test_every_entry_has_a_doi_or_pubmed_id_or_says_why_not(key: str) -> None:
    entry = BIBLIOGRAPHY[key]
    has_id = "doi" in entry or "pmid" in entry
    assert has_id != ("no_identifier" in entry), key
    if "doi" in entry:
        assert DOI.match(entry["doi"]), entry["doi"]
    if "pmid" in entry:
        assert entry["pmid"].isdigit()
    if "no_identifier" in entry:
        assert entry["no_identifier"].startswith(REASONS), entry["no_identifier"]
    assert reference_key(entry["citation"]) != ("", ""), key


def test_books_are_not_filed_as_articles_and_the_reverse() -> None:
    for key, entry in BIBLIOGRAPHY.items():
        article = bool(re.search(r", \d+(\(\d+\))?, (e?\d+|CD\d+)", entry["citation"]))
        reason = entry.get("no_identifier", "")
        if reason.startswith("book"):
            assert not article, key
        if reason.startswith("unverified"):
            assert article, key


def test_every_entry_is_cited_by_some_exercise() -> None:
    used = {ref[1:] for data in RAW.values() for ref in data["references"]}
    assert set(BIBLIOGRAPHY) == used


def test_the_review_corrections_hold() -> None:
    assert "@webster-stratton1984" in RAW["video-clear-instructions"]["references"]
    assert "@webster-stratton1984" in RAW["video-planned-ignoring"]["references"]
    assert "52(4), 666\u2013678" in BIBLIOGRAPHY["webster-stratton1984"]["citation"]
    for slug in ("labelled-praise-tracker", "video-labelled-praise"):
        assert "generally supported" not in RAW[slug]["therapist_notes"]
        assert "mixed results" in RAW[slug]["therapist_notes"]
    assert "not imagery" in RAW["calm-place-imagery"]["therapist_notes"]


def test_a_stored_exercise_carries_the_full_reference_with_its_doi() -> None:
    document = expand_shared_pieces(json.loads(json.dumps(RAW["fear-ladder"])), "fear-ladder")
    craske = format_reference(BIBLIOGRAPHY["craske2014"])
    assert craske in document["references"]
    assert craske.endswith("https://doi.org/10.1016/j.brat.2014.04.006")


def test_an_unknown_key_is_refused_when_loading() -> None:
    with pytest.raises(ShippedContentError, match="no reference '@nobody1999'"):
        expand_shared_pieces({"references": ["@nobody1999"]}, "x.json")


def test_the_library_folder_holds_only_exercises() -> None:
    assert all(Path(p).suffix == ".json" for p in FILES)
    assert REFERENCES_PATH.parent != CONTENT_DIR


def test_an_article_without_a_doi_says_what_was_checked_and_stays_a_short_list() -> None:
    unverified = {
        key: entry["no_identifier"]
        for key, entry in BIBLIOGRAPHY.items()
        if entry.get("no_identifier", "").startswith("unverified")
    }
    for key, reason in unverified.items():
        assert "(checked " in reason, f"{key}: say what was checked and when"
    # Fourteen were confirmed in December 2026; the rest wait for a source at hand.
    assert len(unverified) <= 9, sorted(unverified)
