"""Template filters for a client's local day, available in every template (settings builtins).

A client's homework counts on their own calendar days. Shown to anyone else (their therapist,
perhaps a continent away) such a day says whose it is: "Sun 6 Dec, client's time".
Instants (when something happened) need nothing: `|date` shows them in the reader's zone, which
`ReaderTimeZoneMiddleware` (and `render_templated_email`) activate.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def client_day(day: date | None, fmt: str = "D j M") -> SafeString:
    """A client's local day for a therapist's page, labelled as the client's."""
    if day is None:
        return SafeString("")
    # The label is ours (the format), without markup; only the day is escaped.
    return format_html(_("{day}, client's time"), day=format_date(day, fmt))


@register.filter
def client_day_if_other(when: datetime | None, day: date | None) -> SafeString:
    """After an instant shown in the reader's zone: the client's day it counted on, when that is
    another day ("Sun 6 Dec, 23:15 (Mon 7 Dec, client's time)"); nothing when they agree."""
    if when is None or day is None or timezone.localtime(when).date() == day:
        return SafeString("")
    return format_html(" ({})", client_day(day))
