"""Questionnaires in the person's language, only from official translations: a Spanish-speaking
client answers PHQ-9 in Pfizer's Spanish wording; a questionnaire with no official Spanish is
shown in English (marked lang="en") after a notice in Spanish; the response records the language
and the exact wording; the therapist reads the Spanish with the English beside it; scoring never
changes; the crisis message is in the reader's language.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from stepwise.assessments import wording
from stepwise.assessments.client_wording import client_band
from stepwise.assessments.crisis import crisis_message_for
from stepwise.assessments.definitions import INSTRUMENTS_DIR, load_instrument
from stepwise.assessments.models import AssessmentResponse
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, Completion, ItemKind, Occurrence
from stepwise.homework.schedule import Frequency, Schedule
from tests.assessments.support import PHQ9_MODERATE, form_data, results_url, submit
from tests.conftest import World
from tests.languages import read_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("frozen")

SHIPPED = INSTRUMENTS_DIR / "translations" / "es"
# The verified source files (../shared/instruments/translations/es/ beside the checkout).
SHARED_CANDIDATES = [
    Path(settings.BASE_DIR).parent / "shared" / "instruments" / "translations" / "es",
    Path(settings.BASE_DIR).parent.parent / "shared" / "instruments" / "translations" / "es",
]
# The exact bytes shipped, pinned: a changed wording must be a deliberate, reviewed change.
SHIPPED_SHA256 = {
    "phq2": "f260ba1f30a1779a916ec890038d2a96470a72891d0b42eeb4238a63f88fd13f",
    "phq8": "e0192f0c88f8f3e19448e8a284e6d344167651fbee741c662652e1609d117786",
    "phq9": "9b11374cfdbc0814bc0ff87000f9e93f32de6af79bd692fc1026dc8191939c16",
}
PHQ9_ES = json.loads((SHIPPED / "phq9.json").read_text(encoding="utf-8"))
PHQ9_EN = json.loads((INSTRUMENTS_DIR / "phq9.json").read_text(encoding="utf-8"))
GAD7_EN = json.loads((INSTRUMENTS_DIR / "gad7.json").read_text(encoding="utf-8"))


def give(world: World, key: str) -> Occurrence:
    assignment: Assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key=key, title="Check-in"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, TODAY),
        reminder_time=time(18),
    )
    return Occurrence.objects.get(assignment=assignment, opens=TODAY)


def html_text(value: str) -> str:
    """The text as the page escapes it."""
    from django.utils.html import escape

    return str(escape(value))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _LangText(HTMLParser):
    """Text by the `lang` of its nearest marked element inside the page (not <html>'s own)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") if tag != "html" else None
        self.stack.append(lang or (self.stack[-1] if self.stack else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.found.setdefault(self.stack[-1] if self.stack else "", []).append(data)


def elements_with_lang(page: str, lang: str) -> str:
    """The text of the page inside elements marked lang=<lang>, unescaped, joined by newlines."""
    parser = _LangText()
    parser.feed(page)
    return "\n".join(parser.found.get(lang, []))


# --- the shipped wording --------------------------------------------------------------------------


def test_every_shipped_spanish_wording_is_the_verified_file_byte_for_byte() -> None:
    shipped = sorted(p.stem for p in SHIPPED.glob("*.json"))
    assert shipped == sorted(SHIPPED_SHA256)
    for key, digest in SHIPPED_SHA256.items():
        assert hashlib.sha256((SHIPPED / f"{key}.json").read_bytes()).hexdigest() == digest, key
    shared = next((p for p in SHARED_CANDIDATES if p.is_dir()), None)
    if shared is None:
        pytest.skip("the shared instruments folder is not beside this checkout")
    assert sorted(p.stem for p in shared.glob("*.json")) == shipped
    for key in shipped:
        assert (SHIPPED / f"{key}.json").read_bytes() == (shared / f"{key}.json").read_bytes(), key


@pytest.mark.parametrize("key", sorted(SHIPPED_SHA256))
def test_each_translation_fits_its_english_and_keeps_the_attribution(key: str) -> None:
    english = load_instrument(INSTRUMENTS_DIR / f"{key}.json")
    found = wording.shipped_translation(key, "es")
    assert found is not None
    assert wording.mismatches(found, english) == []
    assert found.attribution.startswith("Elaborado por los doctores Robert L. Spitzer")
    assert wording.wording_for(english, "es").translation == found
    assert wording.wording_for(english, "es-MX").language == "es"


def test_a_translation_that_does_not_fit_the_english_is_never_used() -> None:
    english = load_instrument(INSTRUMENTS_DIR / "phq9.json")
    raw = json.loads((SHIPPED / "phq9.json").read_text(encoding="utf-8"))
    raw["items"] = raw["items"][:8]
    raw["options"][3]["value"] = 4
    broken = wording.parse_translation(json.dumps(raw).encode(), "phq9", "es")
    problems = wording.mismatches(broken, english)
    assert any("items" in p for p in problems)
    assert any("option values" in p for p in problems)


def test_a_translation_without_its_attribution_line_is_refused() -> None:
    raw = json.loads((SHIPPED / "phq2.json").read_text(encoding="utf-8"))
    raw["license"] = "Free."
    with pytest.raises(ValueError, match="attribution"):
        wording.parse_translation(json.dumps(raw).encode(), "phq2", "es")


# --- a Spanish-speaking client at home ------------------------------------------------------------


def test_a_spanish_speaking_client_answers_phq9_in_the_official_spanish_and_it_scores_the_same(
    world: World, login_as: Any
) -> None:
    occurrence = give(world, "phq9")
    browser = read_in("es", login_as(world.carl), world.carl)
    page = browser.get(f"/me/do/{occurrence.pk}/").content.decode()
    assert html_text(PHQ9_ES["instructions"]) in page
    for item in PHQ9_ES["items"]:
        assert html_text(item["text"]) in page
    for option in PHQ9_ES["options"]:
        assert html_text(option["label"]) in page
    assert html_text(PHQ9_ES["additional_unscored_items"][0]["text"]) in page
    assert "Elaborado por los doctores Robert L. Spitzer" in page
    assert PHQ9_EN["items"][0]["text"] not in page
    assert "Enviar respuestas" in page
    assert "solo está disponible en inglés" not in page

    response = browser.post(f"/me/do/{occurrence.pk}/", form_data(PHQ9_MODERATE))
    assert response.status_code == 302
    stored = AssessmentResponse.objects.get()
    assert (stored.total, stored.band) == (14, "Moderate")
    assert stored.language == "es"
    assert stored.wording_version == "phq9.es." + SHIPPED_SHA256["phq9"][:12]

    english = submit(world.dana_client, "phq9", PHQ9_MODERATE).response
    assert (english.total, english.band) == (stored.total, stored.band)


def test_a_spanish_speaking_client_sent_gad7_is_told_in_spanish_and_reads_the_english(
    world: World, login_as: Any
) -> None:
    occurrence = give(world, "gad7")
    page = (
        read_in("es", login_as(world.carl), world.carl)
        .get(f"/me/do/{occurrence.pk}/")
        .content.decode()
    )
    assert "Este cuestionario solo está disponible en inglés" in page
    assert "pregúntele a su terapeuta" in page
    marked = elements_with_lang(page, "en")
    for item in GAD7_EN["items"]:
        assert item["text"] in marked
    for option in GAD7_EN["options"]:
        assert option["label"] in marked
    assert GAD7_EN["instructions"] in marked
    # Our own words around it are in Spanish, outside lang="en".
    assert "Enviar respuestas" in page
    assert "Enviar respuestas" not in marked

    answers = {f"item_{n}": "1" for n in range(1, 8)}
    assert (
        read_in("es", login_as(world.carl), world.carl)
        .post(f"/me/do/{occurrence.pk}/", answers)
        .status_code
    )
    stored = AssessmentResponse.objects.get()
    assert (stored.total, stored.language) == (7, "en")
    assert stored.wording_version.startswith("gad7.en.")


def test_an_english_client_is_unchanged(world: World, login_as: Any) -> None:
    occurrence = give(world, "phq9")
    browser = login_as(world.carl)
    page = browser.get(f"/me/do/{occurrence.pk}/").content.decode()
    assert html_text(PHQ9_EN["items"][0]["text"]) in page
    assert PHQ9_ES["items"][0]["text"] not in page
    assert 'lang="en"' not in page.split("<body", 1)[1]
    assert "only available in English" not in page
    browser.post(f"/me/do/{occurrence.pk}/", form_data(PHQ9_MODERATE))
    stored = AssessmentResponse.objects.get()
    assert (stored.total, stored.language) == (14, "en")
    assert stored.wording_version == f"phq9.en.{stored.instrument.content_hash[:12]}"


# --- the therapist's side -------------------------------------------------------------------------


def test_the_therapist_sees_the_spanish_items_with_the_english_beside(
    world: World, login_as: Any
) -> None:
    submit(world.carl_client, "phq9", PHQ9_MODERATE, language="es")
    page = login_as(world.alice).get(results_url(world.carl_client, "phq9")).content.decode()
    marked_es = elements_with_lang(page, "es")
    marked_en = elements_with_lang(page, "en")
    for es_item, en_item in zip(PHQ9_ES["items"], PHQ9_EN["items"], strict=True):
        assert es_item["text"] in marked_es
        assert en_item["text"] in marked_en
    # Item 1 was answered 2: the Spanish option, with the English beside.
    assert "Más de la mitad de los días" in marked_es
    assert "More than half the days" in marked_en
    assert "Answered in Spanish (official translation" in page


def test_the_homework_review_shows_the_spanish_and_the_english(world: World, login_as: Any) -> None:
    occurrence = give(world, "phq9")
    read_in("es", login_as(world.carl), world.carl).post(
        f"/me/do/{occurrence.pk}/", form_data(PHQ9_MODERATE)
    )
    completion = Completion.objects.get(occurrence=occurrence)
    page = login_as(world.alice).get(f"/review/{completion.pk}/").content.decode()
    assert PHQ9_ES["items"][8]["text"] in elements_with_lang(page, "es")
    assert PHQ9_EN["items"][8]["text"] in elements_with_lang(page, "en")


def test_in_session_the_questionnaire_is_in_the_language_of_the_page(
    world: World, login_as: Any
) -> None:
    browser = read_in("es", login_as(world.alice), world.alice, world.carl)
    browser.post(f"/clients/{world.carl_client.pk}/in-session/", {"instrument": "phq2"})
    page = browser.get("/in-session/").content.decode()
    assert '<html lang="es">' in page
    assert "Poco interés o placer en hacer cosas" in page
    browser.post("/in-session/", form_data([1, 1]))
    stored = AssessmentResponse.objects.get()
    assert (stored.total, stored.language) == (2, "es")


# --- what a client reads about results, and the crisis message ------------------------------------


def test_a_client_reads_band_names_in_their_language_the_therapist_keeps_the_instruments() -> None:
    with translation.override("es"):
        assert client_band("phq9", "Moderate") == "Moderado"
        assert client_band("k10", "Likely to have a severe mental disorder") == (
            "Malestar alto: hable de esto con su terapeuta"
        )
    with translation.override("en"):
        assert client_band("phq9", "Moderate") == "Moderate"


def _us(client: Client) -> Client:
    client.country = "US"
    client.save(update_fields=["country"])
    return Client.objects.select_related("practice").get(pk=client.pk)


def test_the_crisis_message_is_in_spanish_with_the_same_numbers(world: World) -> None:
    client = _us(world.carl_client)
    with translation.override("es"):
        page = render_to_string(
            "assessments/_crisis_message.html", {"crisis": crisis_message_for(client)}
        )
    assert "Si está en peligro ahora mismo, llame al" in page
    assert '<a href="tel:911">911</a>' in page
    assert "988 Línea de Prevención del Suicidio y Crisis" in page
    assert '<a href="tel:988">988</a>' in page
    assert "al llamar, oprima 2 para hablar en español" in page
    assert "Su terapeuta no ve sus respuestas" in page
    with translation.override("en"):
        english = render_to_string(
            "assessments/_crisis_message.html", {"crisis": crisis_message_for(client)}
        )
    assert "If you are in danger right now, call" in english
    assert "oprima" not in english


def test_the_youth_crisis_message_in_spanish_speaks_to_the_child(world: World) -> None:
    client = _us(world.carl_client)
    client.is_minor = True
    client.save(update_fields=["is_minor"])
    crisis = crisis_message_for(Client.objects.select_related("practice").get(pk=client.pk))
    assert crisis.youth
    with translation.override("es"):
        page = render_to_string("assessments/_crisis_message.html", {"crisis": crisis})
    assert "díselo ahora a un adulto de confianza" in page
    assert "Si estás en peligro ahora mismo, llama al" in page
    assert "Crisis Text Line" in page
    assert '<a href="sms:741741">741741</a>' in page


def test_the_fhir_questionnaire_response_carries_the_language_it_was_answered_in(
    world: World,
) -> None:
    from stepwise.progress.fhir import build_bundle

    submit(world.carl_client, "phq9", PHQ9_MODERATE, language="es")
    submit(world.carl_client, "gad7", [1] * 7, language="es")
    bundle = build_bundle(world.carl_client, now=NOW)
    languages = sorted(
        entry["resource"].get("language")
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    assert languages == ["en", "es"]  # GAD-7 has no official Spanish: answered in English


def test_answers_sent_after_the_language_changed_are_not_recorded_under_the_wrong_wording(
    world: World, login_as: Any
) -> None:
    occurrence = give(world, "phq9")
    browser = read_in("es", login_as(world.carl), world.carl)
    page = browser.get(f"/me/do/{occurrence.pk}/").content.decode()
    shown = "phq9.es." + SHIPPED_SHA256["phq9"][:12]
    assert f'name="wording" value="{shown}"' in page
    read_in("en", None, world.carl)
    answers = {**form_data(PHQ9_MODERATE), "wording": shown}
    response = browser.post(f"/me/do/{occurrence.pk}/", answers)
    assert response.status_code == 400
    assert "now shown in another language" in response.content.decode()
    assert not AssessmentResponse.objects.exists()
    # Sent again from the page now shown (in English), it is recorded as English.
    found = re.search(r'name="wording" value="([^"]+)"', response.content.decode())
    assert found is not None
    answers["wording"] = found[1]
    assert browser.post(f"/me/do/{occurrence.pk}/", answers).status_code == 302
    english = AssessmentResponse.objects.get()
    assert (english.language, english.total) == ("en", 14)


def test_shared_results_show_a_spanish_speaking_client_the_band_in_spanish(
    world: World, login_as: Any
) -> None:
    from stepwise.assessments.actions import set_results_shared

    submit(world.carl_client, "phq9", PHQ9_MODERATE, language="es")
    set_results_shared(world.carl_client, world.alice, shared=True)
    page = read_in("es", login_as(world.carl), world.carl).get("/me/progress/").content.decode()
    assert "Moderado" in page
    assert "Puntaje total del PHQ-9" in page


def test_too_many_blanks_are_explained_in_the_persons_language() -> None:
    from stepwise.assessments.forms import AssessmentForm

    psc17 = load_instrument(INSTRUMENTS_DIR / "psc17.json")
    answers = [None, None, None, None, 0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 0]
    with translation.override("es"):
        form = AssessmentForm(psc17, form_data(answers))
        assert not form.is_valid()
        assert form.non_field_errors() == [
            "4 preguntas están en blanco: 4 o más respuestas en blanco hacen que el cuestionario "
            "no sea válido. Por favor, conteste más preguntas."
        ]
