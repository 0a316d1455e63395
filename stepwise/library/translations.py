"""An exercise's text in another language: check it against the English, keep it, show it.

English is the source of truth. A translation is a copy of the English definition in which only
the text a person reads differs (the keys in `TEXT_KEYS`); every other value (ids, types,
numbers, option values, metric names and sources, references, category, audience) is identical,
`language` names the translation's language and `version` is the English version it translates.
`therapist_notes` may be left out (the therapist then reads the English notes).

Stored with the exercise version as a flat mapping from a path to its text
(`{"title": "...", "steps.3.prompt": "...", "metrics.0.label": "..."}`), so the published
English document never changes and a translation can be added or corrected later.

Pure functions, no ORM and no Django: the shipped-content test, the loader and the builder's
"Spanish version" editor all use `validate_translation()`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

# Keys whose string value is text a person reads, so a translation may (and should) change it.
TEXT_KEYS: frozenset[str] = frozenset(
    {
        "title",
        "summary",
        "why_this_helps",
        "prompt",
        "body",
        "label",
        "help",
        "placeholder",
        "unit",
        "add_label",
        "min_label",
        "max_label",
        "intensity_label",
        "alt",
        "transcript",
        "therapist_notes",
    }
)
# Text a translation may leave out: the reader is then shown the English.
OPTIONAL_TEXT_KEYS: frozenset[str] = frozenset({"therapist_notes"})
# Top-level keys that must differ or may differ without being text.
_DOCUMENT_KEYS_CHECKED_APART = frozenset({"language"})
# Languages Stepwise can show an exercise in, besides English.
TRANSLATION_LANGUAGES: tuple[str, ...] = ("es",)

Texts = dict[str, str]


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _describe(path: str) -> str:
    """`steps.4.fields.0.label` -> `steps[4].fields[0].label` (as in the JSON file)."""
    parts = path.split(".")
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "the document"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _compare(english: Any, other: Any, path: str, problems: list[str], key: str | None) -> None:
    where = _describe(path)
    if key in TEXT_KEYS and isinstance(english, str):
        if not isinstance(other, str):
            problems.append(f"{where}: should be translated text, found {_short(other)}")
        elif not other.strip():
            problems.append(f"{where}: the translation is empty")
        return
    if isinstance(english, dict):
        if not isinstance(other, dict):
            problems.append(f"{where}: should be an object like the English, found {_short(other)}")
            return
        for name in english:
            if path == "" and name in _DOCUMENT_KEYS_CHECKED_APART:
                continue
            if name not in other:
                if name in OPTIONAL_TEXT_KEYS:
                    continue
                what = "text" if name in TEXT_KEYS else "setting"
                problems.append(
                    f"{_describe(_join(path, name))}: missing (the English has this {what})"
                )
                continue
            _compare(english[name], other[name], _join(path, name), problems, name)
        for name in other:
            if name not in english and not (path == "" and name in _DOCUMENT_KEYS_CHECKED_APART):
                problems.append(f"{_describe(_join(path, name))}: not in the English definition")
        return
    if isinstance(english, list):
        if not isinstance(other, list):
            problems.append(f"{where}: should be a list like the English, found {_short(other)}")
            return
        if len(english) != len(other):
            problems.append(f"{where}: has {len(other)} items, the English has {len(english)}")
            return
        for index, (left, right) in enumerate(zip(english, other, strict=True)):
            # items of a list of text (none today) keep the key of their list
            _compare(
                left, right, _join(path, index), problems, key if isinstance(left, str) else None
            )
        return
    if english != other or type(english) is not type(other):
        problems.append(
            f"{where}: must stay as in the English ({_short(english)}), found {_short(other)}"
        )


def validate_translation(
    english: Mapping[str, Any],
    translated: Any,
    *,
    language: str = "es",
    slug: str | None = None,
) -> list[str]:
    """Problems with a translated definition (or shared block), one readable line each.

    Empty when `translated` has the English structure exactly, a non-empty text for every text of
    the English, `"language": language` and the English `version` (for a whole definition).
    Each line names the exercise (`slug`), where in the file, and what is wrong.
    """
    name = slug or str(english.get("slug") or english.get("id") or "?")
    problems: list[str] = []
    if not isinstance(translated, dict):
        return [f"{name}: the translation must be a JSON object like the English definition"]
    is_document = "steps" in english
    if is_document:
        found = translated.get("language")
        if found != language:
            problems.append(f'language: must be "{language}", found {_short(found)}')
        if translated.get("version") != english.get("version"):
            problems.append(
                f"version: must be the English version it translates "
                f"({english.get('version')!r}), found {_short(translated.get('version'))}"
            )
    _compare(dict(english), translated, "", problems, None)
    # the version is checked above with a clearer message
    problems = [p for p in problems if not p.startswith("version: must stay")]
    return [f"{name}: {problem}" for problem in problems]


def text_paths(document: Any, path: str = "", key: str | None = None) -> Iterator[tuple[str, str]]:
    """Every translatable text of a document: (path, English text), in reading order."""
    if key in TEXT_KEYS and isinstance(document, str):
        yield path, document
    elif isinstance(document, dict):
        for name, value in document.items():
            yield from text_paths(value, _join(path, name), name)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from text_paths(
                value, _join(path, index), key if isinstance(value, str) else None
            )


def extract_texts(translated: Mapping[str, Any]) -> Texts:
    """The translated texts of a validated translation, by path."""
    return dict(text_paths(translated))


def missing_texts(document: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    """Paths of the document's texts that have no translation (optional ones not counted)."""
    return [
        path
        for path, _ in text_paths(document)
        if not (texts.get(path) or "").strip() and path.rsplit(".", 1)[-1] not in OPTIONAL_TEXT_KEYS
    ]


def clean_texts(document: Mapping[str, Any], texts: Mapping[str, Any]) -> tuple[Texts, list[str]]:
    """Keep the texts whose path is a text of `document`; problems for any other path or value."""
    known = dict(text_paths(document))
    kept: Texts = {}
    problems: list[str] = []
    for path, value in texts.items():
        if path not in known:
            problems.append(f"{_describe(path)}: not a text of this exercise")
        elif not isinstance(value, str):
            problems.append(f"{_describe(path)}: should be text, found {_short(value)}")
        elif value.strip():
            kept[path] = value.strip()
    return kept, problems


def carry_over(
    old_document: Mapping[str, Any], old_texts: Mapping[str, str], new_document: Mapping[str, Any]
) -> Texts:
    """Texts of an earlier version that still apply to a new one: same English, same place or not.

    A translated text moves with its English text; where the English changed it is dropped, so
    the new version shows which texts need translating again.
    """
    by_english: dict[str, str] = {}
    old = dict(text_paths(old_document))
    for path, text in old_texts.items():
        source = old.get(path)
        if source is not None and text:
            by_english.setdefault(source, text)
    kept: Texts = {}
    for path, english in text_paths(new_document):
        if english in by_english:
            kept[path] = by_english[english]
    return kept


def _set(document: Any, path: str, value: str) -> bool:
    parts = path.split(".")
    node = document
    for part in parts[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    last = parts[-1]
    if isinstance(node, dict) and isinstance(node.get(last), str):
        node[last] = value
        return True
    return False


def apply_texts(
    document: Mapping[str, Any], texts: Mapping[str, str], language: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """The document with its texts in `language`, and the paths still in English."""
    result = copy.deepcopy(dict(document))
    english: set[str] = set()
    for path, _ in list(text_paths(result)):
        text = (texts.get(path) or "").strip()
        if not text or not _set(result, path, text):
            english.add(path)
    result["language"] = language
    return result, frozenset(english)


def documents_texts(documents: Mapping[str, Any]) -> dict[str, Texts]:
    """A version's `translations` field, read defensively: {language: {path: text}}."""
    found: dict[str, Texts] = {}
    for language, texts in (documents or {}).items():
        if isinstance(texts, dict):
            found[str(language)] = {str(k): str(v) for k, v in texts.items() if isinstance(v, str)}
    return found


def path_words(path: str) -> list[tuple[str, int | None]]:
    """A path as the parts a person reads, e.g. `steps.3.fields.0.label` ->
    [("step", 4), ("field", 1), ("label", None)]: numbers from 1, for the builder's labels."""
    names = {
        "steps": "step",
        "fields": "field",
        "options": "option",
        "items": "item",
        "emotions": "emotion",
        "anchors": "anchor",
        "questions": "question",
        "metrics": "metric",
    }
    parts = path.split(".")
    words: list[tuple[str, int | None]] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in names and following.isdigit():
            words.append((names[part], int(following) + 1))
            index += 2
            continue
        words.append((part, None))
        index += 1
    return words
