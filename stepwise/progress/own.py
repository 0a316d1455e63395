"""The client's own progress page (and a parent's view of their child's): encouraging, not clinical.

Practice streaks, minutes practised and their own measures; questionnaire results only when the
therapist has chosen to share them. A parent sees only the homework they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stepwise.accounts.models import User
from stepwise.assessments.models import SharedResults
from stepwise.assessments.results import Results
from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment, Completion
from stepwise.homework.today import visible_assignments
from stepwise.lib import charts
from stepwise.lib.tz import local_day_bounds, local_today
from stepwise.progress.client_progress import (
    ExerciseMetrics,
    metric_charts,
    metric_series,
    minutes_chart,
    score_results,
    sum_minutes,
)
from stepwise.progress.figures import Streak, streaks, week_start

OWN_METRIC_DAYS = 90
STREAK_LOOKBACK_DAYS = 400


@dataclass
class OwnProgress:
    client: Client
    as_caregiver: bool
    today: date
    streak: Streak
    days_practised_4_weeks: int
    minutes_this_week: int
    minutes_4_weeks: int
    minutes: charts.BarChart | None
    metrics: list[ExerciseMetrics] = field(default_factory=list)
    scores: list[Results] = field(default_factory=list)
    results_shared: bool = False

    @property
    def encouragement(self) -> str:
        if self.streak.current >= 2:
            return _("%(n)d days in a row. Keep it going!") % {"n": self.streak.current}
        if self.streak.current == 1:
            return _("You practised today or yesterday. Every day counts.")
        if self.days_practised_4_weeks:
            return _(
                "Every bit of practice helps. Pick up where you left off whenever you are ready."
            )
        return _("Your practice will show here as you go.")


def build_own_progress(user: User, client: Client) -> OwnProgress:
    as_caregiver = client.user_id != user.pk
    visible: QuerySet[Assignment] | None = (
        visible_assignments(user, [client]) if as_caregiver else None
    )
    today = local_today(client.time_zone, timezone.now())
    completions = Completion.objects.filter(
        client=client, local_date__gte=today - timedelta(days=STREAK_LOOKBACK_DAYS)
    )
    if visible is not None:
        completions = completions.filter(assignment__in=visible)
    done_days = list(completions.values_list("local_date", flat=True))
    minutes, minute_days = minutes_chart(client, today, visible=visible)
    four_weeks = today - timedelta(days=27)
    since, _end = local_day_bounds(today - timedelta(days=OWN_METRIC_DAYS - 1), client.time_zone)
    shared = SharedResults.objects.filter(client=client).exists()
    return OwnProgress(
        client=client,
        as_caregiver=as_caregiver,
        today=today,
        streak=streaks(done_days, today),
        days_practised_4_weeks=len({d for d in done_days if d >= four_weeks}),
        minutes_this_week=round(sum_minutes(minute_days, week_start(today))),
        minutes_4_weeks=round(sum_minutes(minute_days, four_weeks)),
        minutes=minutes,
        metrics=metric_charts(metric_series(client, since, visible=visible), id_prefix="own"),
        scores=score_results(client, client.time_zone, for_client=True) if shared else [],
        results_shared=shared,
    )
