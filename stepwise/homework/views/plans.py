"""Homework plans: save a client's current homework as a plan, list them, assign one, remove one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.clinic.access import get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.homework import plans
from stepwise.homework.access import get_plan_for_therapist
from stepwise.homework.actions import plans as plan_actions
from stepwise.homework.actions.assigning import HomeworkError
from stepwise.homework.forms import PlanAssignForm, PlanForm
from stepwise.homework.models import Assignment, AssignmentStatus
from stepwise.library.titles import reader_text


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def plan_new(request: HttpRequest, client_id: int) -> HttpResponse:
    """Save some of this client's current homework as a plan for other clients."""
    client = get_client_for_therapist(request, client_id, "homework.plan_new")
    current = Assignment.objects.filter(
        client=client, status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED]
    ).order_by("created_at", "id")
    form = PlanForm(
        request.POST or None,
        assignments=current,
        initial={"assignments": list(current.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_actions.save_plan(
                client=client,
                by=signed_in_user(request),
                name=form.cleaned_data["name"],
                shared_with_practice=form.cleaned_data["shared_with_practice"],
                assignments=list(form.cleaned_data["assignments"]),
            )
        except HomeworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Plan “%(name)s” saved.") % {"name": plan.name})
            return redirect("homework:plans")
    return render(
        request,
        "homework/staff_plan_new.html",
        {"client": client, "form": form, "has_current": current.exists()},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@therapist_required
def plan_assign(request: HttpRequest, client_id: int) -> HttpResponse:
    """Assign every item of a plan to this client, in one go."""
    client = get_client_for_therapist(request, client_id, "homework.plan_assign")
    user = signed_in_user(request)
    form = PlanAssignForm(request.POST, plans=plans.visible_plans(user))
    back = reverse("clinic:client_detail", kwargs={"client_id": client.pk}) + "#homework-heading"
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("plan", [_("Choose a plan.")]))
        )
        return redirect(back)
    plan = form.cleaned_data["plan"]
    try:
        result = plan_actions.assign_plan(plan, client=client, by=user)
    except HomeworkError as exc:
        messages.error(request, _("“%(name)s”: %(problem)s") % {"name": plan.name, "problem": exc})
        return redirect(back)
    if result.assigned:
        count = len(result.assigned)
        messages.success(
            request,
            ngettext(
                "“%(name)s” assigned: %(count)d piece of homework from today.",
                "“%(name)s” assigned: %(count)d pieces of homework from today.",
                count,
            )
            % {"name": plan.name, "count": count},
        )
    if result.skipped:
        messages.info(
            request,
            _("Already assigned, so left as they are: %(titles)s.")
            % {"titles": ", ".join(result.skipped)},
        )
    return redirect(back)


@require_safe
@therapist_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = [
        (
            plan,
            [
                (reader_text(str(item.get("title", ""))), plans.describe_item(item))
                for item in plan.items
            ],
        )
        for plan in plans.visible_plans(user).select_related("owner").order_by("name", "id")
    ]
    return render(request, "homework/staff_plans.html", {"rows": rows})


@require_POST
@therapist_required
def plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_therapist(request, plan_id)
    try:
        plan_actions.delete_plan(plan, by=signed_in_user(request))
    except HomeworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Plan “%(name)s” removed. Homework assigned from it stays.") % {"name": plan.name},
        )
    return redirect("homework:plans")
