"""A client's "keep me signed in on this device": choosing a PIN, and unlocking with it."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from stepwise.accounts import device
from stepwise.accounts.actions import devices
from stepwise.accounts.forms import PinSetupForm, PinUnlockForm


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
            request,
            _("To stay signed in on this device, sign out and choose it when you sign in."),
        )
        return redirect(_next_url(request))
    form = PinSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices.remember(request, form.cleaned_data["pin"])
        messages.success(
            request,
            _(
                "This device stays signed in for up to 30 days. After 15 minutes without use, "
                "your PIN opens it again."
            ),
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
        result = devices.unlock(request, form.cleaned_data["pin"])
        if result.ok:
            return redirect(_next_url(request))
        if result.signed_out:
            messages.info(request, _("You were signed out on this device. Please sign in again."))
            return redirect("account_login")
        form.add_error(
            "pin",
            ngettext(
                "That PIN is not right. %(count)d more try before this device signs you out.",
                "That PIN is not right. %(count)d more tries before this device signs you out.",
                result.attempts_left,
            )
            % {"count": result.attempts_left},
        )
    return render(
        request,
        "accounts/unlock.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )
