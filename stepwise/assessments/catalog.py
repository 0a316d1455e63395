"""Which instruments exist, in which version, and which a practice has switched on.

The shipped files are copied into the database as `InstrumentVersion` rows by
`actions.shipped.sync_shipped_instruments`, which a data migration, `post_migrate` and
`manage.py load_instruments` all call: it adds a version only when a file's content changed, so
running it again does nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from stepwise.assessments.definitions import (
    INSTRUMENTS_DIR,
    InstrumentDefinition,
    cutoff_range,
    default_cutoff,
    load_instrument,
    with_cutoff,
)
from stepwise.assessments.models import (
    CATEGORIES,
    InstrumentSource,
    InstrumentVersion,
    PracticeAssessmentSettings,
    PracticeInstrument,
)


def content_hash(data: Mapping[str, Any]) -> str:
    """The SHA-256 of a definition's canonical JSON: equal content, equal hash."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def listing_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The columns copied out of a definition so that lists need not parse it."""
    return {
        "name": str(data["name"])[:200],
        "abbreviation": str(data["abbreviation"])[:40],
        "category": str(data.get("category", ""))[:40],
        "respondent": str(data.get("respondent", "self"))[:20],
        "enabled_by_default": bool(data.get("enabled_by_default", False)),
    }


def shipped_files() -> list[tuple[str, dict[str, Any]]]:
    """The text and parsed JSON of every shipped instrument file, checked, by file name."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(INSTRUMENTS_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        load_instrument(data)  # refuses a broken file before it reaches the database
        found.append((text, data))
    return found


_PARSED: dict[str, InstrumentDefinition] = {}


def definition_of(version: InstrumentVersion) -> InstrumentDefinition:
    """The checked definition of a stored version (parsed once per process and content)."""
    parsed = _PARSED.get(version.content_hash)
    if parsed is None:
        parsed = load_instrument(json.loads(version.definition_text), stored=True)
        _PARSED[version.content_hash] = parsed
    return parsed


def practice_definition(
    version: InstrumentVersion, cutoff: int | None = None
) -> InstrumentDefinition:
    """A stored version's definition with the practice's screening cut-off, if it chose one."""
    return with_cutoff(definition_of(version), cutoff)


def practice_cutoff(practice_id: int, key: str) -> int | None:
    """The cut-off a practice chose for an instrument (one query), or None for the file's own."""
    return (
        PracticeInstrument.objects.filter(practice_id=practice_id, key=key)
        .values_list("cutoff", flat=True)
        .first()
    )


_ATTRIBUTION_LINE = re.compile(r"attribution line:\s*'([^']+)'", re.IGNORECASE)


def attribution(version: InstrumentVersion) -> str:
    """The line the licence asks to keep beside the questionnaire, or else the licence note."""
    data = version.definition
    explicit = data.get("attribution")
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()
    found = _ATTRIBUTION_LINE.search(version.licence)
    return found.group(1) if found else version.licence


@dataclass(frozen=True)
class Availability:
    """The newest version of one instrument as one practice sees it."""

    version: InstrumentVersion
    enabled: bool
    setting: PracticeInstrument | None

    @property
    def key(self) -> str:
        return self.version.key

    @property
    def needs_licence_confirmation(self) -> bool:
        """Instruments shipped switched off are enabled only after an admin confirms the licence."""
        return self.version.source == InstrumentSource.SHIPPED and not (
            self.version.enabled_by_default
        )

    @property
    def licence_confirmed(self) -> bool:
        return self.setting is not None and self.setting.licence_confirmed_at is not None

    @property
    def cutoff_range(self) -> tuple[int, int] | None:
        return cutoff_range(definition_of(self.version))

    @property
    def cutoff(self) -> int | None:
        """The screening cut-off in use: the practice's choice, else the file's."""
        chosen = self.setting.cutoff if self.setting is not None else None
        return chosen if chosen is not None else default_cutoff(definition_of(self.version))

    @property
    def definition(self) -> InstrumentDefinition:
        """The definition as this practice scores it (its cut-off applied)."""
        return practice_definition(self.version, self.setting.cutoff if self.setting else None)


def _category_order(version: InstrumentVersion) -> tuple[int, str]:
    try:
        position = CATEGORIES.index(version.category)
    except ValueError:
        position = len(CATEGORIES)
    return position, version.abbreviation.casefold()


def catalogue(practice_id: int) -> list[Availability]:
    """Every instrument the practice can see, newest version each, by category (two queries).

    A practice's own import wins over a shipped instrument that later arrives with the same id.
    """
    rows = InstrumentVersion.objects.filter(
        Q(practice__isnull=True) | Q(practice_id=practice_id)
    ).order_by("key", "-version")
    newest: dict[str, InstrumentVersion] = {}
    for row in rows:
        current = newest.get(row.key)
        if current is None or (current.practice_id is None and row.practice_id is not None):
            newest[row.key] = row
    settings = {
        s.key: s
        for s in PracticeInstrument.objects.filter(practice_id=practice_id).select_related(
            "licence_confirmed_by"
        )
    }
    found = [
        Availability(version, _is_enabled(version, settings.get(key)), settings.get(key))
        for key, version in newest.items()
    ]
    return sorted(found, key=lambda a: _category_order(a.version))


def current_definitions(practice_id: int) -> dict[str, InstrumentDefinition]:
    """The checked definition of each instrument the practice can see, by key (two queries),
    with the practice's screening cut-offs applied."""
    return {a.key: a.definition for a in catalogue(practice_id)}


def _is_enabled(version: InstrumentVersion, setting: PracticeInstrument | None) -> bool:
    if setting is not None:
        return setting.enabled
    return version.source == InstrumentSource.IMPORTED or version.enabled_by_default


def find_available(practice_id: int, key: str) -> Availability | None:
    for available in catalogue(practice_id):
        if available.key == key:
            return available
    return None


def enabled_instruments(practice_id: int) -> list[Availability]:
    return [a for a in catalogue(practice_id) if a.enabled]


def assignable_instruments(practice_id: int) -> list[Availability]:
    """Enabled instruments that may go out as homework: not the clinician-administered ones."""
    return [a for a in enabled_instruments(practice_id) if not a.version.in_session_only]


def group_by_category(available: Iterable[Availability]) -> list[tuple[str, list[Availability]]]:
    groups: dict[str, list[Availability]] = {}
    for item in available:
        groups.setdefault(item.version.category or "other", []).append(item)
    return list(groups.items())


def assessment_settings(practice_id: int) -> PracticeAssessmentSettings:
    """The practice's settings, or the defaults (unsaved) when it has not changed any."""
    found = PracticeAssessmentSettings.objects.filter(practice_id=practice_id).first()
    return found or PracticeAssessmentSettings(practice_id=practice_id)
