"""Erasing a client's record: at the end of the retention period, or at once on a verified request.

Everything about the client goes, in one transaction per client, children before parents
(the PROTECT relations refuse any other order): reminders and reminder settings, drafts,
feedback, alerts, completions, metric values, submissions, score revisions, assessment
responses, occurrences, schedules, assignments, shared results, invitations, caregiver links, the
client row, and the accounts that existed only for this record (the client's own sign-in, and
carers who are linked to no one else). Media files belong to the practice's library, not to a
client, so none are removed.

Submissions, assessment responses and score revisions refuse deletion through their models and
querysets, and on PostgreSQL a trigger refuses it too. This module is the one deliberate path
around both: it deletes those rows with `QuerySet._raw_delete`, and on PostgreSQL it sets
`stepwise.erasing = 'on'` with `set_config(..., is_local => true)` (`SET LOCAL`) just around those
deletes, which the trigger (assessments migration 0005) accepts for DELETE only.

The access log is kept (who, whose id, what, when, where, outcome: nothing clinical), and one
entry is added per erased record: `client.erased` or `client.purged`, naming the client by id only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from stepwise.accounts.actions import roles_changed
from stepwise.accounts.models import User
from stepwise.assessments.models import (
    Alert,
    AssessmentResponse,
    EpisodeStart,
    ScoreRevision,
    SharedResults,
)
from stepwise.audit.models import AccessLog, Outcome
from stepwise.clinic.models import CaregiverLink, Client, Invitation, Membership
from stepwise.homework.models import (
    Assignment,
    Completion,
    Draft,
    Feedback,
    MetricValue,
    Occurrence,
    Submission,
)
from stepwise.reminders.models import PushSubscription, Reminder, ReminderPreferences


class ErasureError(Exception):
    """The record cannot be erased (it does not exist)."""


@dataclass
class Erased:
    client_id: int
    rows: dict[str, int] = field(default_factory=dict)  # table label -> rows removed
    accounts: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@contextmanager
def _trigger_allows_erasure(using: str) -> Iterator[None]:
    """On PostgreSQL, let this transaction DELETE written-once rows, and only for this block."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('stepwise.erasing', 'on', true)")
    yield
    # Reached only when the deletes worked; after an error the rollback undoes SET LOCAL itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('stepwise.erasing', 'off', true)")


def _delete(erased: Erased, queryset: QuerySet, *, raw: bool = False) -> None:
    label = queryset.model._meta.label
    if raw:
        # Written-once rows: past the model's guard on purpose, never through the collector.
        count = queryset._raw_delete(queryset.db) or 0  # None when nothing could match
        erased.rows[label] = erased.rows.get(label, 0) + count
        return
    _total, per_model = queryset.delete()
    for model_label, count in per_model.items():
        erased.rows[model_label] = erased.rows.get(model_label, 0) + count


def _left_without_a_role(user_ids: set[int]) -> list[User]:
    """Accounts that belonged to nobody else: no practice, no other client, no staff rights."""
    return list(
        User.objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False)
        .exclude(pk__in=Membership.objects.values("user_id"))
        .exclude(pk__in=Client.objects.filter(user__isnull=False).values("user_id"))
        .exclude(pk__in=CaregiverLink.objects.values("caregiver_id"))
    )


def erase_client(
    client_id: int,
    *,
    reason: str = "erased",
    actor: User | None = None,
    source: str = "manage.py erase_client",
    using: str = DEFAULT_DB_ALIAS,
) -> Erased:
    """Remove one client's record and everything hanging from it; leave one audit entry."""
    if reason not in ("erased", "purged"):
        raise ValueError("reason is 'erased' or 'purged'")
    erased = Erased(client_id=client_id)
    with transaction.atomic(using=using):
        client = Client.objects.using(using).select_for_update().filter(pk=client_id).first()
        if client is None:
            raise ErasureError(f"There is no client with id {client_id}.")
        accounts = {client.user_id} if client.user_id else set()
        accounts |= set(
            CaregiverLink.objects.filter(client=client).values_list("caregiver_id", flat=True)
        )
        submission_ids = list(Submission.objects.filter(client=client).values_list("pk", flat=True))
        response_ids = list(
            AssessmentResponse.objects.filter(client=client).values_list("pk", flat=True)
        )
        assignment_ids = list(Assignment.objects.filter(client=client).values_list("pk", flat=True))

        # Reminders point at occurrences and feedback: they go first.
        _delete(erased, Reminder.objects.filter(client=client))
        _delete(erased, ReminderPreferences.objects.filter(client=client))
        _delete(erased, PushSubscription.objects.filter(client=client))
        _delete(erased, Draft.objects.filter(assignment_id__in=assignment_ids))
        _delete(erased, Feedback.objects.filter(completion__client=client))
        # Alerts and completions protect responses, submissions, occurrences and assignments.
        _delete(erased, Alert.objects.filter(Q(client=client) | Q(response_id__in=response_ids)))
        _delete(
            erased,
            Completion.objects.filter(Q(client=client) | Q(assignment_id__in=assignment_ids)),
        )
        _delete(
            erased,
            MetricValue.objects.filter(Q(client=client) | Q(submission_id__in=submission_ids)),
        )
        with _trigger_allows_erasure(using):
            _delete(erased, Submission.objects.filter(pk__in=submission_ids), raw=True)
            _delete(erased, ScoreRevision.objects.filter(response_id__in=response_ids), raw=True)
            _delete(erased, AssessmentResponse.objects.filter(pk__in=response_ids), raw=True)
        _delete(erased, Occurrence.objects.filter(client=client))
        _delete(erased, Assignment.objects.filter(pk__in=assignment_ids))
        _delete(erased, SharedResults.objects.filter(client=client))
        _delete(erased, EpisodeStart.objects.filter(client=client))
        _delete(erased, Invitation.objects.filter(client=client))
        _delete(erased, CaregiverLink.objects.filter(client=client))
        _delete(erased, Client.objects.filter(pk=client.pk))
        for user in _left_without_a_role(accounts):
            User.objects.filter(pk=user.pk).delete()  # sessions end: the account is gone
            erased.accounts += 1
        # The accounts that stay (a carer of another client too) lose this role at once.
        roles_changed(*accounts)
        AccessLog.objects.create(
            actor=actor,
            client_id=client_id,
            action=f"client.{reason}",
            path=source[:300],
            ip=None,
            outcome=Outcome.ALLOWED,
        )
    return erased


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Records discharged before this moment are past the retention period."""
    now = now or timezone.now()
    years = int(settings.STEPWISE_RETENTION_YEARS)
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February, in a year without one
        return now.replace(year=now.year - years, day=28)


def expired_client_ids(now: datetime | None = None) -> list[int]:
    cutoff = retention_cutoff(now)
    return list(
        Client.objects.filter(discharged_at__isnull=False, discharged_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def purge_expired(now: datetime | None = None) -> list[Erased]:
    """Erase every record discharged longer ago than STEPWISE_RETENTION_YEARS, one at a time."""
    return [
        erase_client(client_id, reason="purged", source="manage.py purge_expired")
        for client_id in expired_client_ids(now)
    ]
