"""Therapist pages for the caseload and a client's record, and the client's own home."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts import actions as account_actions
from stepwise.accounts.forms import LANGUAGE_SAVED, LanguageForm
from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic import actions
from stepwise.clinic.access import (
    caseload_for,
    get_client_for_therapist,
)
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.forms import ClientEditForm, ClientForm
from stepwise.clinic.models import CaregiverLink, Invitation, InvitationKind
from stepwise.clinic.roles import roles_for
from stepwise.lib.htmx import is_htmx
from stepwise.lib.tz import time_zone_names

CASELOAD_FILTERS = {
    "active": gettext_lazy("Active"),
    "discharged": gettext_lazy("Discharged"),
    "all": pgettext_lazy("clients", "All"),
}


@require_safe
@therapist_required
def caseload(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    status = request.GET.get("status", "active")
    if status not in CASELOAD_FILTERS:
        status = "active"
    clients = (
        caseload_for(request.user)
        .annotate(
            caregiver_count=Count("caregiver_links", distinct=True),
            has_open_invitation=Exists(
                Invitation.objects.open().filter(client=OuterRef("pk"), kind=InvitationKind.CLIENT)
            ),
        )
        .prefetch_related(Prefetch("therapists", queryset=User.objects.order_by("name", "email")))
        .order_by("display_name", "id")
    )
    if status == "active":
        clients = clients.filter(discharged_at__isnull=True)
    elif status == "discharged":
        clients = clients.filter(discharged_at__isnull=False)
    if query:
        clients = clients.filter(display_name__icontains=query)
    record_access(request, "caseload.list", None)
    context = {
        "clients": clients,
        "query": query,
        "status": status,
        "filters": CASELOAD_FILTERS,
    }
    template = "clinic/caseload.html#caseload-table" if is_htmx(request) else "clinic/caseload.html"
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def client_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    practice_id = roles_for(request).practice_id
    assert practice_id is not None
    form = ClientForm(
        request.POST or None,
        practice_id=practice_id,
        initial={"time_zone": user.time_zone, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        client = actions.add_client(user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s is on your caseload. Make an invitation so they can sign in.")
            % {"name": client.display_name},
        )
        return redirect("clinic:client_detail", client_id=client.pk)
    return render(
        request,
        "clinic/client_form.html",
        {"form": form, "time_zones": time_zone_names(), "client": None},
    )


@require_safe
@therapist_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "client.detail")
    links = CaregiverLink.objects.filter(client=client).select_related("caregiver")
    invitations = client.invitations.open().order_by("-created_at")
    return render(
        request,
        "clinic/client_detail.html",
        {
            "client": client,
            "care_team": client.therapists.order_by("name", "email"),
            "caregiver_links": links,
            "open_invitations": invitations,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "client.edit")
    initial = {
        "display_name": client.display_name,
        "email": client.email,
        "mobile": client.mobile,
        "time_zone": client.time_zone,
        "language": client.language,
        "is_minor": client.is_minor,
        "country": client.country,
        "therapists": list(client.therapists.all()),
        "next_session_on": client.next_session_on,
        "next_session_note": client.next_session_note,
    }
    form = ClientEditForm(
        request.POST or None, practice_id=client.practice_id, client=client, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        therapists = list(data.pop("therapists"))
        try:
            actions.update_client(client, therapists=therapists, **data)
        except actions.ActionError as exc:
            form.add_error("therapists", str(exc))
        else:
            messages.success(request, _("Changes saved."))
            if request.user in therapists:
                return redirect("clinic:client_detail", client_id=client.pk)
            return redirect("clinic:caseload")
    return render(
        request,
        "clinic/client_form.html",
        {"form": form, "time_zones": time_zone_names(), "client": client},
    )


@require_POST
@therapist_required
def client_discharge(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "client.discharge")
    actions.set_discharged(client, discharged=client.discharged_at is None)
    if client.discharged_at:
        messages.success(
            request,
            _("%(name)s is discharged. Their record is kept.") % {"name": client.display_name},
        )
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": client.display_name})
    return redirect("clinic:client_detail", client_id=client.pk)


@require_POST
@therapist_required
def caregiver_unlink(request: HttpRequest, client_id: int, link_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "caregiver.unlink")
    link = CaregiverLink.objects.filter(client=client, pk=link_id).first()
    if link is None:
        record_access(request, "caregiver.unlink", client.pk, allowed=False)
        raise Http404("No such caregiver link.")
    actions.unlink_caregiver(link)
    messages.success(request, _("The parent or carer no longer has access to this client."))
    return redirect("clinic:client_detail", client_id=client.pk)


@require_POST
@therapist_required
def caregiver_language(request: HttpRequest, client_id: int, link_id: int) -> HttpResponse:
    """The therapist sets a linked parent or carer's language (theirs, not the child's)."""
    client = get_client_for_therapist(request, client_id, "caregiver.language")
    link = CaregiverLink.objects.filter(client=client, pk=link_id).select_related("caregiver")
    found = link.first()
    if found is None:
        record_access(request, "caregiver.language", client.pk, allowed=False)
        raise Http404("No such caregiver link.")
    form = LanguageForm(request.POST)
    if not form.is_valid():
        # Only a tampered or stale form gets here (the page offers a list): say so, change nothing.
        messages.error(
            request,
            _("%(name)s's language is not saved: choose one of the languages in the list.")
            % {"name": found.caregiver.display_name},
        )
        return redirect("clinic:client_detail", client_id=client.pk)
    language = form.cleaned_data["language"]
    account_actions.set_language(found.caregiver, language)
    name = get_language_info(language)["name_local"]
    messages.success(
        request,
        LANGUAGE_SAVED % {"name": found.caregiver.display_name, "language": name},
    )
    return redirect("clinic:client_detail", client_id=client.pk)
