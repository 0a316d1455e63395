"""Load exercise definitions: the shipped library files, and documents a practice imports.

Pure functions (no ORM); the lead's actions turn their results into database rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stepwise.library.schema import SCHEMA_VERSION, STEP_TYPES, ExerciseDefinition
from stepwise.library.translations import (
    TRANSLATION_LANGUAGES,
    extract_texts,
    validate_translation,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Shared pieces the shipped files refer to by name, so one wording serves every exercise.
BLOCKS_DIR = Path(__file__).resolve().parent / "blocks"
REFERENCES_PATH = Path(__file__).resolve().parent / "references.json"
IMPORT_MAX_BYTES = 512 * 1024


class ShippedContentError(Exception):
    """A file in the shipped library does not validate: a bug to fix before release."""


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse_json(text: str) -> Any:
    """json.loads, refusing duplicate keys (the later one would silently win) and NaN/Infinity."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)


def _ordinal_step(data: Any, index: int) -> str:
    """'step 3 ("situation")' for index 2, using the id from the raw document when there is one."""
    step_id = None
    if isinstance(data, dict) and isinstance(data.get("steps"), list):
        steps = data["steps"]
        if 0 <= index < len(steps) and isinstance(steps[index], dict):
            step_id = steps[index].get("id")
    label = f"step {index + 1}"
    return f'{label} ("{step_id}")' if isinstance(step_id, str) else label


_STEP_TAGS = frozenset(STEP_TYPES)
_FIELD_TAGS = frozenset({"text", "number", "suds", "scale", "choice"})
_MEDIA_TAGS = frozenset({"link", "upload"})
_TAG_NAMES = {"type": "step type", "kind": "kind"}


def _location(loc: Sequence[int | str], data: Any) -> str:
    """Turn pydantic's location tuple into words: `step 3 ("fears") > fields > 2 > max`."""
    parts: list[str] = []
    index = 0
    items = list(loc)
    while index < len(items):
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if item == "steps" and isinstance(following, int):
            parts.append(_ordinal_step(data, following))
            index += 2
            # pydantic inserts the union tag after a discriminated item; it adds nothing here
            if index < len(items) and items[index] in _STEP_TAGS:
                index += 1
            continue
        if isinstance(item, int):
            parts.append(f"item {item + 1}")
        elif item in _FIELD_TAGS | _MEDIA_TAGS and parts and parts[-1].startswith("item"):
            pass  # the union tag of a list field or media source
        else:
            parts.append(str(item))
        index += 1
    return " > ".join(parts)


def _message(error: Any) -> str:
    kind = error["type"]
    message = str(error["msg"])
    loc = error["loc"]
    if kind == "extra_forbidden":
        return f"unknown setting {loc[-1]!r} (check the spelling)"
    if kind == "missing":
        return f"missing required setting {loc[-1]!r}"
    if kind in ("union_tag_invalid", "union_tag_not_found") and error.get("ctx"):
        ctx = error["ctx"]
        if "tag" in ctx:
            what = _TAG_NAMES.get(str(ctx["discriminator"]).strip("'"), "kind")
            return f"unknown {what} {ctx['tag']!r}; expected one of {ctx['expected_tags']}"
        return f"missing setting {ctx['discriminator']}"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


def format_problems(exc: ValidationError, data: Any) -> list[str]:
    """One readable line per problem, e.g. `step 3 ("ladder") > max_rows: ...`."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # a missing or extra key is named in the message, so point at the object that holds it
        where_loc = loc[:-1] if error["type"] in ("missing", "extra_forbidden") else loc
        where = _location(where_loc, data)
        message = _message(error)
        problems.append(f"{where}: {message}" if where else message[:1].upper() + message[1:])
    return problems


def validate_import(raw_json_text: str | bytes) -> tuple[ExerciseDefinition | None, list[str]]:
    """Check a definition a practice wants to import; (definition, []) or (None, problems)."""
    if isinstance(raw_json_text, bytes):
        if len(raw_json_text) > IMPORT_MAX_BYTES:
            return None, [f"The file is too large: at most {IMPORT_MAX_BYTES // 1024} KB."]
        try:
            raw_json_text = raw_json_text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, ["The file is not UTF-8 text. Save it as UTF-8 JSON and try again."]
    if len(raw_json_text.encode("utf-8")) > IMPORT_MAX_BYTES:
        return None, [f"The file is too large: at most {IMPORT_MAX_BYTES // 1024} KB."]
    try:
        data = _parse_json(raw_json_text)
    except _DuplicateKeyError as exc:
        return None, [f"The key {exc.args[0]!r} appears twice in the same object."]
    except json.JSONDecodeError as exc:
        return None, [
            f"This is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ]
    except (ValueError, RecursionError) as exc:
        return None, [f"This is not valid JSON: {exc}."]
    if not isinstance(data, dict):
        return None, ["The file must contain one exercise definition: a JSON object { ... }."]
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        return None, [
            f"This definition uses schema version {version!r}; this installation reads "
            f"version {SCHEMA_VERSION}."
        ]
    try:
        definition = ExerciseDefinition.model_validate(data)
    except ValidationError as exc:
        return None, format_problems(exc, data)
    return definition, []


@cache
def bibliography() -> dict[str, dict[str, Any]]:
    """The shipped library's references by key (`references.json`)."""
    data: dict[str, dict[str, Any]] = _parse_json(REFERENCES_PATH.read_text(encoding="utf-8"))
    return data


def format_reference(entry: dict[str, Any]) -> str:
    """One reference as a reader sees it: the citation, then its DOI or PubMed link if any."""
    text = str(entry["citation"])
    if entry.get("doi"):
        return f"{text} https://doi.org/{entry['doi']}"
    if entry.get("pmid"):
        return f"{text} PMID: {entry['pmid']}"
    return text


def _blocks_dir(language: str) -> Path:
    return BLOCKS_DIR if language == "en" else BLOCKS_DIR / language


def _block(name: str, where: str, language: str = "en") -> Any:
    folder = _blocks_dir(language)
    path = folder / f"{name}.json"
    if not path.is_file():
        shown = BLOCKS_DIR.name + "/" + ("" if language == "en" else f"{language}/")
        raise ShippedContentError(f"{where}: no shared block {name!r} in {shown}")
    return _parse_json(path.read_text(encoding="utf-8"))


def expand_shared_pieces(data: Any, where: str, language: str = "en") -> Any:
    """Put the shared blocks and references into a shipped document before it is checked.

    A step written `{"include": "exposure-safety"}` becomes the step in `blocks/` (in
    `blocks/<language>/` for a translation); a reference
    written `"@craske2014"` becomes that entry of `references.json`, with its DOI or PubMed id.
    The stored document holds the full text, so a version never changes under its readers.
    """
    if not isinstance(data, dict):
        return data
    steps = data.get("steps")
    if isinstance(steps, list):
        data["steps"] = [
            _block(str(step["include"]), where, language)
            if isinstance(step, dict) and set(step) == {"include"}
            else step
            for step in steps
        ]
    references = data.get("references")
    if isinstance(references, list):
        known = bibliography()
        expanded = []
        for ref in references:
            if isinstance(ref, str) and ref.startswith("@"):
                entry = known.get(ref[1:])
                if entry is None:
                    raise ShippedContentError(f"{where}: no reference {ref!r} in references.json")
                expanded.append(format_reference(entry))
            else:
                expanded.append(ref)
        data["references"] = expanded
    return data


def load_definition_file(path: Path) -> ExerciseDefinition:
    raw = path.read_bytes()
    try:
        data = _parse_json(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        data = None  # validate_import names the problem
    if data is not None:
        raw = json.dumps(expand_shared_pieces(data, path.name), ensure_ascii=False).encode()
    definition, problems = validate_import(raw)
    if definition is None:
        raise ShippedContentError(f"{path.name}: " + "; ".join(problems))
    if path.stem != definition.slug:
        raise ShippedContentError(
            f"{path.name}: the file name must be the slug ({definition.slug})"
        )
    return definition


@cache
def _shipped() -> tuple[ExerciseDefinition, ...]:
    definitions = []
    failures = []
    for path in sorted(CONTENT_DIR.glob("*.json")):
        try:
            definitions.append(load_definition_file(path))
        except ShippedContentError as exc:
            failures.append(str(exc))
    if failures:
        raise ShippedContentError("\n".join(failures))
    return tuple(definitions)


def shipped_definitions() -> list[ExerciseDefinition]:
    """Every definition in `content/`, sorted by slug; raises if any file is broken."""
    return list(_shipped())


# --- translations of the shipped library ---------------------------------------------------------


def translation_path(slug: str, language: str) -> Path:
    """Where a shipped exercise's translation lives: `content/<language>/<slug>.json`."""
    return CONTENT_DIR / language / f"{slug}.json"


def _read_json_file(path: Path) -> tuple[Any, str | None]:
    try:
        return _parse_json(path.read_bytes().decode("utf-8-sig")), None
    except _DuplicateKeyError as exc:
        return None, f"the key {exc.args[0]!r} appears twice in the same object"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not valid JSON: {exc}"


def check_block_translation(name: str, language: str) -> list[str]:
    """Problems with the translation of one shared block (`blocks/<language>/<name>.json`)."""
    english, problem = _read_json_file(BLOCKS_DIR / f"{name}.json")
    if problem:
        return [f"block {name}: {problem}"]
    path = _blocks_dir(language) / f"{name}.json"
    if not path.is_file():
        return [f"block {name}: no translation in {BLOCKS_DIR.name}/{language}/{name}.json"]
    translated, problem = _read_json_file(path)
    if problem:
        return [f"block {name} ({language}): {problem}"]
    return validate_translation(english, translated, language=language, slug=f"block {name}")


def block_names() -> list[str]:
    return sorted(path.stem for path in BLOCKS_DIR.glob("*.json"))


def shipped_translation(slug: str, language: str) -> tuple[dict[str, str] | None, list[str]]:
    """A shipped exercise's texts in `language`, by path in its stored document, or problems.

    `(None, [])` when there is no translation file; `(None, problems)` when it does not match
    the English (`translations.validate_translation`) or a block it includes has no
    translation; `(texts, [])` otherwise.
    """
    path = translation_path(slug, language)
    if not path.is_file():
        return None, []
    english, problem = _read_json_file(CONTENT_DIR / f"{slug}.json")
    if problem:
        return None, [f"{slug}: {problem}"]
    translated, problem = _read_json_file(path)
    if problem:
        return None, [f"{slug} ({language}/{slug}.json): {problem}"]
    problems = validate_translation(english, translated, language=language, slug=slug)
    if problems:
        return None, problems
    for step in english.get("steps", []):
        if isinstance(step, dict) and set(step) == {"include"}:
            problems += check_block_translation(str(step["include"]), language)
    if problems:
        return None, [f"{slug}: {p}" if not p.startswith(slug) else p for p in problems]
    try:
        expanded = expand_shared_pieces(translated, f"{language}/{slug}.json", language)
    except ShippedContentError as exc:
        return None, [str(exc)]
    return extract_texts(expanded), []


def shipped_languages(slug: str) -> list[str]:
    """The languages a shipped exercise has a translation file in (English first)."""
    return ["en"] + [
        lang for lang in TRANSLATION_LANGUAGES if translation_path(slug, lang).is_file()
    ]
