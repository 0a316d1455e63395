"""The one override point for allauth."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from stepwise.lib.language import reader_language

# Confirming the email of a brand-new account signs its owner in; setting up the first second
# factor in the next half hour does not ask for the password again (owning the address is what
# a password reset asks for anyway). Any factor older than the confirmation ends the grace.
CONFIRMED_AT_KEY = "stepwise_email_confirmed_at"
FIRST_FACTOR_GRACE_SECONDS = 30 * 60


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed: bool = super().confirm_email(request, email_address)
        if confirmed:
            request.session[CONFIRMED_AT_KEY] = time.time()
        return confirmed

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        request = allauth_context.request
        if app == "allauth.mfa" and request is not None and _first_factor_grace(request):
            return False
        required: bool = super().is_reauthentication_required(app=app, **kwargs)
        return required

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A new account (a therapist signing up) starts in the language its sign-up page was
        read in: the switcher's choice, else the browser's."""
        user.language = reader_language(translation.get_language())
        return super().save_user(request, user, form, commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("home")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("home")

    def render_mail(
        self, template_prefix: str, email: str, context: dict[str, Any], headers: Any = None
    ) -> EmailMessage:
        """allauth's email, marked with the language it is written in (the active one: the
        worker activates the recipient's, see `accounts/tasks.py`)."""
        headers = {**(headers or {}), "Content-Language": translation.get_language()}
        message: EmailMessage = super().render_mail(template_prefix, email, context, headers)
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Enqueue, never send: the worker renders and sends it (`accounts/tasks.py`), so a
        form takes as long for an address with an account as for one without."""
        from stepwise.accounts.tasks import account_email_arguments, send_account_email

        send_account_email.enqueue(template_prefix, email, **account_email_arguments(context))


def _first_factor_grace(request: HttpRequest) -> bool:
    """True while a just-confirmed new account sets up its first second factor."""
    confirmed_at = request.session.get(CONFIRMED_AT_KEY)
    if not isinstance(confirmed_at, int | float) or not request.user.is_authenticated:
        return False
    if time.time() - confirmed_at > FIRST_FACTOR_GRACE_SECONDS:
        return False
    since = datetime.fromtimestamp(confirmed_at, tz=UTC)
    return not Authenticator.objects.filter(user_id=request.user.pk, created_at__lt=since).exists()
