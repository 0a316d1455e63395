"""Account pages of our own: settings, sign out everywhere, magic-link sign-in, and a client's
"keep me signed in on this device" (choosing a PIN, unlocking with it)."""

from __future__ import annotations

import time

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.accounts import actions, device, session_timeout, tasks
from stepwise.accounts.forms import (
    AccountSettingsForm,
    MagicLinkConfirmForm,
    MagicLinkRequestForm,
    PinSetupForm,
    PinUnlockForm,
    pin_setup_redirect,
)
from stepwise.accounts.models import User
from stepwise.lib.tz import time_zone_names


@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = AccountSettingsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.update_account_settings(
            user, name=form.cleaned_data["name"], time_zone=form.cleaned_data["time_zone"]
        )
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "time_zones": time_zone_names(), "can_use_password": True},
    )


@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the request itself counts as activity, written at once (see
    session_timeout), so the page's warning can count from now."""
    session_timeout.mark_active(request.session, time.time(), at_once=True)
    return HttpResponse(status=204)


@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    actions.sign_out_everywhere(user)
    logout(request)
    messages.success(request, "You are signed out on every device.")
    return redirect("account_login")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def magic_link_request(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether or not the address has an account."""
    form = MagicLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="magic_link", key=email):
            form.add_error(
                None, "Too many sign-in links were asked for. Please wait a few minutes."
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
        messages.info(request, "You are already signed in.")
        return redirect("home")
    return render(request, "accounts/magic_link_invalid.html", status=410)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@require_http_methods(["GET", "HEAD", "POST"])
def keep_signed_in(request: HttpRequest) -> HttpResponse:
    """Choose the PIN that keeps this device signed in (clients and carers, just after sign-in)."""
    from stepwise.accounts.session_timeout import STARTED

    if not device.may_keep_signed_in(request.user):
        raise Http404("Not found.")
    session = request.session
    started = float(session.get(STARTED, 0))
    recent = time.time() - started <= device.CHOOSE_WITHIN_MINUTES * 60
    if not (recent or device.is_remembered(session)):
        messages.info(
            request, "To stay signed in on this device, sign out and choose it when you sign in."
        )
        return redirect(_next_url(request))
    form = PinSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.remember(request, form.cleaned_data["pin"])
        messages.success(
            request,
            "This device stays signed in for up to 30 days. After 15 minutes without use, "
            "your PIN opens it again.",
        )
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/keep_signed_in.html",
        {"form": form, "next": _next_url(request), "changing": device.is_remembered(session)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """A remembered device asks for its PIN after 15 idle minutes (the middleware sends it here)."""
    if not device.is_locked(request.session):
        return redirect(_next_url(request))
    form = PinUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = device.unlock(request, form.cleaned_data["pin"])
        if result.ok:
            return redirect(_next_url(request))
        if result.signed_out:
            messages.info(request, "You were signed out on this device. Please sign in again.")
            return redirect("account_login")
        tries = "try" if result.attempts_left == 1 else "tries"
        form.add_error(
            "pin",
            f"That PIN is not right. {result.attempts_left} more {tries} before this device "
            "signs you out.",
        )
    return render(
        request,
        "accounts/unlock.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )
