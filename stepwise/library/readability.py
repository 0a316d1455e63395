"""Reading level of client text: the Flesch-Kincaid grade in English, Szigriszt-Pazos and
Fernández-Huerta in Spanish, from one count of words, sentences and (heuristic) syllables.

Pure functions, no dictionary. English syllables are vowel groups, less a silent final "e" and a
silent "-ed"/"-es"; Spanish ones are vowel nuclei (see `spanish_syllables`).
Good to about one syllable in ten on everyday words, which is what a grade estimate needs.
Markdown is read as a person sees it: each list item, heading and line is a sentence of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+|[:;]\s")
_MARKUP = re.compile(r"[*_#`>|\[\]()]")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE)
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """An estimate of the syllables in one word (at least one)."""
    w = word.lower().replace("\u2019", "'").split("'")[0]
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        count -= 1
    if re.search(r"[^aeiouy]ed$", w) and not re.search(r"[td]ed$", w):
        count -= 1  # "played", "helped": the -ed is not a syllable
    if w.endswith("es") and not re.search(r"(?:[sxz]|[cs]h|ge|ce)es$", w):
        count -= 1  # "makes", "times"
    return max(1, count)


def plain(markdown: str) -> str:
    """Markdown as read: list marks and emphasis gone, each item on its own line."""
    return _MARKUP.sub(" ", _LIST_MARK.sub("", markdown))


@dataclass(frozen=True)
class Counts:
    """What every reading score is made of."""

    words: int
    sentences: int
    syllables: int


def _count(
    texts: Iterable[str], word: re.Pattern[str], count_syllables: Callable[[str], int]
) -> Counts:
    """One counting pass for any language: its word pattern and syllable counter.

    Each piece of text ends a sentence; a sentence without a word is not one.
    """
    words = sentences = syllable_count = 0
    for text in texts:
        for sentence in _SENTENCE_END.split(plain(text)):
            found = word.findall(sentence)
            if not found:
                continue
            sentences += 1
            words += len(found)
            syllable_count += sum(count_syllables(w) for w in found)
    return Counts(words, sentences, syllable_count)


@dataclass(frozen=True)
class Reading(Counts):
    """English counts, scored by Flesch-Kincaid."""

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade level (0.39 ASL + 11.8 ASW - 15.59)."""
        if not self.words:
            return 0.0
        return (
            0.39 * self.words / max(1, self.sentences) + 11.8 * self.syllables / self.words - 15.59
        )


def reading(texts: Iterable[str]) -> Reading:
    """Words, sentences and syllables over several pieces of text; each piece ends a sentence."""
    counts = _count(texts, _WORD, syllables)
    return Reading(counts.words, counts.sentences, counts.syllables)


def grade(texts: Iterable[str]) -> float:
    return reading(texts).grade


# The parts of a step a client reads; ids, URLs and numbers are not text.
_CLIENT_KEYS = frozenset(
    {
        "title",
        "prompt",
        "body",
        "help",
        "label",
        "placeholder",
        "min_label",
        "max_label",
        "add_label",
        "text",
    }
)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _CLIENT_KEYS and isinstance(item, str):
                yield item
            elif isinstance(item, dict | list):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def client_texts(document: dict[str, object]) -> list[str]:
    """The text of an exercise definition that its client reads: why it helps and every step.

    Therapist notes and references are for the therapist and are left out.
    """
    texts = [str(document.get("why_this_helps", ""))]
    texts += list(_strings(document.get("steps", [])))
    return [t for t in texts if t.strip()]


# --- Spanish -----------------------------------------------------------------------------------
#
# Szigriszt-Pazos perspicuity, read on the INFLESZ scale, and the Fernández-Huerta ease:
#
#   Szigriszt-Pazos = 206.835 - 62.3 * syllables / words - words / sentences
#   Fernández-Huerta = 206.84 - 0.60 * P - 1.02 * F
#       (P syllables per 100 words, F sentences per 100 words)
#
# Sources: Szigriszt Pazos F. Sistemas predictivos de legibilidad del mensaje escrito: fórmula de
# perspicuidad (doctoral thesis). Universidad Complutense de Madrid; 1993. Barrio-Cantalejo IM,
# Simón-Lorda P, Melguizo M, et al. Validación de la Escala INFLESZ para evaluar la legibilidad de
# los textos dirigidos a pacientes. An Sist Sanit Navar. 2008;31(2):135-152 (the INFLESZ bands:
# below 40 very hard, 40-55 somewhat hard, 55-65 normal, 65-80 fairly easy, 80 and over very
# easy). Fernández Huerta J. Medidas sencillas de lecturabilidad. Consigna. 1959;214:29-32.

_SPANISH_WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
_STRONG = frozenset("aeoáéóíú")  # accented i and u break a diphthong like a strong vowel
_WEAK = frozenset("iuü")
_VOWELS = _STRONG | _WEAK

INFLESZ_BANDS: tuple[tuple[float, str], ...] = (
    (80.0, "muy fácil"),
    (65.0, "bastante fácil"),
    (55.0, "normal"),
    (40.0, "algo difícil"),
    (float("-inf"), "muy difícil"),
)


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: vowel nuclei, with diphthongs and hiatus (at least one).

    Two strong vowels (a, e, o, or an accented í/ú) are two syllables ("po-e-ta", "dí-a");
    a weak vowel (i, u) next to another vowel makes one ("cie-lo", "ciu-dad"). The silent u
    of "que", "qui", "gue", "gui" is not a vowel; a final "y" after a vowel is ("hoy", "muy").
    """
    w = word.lower()
    w = re.sub(r"(?<=[qg])u(?=[eéií])", "", w)  # queso, guerra: the u is silent
    count = 0
    previous = ""
    for char in w:
        if char in _VOWELS:
            if (
                previous
                and (previous in _WEAK or char in _WEAK)
                and not (previous in _STRONG and char in _STRONG)
            ):
                pass  # a diphthong: the same syllable as the vowel before
            else:
                count += 1
            previous = char
        else:
            previous = ""
    return max(1, count)


@dataclass(frozen=True)
class SpanishReading(Counts):
    """Spanish counts, scored by Szigriszt-Pazos (on the INFLESZ scale) and Fernández-Huerta."""

    @property
    def szigriszt_pazos(self) -> float:
        """Perspicuity: 206.835 - 62.3 syllables/words - words/sentences (higher is easier)."""
        if not self.words:
            return 100.0
        return 206.835 - 62.3 * self.syllables / self.words - self.words / max(1, self.sentences)

    @property
    def fernandez_huerta(self) -> float:
        """Ease: 206.84 - 0.60 P - 1.02 F, per 100 words (higher is easier)."""
        if not self.words:
            return 100.0
        per_100 = 100 / self.words
        return 206.84 - 0.60 * self.syllables * per_100 - 1.02 * self.sentences * per_100

    @property
    def inflesz(self) -> str:
        """The Szigriszt-Pazos score's band on the INFLESZ scale ("bastante fácil", ...)."""
        score = self.szigriszt_pazos
        return next(name for floor, name in INFLESZ_BANDS if score >= floor)


def spanish_reading(texts: Iterable[str]) -> SpanishReading:
    """Words, sentences and syllables of Spanish text; each piece ends a sentence."""
    counts = _count(texts, _SPANISH_WORD, spanish_syllables)
    return SpanishReading(counts.words, counts.sentences, counts.syllables)
