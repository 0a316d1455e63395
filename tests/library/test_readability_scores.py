"""Pinned reading scores for a few texts in each language: counting words, sentences and
syllables in one pass for both languages must leave every score exactly as it was (the values
were computed with the two separate counting loops that came before)."""

from __future__ import annotations

import pytest

from stepwise.library.readability import reading, spanish_reading

ENGLISH = [
    (
        ["When you notice a worry, write it down. Then ask: what would I tell a friend?"],
        (16, 3, 18),
        -0.23499999999999943,
    ),
    (
        [
            "## Breathe slowly\n\n- Breathe in for four counts.\n- Hold it; then breathe out.\n"
            "1. Played, helped, makes, times!"
        ],
        (16, 5, 17),
        -1.804499999999999,
    ),
    (
        ["Don't rush: it's fine.", "Notice the feeling; name it.", ""],
        (9, 4, 11),
        -0.2902777777777761,
    ),
]

SPANISH = [
    (
        ["Cuando note una preocupación, escríbala. Luego pregúntese: ¿qué le diría a un amigo?"],
        (13, 3, 31),
        (53.940128205128225, 40.2246153846154, "algo difícil"),
    ),
    (
        [
            "## Respire despacio\n\n- Inspire contando hasta cuatro.\n- Mantenga el aire; después "
            "suéltelo.\n1. El poeta, el día, la ciudad y el queso!"
        ],
        (20, 5, 41),
        (75.12000000000002, 58.34000000000002, "bastante fácil"),
    ),
    (
        ["Hoy es muy fácil: guerra y paz.", "Siga así; lo hace bien.", ""],
        (12, 4, 17),
        (115.57666666666668, 87.84, "muy fácil"),
    ),
]


@pytest.mark.parametrize(("texts", "counts", "grade"), ENGLISH)
def test_english_counts_and_grade_are_unchanged(
    texts: list[str], counts: tuple[int, int, int], grade: float
) -> None:
    result = reading(texts)
    assert (result.words, result.sentences, result.syllables) == counts
    assert result.grade == grade


@pytest.mark.parametrize(("texts", "counts", "scores"), SPANISH)
def test_spanish_counts_and_scores_are_unchanged(
    texts: list[str], counts: tuple[int, int, int], scores: tuple[float, float, str]
) -> None:
    result = spanish_reading(texts)
    assert (result.words, result.sentences, result.syllables) == counts
    assert (result.szigriszt_pazos, result.fernandez_huerta, result.inflesz) == scores


def test_empty_text_scores_as_before() -> None:
    assert reading([]).grade == 0.0
    assert spanish_reading([""]).szigriszt_pazos == 100.0
    assert spanish_reading([""]).fernandez_huerta == 100.0
