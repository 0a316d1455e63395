"""Finding homework for the care team: out of scope answers 404, and every lookup is audited.

Each helper writes exactly one access record: allowed with whose data it was, or denied.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from stepwise.audit.actions import record_access
from stepwise.clinic.access import caseload_for
from stepwise.homework.models import Assignment, Completion, HomeworkPlan
from stepwise.homework.plans import visible_plans
from stepwise.lib.roles import signed_in_user


def get_completion_for_therapist(
    request: HttpRequest, completion_id: int, action: str
) -> Completion:
    """A completion of a client on the signed-in therapist's caseload; otherwise 404."""
    completion = (
        Completion.objects.filter(pk=completion_id, client__in=caseload_for(request.user))
        .select_related(
            "client",
            "assignment",
            "occurrence",
            "completed_by",
            "reviewed_by",
            "submission__exercise_version__definition",
            "assessment_response__instrument",
        )
        .first()
    )
    if completion is None:
        # Whose record was tried goes into the log; the answer reveals nothing.
        owner = Completion.objects.filter(pk=completion_id).values_list("client_id", flat=True)
        record_access(request, action, owner.first(), allowed=False)
        raise Http404("No such homework.")
    record_access(request, action, completion.client_id)
    return completion


def get_assignment_for_therapist(
    request: HttpRequest, client_id: int, assignment_id: int, action: str
) -> Assignment:
    """An assignment of a client on the therapist's caseload, addressed through that client."""
    client = caseload_for(request.user).filter(pk=client_id).select_related("practice").first()
    assignment = (
        Assignment.objects.filter(client=client, pk=assignment_id).first() if client else None
    )
    if client is None or assignment is None:
        record_access(request, action, client_id, allowed=False)
        raise Http404("No such homework.")
    record_access(request, action, client.pk)
    assignment.client = client
    return assignment


def get_plan_for_therapist(request: HttpRequest, plan_id: int) -> HomeworkPlan:
    """A plan the therapist may see (theirs, or shared in their practice). Plans hold no client
    data, so nothing is written to the access log."""
    plan = visible_plans(signed_in_user(request)).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan.")
    return plan
