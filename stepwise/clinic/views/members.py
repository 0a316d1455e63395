"""The practice's members: list, invite colleagues, set roles (admins only change things)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from stepwise.accounts.signed_in import signed_in_user
from stepwise.audit.actions import record_access
from stepwise.clinic import actions
from stepwise.clinic.decorators import practice_admin_required, therapist_required
from stepwise.clinic.forms import MemberRoleForm, PracticeTimeZoneForm, TherapistInviteForm
from stepwise.clinic.models import Membership, Practice
from stepwise.clinic.roles import roles_for
from stepwise.lib.emails import send_templated_email
from stepwise.lib.tz import time_zone_names


def _practice(request: HttpRequest) -> Practice:
    practice_id = roles_for(request).practice_id
    assert practice_id is not None  # the views using this require a membership
    return Practice.objects.get(pk=practice_id)


def _members_page(
    request: HttpRequest,
    invite_form: TherapistInviteForm,
    status: int = 200,
    zone_form: PracticeTimeZoneForm | None = None,
) -> HttpResponse:
    practice = _practice(request)
    members = (
        Membership.objects.filter(practice=practice).select_related("user").order_by("user__name")
    )
    open_invitations = practice.invitations.open().filter(kind="therapist")
    return render(
        request,
        "clinic/members.html",
        {
            "practice": practice,
            "members": members,
            "invite_form": invite_form,
            "zone_form": zone_form
            or PracticeTimeZoneForm(initial={"time_zone": practice.time_zone}),
            "time_zones": time_zone_names(),
            "open_invitations": open_invitations,
            "is_admin": roles_for(request).admin,
            "role_choices": MemberRoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
        },
        status=status,
    )


@require_safe
@therapist_required
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request, TherapistInviteForm())


@require_POST
@practice_admin_required
def member_invite(request: HttpRequest) -> HttpResponse:
    form = TherapistInviteForm(request.POST)
    user = signed_in_user(request)
    if form.is_valid():
        try:
            issued = actions.invite_therapist(_practice(request), user, **form.cleaned_data)
        except actions.ActionError as exc:
            form.add_error("email", str(exc))
        else:
            invitation = issued.invitation
            send_templated_email(
                "staff_invitation",
                invitation.email,
                invitation.email_context(issued.path),
                time_zone=invitation.recipient_zone,
                language=invitation.language,
            )
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": issued.invitation.email}
            )
            return redirect("clinic:members")
    return _members_page(request, form, status=400)


@require_POST
@practice_admin_required
def practice_time_zone(request: HttpRequest) -> HttpResponse:
    form = PracticeTimeZoneForm(request.POST)
    if not form.is_valid():
        return _members_page(request, TherapistInviteForm(), status=400, zone_form=form)
    actions.set_practice_time_zone(_practice(request), form.cleaned_data["time_zone"])
    messages.success(request, _("The practice's time zone is saved."))
    return redirect("clinic:members")


@require_POST
@practice_admin_required
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = Membership.objects.filter(pk=membership_id, practice=_practice(request)).first()
    if membership is None:
        raise Http404("No such member.")
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose admin or therapist."))
    else:
        try:
            actions.set_member_role(membership, form.cleaned_data["role"])
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.display_name, "role": membership.get_role_display()},
            )
    return redirect("clinic:members")


@require_POST
@practice_admin_required
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Remove a therapist from the practice: they lose access on their next request."""
    membership = (
        Membership.objects.filter(pk=membership_id, practice=_practice(request))
        .select_related("user", "practice")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    user = signed_in_user(request)
    name = membership.user.display_name
    try:
        handed = actions.remove_member(membership, by=user)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("clinic:members")
    record_access(request, "practice.member_removed", None)
    messages.success(
        request,
        _("%(name)s no longer belongs to %(practice)s and is signed out.")
        % {"name": name, "practice": membership.practice.name},
    )
    if handed:
        count = len(handed)
        messages.warning(
            request,
            ngettext(
                "%(count)d client who had no other therapist is now on your caseload. Add a "
                "colleague to their care team, or discharge them.",
                "%(count)d clients who had no other therapist are now on your caseload. Add a "
                "colleague to their care team, or discharge them.",
                count,
            )
            % {"count": count},
        )
    return redirect("clinic:members")
