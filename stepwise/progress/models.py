"""Stored figures: each client's caseload figures, kept so the dashboard need not recompute them.

Derived data only. Every row can be rebuilt from the homework and assessment tables, and is
rebuilt whenever it is out of date (`stored.current_figures`); losing the table loses nothing.
"""

from __future__ import annotations

from django.db import models

from stepwise.clinic.models import Client


class ClientFigures(models.Model):
    """One client's dashboard figures as of a local day.

    Writes that change the figures (a submission, a completion, a questionnaire, a new schedule)
    add one to `version` in their own transaction. The figures in `data` were computed when the
    row's version was `fresh_version`, on the client's local day `as_of`; they are current only
    while both still hold. A recomputation that races a write stores the version it read, so the
    row stays out of date and is computed again on the next read, never the other way round.
    Everything that depends on the day (inactivity) is as of `as_of`, so current with the row.
    """

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    version = models.PositiveBigIntegerField(default=1)
    fresh_version = models.PositiveBigIntegerField(default=0)
    as_of = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)  # `stored.FiguresData`: named keys
    computed_at = models.DateTimeField(null=True, blank=True)
    # The dashboard's sort and filter columns, from the same computation as `data`, so a
    # caseload is sorted, filtered and paged without decoding every client's figures.
    week_rate = models.FloatField(null=True, blank=True)  # None: nothing was due
    month_rate = models.FloatField(null=True, blank=True)
    inactive_days = models.PositiveIntegerField(null=True, blank=True)  # local days; None: never
    overdue = models.PositiveIntegerField(default=0)
    inactive = models.BooleanField(default=False)  # quiet `INACTIVE_DAYS`+ days, homework due
    deteriorated = models.BooleanField(default=False)  # a latest score reliably worse

    class Meta:
        verbose_name_plural = "client figures"

    def __str__(self) -> str:
        return f"Figures of client {self.client_id} as of {self.as_of}"
