"""The one override point for allauth."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("home")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("home")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Enqueue, never send: the worker renders and sends it (`accounts/tasks.py`), so a
        form takes as long for an address with an account as for one without."""
        from stepwise.accounts.tasks import account_email_arguments, send_account_email

        send_account_email.enqueue(template_prefix, email, **account_email_arguments(context))
