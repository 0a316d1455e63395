"""Words of the progress pages that depend on a value, in the active language: a calendar day,
a client's day."""

from __future__ import annotations

from django import template

from stepwise.homework.templatetags.homework_tags import client_day, client_day_if_other
from stepwise.lib import charts
from stepwise.progress.client_progress import calendar_day_words

register = template.Library()


@register.filter
def day_words(day: charts.CalendarDay) -> str:
    """ "all done (2 of 2)": how a day of the adherence calendar reads, for its table."""
    return calendar_day_words(day)


# A client's day in the reader's language (see `homework_tags`).
register.filter("client_day", client_day)
register.filter("client_day_if_other", client_day_if_other)
