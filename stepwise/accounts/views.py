"""Account pages of our own: settings, sign out everywhere, magic-link sign-in."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.accounts import actions
from stepwise.accounts.forms import AccountSettingsForm, MagicLinkRequestForm
from stepwise.accounts.models import User
from stepwise.lib.emails import send_templated_email
from stepwise.lib.tz import time_zone_names


@require_http_methods(["GET", "POST"])
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
    """ "Stay signed in": the request itself counts as activity (see session_timeout)."""
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
@require_http_methods(["GET", "POST"])
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
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            # Staff sign in with a password (and a second factor): links are for clients and carers.
            if user is not None and not hasattr(user, "membership"):
                token = actions.issue_magic_link(user)
                send_templated_email("magic_link", user.email, {"path": f"/accounts/link/{token}/"})
            return render(request, "accounts/magic_link_sent.html", {"email": email})
    return render(request, "accounts/magic_link_request.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def magic_link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that fetch links must not use them up."""
    if request.method == "POST":
        user = actions.consume_magic_link(token)
        if user is None:
            return render(request, "accounts/magic_link_invalid.html", status=410)
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    if actions.peek_magic_link(token) is None:
        return render(request, "accounts/magic_link_invalid.html", status=410)
    return render(request, "accounts/magic_link_confirm.html")
