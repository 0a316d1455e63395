"""The client's private calendar (ICS) feed: on which days practice waits, never what it is.

Decided:
- **All-day events** on the local day an occurrence opens, not timed ones at the reminder time. A
  date has no time zone, so the day is the client's own day whatever the phone's zone or a DST
  change; calendar apps add no default alert to all-day events, so the feed never doubles (or
  contradicts) the reminders the client chose; and a change of preferred time changes nothing
  here. Events are marked free (TRANSP:TRANSPARENT) so they never block the client's day.
- **One event per day**, however many items open that day ("Stepwise practice", with how many in
  the description), so two daily exercises do not show as two identical lines.
- **Stable UIDs**: an HMAC (under SECRET_KEY) of the client and the day, so calendar apps update
  rather than duplicate events, and no database id or name reaches the calendar provider.
- **What is listed**: the client's own open (not yet done) homework of active assignments due
  from today, opening within the next four weeks, materialised first so the far end is there.
  Done items drop out at the next refresh.
- **Nothing clinical**: the titles and description are fixed words and a link to /me/; the only
  inputs are dates, a count and the site's address. The feed carries no exercise or instrument
  name, note, answer or score, and no name of the client either.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignee, Assignment, AssignmentStatus, Occurrence
from stepwise.lib.language import reader_language
from stepwise.lib.tz import local_today

FEED_DAYS = 28  # the next four weeks, today included
TITLE = _("Stepwise practice")
_UID_SALT = "stepwise.reminders.calendar.uid"


def upcoming_days(client: Client, today: date) -> Counter[date]:
    """How many of the client's open items open on each day of the feed (after materialising)."""
    until = today + timedelta(days=FEED_DAYS - 1)
    behind = Assignment.objects.filter(
        Q(materialised_until__lt=until) | Q(materialised_until__isnull=True),
        client=client,
        status=AssignmentStatus.ACTIVE,
        assignee=Assignee.CLIENT,
    )
    assigning.materialise(list(behind), until)
    opens = Occurrence.objects.filter(
        assignment__client=client,
        assignment__status=AssignmentStatus.ACTIVE,
        assignment__assignee=Assignee.CLIENT,
        completion__isnull=True,
        due__gte=today,
        opens__lte=until,
    ).values_list("opens", flat=True)
    return Counter(opens)


def _uid(client: Client, day: date) -> str:
    digest = salted_hmac(_UID_SALT, f"{client.pk}:{day.isoformat()}", algorithm="sha256")
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or "stepwise"
    return f"{digest.hexdigest()[:32]}@{host}"


def _description(count: int, link: str) -> str:
    return ngettext(
        "Your practice is ready in Stepwise: %(link)s",
        "%(count)d practice items are ready in Stepwise: %(link)s",
        count,
    ) % {"count": count, "link": link}


def render_feed(client: Client, now: datetime) -> bytes:
    """The whole feed as iCalendar bytes (RFC 5545), in the client's language."""
    with translation.override(reader_language(client.language)):
        return _render_feed(client, now)


def _render_feed(client: Client, now: datetime) -> bytes:
    link = f"{settings.SITE_URL}{reverse('homework:client_home')}"
    days = upcoming_days(client, local_today(client.time_zone, now))
    calendar = Calendar()
    calendar.add("prodid", "-//Stepwise//Practice calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Stepwise")
    calendar.add("x-wr-caldesc", gettext("Days with practice waiting for you in Stepwise"))
    # Calendar apps that honour a hint refresh four times a day (many poll on their own terms).
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for day in sorted(days):
        event = Event()
        event.add("uid", _uid(client, day))
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", str(TITLE))
        event.add("description", _description(days[day], link))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
