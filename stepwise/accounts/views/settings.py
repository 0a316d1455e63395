"""Account settings: name, time zone and email choices, keeping a session alive, and signing
out everywhere."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.accounts import actions, session_timeout
from stepwise.accounts.forms import AccountSettingsForm
from stepwise.accounts.signed_in import signed_in_user
from stepwise.lib.tz import time_zone_names


@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = AccountSettingsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.update_account_settings(
            user,
            name=form.cleaned_data["name"],
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"] or None,
        )
        with translation.override(user.language):  # said in the language just chosen
            messages.success(request, gettext("Your settings are saved."))
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
    user = signed_in_user(request)
    actions.sign_out_everywhere(user)
    logout(request)
    messages.success(request, gettext("You are signed out on every device."))
    return redirect("account_login")
