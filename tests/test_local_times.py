"""Every time a person reads is in their own zone (issue 15, part 1).

The personas of the authorization matrix, with the therapists in America/Chicago, Carl (and
Mia's family) in America/New_York and Dana in Asia/Kolkata, meet a late evening:

- 05:15 UTC on Mon 7 Dec 2026: Carl hands in his homework. It is 00:15 on Monday in New York
  (his homework day is Mon 7 Dec) and 23:15 on Sunday in Chicago.
- 05:30 UTC: Carl's PHQ-9 raises an alert and Dana practises in session. It is 23:30 on Sunday in
  Chicago, 00:30 on Monday in New York and 11:00 in Kolkata.

Every page of the matrix each persona may open, and every email, is read for those instants in
the wrong zone: a UTC reading, or a client's reading shown to a therapist without saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from stepwise.accounts.models import User
from stepwise.clinic.models import Client, Practice
from tests.conftest import World, build_world, run_tasks
from tests.test_authorization_matrix import (
    PERSONAS,
    ROUTES,
    _carl_alert,
    _carl_daily_mood,
    _carl_practice,
    _shipped_version,
)

HANDED_IN = datetime(2026, 12, 7, 5, 15, tzinfo=UTC)
ALERTED = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)

CHICAGO, NEW_YORK, KOLKATA = "America/Chicago", "America/New_York", "Asia/Kolkata"
STAFF = ("alice", "ada", "bob", "olga")

# Readings of the two instants that a persona must never see (HH:MM as pages write them).
UTC_READINGS = ("05:15", "05:30")
WRONG_FOR = {
    "therapist": (*UTC_READINGS, "00:15", "00:30", "11:00"),  # New York / Kolkata unlabelled
    "carl": (*UTC_READINGS, "23:15", "23:30", "11:00"),
    "gina": (*UTC_READINGS, "23:15", "23:30", "11:00"),
    "dana": (*UTC_READINGS, "23:15", "23:30", "00:15", "00:30"),
}


@pytest.fixture
def late_world(db: None) -> Iterator[World]:
    with time_machine.travel(HANDED_IN - (ALERTED - HANDED_IN) * 4, tick=False):
        world = build_world()
    for name in STAFF:
        User.objects.filter(pk=getattr(world, name).pk).update(time_zone=CHICAGO)
    for user, client, zone in (
        (world.carl, world.carl_client, NEW_YORK),
        (world.dana, world.dana_client, KOLKATA),
        (world.gina, world.mia_client, NEW_YORK),
    ):
        User.objects.filter(pk=user.pk).update(time_zone=zone)
        Client.objects.filter(pk=client.pk).update(time_zone=zone)
    Practice.objects.update(time_zone=CHICAGO)
    for name in (*STAFF, "carl", "dana", "gina"):
        getattr(world, name).refresh_from_db()
    for client in (world.carl_client, world.dana_client, world.mia_client):
        client.refresh_from_db()
    with time_machine.travel(HANDED_IN, tick=False):
        from tests.factories import hand_in

        hand_in(_carl_daily_mood(world), world.carl)
    with time_machine.travel(ALERTED, tick=False):
        _carl_alert(world)
        _carl_practice(world)
        from stepwise.homework.actions.submissions import submit_exercise

        submit_exercise(
            client=world.dana_client,
            version=_shipped_version(world),
            data={"worry_before": 4, "breathe": 8, "worry_after": 1},
            mode="in_session",
            submitted_by=world.alice,
        )
        yield world


def _reader(persona: str) -> str:
    return "therapist" if persona in STAFF else persona


def _text(response: object) -> str:
    content = getattr(response, "content", None)
    if content is None:
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return content.decode(errors="replace")


def _pages(world: World, client: HttpClient) -> Iterator[tuple[str, str, str]]:
    """(persona, route, body) for every GET page of the matrix a persona may open."""
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        for persona in PERSONAS[1:]:
            if route.expect[persona] != 200:
                continue
            user = world.persona(persona)
            client.logout()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            response = client.get(reverse(name, kwargs=route.kwargs(world)), follow=True)
            assert response.status_code == 200, (persona, name)
            yield persona, name, _text(response)


def _clock_readings(body: str) -> set[str]:
    """Every HH:MM (with or without seconds) a reader sees; ISO 8601 instants in exports carry
    their offset (…T05:30:00+00:00), so say their zone, and are left out."""
    return set(re.findall(r"(?<![\d:T])(\d\d:\d\d)(?::\d\d)?(?![\d:])", body))


def test_no_page_shows_an_instant_in_utc_or_in_another_persons_zone(
    late_world: World, client: HttpClient
) -> None:
    leaks = []
    seen = 0
    for persona, name, body in _pages(late_world, client):
        seen += 1
        wrong = _clock_readings(body) & set(WRONG_FOR[_reader(persona)])
        if wrong:
            leaks.append(f"{persona} on {name}: {sorted(wrong)}")
    assert seen > 60
    assert leaks == []


ALERT_PAGES = [
    ("progress:dashboard", {}),
    ("clinic:client_detail", "carl"),
    ("assessments:client_assessments", "carl"),
    ("progress:summary", "carl"),
]


@pytest.mark.parametrize(("name", "kwargs"), ALERT_PAGES)
def test_the_alert_reads_the_therapists_own_time_on_every_page_that_shows_it(
    late_world: World, client: HttpClient, name: str, kwargs: object
) -> None:
    client.force_login(late_world.alice, backend="django.contrib.auth.backends.ModelBackend")
    args = {"client_id": late_world.carl_client.pk} if kwargs else {}
    body = _text(client.get(reverse(name, kwargs=args)))
    assert re.search(r"6 Dec( 2026)?, 23:30", body), name


def test_the_inbox_shows_when_homework_came_in_on_the_therapists_clock(
    late_world: World, client: HttpClient
) -> None:
    client.force_login(late_world.alice, backend="django.contrib.auth.backends.ModelBackend")
    body = _text(client.get(reverse("homework:inbox")))
    # 23:15 on Sunday in Chicago was 00:15 on Monday for Carl: his homework counts on Monday.
    assert "Sun 6 Dec, 23:15 (Mon 7 Dec, client's time)" in body


def test_the_printed_report_says_when_and_in_which_zone_it_was_printed(
    late_world: World, client: HttpClient
) -> None:
    client.force_login(late_world.alice, backend="django.contrib.auth.backends.ModelBackend")
    body = _text(client.get(reverse("progress:report", args=[late_world.carl_client.pk])))
    assert "6 Dec 2026, 23:30 (America/Chicago)" in body


def test_every_email_is_written_in_its_recipients_zone(
    late_world: World, client: HttpClient
) -> None:
    """Invitations say until when they work, in the zone of the person they are for."""
    from stepwise.assessments.models import Alert
    from stepwise.assessments.tasks import notify_care_team

    mail.outbox.clear()
    notify_care_team.call(Alert.objects.get(client=late_world.carl_client).pk)
    Client.objects.filter(pk=late_world.mia_client.pk).update(email="mia@example.net")
    client.force_login(late_world.alice, backend="django.contrib.auth.backends.ModelBackend")
    mia = late_world.mia_client.pk
    client.post(reverse("clinic:client_invite", args=[mia]), {"send_email": "1"})
    client.force_login(late_world.ada, backend="django.contrib.auth.backends.ModelBackend")
    client.post(reverse("clinic:member_invite"), {"email": "new@example.com", "role": "therapist"})
    client.logout()
    client.post(reverse("accounts:magic_link_request"), {"email": late_world.carl.email})
    run_tasks()  # the sign-in link is sent by the task worker
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {
        "alice@example.com",
        "mia@example.net",
        "new@example.com",
        "carl@example.net",
    }
    for message in mail.outbox:
        html = message.alternatives[0][0]  # type: ignore[union-attr]
        for text in (message.body, html):
            assert not _clock_readings(text) & set(UTC_READINGS), message.subject
    # The client's invitation lasts until 00:30 (New York) seven days on; the colleague's until
    # 23:30 in the practice's zone, each named.
    assert "00:30 (America/New_York)" in by_address["mia@example.net"].body
    assert "23:30 (America/Chicago)" in by_address["new@example.com"].body
