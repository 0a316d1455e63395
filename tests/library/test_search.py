"""Library search understands the words therapists use, and searches descriptions too."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from stepwise.library import search
from tests.conftest import World


@pytest.mark.parametrize(
    ("query", "finds"),
    [
        ("paced breathing", "Slow belly breathing"),
        ("PMR", "Progressive muscle relaxation"),
        ("ERP", "Resisting rituals log"),
        ("insomnia", "Sleep diary and sleep plan"),
        ("behavioural activation", "Plan and rate your activities"),
        ("time out", "Time-out practice log"),
        ("labeled praise", "Specific praise tracker"),
        ("safety plan", "My safety plan, made with a grown-up I trust"),
        ("exposure hierarchy", "Build your fear ladder"),
    ],
)
def test_common_words_find_the_exercise(
    world: World, alice_client: HttpClient, query: str, finds: str
) -> None:
    html = alice_client.get("/library/", {"q": query}).content.decode()
    assert finds in html


def test_words_that_match_nothing_find_nothing(world: World, alice_client: HttpClient) -> None:
    html = alice_client.get("/library/", {"q": "zebra juggling"}).content.decode()
    assert "Slow belly breathing" not in html


def test_every_word_must_match(world: World, alice_client: HttpClient) -> None:
    html = alice_client.get("/library/", {"q": "breathing praise"}).content.decode()
    assert "Slow belly breathing" not in html
    assert "Specific praise tracker" not in html


def test_a_word_found_only_in_why_this_helps_is_found() -> None:
    text = search.searchable_text("Three good things", "", "", "Affect", "It trains attention.")
    assert search.matches(search.terms("attention"), text)


def test_words_match_at_the_start_of_a_word() -> None:
    text = search.searchable_text("Exact words")
    assert not search.matches(search.terms("act"), text)
    assert search.matches(search.terms("exa"), text)
