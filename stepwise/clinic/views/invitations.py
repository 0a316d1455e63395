"""Invitations: making them (link + QR code), listing, revoking, and accepting."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.actions import create_invited_user
from stepwise.accounts.forms import AcceptInvitationForm
from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic import actions
from stepwise.clinic.access import caseload_for, get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.forms import CaregiverInviteForm
from stepwise.clinic.models import Invitation, InvitationKind
from stepwise.clinic.roles import roles_for
from stepwise.lib.emails import send_templated_email
from stepwise.lib.language import reader_language
from stepwise.lib.tz import time_zone_names


def _created_page(
    request: HttpRequest, issued: actions.IssuedInvitation, emailed: bool
) -> HttpResponse:
    """The one time the link can be shown: the token itself is never stored."""
    qr = segno.make(issued.url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "clinic/invitation_created.html",
        {"issued": issued, "invitation": issued.invitation, "qr_data_uri": qr, "emailed": emailed},
    )


def _send_invitation(issued: actions.IssuedInvitation, to: str) -> None:
    invitation = issued.invitation
    send_templated_email(
        "invitation",
        to,
        invitation.email_context(issued.path),
        time_zone=invitation.recipient_zone,
        language=invitation.language,
    )


@require_POST
@therapist_required
def client_invite(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "invitation.create")
    user = signed_in_user(request)
    try:
        issued = actions.invite_client(client, user)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("clinic:client_detail", client_id=client.pk)
    emailed = bool(request.POST.get("send_email")) and bool(client.email)
    if emailed:
        _send_invitation(issued, client.email)
    return _created_page(request, issued, emailed)


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def caregiver_invite(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "invitation.create")
    user = signed_in_user(request)
    form = CaregiverInviteForm(request.POST or None, initial={"language": client.language})
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.invite_caregiver(client, user, **form.cleaned_data)
        except actions.ActionError as exc:
            form.add_error("email", str(exc))
        else:
            _send_invitation(issued, issued.invitation.email)
            return _created_page(request, issued, emailed=True)
    return render(request, "clinic/caregiver_invite.html", {"form": form, "client": client})


def _invitations_for(request: HttpRequest) -> Q:
    """Invitations this therapist may see: their clients', and staff ones if an admin."""
    roles = roles_for(request)
    scope = Q(client__in=caseload_for(request.user))
    if roles.admin:
        scope |= Q(kind=InvitationKind.THERAPIST, practice_id=roles.practice_id)
    return scope


@require_safe
@therapist_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = (
        Invitation.objects.open()
        .filter(_invitations_for(request))
        .select_related("client", "created_by")
        .order_by("-created_at")
    )
    record_access(request, "invitation.list", None)
    return render(request, "clinic/invitation_list.html", {"invitations": invitations})


@require_POST
@therapist_required
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(_invitations_for(request), pk=invitation_id).first()
    if invitation is None:
        record_access(request, "invitation.revoke", None, allowed=False)
        raise Http404("No such invitation.")
    try:
        actions.revoke_invitation(invitation)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation is revoked; its link no longer works."))
    next_url = request.POST.get("next", "")
    if invitation.client_id and next_url == "client":
        return redirect("clinic:client_detail", client_id=invitation.client_id)
    return redirect("clinic:invitation_list")


INVALID_MESSAGES = {
    "unknown": (
        gettext_lazy("We don't recognise this link"),
        gettext_lazy("Check that you copied the whole link, or ask for a new one."),
    ),
    "expired": (
        gettext_lazy("This invitation has expired"),
        gettext_lazy("Ask your therapist or practice for a new invitation."),
    ),
    "revoked": (
        gettext_lazy("This invitation was withdrawn"),
        gettext_lazy("Ask your therapist or practice for a new invitation."),
    ),
    "accepted": (
        gettext_lazy("This invitation has already been used"),
        gettext_lazy("If it was you, sign in instead."),
    ),
}


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation, status = actions.find_open_invitation(token)
    if invitation is not None and not request.user.is_authenticated:
        _read_in_invitation_language(request, invitation)
    if invitation is None or status != "open":
        title, advice = INVALID_MESSAGES[status]
        return render(
            request,
            "clinic/invitation_invalid.html",
            {"title": title, "advice": advice, "status": status},
            status=404 if status == "unknown" else 410,
        )
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation)

    staff = invitation.kind == InvitationKind.THERAPIST
    form = AcceptInvitationForm(
        request.POST or None,
        staff=staff,
        default_zone=invitation.recipient_zone,
        initial={
            "email": invitation.email,
            "sign_in": "link",
            # A client keeps the zone their therapist set (their homework days are in it);
            # others get their device's zone from the page's script, else the default.
            "time_zone": invitation.client.time_zone
            if invitation.kind == InvitationKind.CLIENT and invitation.client is not None
            else "",
        },
    )
    if staff:
        # A staff invitation is for the address it was emailed to.
        form.fields["email"].disabled = True
        form.fields["email"].initial = invitation.email
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        use_password = staff or data.get("sign_in") == "password"
        try:
            with transaction.atomic():
                user = create_invited_user(
                    email=data["email"],
                    name=data["name"],
                    time_zone=data["time_zone"],
                    password=data["password"] if use_password else None,
                    email_verified=staff,
                    # The language the page was read in: the invitation's, unless the
                    # person chose another with the switcher.
                    language=translation.get_language(),
                )
                actions.accept_invitation(invitation, user)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Stepwise. Your account is ready."))
            return redirect("home")
    return render(
        request,
        "clinic/invitation_accept.html",
        {"form": form, "invitation": invitation, "time_zones": time_zone_names()},
    )


def _read_in_invitation_language(request: HttpRequest, invitation: Invitation) -> None:
    """The accept page speaks the invitation's language (the one its email was written in),
    unless this browser chose one with the language switcher."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    language = reader_language(
        chosen if chosen in dict(settings.LANGUAGES) else invitation.language
    )
    translation.activate(language)  # not override: the response's Content-Language reads it
    request.LANGUAGE_CODE = language


def _accept_signed_in(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """A signed-in caregiver can link another child; anyone else must sign out first."""
    user = signed_in_user(request)
    roles = roles_for(request)
    can_link = (
        invitation.kind == InvitationKind.CAREGIVER and not roles.therapist and not roles.client
    )
    if request.method == "POST" and can_link:
        try:
            actions.accept_invitation(invitation, user)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The link to your account is made."))
        return redirect("home")
    return render(
        request,
        "clinic/invitation_signed_in.html",
        {"invitation": invitation, "can_link": can_link},
    )
