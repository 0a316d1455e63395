"""Template tags that let other pages show homework without importing this app.

`{% client_homework client %}` is the body of the Homework section of a client's page (a fixed
number of queries, whatever the history); `{% unreviewed_count as n %}` is the number beside
"Review" in the therapist's navigation (one query); `{% recent_practice client %}` lists the
client's latest submissions under "Practise together". All run inside pages that have already
checked access and written their access record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.clinic.models import Client
from stepwise.homework.models import Submission
from stepwise.homework.overview import client_homework as build_client_homework
from stepwise.homework.overview import unreviewed_count as count_unreviewed
from stepwise.homework.plans import visible_plans
from stepwise.homework.schedule import Adherence
from stepwise.homework.summaries import adherence_words

register = template.Library()


@register.inclusion_tag("homework/_client_homework.html", takes_context=True)
def client_homework(context: dict[str, Any], client: Client) -> dict[str, Any]:
    user = signed_in_user(context["request"])
    plans = list(visible_plans(user).order_by("name", "id"))
    can_assign = client.discharged_at is None
    return {
        "client": client,
        "homework": build_client_homework(client, user.time_zone),
        "plans": plans,
        "can_assign": can_assign,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.simple_tag
def adherence_text(figures: Adherence, extra: int = 0, detail: bool = False) -> str:
    return adherence_words(figures, extra=extra, detail=detail)


@register.simple_tag(takes_context=True)
def unreviewed_count(context: Any) -> int:
    """Counted here, unless the page has counted it already (`unreviewed_waiting`)."""
    if "unreviewed_waiting" in context:
        return int(context["unreviewed_waiting"])
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return 0
    return count_unreviewed(user)


@register.inclusion_tag("homework/_recent_practice.html", takes_context=True)
def recent_practice(context: dict[str, Any], client: Client, limit: int = 5) -> dict[str, Any]:
    """The client's latest submissions, for the "Practise together" section of their page."""
    submissions = (
        Submission.objects.filter(client=client)
        .select_related("exercise_version__definition")
        .order_by("-submitted_at", "-id")[:limit]
    )
    return {"client": client, "submissions": submissions, "request": context.get("request")}


# A client's day, labelled as theirs, in the reader's language. These two stand in, in the pages
# of homework and progress, for the builtins of `stepwise.lib.timetags` (same names, same
# output in English) until that shared label is in the project's catalogue.


@register.filter
def client_day(day: date | None, fmt: str = "D j M") -> SafeString:
    """ "Sun 6 Dec, client's time": a client's local day on a therapist's page."""
    if day is None:
        return SafeString("")
    # The translated label is trusted as a template's own words are; only the day is escaped.
    label = gettext("%(when)s, client's time").replace("{", "{{").replace("}", "}}")
    return format_html(label.replace("%(when)s", "{when}"), when=format_date(day, fmt))


@register.filter
def client_day_if_other(when: datetime | None, day: date | None) -> SafeString:
    """After an instant in the reader's zone, the client's day it counted on, when that is
    another day ("Sun 6 Dec, 23:15 (Mon 7 Dec, client's time)"); nothing when they agree."""
    if when is None or day is None or timezone.localtime(when).date() == day:
        return SafeString("")
    return format_html(" ({})", client_day(day))
