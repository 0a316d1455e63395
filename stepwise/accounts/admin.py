"""The Django admin of email addresses and authenticators: the keys to someone's account.

Whoever controls a person's verified address can reset their password, and whoever removes
their authenticator removes their second step, so through the admin every such change is
written to the access log, and a change touching a staff account (a therapist, practice admin,
Django staff or superuser) needs the acting user to have re-authenticated in the last few
minutes (allauth's re-authentication; the admin request resumes after it). Authenticators are
never added or edited here: a secret typed into the admin would be a second factor someone
else knows. They can only be removed, so their owner sets up a new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from stepwise.accounts.actions import roles_changed
from stepwise.accounts.models import User
from stepwise.accounts.rules import is_staff_account
from stepwise.audit.actions import record_access


def guard_account_change(request: HttpRequest, owner_ids: Iterable[int | None]) -> None:
    """Ask for re-authentication before changing the keys of a staff account."""
    owners = User.objects.filter(pk__in={pk for pk in owner_ids if pk is not None})
    staff = any(is_staff_account(owner) for owner in owners.select_related("membership"))
    if staff and not did_recently_reauthenticate(request):
        raise ReauthenticationRequired()


def log_account_change(request: HttpRequest, what: str, verb: str, owner_id: int | None) -> None:
    record_access(request, f"admin.{what}.{verb} user {owner_id}", None)


def _previous_owner(model: type[Model], pk: Any) -> int | None:
    if pk is None:
        return None
    return model._default_manager.filter(pk=pk).values_list("user_id", flat=True).first()


class AuditedEmailAddressAdmin(EmailAddressAdmin):
    def save_model(self, request: HttpRequest, obj: EmailAddress, form: Any, change: bool) -> None:
        before = _previous_owner(EmailAddress, obj.pk) if change else None
        guard_account_change(request, (obj.user_id, before))
        super().save_model(request, obj, form, change)
        verb = "change" if change else "add"
        if before is not None and before != obj.user_id:
            log_account_change(request, "email", "remove", before)
        log_account_change(request, "email", verb, obj.user_id)

    def delete_model(self, request: HttpRequest, obj: EmailAddress) -> None:
        guard_account_change(request, (obj.user_id,))
        owner = obj.user_id
        super().delete_model(request, obj)
        roles_changed(owner)  # their sessions ask for the second factor again if none is left
        log_account_change(request, "email", "delete", owner)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        owners = list(queryset.values_list("user_id", flat=True))
        guard_account_change(request, owners)
        super().delete_queryset(request, queryset)
        roles_changed(*owners)
        for owner in owners:
            log_account_change(request, "email", "delete", owner)

    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        owners = list(queryset.filter(verified=False).values_list("user_id", flat=True))
        guard_account_change(request, owners)
        super().make_verified(request, queryset)
        for owner in owners:
            log_account_change(request, "email", "verify", owner)

    make_verified.short_description = EmailAddressAdmin.make_verified.short_description  # type: ignore[attr-defined]


class AuditedAuthenticatorAdmin(AuthenticatorAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        guard_account_change(request, (obj.user_id,))
        owner = obj.user_id
        super().delete_model(request, obj)
        roles_changed(owner)  # their sessions ask for the second factor again if none is left
        log_account_change(request, "authenticator", "delete", owner)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        owners = list(queryset.values_list("user_id", flat=True))
        guard_account_change(request, owners)
        super().delete_queryset(request, queryset)
        roles_changed(*owners)
        for owner in owners:
            log_account_change(request, "authenticator", "delete", owner)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, AuditedEmailAddressAdmin)
admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuditedAuthenticatorAdmin)
