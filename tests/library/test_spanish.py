"""Exercises in the reader's language: Spanish files checked against their English, stored with
the version, shown to a Spanish reader (English where no text exists, marked lang="en"), and
plain enough to read (Szigriszt-Pazos on the INFLESZ scale)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from stepwise.accounts.models import User
from stepwise.library.answers import answer_views
from stepwise.library.listing import exercise_rows
from stepwise.library.loader import (
    BLOCKS_DIR,
    CONTENT_DIR,
    block_names,
    check_block_translation,
    shipped_definitions,
    shipped_translation,
)
from stepwise.library.readability import client_texts, spanish_reading, spanish_syllables
from stepwise.library.rendering import build_exercise
from stepwise.library.translations import (
    apply_texts,
    carry_over,
    missing_texts,
    text_paths,
    validate_translation,
)
from tests.conftest import World
from tests.factories import exercise_version as shipped_version
from tests.factories import first_occurrence
from tests.library.helpers import assign_daily, ensure_shipped_library

SLUGS = [d.slug for d in shipped_definitions()]
MIN_SZIGRISZT_PAZOS = 65.0  # INFLESZ "bastante fácil" (fairly easy) or easier


def _english(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CONTENT_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    return data


def _spanish_copy(english: dict[str, Any]) -> dict[str, Any]:
    """A translation that passes: every text prefixed with "ES ", language "es"."""
    spanish = copy.deepcopy(english)
    for path, text in list(text_paths(english)):
        node: Any = spanish
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = "ES " + text
    spanish["language"] = "es"
    return spanish


# --- the validation ------------------------------------------------------------------------------


def test_a_faithful_translation_has_no_problems() -> None:
    english = _english("fear-ladder")
    assert validate_translation(english, _spanish_copy(english)) == []


def test_therapist_notes_may_stay_out_of_a_translation() -> None:
    english = _english("fear-ladder")
    spanish = _spanish_copy(english)
    del spanish["therapist_notes"]
    assert validate_translation(english, spanish) == []


def test_each_problem_names_the_exercise_the_place_and_what_is_wrong() -> None:
    english = _english("fear-ladder")
    spanish = _spanish_copy(english)
    spanish["version"] = 2
    spanish["steps"][0]["prompt"] = "  "
    del spanish["steps"][1]["prompt"]
    spanish["steps"][4]["fields"][1]["kind"] = "text"
    spanish["metrics"][0]["label"] = 3
    spanish["metrics"][1]["name"] = "mas_dificil"
    spanish["colour"] = "red"

    problems = validate_translation(english, spanish)

    assert problems == [
        "fear-ladder: version: must be the English version it translates (1), found 2",
        "fear-ladder: steps[0].prompt: the translation is empty",
        "fear-ladder: steps[1].prompt: missing (the English has this text)",
        "fear-ladder: steps[4].fields[1].kind: must stay as in the English ('suds'), found 'text'",
        "fear-ladder: metrics[0].label: should be translated text, found 3",
        "fear-ladder: metrics[1].name: must stay as in the English ('hardest'), "
        "found 'mas_dificil'",
        "fear-ladder: colour: not in the English definition",
    ]


def test_a_translation_must_say_its_language_and_keep_every_option_and_row() -> None:
    english = _english("fear-ladder")
    spanish = _spanish_copy(english)
    spanish["language"] = "en"
    spanish["steps"][4]["fields"].pop()

    problems = validate_translation(english, spanish)

    assert "fear-ladder: language: must be \"es\", found 'en'" in problems
    assert "fear-ladder: steps[4].fields: has 2 items, the English has 3" in problems


def test_texts_apply_by_path_and_the_untranslated_ones_stay_english() -> None:
    english = _english("fear-ladder")
    texts = {"title": "Su escalera del miedo", "steps.0.prompt": "¿En qué miedo trabaja?"}

    shown, still_english = apply_texts(english, texts, "es")

    assert shown["title"] == "Su escalera del miedo"
    assert shown["steps"][0]["prompt"] == "¿En qué miedo trabaja?"
    assert shown["steps"][1]["prompt"] == english["steps"][1]["prompt"]
    assert "steps.1.prompt" in still_english
    assert "title" not in still_english
    assert "steps.1.prompt" in missing_texts(english, texts)
    assert "therapist_notes" not in missing_texts(english, texts)


def test_a_new_version_keeps_the_texts_whose_english_did_not_change() -> None:
    old = _english("fear-ladder")
    new = copy.deepcopy(old)
    new["steps"].insert(0, {"type": "text", "id": "intro", "prompt": "New first question?"})
    new["title"] = "A new title"
    texts = {"title": "Título viejo", "steps.0.prompt": "¿En qué miedo trabaja?"}

    kept = carry_over(old, texts, new)

    assert kept == {"steps.1.prompt": "¿En qué miedo trabaja?"}


# --- the shipped files -------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_every_shipped_exercise_has_a_spanish_file_that_matches_its_english(slug: str) -> None:
    path = CONTENT_DIR / "es" / f"{slug}.json"
    assert path.is_file(), f"{slug}: no Spanish file at {path.relative_to(CONTENT_DIR.parent)}"
    texts, problems = shipped_translation(slug, "es")
    assert problems == []
    assert texts


@pytest.mark.parametrize("name", block_names())
def test_every_shared_block_has_a_spanish_version(name: str) -> None:
    assert (BLOCKS_DIR / "es" / f"{name}.json").is_file()
    assert check_block_translation(name, "es") == []


@pytest.mark.parametrize("slug", SLUGS)
def test_the_spanish_client_text_reads_fairly_easy_or_easier(slug: str) -> None:
    path = CONTENT_DIR / "es" / f"{slug}.json"
    assert path.is_file(), f"{slug}: no Spanish file"
    measured = spanish_reading(client_texts(json.loads(path.read_text(encoding="utf-8"))))
    assert measured.szigriszt_pazos >= MIN_SZIGRISZT_PAZOS, (
        f"{slug}: Szigriszt-Pazos {measured.szigriszt_pazos:.1f} ({measured.inflesz})"
    )


@pytest.mark.parametrize("name", block_names())
def test_the_spanish_blocks_read_fairly_easy_or_easier(name: str) -> None:
    block = json.loads((BLOCKS_DIR / "es" / f"{name}.json").read_text(encoding="utf-8"))
    measured = spanish_reading([block["title"], block["body"]])
    assert measured.szigriszt_pazos >= MIN_SZIGRISZT_PAZOS


# --- the Spanish reading measure ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("casa", 2),
        ("perro", 2),
        ("murciélago", 4),
        ("país", 2),
        ("ciudad", 2),
        ("poeta", 3),
        ("día", 2),
        ("queso", 2),
        ("guerra", 2),
        ("hoy", 1),
        ("terapeuta", 4),
        ("preocupación", 5),
        ("ejercicio", 4),
    ],
)
def test_spanish_syllables_follow_diphthongs_and_hiatus(word: str, count: int) -> None:
    assert spanish_syllables(word) == count


def test_the_spanish_scores_follow_their_published_formulas() -> None:
    # 3 words, 1 sentence, 5 syllables (el, pe-rro, co-me):
    # Szigriszt-Pazos 206.835 - 62.3 * 5 / 3 - 3 / 1 = 100.0017 (INFLESZ "muy fácil");
    # Fernández-Huerta 206.84 - 0.60 * 166.67 - 1.02 * 33.33 = 72.84.
    measured = spanish_reading(["El perro come."])
    assert (measured.words, measured.sentences, measured.syllables) == (3, 1, 5)
    assert measured.szigriszt_pazos == pytest.approx(100.0017, abs=1e-3)
    assert measured.fernandez_huerta == pytest.approx(72.84)
    assert measured.inflesz == "muy fácil"
    hard = spanish_reading(
        [
            "La exposición interoceptiva sistemática habitúa las interpretaciones "
            "catastróficas de las sensaciones fisiológicas experimentadas."
        ]
    )
    assert hard.inflesz == "muy difícil"


# --- stored with the version and shown in the reader's language --------------------------------


@pytest.fixture
def library(world: World) -> World:
    ensure_shipped_library()
    return world


def _spanish_texts(slug: str) -> dict[str, str]:
    version = shipped_version(slug)
    return {path: "ES " + text for path, text in text_paths(version.document)}


def _speaks(user: User, language: str) -> None:
    if hasattr(user, "language"):  # the person's own setting, where accounts has it
        user.language = language
        user.save(update_fields=["language"])


def test_a_version_is_read_in_the_active_language_with_the_same_structure(library: World) -> None:
    version = shipped_version("fear-ladder")
    version.save_translation("es", _spanish_texts("fear-ladder"))

    with translation.override("es"):
        spanish = version.parsed
    with translation.override("en"):
        english = version.parsed

    assert spanish.title == "ES " + english.title
    assert [s.id for s in spanish.steps] == [s.id for s in english.steps]
    assert spanish.metrics[0].label == "ES " + english.metrics[0].label
    assert spanish.metrics[0].name == english.metrics[0].name
    assert spanish.lang_of("steps.0") == ""


def test_a_step_without_spanish_text_is_shown_in_english_marked_lang_en(library: World) -> None:
    version = shipped_version("fear-ladder")
    texts = _spanish_texts("fear-ladder")
    del texts["steps.1.prompt"]
    version.save_translation("es", texts)

    with translation.override("es"):
        document = version.parsed
        html = render_to_string("library/_exercise.html", {"exercise": build_exercise(document)})
        answers = answer_views(document, {})

    english_prompt = getattr(shipped_version("fear-ladder").source.steps[1], "prompt")  # noqa: B009
    assert '<div lang="en"><div class="step step-text" data-step="goal">' in html
    assert english_prompt in html
    assert '<div lang="en"><div class="step step-text" data-step="fear">' not in html
    assert [a.lang for a in answers if a.step.id == "goal"] == ["en"]


def test_an_exercise_with_no_spanish_at_all_is_english_marked_lang_en(library: World) -> None:
    version = shipped_version("fear-ladder")
    version.save_translation("es", {})

    with translation.override("es"):
        document = version.parsed
        html = render_to_string("library/_exercise.html", {"exercise": build_exercise(document)})

    assert document.lang_of("title") == "en"
    assert html.count('<div lang="en">') == len(document.steps)


def test_a_spanish_client_sees_spanish_and_an_english_client_english(
    library: World, login_as
) -> None:
    version = shipped_version("fear-ladder")
    version.save_translation("es", _spanish_texts("fear-ladder"))
    english_prompt = getattr(version.source.steps[0], "prompt")  # noqa: B009
    _speaks(library.carl, "es")
    carls = assign_daily(version.definition, library.carl_client, library.alice)
    danas = assign_daily(version.definition, library.dana_client, library.alice)

    carl: HttpClient = login_as(library.carl)
    spanish = carl.get(
        reverse("homework:do", args=[first_occurrence(carls).pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    dana: HttpClient = login_as(library.dana)
    english = dana.get(
        reverse("homework:do", args=[first_occurrence(danas).pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert f"ES {english_prompt}" in spanish
    assert english_prompt in english
    assert f"ES {english_prompt}" not in english


def test_the_library_listing_names_each_exercises_languages(library: World) -> None:
    version = shipped_version("fear-ladder")
    version.save_translation("es", _spanish_texts("fear-ladder"))

    rows = {row["slug"]: row for row in exercise_rows()}

    assert rows["fear-ladder"]["languages"] == ["en", "es"]
    assert all(row["languages"][0] == "en" for row in rows.values())


def test_the_loader_stores_a_valid_spanish_file_with_the_version(library: World) -> None:
    english = _english("fear-ladder")
    path = CONTENT_DIR / "es" / "fear-ladder.json"
    if not path.is_file():
        pytest.fail("fear-ladder has no Spanish file yet (content/es/fear-ladder.json)")
    ensure_shipped_library()
    version = shipped_version("fear-ladder")
    spanish = json.loads(Path(path).read_text(encoding="utf-8"))
    assert version.texts("es")["title"] == spanish["title"] != english["title"]


# --- the library's own words in Spanish --------------------------------------------------------


def test_a_therapist_reading_spanish_sees_the_library_in_spanish(library: World, login_as) -> None:
    version = shipped_version("fear-ladder")
    texts = _spanish_texts("fear-ladder")
    del texts["therapist_notes"]  # a translation may leave the notes out
    version.save_translation("es", texts)
    _speaks(library.alice, "es")
    therapist: HttpClient = login_as(library.alice)

    index = therapist.get(reverse("library:index"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    detail = therapist.get(
        reverse("library:detail", args=[version.definition_id]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()

    assert "Biblioteca de ejercicios" in index
    assert "Exposición" in index
    assert "ES " + version.source.title in detail
    assert "Notas para el terapeuta" in detail
    # the notes have no Spanish: shown in English, marked for screen readers
    assert '<div lang="en"><p>A hierarchy of feared and avoided situations' in detail
    assert '<div lang="en"><p>Avoiding' not in detail  # why it helps is translated


def test_a_spanish_client_is_told_what_to_fix_in_spanish(library: World, login_as) -> None:
    version = shipped_version("fear-ladder")
    version.save_translation("es", _spanish_texts("fear-ladder"))
    _speaks(library.carl, "es")
    assignment = assign_daily(version.definition, library.carl_client, library.alice)
    carl: HttpClient = login_as(library.carl)

    page = carl.post(
        reverse("homework:do", args=[first_occurrence(assignment).pk]),
        {},
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()

    assert "Hay respuestas que revisar" in page
    assert "Por favor, escriba una respuesta." in page
    assert "Por favor, añada al menos 3 filas." in page


def test_the_title_is_read_cheaply_in_the_readers_language(library: World) -> None:
    version = shipped_version("fear-ladder")
    english = version.document["title"]
    version.save_translation("es", {"title": "Su escalera del miedo"})

    assert version.reader_title("es") == "Su escalera del miedo"
    assert version.reader_title_lang("es") == ""
    assert version.reader_title("en") == english
    version.save_translation("es", {})
    assert (version.reader_title("es"), version.reader_title_lang("es")) == (english, "en")


def test_default_feelings_are_shown_in_spanish_when_the_file_leaves_them_out(
    library: World,
) -> None:
    # daily-mood-check-in uses Stepwise's own list of feelings: its Spanish file (a copy of the
    # English file) has none to translate, so the catalogue's words are shown.
    version = shipped_version("daily-mood-check-in")
    raw = _english("daily-mood-check-in")
    texts = {
        path: "ES " + text
        for path, text in text_paths(version.document)
        if ".emotions." not in path or path in dict(text_paths(raw))
    }
    version.save_translation("es", texts)

    with translation.override("es"):
        shown = version.parsed

    step = next(s for s in shown.steps if s.type == "emotion")
    labels = {option.id: option.label for option in getattr(step, "emotions")}  # noqa: B009
    assert labels["sad"] == "Triste"
    assert labels["anxious"] == "Ansioso(a) o preocupado(a)"
    assert shown.lang_of(f"steps.{shown.steps.index(step)}") == ""
