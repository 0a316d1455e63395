"""Every page of the authorization matrix, read in Spanish, has no English left in it.

Each persona the matrix lets see a page opens it twice, once in English and once in Spanish (the
person's own language set to Spanish; anonymous pages by the browser's Accept-Language). A piece
of text - a text node, or a label a screen reader reads (aria-label, alt, title, placeholder, a
button's value) - that is the same in both and has a word in it was not translated. Allowed:
text inside an element marked `lang="en"` (English on purpose: an English-only questionnaire,
notes with no translation), and what is the same in both languages by nature - people's names
and what they typed, instrument names, the product's name, addresses, and Spanish words spelt
as in English ("No", "Error", "Total").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

import stepwise
from stepwise.accounts.models import User
from stepwise.assessments.models import InstrumentVersion
from stepwise.clinic.models import Client, Practice
from tests.conftest import World
from tests.languages import read_in
from tests.test_authorization_matrix import PERSONAS, ROUTES

# Words spelt the same in Spanish and English, and names that are the same in every language.
SAME_IN_BOTH = {
    "no",
    "error",
    "total",
    "normal",
    "plan",
    "email",
    "stepwise",
    "ok",
    "pin",
    "sms",
    "push",
    "csv",
    "fhir",
    "ics",
    "json",
    "url",
    "id",
    "am",
    "pm",
    "min",
    "máx",
    "mín",
    "radio",
    "final",
    "general",
    "local",
    "personal",
    "social",
    "video",
    "web",
    "app",
    "hola",
    "px",
    "trauma",
    # Crisis services' own names.
    "lifeline",
    "samaritans",
}
# Instrument short names (PHQ-9, GAD-7, PCL-5, K10, WHO-5, SCARED ...) and similar codes.
CODE = re.compile(r"^[A-Z][A-Z0-9\-\u2013]*\d*[a-z]?$")
# What people typed in the test world (answers are shown as written, never translated).
TYPED = {"An answer"}
# The people in the style page's samples.
SAMPLE_NAMES = {"Jordan", "Robin", "Sam Rivera"}
EMAIL = re.compile(r"^\S+@\S+\.\w+$")
# IANA time zones ("Europe/London") and dates whose month is spelt the same in Spanish ("12 Oct").
TIME_ZONE = re.compile(r"^[A-Z][A-Za-z_]+(/[A-Za-z_\-]+)+$")
SAME_DATE = re.compile(r"^\d{1,2} (Feb|Mar|May|Jun|Jul|Sep|Oct|Nov)\.?( \d{2,4})?$")
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
SKIPPED_TAGS = {"script", "style", "template", "svg", "code", "kbd", "pre"}
READ_ALOUD = ("aria-label", "alt", "title", "placeholder")


class Texts(HTMLParser):
    """The texts of a page a person reads or hears, outside `lang="en"` and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.found: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = (
            self.skipping
            or tag in SKIPPED_TAGS
            # The page's own language is on <html>; English inside a page is marked on an element.
            or (tag != "html" and (values.get("lang") or "").startswith("en"))
            or values.get("translate") == "no"
        )
        if not skip:
            for name in READ_ALOUD:
                if values.get(name):
                    self.found.append(values[name] or "")
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.found.append(values["value"] or "")
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr", "area"}:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr", "area"}:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.found.append(data)


def texts(html: str) -> set[str]:
    parser = Texts()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.found if text.strip()}


def names_in(world: World) -> set[str]:
    """What is the same in every language: people's names and addresses, practices' names."""
    same: set[str] = set()
    for user in User.objects.all():
        same |= {user.email, user.get_full_name() if hasattr(user, "get_full_name") else ""}
        same |= {str(getattr(user, field, "")) for field in ("name", "display_name", "chosen_name")}
    for client in Client.objects.all():
        same |= {str(client), str(getattr(client, "name", ""))}
    for practice in Practice.objects.all():
        same.add(practice.name)
    for instrument in InstrumentVersion.objects.all():
        same |= {instrument.name, instrument.abbreviation}
    same |= {str(name) for _, name in settings.LANGUAGES}  # each language named in itself
    same |= TYPED | SAMPLE_NAMES
    return {name for name in same if name}


def translated_as_itself() -> set[str]:
    """Texts a catalogue translates to the same words ("Australia", "Total"): a translator's
    decision, not a miss."""
    import polib  # type: ignore[import-untyped]

    root = Path(stepwise.__file__).parent
    same = set()
    for po in root.glob("**/locale/es/LC_MESSAGES/*.po"):
        for entry in polib.pofile(str(po)):
            if entry.msgstr and entry.msgstr == entry.msgid:
                same.add(" ".join(entry.msgid.split()))
    return same


def english_left(
    english: set[str], spanish: set[str], names: set[str], same: frozenset[str] = frozenset()
) -> list[str]:
    left = []
    for text in sorted(spanish & english):
        if text in same or TIME_ZONE.match(text) or SAME_DATE.match(text) or EMAIL.match(text):
            continue
        rest = text
        for name in sorted(names, key=len, reverse=True):
            rest = rest.replace(name, " ")
        words = [
            word
            for word in WORD.findall(rest)
            if word.lower() not in SAME_IN_BOTH and not CODE.match(word)
        ]
        if words:
            left.append(text)
    return left


def signed_in(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _pages_for(persona: str) -> list[str]:
    return sorted(
        name
        for name, route in ROUTES.items()
        if route.method == "get" and route.expect.get(persona) == 200
    )


def _page(http: HttpClient, url: str) -> str | None:
    response = http.get(url)
    kind = response.get("Content-Type", "")
    attachment = "attachment" in response.get("Content-Disposition", "")
    if response.status_code != 200 or not kind.startswith("text/html") or attachment:
        return None
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_in_spanish_has_no_english_left(world: World, persona: str) -> None:
    user = world.persona(persona)
    names = names_in(world)
    same = frozenset(translated_as_itself())
    untranslated = []
    checked = 0
    for name in _pages_for(persona):
        url = reverse(name, kwargs=ROUTES[name].kwargs(world))
        # Everyone reads the page's language: a page reached from a message's link without
        # signing in (an unsubscribe page) speaks the language of the person it was for.
        english = _page(read_in("en", signed_in(user), *User.objects.all()), url)
        spanish = _page(read_in("es", signed_in(user), *User.objects.all()), url)
        if english is None or spanish is None:
            continue
        checked += 1
        assert '<html lang="es"' in spanish, f"{name}: the page does not say it is Spanish"
        untranslated += [
            f"{name}: {text!r}"
            for text in english_left(texts(english), texts(spanish), names, same)
        ]
    assert checked > 0 or not _pages_for(persona)
    assert untranslated == [], f"{len(untranslated)} English texts:\n" + "\n".join(untranslated)


def test_the_check_finds_english_and_passes_spanish_names_and_marked_english() -> None:
    english = texts(
        '<p>Save your answers</p><p lang="en">Over the last 2 weeks</p><b>PHQ-9</b>'
        '<button aria-label="Close menu">x</button><p>Carl Client</p>'
    )
    spanish = texts(
        '<p>Save your answers</p><p lang="en">Over the last 2 weeks</p><b>PHQ-9</b>'
        '<button aria-label="Cerrar el menú">x</button><p>Carl Client</p>'
    )
    assert english_left(english, spanish, {"Carl Client"}) == ["Save your answers"]
