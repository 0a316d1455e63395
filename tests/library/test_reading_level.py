"""Client text of every shipped exercise reads at Flesch-Kincaid grade 6 or below."""

from __future__ import annotations

import pytest

from stepwise.library.loader import shipped_definitions
from stepwise.library.readability import client_texts, grade, reading, syllables
from stepwise.library.schema import ContentStep, ExerciseDefinition

DEFINITIONS = shipped_definitions()
MAX_GRADE = 6.0


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("little", 2), ("make", 1), ("helped", 1), ("wanted", 2), ("therapist", 3)],
)
def test_syllables_are_counted_well_enough_for_a_grade(word: str, count: int) -> None:
    assert syllables(word) == count


def test_the_grade_follows_the_flesch_kincaid_formula() -> None:
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45
    assert grade(["The cat sat on the mat."]) == pytest.approx(-1.45)
    hard = (
        "Interoceptive exposure systematically habituates catastrophic misinterpretations "
        "of physiological sensations."
    )
    assert grade([hard]) > 12


def test_therapist_notes_and_references_are_not_client_text() -> None:
    document = DEFINITIONS[0].model_dump(mode="json")
    texts = client_texts(document)
    assert document["why_this_helps"] in texts
    assert document["therapist_notes"] not in texts
    assert not set(document["references"]) & set(texts)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.slug for d in DEFINITIONS])
def test_every_exercise_reads_at_grade_6_or_below(definition: ExerciseDefinition) -> None:
    document = definition.model_dump(mode="json")
    measured = reading(client_texts(document))
    assert measured.grade <= MAX_GRADE, f"{document['slug']}: grade {measured.grade:.1f}"


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.slug for d in DEFINITIONS])
def test_its_longer_prose_reads_at_grade_6_or_below_too(definition: ExerciseDefinition) -> None:
    # Short labels pull an exercise's average down; the paragraphs must be plain on their own.
    pieces = [definition.why_this_helps]
    pieces += [s.body for s in definition.steps if isinstance(s, ContentStep)]
    for piece in pieces:
        measured = reading([piece])
        if measured.words >= 30:
            assert measured.grade <= MAX_GRADE, f"grade {measured.grade:.1f}: {piece[:60]}"
