"""Emails that public forms trigger, sent by the task worker and never in the request.

Whether an address has an account (and so whether someone is a client) must not show in how
long a form takes to answer. The sign-in link, sign-up, password reset and "account exists"
forms therefore only enqueue one task naming the address, whatever the address; the worker
finds the account, decides what to send and sends it. The secrets in those emails (sign-in
tokens, confirmation and reset keys) are made in the worker, so none is kept in the task table.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from stepwise.accounts import actions
from stepwise.accounts.models import User
from stepwise.lib.emails import send_templated_email
from stepwise.lib.language import reader_language
from stepwise.lib.tz import reader_zone

CONFIRMATION = ("account/email/email_confirmation_signup", "account/email/email_confirmation")
RESET_KEY_EMAIL = "account/email/password_reset_key"
# Context that the request made and the worker makes again (secrets, and URLs built from the
# request's host): never put in the task's arguments.
REBUILT = frozenset(
    {"request", "user", "current_site", "email", "key", "uid", "code", "activate_url"}
    | {"password_reset_url", "signup_url", "login_url", "emailconfirmation"}
)


@task()
def send_sign_in_link(email: str) -> None:
    """Email a sign-in link if this address may have one.

    Returns nothing either way: the task table keeps results, and "a link went out" would
    say that the address belongs to a client."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    token = actions.issue_magic_link(user) if user is not None else None
    if user is None or token is None:
        return
    path = reverse("accounts:magic_link_confirm", args=[token])
    send_templated_email(
        "magic_link", user.email, {"path": path}, time_zone=user.time_zone, language=user.language
    )


def account_email_arguments(context: dict[str, Any]) -> dict[str, Any]:
    """What an allauth email's task needs: the user's id, the plain, non-secret values, and the
    language of the page that asked for it (for an address without an account)."""
    user = context.get("user")
    extra = {
        name: value
        for name, value in context.items()
        if name not in REBUILT and isinstance(value, str | int | bool)
    }
    language = reader_language(translation.get_language())
    return {"user_id": getattr(user, "pk", None), "extra": extra, "language": language}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def account_email_context(
    template_prefix: str, email: str, user: User | None, extra: dict[str, Any]
) -> dict[str, Any] | None:
    """The context allauth's templates expect, made without a request; None: nothing to send."""
    site = SimpleNamespace(name="Stepwise", domain=urlsplit(settings.SITE_URL).netloc)
    context: dict[str, Any] = {**extra, "email": email, "current_site": site, "user": user}
    context["signup_url"] = _absolute(reverse("account_signup"))
    context["password_reset_url"] = _absolute(reverse("account_reset_password"))
    context["login_url"] = _absolute(reverse("account_login"))
    if template_prefix in CONFIRMATION:
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if user is None or address is None or address.verified:
            return None  # confirmed (or removed) since it was asked for
        key = EmailConfirmationHMAC(address).key
        activate_url = _absolute(reverse("account_confirm_email", args=[key]))
        context.update(key=key, activate_url=activate_url)
    elif template_prefix == RESET_KEY_EMAIL:
        if user is None or not user.is_active:
            return None
        token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        uid = user_pk_to_url_str(user)
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
        context.update(uid=uid, key=f"{uid}-{token}", password_reset_url=_absolute(path))
    return context


@task()
def send_account_email(
    template_prefix: str,
    email: str,
    user_id: int | None,
    extra: dict[str, Any],
    language: str = "",
) -> None:
    """Render and send one of allauth's emails (confirmation, reset, account exists...).

    Written in the recipient's zone and language, as every email is (`stepwise.lib.emails`):
    the account's own; for an address without an account, the language of the page the form
    was sent from."""
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    context = account_email_context(template_prefix, email, user, extra)
    if context is None:
        return
    reader = user or User.objects.filter(email__iexact=email).first()
    zone = reader_zone(reader.time_zone if reader is not None else "UTC")
    words = reader_language(reader.language if reader is not None else language)
    with timezone.override(zone), translation.override(words):
        get_adapter().render_mail(template_prefix, email, context).send()
