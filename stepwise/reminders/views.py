"""The client's reminder settings, one-click unsubscribe, SMS STOP and push subscriptions."""

from __future__ import annotations

import json
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.audit.log import record_access
from stepwise.clinic.access import own_client_profile
from stepwise.clinic.models import Client
from stepwise.reminders import actions, conf
from stepwise.reminders.forms import PreferencesForm
from stepwise.reminders.models import PushSubscription, Reminder, State


def _own_client(request: HttpRequest, action: str) -> Client:
    """The signed-in person's own client record; 404 (audited) for anyone else."""
    client = own_client_profile(request.user)
    if client is None or client.discharged_at is not None:
        record_access(request, action, None, allowed=False)
        raise Http404("Not found.")
    record_access(request, action, client.pk)
    return client


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    client = _own_client(request, "reminders.preferences")
    prefs = actions.preferences_for(client)
    initial = {
        "email": prefs.email_enabled,
        "sms": prefs.sms_enabled,
        "preferred_time": prefs.preferred_time,
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "paused": prefs.paused,
    }
    form = PreferencesForm(request.POST or None, initial=initial, sms_possible=bool(client.mobile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices = actions.Choices(
            email=data["email"],
            sms=bool(data["sms"]) and bool(client.mobile),
            preferred_time=data["preferred_time"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
            paused=data["paused"],
        )
        try:
            actions.save_preferences(client, choices)
        except actions.PreferenceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your reminder choices are saved.")
            return redirect("reminders:preferences")
    recent = (
        Reminder.objects.filter(client=client, state__in=[State.SENT, State.FAILED])
        .only("kind", "channel", "state", "sent_at", "send_at")
        .order_by("-send_at")[:5]
    )
    return render(
        request,
        "reminders/preferences.html",
        {
            "form": form,
            "prefs": prefs,
            "client": client,
            "email_address": bool(client.email or (client.user and client.user.email)),
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
            "push_devices": PushSubscription.objects.filter(client=client).count(),
            "recent": recent,
        },
    )


def _json_body(request: HttpRequest) -> dict[str, object] | None:
    if len(request.body) > 4096:
        return None
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    """The page's script sends the browser's PushSubscription as JSON (CSRF header included)."""
    client = _own_client(request, "reminders.push_subscribe")
    data = _json_body(request)
    keys = data.get("keys") if data else None
    if data is None or not isinstance(keys, dict):
        return JsonResponse({"error": "Send the subscription as JSON."}, status=400)
    try:
        actions.subscribe_push(
            client,
            str(data.get("endpoint", "")),
            str(keys.get("p256dh", "")),
            str(keys.get("auth", "")),
        )
    except actions.PreferenceError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"status": "subscribed"}, status=201)


@require_POST
def push_unsubscribe(request: HttpRequest) -> HttpResponse:
    client = _own_client(request, "reminders.push_unsubscribe")
    data = _json_body(request)
    if data is None:
        return JsonResponse({"error": "Send the subscription as JSON."}, status=400)
    actions.unsubscribe_push(client, str(data.get("endpoint", "")))
    return HttpResponse(status=204)


@login_not_required
@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers; the token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirm button (link scanners must not unsubscribe anyone); POST acts."""
    prefs = actions.preferences_for_token(token)
    if prefs is None:
        raise Http404("This link does not work any more.")
    if request.method == "POST":
        actions.unsubscribe_email(prefs)
        return render(request, "reminders/unsubscribe.html", {"done": True})
    return render(
        request,
        "reminders/unsubscribe.html",
        {"done": not prefs.email_enabled, "already": not prefs.email_enabled},
    )


_E164 = re.compile(r"\+[1-9]\d{6,14}")
_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@login_not_required
@csrf_exempt  # called by the SMS provider, authenticated by the shared secret instead
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A Twilio-compatible inbound-message webhook: "STOP" turns text reminders off.

    Configure the provider to POST to /r/sms/inbound/?secret=<SMS_INBOUND_SECRET> (or send the
    secret in an X-Stepwise-Secret header). Without a configured secret the endpoint is off.
    """
    expected = conf.sms_inbound_secret()
    if not expected:
        raise Http404("Not found.")
    given = request.headers.get("X-Stepwise-Secret") or request.GET.get("secret", "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        return HttpResponseForbidden("Forbidden")
    number = request.POST.get("From", "").strip()
    words = request.POST.get("Body", "").strip().upper().split()
    if _E164.fullmatch(number) and words and words[0] in actions.STOP_WORDS:
        actions.stop_sms(number)
    return HttpResponse(_EMPTY_TWIML, content_type="text/xml")
