"""Signing in with an emailed link (clients and carers): asking for one, and using it with a
click."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from stepwise.accounts import actions, device, tasks
from stepwise.accounts.forms import MagicLinkConfirmForm, MagicLinkRequestForm, pin_setup_redirect


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def magic_link_request(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether or not the address has an account."""
    form = MagicLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="magic_link", key=email):
            form.add_error(
                None, gettext("Too many sign-in links were asked for. Please wait a few minutes.")
            )
        else:
            # The same work for every address: the worker decides whether a link goes out (not
            # to staff: they sign in with a password and a second factor) and sends it.
            tasks.send_sign_in_link.enqueue(email)
            return render(request, "accounts/magic_link_sent.html", {"email": email})
    return render(request, "accounts/magic_link_request.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def magic_link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that fetch links must not use them up."""
    form = MagicLinkConfirmForm(request.POST or None)
    if request.method == "POST":
        user = actions.consume_magic_link(token)
        if user is None:
            return _link_spent(request)
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        keep = form.is_valid() and form.cleaned_data["keep_signed_in"]
        if keep and device.may_keep_signed_in(user):
            return pin_setup_redirect(request, reverse("home"))
        return redirect("home")
    if actions.peek_magic_link(token) is None:
        return _link_spent(request)
    return render(request, "accounts/magic_link_confirm.html", {"form": form})


def _link_spent(request: HttpRequest) -> HttpResponse:
    """A used, expired or unknown link. Someone already signed in (typically opening the link
    they signed in with a second time) goes to their home; anyone else is told to ask again."""
    if request.user.is_authenticated:
        messages.info(request, gettext("You are already signed in."))
        return redirect("home")
    return render(request, "accounts/magic_link_invalid.html", status=410)
