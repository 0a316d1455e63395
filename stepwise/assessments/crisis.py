"""The crisis message a client sees: the practice's own, else the defaults for the client's
country, in a youth version for clients under 18.

Default lines come from `data/crisis_lines.toml`, where each names its source. Whatever the
message, the client is told plainly that the therapist does not watch answers as they arrive.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from stepwise.assessments.models import PracticeAssessmentSettings
from stepwise.assessments.wording import language_of
from stepwise.clinic.models import COUNTRY_NAMES, Client

DATA = Path(__file__).with_name("data") / "crisis_lines.toml"
# EU member states without lines of their own in the file share the EU entry (112).
EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Line:
    name: str
    phone: str = ""
    text: str = ""
    keyword: str = ""
    source: str = ""
    # By language: the line's name where it is more than a proper name, and a note for readers
    # of that language (988: "al llamar, oprima 2 para hablar en español").
    names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    notes: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    notes_source: str = ""

    @property
    def label(self) -> str:
        """The line's name in the reader's language (the active one)."""
        return self.names.get(language_of(), self.name)

    @property
    def note(self) -> str:
        return self.notes.get(language_of(), "")

    @property
    def tel(self) -> str:
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)

    @property
    def sms(self) -> str:
        return "sms:" + re.sub(r"[^\d+]", "", self.text)


@dataclass(frozen=True)
class CountryLines:
    code: str
    name: str
    emergency: str
    adult: tuple[Line, ...]
    youth: tuple[Line, ...]
    names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def label(self) -> str:
        """The country's name in the reader's language (the active one)."""
        return self.names.get(language_of(), self.name)

    @property
    def emergency_tel(self) -> str:
        return "tel:" + self.emergency


@cache
def crisis_lines() -> dict[str, CountryLines]:
    """The default lines by country code, as the data file gives them (read once)."""
    with DATA.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        code: CountryLines(
            code=code,
            name=entry["name"],
            emergency=entry["emergency"],
            adult=tuple(Line(**line) for line in entry.get("adult", [])),
            youth=tuple(Line(**line) for line in entry.get("youth", [])),
            names=entry.get("names", {}),
        )
        for code, entry in data.items()
    }


def lines_for_country(code: str) -> CountryLines | None:
    """The lines for a country (an EU member without its own entry gets the EU's)."""
    known = crisis_lines()
    if code in known:
        return known[code]
    if code in EU_MEMBERS:
        eu = known["EU"]
        return CountryLines(code, COUNTRY_NAMES.get(code, eu.name), eu.emergency, (), ())
    return None


@dataclass(frozen=True)
class CrisisMessage:
    """What a client (or their parent) is shown; `custom` is the practice's own text, if set."""

    youth: bool
    custom: str
    country: CountryLines | None

    @property
    def lines(self) -> tuple[Line, ...]:
        if self.custom or self.country is None:
            return ()
        if self.youth:
            return self.country.youth + self.country.adult
        return self.country.adult


def crisis_message_for(client: Client, *, reader_is_client: bool = True) -> CrisisMessage:
    """The message for this client: their practice's, in the youth version when a client
    under 18 reads it (their parent or carer reads the adult one, for the child's country)."""
    settings = PracticeAssessmentSettings.objects.filter(practice_id=client.practice_id).first()
    youth = client.is_minor and reader_is_client
    custom = ""
    if settings is not None:
        custom = (settings.youth_crisis_message if youth else "") or settings.crisis_message
    code = client.country or client.practice.country
    return CrisisMessage(youth=youth, custom=custom.strip(), country=lines_for_country(code))


_PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ \-]?\d){2,14}(?!\w)")


def phone_numbers(text: str) -> list[tuple[int, int, str]]:
    """Where phone numbers are in a practice's own message: (start, end, tel: address).

    A run of 3 to 15 digits, spaces or hyphens between them, an optional leading +.
    """
    return [
        (found.start(), found.end(), "tel:" + re.sub(r"[^\d+]", "", found.group()))
        for found in _PHONE.finditer(text)
    ]
