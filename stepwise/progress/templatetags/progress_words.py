"""Words of the progress pages that depend on a value: a calendar day in the active language."""

from __future__ import annotations

from django import template

from stepwise.lib import charts
from stepwise.progress.client_progress import calendar_day_words

register = template.Library()


@register.filter
def day_words(day: charts.CalendarDay) -> str:
    """ "all done (2 of 2)": how a day of the adherence calendar reads, for its table."""
    return calendar_day_words(day)
