"""Template filters for a client's local day, available in every template (settings builtins).

A client's homework counts on their own calendar days. Shown to anyone else (their therapist,
perhaps a continent away) such a day says whose it is: "Sun 6 Dec, client's time".
Instants (when something happened) need nothing: `|date` shows them in the reader's zone, which
`ReaderTimeZoneMiddleware` (and `render_templated_email`) activate.

Dates in the reader's language: `{{ when|when:"moment" }}` picks the format of a named style for
the active language ("7 Dec 2026, 14:30" in English, "7 dic 2026, 14:30" in Spanish), so no
template hard-codes an English order or capitalisation. A new language adds its row here.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

register = template.Library()

# Named date styles, per language (Django's format characters; English is the fallback).
DATE_STYLES: dict[str, dict[str, str]] = {
    "en": {
        "day": "j M Y",  # 7 Dec 2026
        "short_day": "j M",  # 7 Dec
        "short_day_year": "j M y",  # 7 Dec 26
        "weekday": "D j M",  # Mon 7 Dec
        "weekday_year": "D j M Y",  # Mon 7 Dec 2026
        "long_day": "j F Y",  # 7 December 2026
        "moment": "j M Y, H:i",  # 7 Dec 2026, 14:30
        "moment_seconds": "j M Y, H:i:s",
        "table_moment": "j M Y H:i",
        "weekday_moment": "D j M Y, H:i",  # Mon 7 Dec 2026, 14:30
        "long_moment": "j F Y, H:i",  # 7 December 2026, 14:30
    },
    "es": {
        "day": "j b Y",  # 7 dic 2026
        "short_day": "j b",
        "short_day_year": "j b y",
        "weekday": "D j b",  # lun 7 dic
        "weekday_year": "D j b Y",
        "long_day": r"j \d\e F \d\e Y",  # 7 de diciembre de 2026
        "moment": "j b Y, H:i",
        "moment_seconds": "j b Y, H:i:s",
        "table_moment": "j b Y H:i",
        "weekday_moment": "D j b Y, H:i",
        "long_moment": r"j \d\e F \d\e Y, H:i",
    },
}


# An English format written out in a template stands for its style ("j M Y" is "day").
_STYLE_OF_FORMAT = {fmt: name for name, fmt in DATE_STYLES["en"].items()}


def date_style(style: str, language: str | None = None) -> str:
    """The format of a named style in `language` (default: the active one). An English format
    of a style is taken as that style; any other format as itself."""
    style = _STYLE_OF_FORMAT.get(style, style)
    code = (language or translation.get_language() or "en").split("-")[0]
    styles = DATE_STYLES.get(code, DATE_STYLES["en"])
    return styles.get(style, DATE_STYLES["en"].get(style, style))


@register.filter(expects_localtime=True, is_safe=False)
def when(value: date | datetime | None, style: str = "day") -> str:
    """A date or an instant in a named style of the reader's language (see DATE_STYLES)."""
    if value in (None, ""):
        return ""
    return str(date_filter(value, date_style(style)))


@register.filter
def client_day(day: date | None, fmt: str = "weekday") -> SafeString:
    """A client's local day for a therapist's page, labelled as the client's (`fmt`: a named
    style of DATE_STYLES, or a format)."""
    if day is None:
        return SafeString("")
    # The label is ours (the format), without markup; only the day is escaped.
    return format_html(_("{day}, client's time"), day=format_date(day, date_style(fmt)))


@register.filter
def client_day_if_other(when: datetime | None, day: date | None) -> SafeString:
    """After an instant shown in the reader's zone: the client's day it counted on, when that is
    another day ("Sun 6 Dec, 23:15 (Mon 7 Dec, client's time)"); nothing when they agree."""
    if when is None or day is None or timezone.localtime(when).date() == day:
        return SafeString("")
    return format_html(" ({})", client_day(day))


@register.filter
def relative_day(day: date | None, today: date | None = None) -> str:
    """A day as a person says it, in their language: "today", "tomorrow", "yesterday",
    "in 3 days", "3 days ago"; beyond a week, the day itself ("Mon 14 Dec"). Lower case, to
    stand inside a sentence (`|capfirst` to start one). `today` defaults to the reader's today."""
    if day is None:
        return ""
    today = today or timezone.localdate()
    delta = (day - today).days
    if delta == 0:
        return pgettext("relative day", "today")
    if delta == 1:
        return pgettext("relative day", "tomorrow")
    if delta == -1:
        return pgettext("relative day", "yesterday")
    if 1 < delta <= 7:
        return ngettext("in %(count)d day", "in %(count)d days", delta) % {"count": delta}
    if -7 <= delta < -1:
        return ngettext("%(count)d day ago", "%(count)d days ago", -delta) % {"count": -delta}
    return format_date(day, date_style("weekday" if day.year == today.year else "weekday_year"))
