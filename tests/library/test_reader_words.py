"""What the library shows in the reader's language: exercise titles and summaries in lists (with
no query per row), the builder's problems in the author's words, answers described in words."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from stepwise.library import actions
from stepwise.library.answers import answer_views
from stepwise.library.models import ExerciseVersion
from stepwise.library.titles import reader_text
from tests.conftest import World
from tests.languages import read_in

CONTENT = Path(__file__).resolve().parents[2] / "stepwise" / "library" / "content"


def _spanish(slug: str) -> dict[str, str]:
    return json.loads((CONTENT / "es" / f"{slug}.json").read_text(encoding="utf-8"))


def test_the_library_lists_titles_and_summaries_in_spanish(
    world: World, alice_client: HttpClient
) -> None:
    spanish = _spanish("balloon-breathing")
    html = read_in("es", alice_client, world.alice).get(reverse("library:index")).content.decode()
    assert spanish["title"] in html
    assert spanish["summary"] in html
    assert "Balloon breathing" not in html


def test_practise_together_lists_exercises_in_spanish(
    world: World, alice_client: HttpClient
) -> None:
    spanish = _spanish("thought-record")
    url = reverse("homework:practise_pick", args=[world.carl_client.pk])
    html = read_in("es", alice_client, world.alice).get(url).content.decode()
    assert spanish["title"] in html
    assert "Thought record" not in html


def test_a_copied_title_reads_in_spanish_and_a_practices_own_stays_marked() -> None:
    with translation.override("es"):
        shipped = reader_text("Daily mood check-in")
        own = reader_text("My own exercise")
    assert str(shipped) == _spanish("daily-mood-check-in")["title"]
    assert shipped.lang == ""
    assert str(own) == "My own exercise"
    assert own.lang == "en"
    with translation.override("en"):
        assert reader_text("Daily mood check-in").lang == ""


def test_the_builder_says_what_to_fix_in_the_authors_words_and_language(
    world: World, alice_client: HttpClient
) -> None:
    browser = read_in("es", alice_client, world.alice)
    # Made on an English page, the starting texts are still in the author's language.
    with translation.override("en"):
        draft = actions.create_exercise(world.alice, title="Mío", category="cognitive")
    assert draft.draft is not None
    assert "## Evidencia" in draft.draft["therapist_notes"]
    html = browser.get(reverse("library:builder", args=[draft.pk])).content.decode()
    assert "Resumen: está vacío: escriba algo aquí." in html
    assert "Referencias: añada al menos 1 línea." in html
    assert "Nivel de malestar (0-100)" in html
    assert "String should have" not in html
    assert "List should have" not in html


def test_a_rating_is_described_in_the_readers_language(world: World) -> None:
    version = ExerciseVersion.objects.filter(definition__slug="daily-mood-check-in").first()
    if version is None:
        actions.load_shipped_library()
        version = ExerciseVersion.objects.get(definition__slug="daily-mood-check-in")
    with translation.override("es"):
        views = answer_views(version.parsed, {"mood": 5})
    assert views[0].text.startswith("5 en una escala de 0 a 10")


def test_a_search_in_spanish_finds_an_exercise_by_its_spanish_title(
    world: World, alice_client: HttpClient
) -> None:
    spanish = _spanish("balloon-breathing")["title"]
    word = max(spanish.split(), key=len)
    browser = read_in("es", alice_client, world.alice)
    html = browser.get(reverse("library:index"), {"q": word}).content.decode()
    assert spanish in html
    url = reverse("homework:practise_pick", args=[world.carl_client.pk])
    assert spanish in browser.get(url, {"q": word}).content.decode()
