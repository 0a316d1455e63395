"""The crisis message fits the person: the practice's own words, else the official lines of the
client's country (a youth version under 18), numbers as links, and always the plain statement
that the therapist does not watch answers as they arrive."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client as HttpClient

from stepwise.assessments import actions
from stepwise.assessments.crisis import crisis_lines, crisis_message_for, lines_for_country
from stepwise.clinic.models import Client, Practice
from stepwise.homework.actions import assigning
from stepwise.homework.models import ItemKind, Occurrence, today_for
from stepwise.homework.schedule import Frequency, Schedule
from tests.conftest import World

NOT_WATCHED = "Your therapist does not watch your answers as they arrive"


def set_country(practice: Practice, code: str) -> None:
    Practice.objects.filter(pk=practice.pk).update(country=code)


def critical_phq9_at_home(world: World, browser: HttpClient) -> str:
    """Carl answers PHQ-9 item 9 at home; returns the page he sees next."""
    assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="phq9", title="Q"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, today_for(world.carl_client)),
        reminder_time=time(18),
    )
    occurrence = Occurrence.objects.filter(assignment=assignment).order_by("opens").first()
    assert occurrence is not None
    answers = {f"item_{n}": "1" for n in range(1, 10)}
    assert browser.post(f"/me/do/{occurrence.pk}/", answers)["Location"] == "/me/well-done/"
    return browser.get("/me/well-done/").content.decode()


def render(client: Client, **kwargs: Any) -> str:
    crisis = crisis_message_for(
        Client.objects.select_related("practice").get(pk=client.pk), **kwargs
    )
    template = Template("{% load crisis_tags %}{% crisis_message crisis %}")
    return template.render(Context({"crisis": crisis}))


# The data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "emergency", "adult", "youth"),
    [
        ("US", "911", ["988"], ["741741"]),
        ("CA", "911", ["988"], ["1-800-668-6868"]),
        ("GB", "999", ["116 123", "111"], ["0800 1111"]),
        ("IE", "112", ["116 123"], ["1800 66 66 66"]),
        ("AU", "000", ["13 11 14"], ["1800 55 1800"]),
        ("NZ", "111", ["1737"], ["0800 376 633"]),
        ("EU", "112", [], []),
    ],
)
def test_each_country_has_its_official_lines_each_with_a_source(
    code: str, emergency: str, adult: list[str], youth: list[str]
) -> None:
    country = crisis_lines()[code]
    assert country.emergency == emergency
    assert [line.phone or line.text for line in country.adult] == adult
    assert [line.phone or line.text for line in country.youth] == youth
    for line in (*country.adult, *country.youth):
        assert "https://" in line.source, line


def test_an_eu_member_without_lines_of_its_own_gets_112_and_unknown_countries_none() -> None:
    france = lines_for_country("FR")
    assert france is not None
    assert (france.name, france.emergency) == ("France", "112")
    assert lines_for_country("JP") is None
    assert lines_for_country("") is None


# What a client sees -----------------------------------------------------------------------------


def test_an_adult_in_the_uk_sees_the_uk_lines_as_links_after_a_critical_answer(
    world: World, login_as: Any
) -> None:
    set_country(world.practice, "GB")
    page = critical_phq9_at_home(world, login_as(world.carl))
    assert '<a href="tel:999">999</a>' in page
    assert '<a href="tel:116123">116 123</a>' in page
    assert '<a href="tel:111">111</a>' in page
    assert "Childline" not in page
    assert NOT_WATCHED in page


def test_the_clients_own_country_comes_before_the_practices(world: World, login_as: Any) -> None:
    set_country(world.practice, "GB")
    Client.objects.filter(pk=world.carl_client.pk).update(country="US")
    page = critical_phq9_at_home(world, login_as(world.carl))
    assert '<a href="tel:911">911</a>' in page
    assert '<a href="tel:988">988</a>' in page
    assert '<a href="sms:988">988</a>' in page
    assert "Samaritans" not in page


def test_the_practices_own_message_replaces_the_defaults_and_its_numbers_are_links(
    world: World, login_as: Any
) -> None:
    set_country(world.practice, "GB")
    actions.update_assessment_settings(
        world.practice,
        world.ada,
        crisis_message="Ring Riverside's duty team on 0800 000 000 (9 to 5), or 999.",
        email_alerts=True,
    )
    page = critical_phq9_at_home(world, login_as(world.carl))
    assert "Ring Riverside&#x27;s duty team on" in page
    assert (
        '<a href="tel:0800000000">0800 000 000</a> (9 to 5), or <a href="tel:999">999</a>.' in page
    )
    assert "Samaritans" not in page
    assert NOT_WATCHED in page


def test_a_client_under_18_sees_the_youth_version(world: World) -> None:
    set_country(world.practice, "GB")
    html = render(world.mia_client)
    assert "tell a trusted adult now" in html
    assert html.index("Childline") < html.index("Samaritans")
    assert '<a href="tel:08001111">0800 1111</a>' in html
    assert NOT_WATCHED in html


def test_a_parent_answering_for_a_child_reads_the_adult_version(world: World) -> None:
    set_country(world.practice, "AU")
    html = render(world.mia_client, reader_is_client=False)
    assert "trusted adult" not in html
    assert '<a href="tel:131114">13 11 14</a>' in html
    assert "Kids Helpline" not in html


def test_the_practice_can_word_the_youth_message_too(world: World) -> None:
    actions.update_assessment_settings(
        world.practice,
        world.ada,
        crisis_message="Adults: ring 0800 000 000.",
        youth_crisis_message="Young people: ring 0800 111 222.",
        email_alerts=True,
    )
    assert "0800 111 222" in render(world.mia_client)
    assert "0800 000 000" in render(world.carl_client)


def test_with_no_country_the_message_names_no_number(world: World) -> None:
    html = render(world.carl_client)
    assert "call your local emergency number" in html
    assert "tel:" not in html
    assert NOT_WATCHED in html


def test_the_footer_shows_clients_their_message_and_staff_a_line_without_numbers(
    world: World, login_as: Any
) -> None:
    set_country(world.practice, "NZ")
    client_page = login_as(world.carl).get("/me/").content.decode()
    footer = client_page[client_page.index('<footer class="site-footer">') :]
    assert '<a href="tel:1737">1737</a>' in footer
    assert NOT_WATCHED in footer
    carer_page = login_as(world.gina).get("/me/").content.decode()
    assert '<a href="tel:1737">1737</a>' in carer_page[carer_page.index("<footer") :]
    staff_page = login_as(world.alice).get("/dashboard/").content.decode()
    staff_footer = staff_page[staff_page.index("<footer") :]
    assert "call your local emergency number" in staff_footer
    assert "tel:" not in staff_footer


def test_phone_numbers_in_a_practice_message_are_linked_and_the_rest_escaped() -> None:
    template = Template("{% load crisis_tags %}{{ text|tel_links }}")
    html = template.render(Context({"text": "<b>Call +44 116 123</b>, open 24/7, or text 1737."}))
    assert html == (
        '&lt;b&gt;Call <a href="tel:+44116123">+44 116 123</a>&lt;/b&gt;, open 24/7, or text '
        '<a href="tel:1737">1737</a>.'
    )
