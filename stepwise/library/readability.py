"""Reading level of client text: the Flesch-Kincaid grade, with a syllable-counting heuristic.

Pure functions, no dictionary: vowel groups, less a silent final "e" and a silent "-ed"/"-es".
Good to about one syllable in ten on everyday words, which is what a grade estimate needs.
Markdown is read as a person sees it: each list item, heading and line is a sentence of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


@dataclass(frozen=True)
class Reading:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade level (0.39 ASL + 11.8 ASW - 15.59)."""
        if not self.words:
            return 0.0
        return (
            0.39 * self.words / max(1, self.sentences) + 11.8 * self.syllables / self.words - 15.59
        )


def plain(markdown: str) -> str:
    """Markdown as read: list marks and emphasis gone, each item on its own line."""
    return _MARKUP.sub(" ", _LIST_MARK.sub("", markdown))


def reading(texts: Iterable[str]) -> Reading:
    """Words, sentences and syllables over several pieces of text; each piece ends a sentence."""
    words = sentences = syllable_count = 0
    for text in texts:
        for sentence in _SENTENCE_END.split(plain(text)):
            found = _WORD.findall(sentence)
            if not found:
                continue
            sentences += 1
            words += len(found)
            syllable_count += sum(syllables(w) for w in found)
    return Reading(words, sentences, syllable_count)


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
