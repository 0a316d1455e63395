"""The client's private calendar feed: parses, generic, four weeks, revocable, audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import time_machine
from django.test import Client as HttpClient
from icalendar import Calendar

from stepwise.accounts.models import User
from stepwise.assessments.models import InstrumentVersion
from stepwise.audit.models import AccessLog
from stepwise.clinic.actions import set_discharged
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignee, Assignment, ItemKind
from stepwise.homework.schedule import Frequency, Schedule
from stepwise.reminders import actions
from stepwise.reminders.models import CalendarFeed
from tests.conftest import World
from tests.factories import hand_in
from tests.reminders.conftest import NOW, SECRET_NOTE, SECRET_TITLE, TODAY, assign_daily

Login = Callable[[User | None], HttpClient]
FEED = re.compile(r"https://stepwise\.example(/r/calendar/[A-Za-z0-9_-]+\.ics)")


def feed_path(token: str) -> str:
    return f"/r/calendar/{token}.ics"


def fetch(client: HttpClient, token: str) -> Calendar:
    response = client.get(feed_path(token))
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def assign_weekly_questionnaire(world: World) -> Assignment:
    return assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.ASSESSMENT, instrument_key="phq9", title="PHQ-9"),
        schedule=Schedule(Frequency.EVERY_N_WEEKS, TODAY),
        reminder_time=time(18, 0),
        note=SECRET_NOTE,
    )


def test_the_feed_parses_and_lists_four_weeks_of_days_with_generic_titles(
    world: World, client: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        assign_daily(world)  # materialised two weeks ahead at first
        token = actions.create_calendar_feed(world.carl_client)
        calendar = fetch(client, token)
    found = events(calendar)
    days = [e.decoded("dtstart") for e in found]
    assert days == [TODAY + timedelta(days=n) for n in range(28)]  # the window was extended
    for event in found:
        assert str(event["summary"]) == "Stepwise practice"
        assert type(event.decoded("dtstart")) is date  # all-day: a date, no time, no zone
        assert event.decoded("dtend") == event.decoded("dtstart") + timedelta(days=1)
        assert "https://stepwise.example/me/" in str(event["description"])
        assert str(event["transp"]) == "TRANSPARENT"
    assert str(calendar["x-wr-calname"]) == "Stepwise"


def test_nothing_clinical_and_no_name_is_anywhere_in_the_feed(
    world: World, client: HttpClient
) -> None:
    phq9 = InstrumentVersion.objects.filter(key="phq9", practice__isnull=True).latest("version")
    with time_machine.travel(NOW, tick=False):
        daily = assign_daily(world)
        assign_weekly_questionnaire(world)
        token = actions.create_calendar_feed(world.carl_client)
        raw = client.get(feed_path(token)).content.decode()
    body = raw.replace("\r\n ", "").replace("\r\n\t", "")  # unfolded (RFC 5545 3.1)
    assert daily.exercise is not None
    forbidden = [
        SECRET_TITLE, SECRET_NOTE, daily.exercise.title, daily.exercise.slug, "PHQ", "phq",
        phq9.name, phq9.abbreviation, "Carl", "carl@", "mood", "Mood", "check-in",
    ]  # fmt: skip
    for word in forbidden:
        assert word not in body, f"{word!r} is in the calendar feed"
    # Two items open today: one event for the day, the count in its description.
    today = [e for e in events(Calendar.from_ical(body)) if e.decoded("dtstart") == TODAY]
    assert len(today) == 1
    assert "2 practice items" in str(today[0]["description"])


def test_uids_are_stable_across_fetches_and_new_links_and_name_no_id(
    world: World, client: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        assign_daily(world)
        first = [
            str(e["uid"])
            for e in events(fetch(client, actions.create_calendar_feed(world.carl_client)))
        ]
        again = [
            str(e["uid"])
            for e in events(fetch(client, actions.create_calendar_feed(world.carl_client)))
        ]
    assert first == again
    assert len(set(first)) == len(first) == 28
    assert all(re.fullmatch(r"[0-9a-f]{32}@stepwise\.example", uid) for uid in first)


def test_done_homework_drops_out_and_paused_or_carer_homework_is_not_listed(
    world: World, client: HttpClient
) -> None:
    with time_machine.travel(NOW, tick=False):
        daily = assign_daily(world)
        token = actions.create_calendar_feed(world.carl_client)
        hand_in(daily, world.carl)  # today's is done
        days = [e.decoded("dtstart") for e in events(fetch(client, token))]
        assert TODAY not in days
        assert TODAY + timedelta(days=1) in days
        assigning.set_status(daily, "paused", by=world.alice)
        assert events(fetch(client, token)) == []


def test_a_wrong_token_answers_404_and_writes_nothing(world: World, client: HttpClient) -> None:
    actions.create_calendar_feed(world.carl_client)
    before = AccessLog.objects.count()
    for token in ("nope", "x" * 43, "x" * 200):
        assert client.get(feed_path(token)).status_code == 404
    assert AccessLog.objects.count() == before


def test_revoking_kills_the_feed_and_a_new_link_kills_the_old_one(
    world: World, client: HttpClient
) -> None:
    first = actions.create_calendar_feed(world.carl_client)
    assert client.get(feed_path(first)).status_code == 200
    second = actions.create_calendar_feed(world.carl_client)
    assert client.get(feed_path(first)).status_code == 404
    assert client.get(feed_path(second)).status_code == 200
    actions.revoke_calendar_feed(world.carl_client)
    assert client.get(feed_path(second)).status_code == 404
    assert CalendarFeed.objects.filter(client=world.carl_client).count() == 2  # the history


def test_the_feed_dies_when_the_client_is_discharged(world: World, client: HttpClient) -> None:
    token = actions.create_calendar_feed(world.carl_client)
    set_discharged(world.carl_client, discharged=True)
    assert client.get(feed_path(token)).status_code == 404


def test_only_the_tokens_hash_is_stored(world: World) -> None:
    token = actions.create_calendar_feed(world.carl_client)
    feed = CalendarFeed.objects.get(client=world.carl_client)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 256 random bits


def test_no_login_is_needed_nothing_is_cached_and_each_fetch_is_audited(
    world: World, client: HttpClient, login_as: Login
) -> None:
    token = actions.create_calendar_feed(world.carl_client)
    response = client.get(feed_path(token))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    login_as(world.alice).get(feed_path(token))  # someone's browser session changes nothing
    records = list(AccessLog.objects.filter(action="reminders.calendar_feed").order_by("id"))
    assert len(records) == 2
    for record in records:
        assert record.actor_id is None
        assert record.client_id == world.carl_client.pk
        assert record.outcome == "allowed"
        assert token not in record.path  # the token is a credential: not kept in the log
    feed = CalendarFeed.objects.get(client=world.carl_client)
    assert feed.last_fetched_at is not None


def test_the_client_makes_sees_once_renews_and_turns_off_the_link(
    world: World, login_as: Login
) -> None:
    browser = login_as(world.carl)
    page = browser.get("/me/reminders/").content.decode()
    assert "Make my calendar link" in page
    response = browser.post("/me/reminders/calendar/", {"action": "new"})
    assert response.status_code == 302
    assert response["Location"] == "/me/reminders/#calendar"
    shown = browser.get("/me/reminders/").content.decode()
    match = FEED.search(shown)
    assert match is not None
    assert "webcal://stepwise.example/r/calendar/" in shown
    assert browser.get(match.group(1)).status_code == 200
    # Shown once: the next visit says the link exists but does not show it again.
    later = browser.get("/me/reminders/").content.decode()
    assert FEED.search(later) is None
    assert "Turn off the calendar link" in later
    browser.post("/me/reminders/calendar/", {"action": "revoke"})
    assert browser.get(match.group(1)).status_code == 404
    assert "Make my calendar link" in browser.get("/me/reminders/").content.decode()


def test_a_client_cannot_touch_someone_elses_link(world: World, login_as: Login) -> None:
    carl_token = actions.create_calendar_feed(world.carl_client)
    login_as(world.dana).post("/me/reminders/calendar/", {"action": "revoke"})
    assert login_as(None).get(feed_path(carl_token)).status_code == 200
    assert login_as(world.gina).post("/me/reminders/calendar/").status_code == 404


def test_carer_homework_stays_out_of_the_childs_feed(world: World, client: HttpClient) -> None:
    with time_machine.travel(NOW, tick=False):
        mood = assign_daily(world, client=world.mia_client)
        Assignment.objects.filter(pk=mood.pk).update(assignee=Assignee.CAREGIVER)
        token = actions.create_calendar_feed(world.mia_client)
        assert events(fetch(client, token)) == []
