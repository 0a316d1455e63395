"""Every write to practices, clients, caregivers and invitations goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stepwise.accounts.actions import roles_changed, set_language
from stepwise.accounts.models import User, hash_token, new_token
from stepwise.clinic.models import (
    COUNTRY_NAMES,
    CaregiverLink,
    Client,
    Invitation,
    InvitationKind,
    Membership,
    Practice,
    Role,
)
from stepwise.clinic.signals import caregiver_linked, client_added, client_schedule_changed
from stepwise.lib.language import reader_language


class ActionError(Exception):
    """A request that cannot be carried out; the message is shown to the person."""


def create_solo_practice(user: User, name: str = "") -> Practice:
    """A therapist who signs up gets a practice of their own, with them as its admin."""
    with transaction.atomic():
        practice = Practice.objects.create(
            name=name or f"{user.display_name}'s practice", time_zone=user.time_zone
        )
        Membership.objects.create(practice=practice, user=user, role=Role.ADMIN)
        roles_changed(user.pk)
    return practice


def set_practice_time_zone(practice: Practice, time_zone: str) -> None:
    """The zone new colleagues start in (each member's own zone is theirs to change)."""
    practice.time_zone = time_zone
    practice.save(update_fields=["time_zone"])


def add_client(
    therapist: User,
    *,
    display_name: str,
    time_zone: str,
    email: str = "",
    mobile: str = "",
    is_minor: bool = False,
    country: str = "",
    language: str = "",
) -> Client:
    membership = Membership.objects.get(user=therapist)
    with transaction.atomic():
        client = Client.objects.create(
            practice=membership.practice,
            display_name=display_name,
            email=email.lower(),
            mobile=mobile,
            time_zone=time_zone,
            is_minor=is_minor,
            country=country,
            language=reader_language(language),
            created_by=therapist,
        )
        client.therapists.add(therapist)
        client_added.send(Client, client=client)
    return client


def update_client(
    client: Client,
    *,
    display_name: str,
    time_zone: str,
    email: str,
    mobile: str,
    is_minor: bool,
    country: str = "",
    language: str = "",
    therapists: list[User] | None = None,
    next_session_on: date | None = None,
    next_session_note: str = "",
) -> Client:
    with transaction.atomic():
        zone_moved = client.time_zone != time_zone
        client.next_session_on = next_session_on
        client.next_session_note = next_session_note
        client.display_name = display_name
        client.time_zone = time_zone
        client.email = email.lower()
        client.mobile = mobile
        client.is_minor = is_minor
        client.country = country
        if language:
            client.language = reader_language(language)
        client.save()
        if language and client.user is not None:
            # One setting: the client's account reads in the language their therapist set.
            set_language(client.user, client.language)
        if therapists is not None:
            if not therapists:
                raise ActionError(_("A client needs at least one therapist on their care team."))
            members = Membership.objects.filter(user__in=therapists, practice=client.practice)
            if members.count() != len(set(therapists)):
                raise ActionError(_("Only therapists of this practice can join the care team."))
            client.therapists.set(therapists)
        if zone_moved:
            client_schedule_changed.send(Client, client=client)
    return client


def follow_own_time_zone(user: User) -> None:
    """A client who changed the time zone in their own settings moved: their homework days and
    reminders follow them. Called inside `update_account_settings`' transaction (by the
    `accounts.signals.time_zone_changed` event, see `ClinicConfig.ready`)."""
    for client in Client.objects.filter(user=user).exclude(time_zone=user.time_zone):
        client.time_zone = user.time_zone
        client.save(update_fields=["time_zone"])
        client_schedule_changed.send(Client, client=client)


def follow_own_language(user: User) -> None:
    """A client who chose another language in their own settings: what is sent to them follows
    (called inside the action's transaction, by `accounts.signals.language_changed`)."""
    Client.objects.filter(user=user).exclude(language=user.language).update(language=user.language)


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return f"/invite/{self.token}/"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"


def _issue(**fields: object) -> IssuedInvitation:
    token = new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        **fields,
    )
    return IssuedInvitation(invitation, token)


def invite_client(client: Client, by: User) -> IssuedInvitation:
    if client.user_id is not None:
        raise ActionError(_("%(name)s already has an account.") % {"name": client.display_name})
    if client.invitations.filter(kind=InvitationKind.CLIENT).open().exists():
        raise ActionError(
            _("%(name)s already has an open invitation. Revoke it first to make a new one.")
            % {"name": client.display_name}
        )
    return _issue(
        kind=InvitationKind.CLIENT,
        practice=client.practice,
        client=client,
        email=client.email,
        language=client.language,  # the language their therapist set for them
        created_by=by,
    )


def invite_caregiver(
    client: Client, by: User, *, email: str, relationship: str, language: str = ""
) -> IssuedInvitation:
    """A parent or carer's invitation, in their own language (which may not be the child's)."""
    email = email.lower()
    if CaregiverLink.objects.filter(client=client, caregiver__email=email).exists():
        raise ActionError(f"{email} is already linked to {client.display_name}.")
    if client.invitations.filter(kind=InvitationKind.CAREGIVER, email=email).open().exists():
        raise ActionError(f"{email} already has an open invitation for {client.display_name}.")
    return _issue(
        kind=InvitationKind.CAREGIVER,
        practice=client.practice,
        client=client,
        email=email,
        relationship=relationship,
        language=reader_language(language or client.language),
        created_by=by,
    )


def invite_therapist(
    practice: Practice, by: User, *, email: str, role: str, language: str = ""
) -> IssuedInvitation:
    email = email.lower()
    if Membership.objects.filter(user__email=email).exists():
        raise ActionError(_("%(email)s already belongs to a practice.") % {"email": email})
    if practice.invitations.filter(kind=InvitationKind.THERAPIST, email=email).open().exists():
        raise ActionError(
            _("%(email)s already has an open invitation to this practice.") % {"email": email}
        )
    return _issue(
        kind=InvitationKind.THERAPIST,
        practice=practice,
        email=email,
        role=role,
        language=reader_language(language or by.language),
        created_by=by,
    )


# Why an invitation can no longer be revoked, by its status.
_CLOSED = {
    "accepted": lambda: _("This invitation is already used."),
    "expired": lambda: _("This invitation has already expired."),
    "revoked": lambda: _("This invitation is already revoked."),
}


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.status != "open":
        raise ActionError(_CLOSED.get(invitation.status, _CLOSED["accepted"])())
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def find_open_invitation(token: str) -> tuple[Invitation | None, str]:
    """The invitation for a token and its status ("open", "expired", ...), or (None, "unknown")."""
    invitation = (
        Invitation.objects.select_related("practice", "client")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        return None, "unknown"
    return invitation, invitation.status


def accept_invitation(invitation: Invitation, user: User) -> None:
    """Attach ``user`` to what the invitation offers. Single use, even under a race."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if claimed != 1:
            raise ActionError(_("This invitation has already been used, revoked or has expired."))
        if invitation.kind == InvitationKind.THERAPIST:
            if Membership.objects.filter(user=user).exists():
                raise ActionError(_("This account already belongs to a practice."))
            Membership.objects.create(
                practice=invitation.practice, user=user, role=invitation.role or Role.THERAPIST
            )
        elif invitation.kind == InvitationKind.CLIENT:
            assert invitation.client is not None
            # From now on the record's language is the account's (one setting, see
            # follow_own_language): the language the person chose while signing up.
            updated = Client.objects.filter(pk=invitation.client.pk, user__isnull=True).update(
                user=user, language=user.language
            )
            if updated != 1:
                raise ActionError(_("This client already has an account."))
        else:
            assert invitation.client is not None
            link_caregiver(user, invitation.client, relationship=invitation.relationship)
        roles_changed(user.pk)


def link_caregiver(caregiver: User, client: Client, *, relationship: str = "") -> CaregiverLink:
    """Link a parent or carer to a client (once; a second call returns the existing link)."""
    with transaction.atomic():
        link, created = CaregiverLink.objects.get_or_create(
            caregiver=caregiver, client=client, defaults={"relationship": relationship}
        )
        if created:
            roles_changed(caregiver.pk)
            caregiver_linked.send(CaregiverLink, link=link)
    return link


def set_member_role(membership: Membership, role: str) -> None:
    if role not in Role.values:
        raise ActionError(_("Choose admin or therapist."))
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            practice=membership.practice, role=Role.ADMIN
        )
        if membership.role == Role.ADMIN and role != Role.ADMIN and len(list(admins)) <= 1:
            raise ActionError(
                _("A practice needs at least one admin. Make someone else admin first.")
            )
        membership.role = role
        membership.save(update_fields=["role"])
        roles_changed(membership.user_id)


def remove_member(membership: Membership, *, by: User) -> list[Client]:
    """Take a therapist out of the practice, with effect on their next request.

    Their membership goes, they leave every care team, and every session of theirs ends. Clients
    left with no therapist at all are handed to the admin who removed them (someone must hold
    the record); the list of those clients is returned. Never the last admin, never oneself.
    """
    from stepwise.accounts.actions import sign_out_everywhere

    if membership.user_id == by.pk:
        raise ActionError(_("You cannot remove yourself. Ask another admin of the practice."))
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            practice=membership.practice, role=Role.ADMIN
        )
        if membership.role == Role.ADMIN and len(list(admins)) <= 1:
            raise ActionError(
                _("A practice needs at least one admin. Make someone else admin first.")
            )
        leaving = membership.user
        handed: list[Client] = []
        for client in Client.objects.select_for_update().filter(therapists=leaving):
            client.therapists.remove(leaving)
            if client.practice_id == membership.practice_id and not client.therapists.exists():
                client.therapists.add(by)
                handed.append(client)
        membership.delete()
        sign_out_everywhere(leaving)
    return handed


def unlink_caregiver(link: CaregiverLink) -> None:
    with transaction.atomic():
        link.delete()
        roles_changed(link.caregiver_id)


def set_discharged(client: Client, *, discharged: bool) -> None:
    with transaction.atomic():
        client.discharged_at = timezone.now() if discharged else None
        client.save(update_fields=["discharged_at"])
        client_schedule_changed.send(Client, client=client)


def join_care_team(client: Client, admin: User) -> None:
    """A practice admin joins a client's care team to act on an alert nobody acknowledged.

    Admins read a client record only on its care team; an escalated alert is the reason to join.
    """
    membership = Membership.objects.filter(user=admin, practice_id=client.practice_id).first()
    if membership is None or not membership.is_admin:
        raise ActionError(_("Only an admin of the client's practice can join the care team."))
    client.therapists.add(admin)


def set_practice_country(practice: Practice, country: str) -> None:
    """Where the practice's clients live (it chooses the crisis lines they see by default)."""
    if country and country not in COUNTRY_NAMES:
        raise ActionError(_("Choose a country from the list."))
    Practice.objects.filter(pk=practice.pk).update(country=country)
    practice.country = country
