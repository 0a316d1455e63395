"""Every write of progress: its stored dashboard figures (`models.ClientFigures`), derived data.

progress owns no source data (DESIGN.md); these rows can all be rebuilt. `stored.py` computes
the figures and stores them here; the actions of the apps below progress put them out of date
through the domain signals that `follow.py` connects to the `mark_*` functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import F, QuerySet

from stepwise.assessments.models import AssessmentResponse
from stepwise.homework.models import Assignment
from stepwise.progress.models import ClientFigures

# --- rows and computed figures --------------------------------------------------------------


def add_row(client_id: int) -> None:
    """A new client's row, out of date until first read (clients made otherwise, in bulk, get
    theirs on their first read)."""
    ClientFigures.objects.bulk_create([ClientFigures(client_id=client_id)], ignore_conflicts=True)


def add_missing_rows(client_ids: Sequence[int]) -> dict[int, int]:
    """Rows for clients that have none (made in bulk, outside `clinic.actions.add_client`);
    returns each one's `version` as stored (one INSERT, one SELECT)."""
    ClientFigures.objects.bulk_create(
        [ClientFigures(client_id=pk) for pk in client_ids], ignore_conflicts=True
    )
    return dict(
        ClientFigures.objects.filter(client_id__in=client_ids).values_list("client_id", "version")
    )


def store_figures(rows: Sequence[ClientFigures], fields: Sequence[str]) -> None:
    """Write computed figures over their existing rows (one bulk UPDATE of `fields`)."""
    ClientFigures.objects.bulk_update(rows, list(fields))


# --- out of date ----------------------------------------------------------------------------


def mark_changed(client_ids: Iterable[int]) -> None:
    """Put these clients' figures out of date (one UPDATE; call inside the writer's transaction)."""
    ids = sorted(set(client_ids))
    if ids:
        _bump(ClientFigures.objects.filter(client_id__in=ids))


def mark_assignments_changed(assignment_ids: Iterable[int]) -> None:
    """Put the figures of these assignments' clients out of date (one UPDATE)."""
    assignments = Assignment.objects.filter(pk__in=list(assignment_ids))
    _bump(ClientFigures.objects.filter(client_id__in=assignments.values("client_id")))


def mark_responses_changed(response_ids: Iterable[int]) -> None:
    """Put the figures of these questionnaire responses' clients out of date (one UPDATE)."""
    responses = AssessmentResponse.objects.filter(pk__in=list(response_ids))
    _bump(ClientFigures.objects.filter(client_id__in=responses.values("client_id")))


def mark_practice_changed(practice_id: int | None) -> None:
    """Put every client's figures of a practice out of date (of every practice: None), as when
    the instrument definitions behind their verdicts may have changed (one UPDATE)."""
    rows = ClientFigures.objects.all()
    if practice_id is not None:
        rows = rows.filter(client__practice_id=practice_id)
    _bump(rows)


def _bump(rows: QuerySet[ClientFigures]) -> None:
    rows.update(version=F("version") + 1)
