"""Reminder pages: the client's settings (with the private calendar link), a caregiver's email
choice, a therapist's daily digest, one-click unsubscribe, SMS STOP, push subscriptions, the
calendar feed itself and the web app manifest."""

from __future__ import annotations

import copy
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.accounts.models import User
from stepwise.audit.log import record_access
from stepwise.clinic.access import caregiver_clients, own_client_profile
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.models import Client
from stepwise.lib.forms import E164
from stepwise.reminders import actions, conf, outgoing
from stepwise.reminders.forms import CaregiverPreferencesForm, DigestForm, PreferencesForm
from stepwise.reminders.models import PushSubscription, Reminder, State

# The session holds a new calendar URL only between the POST that made it and the page that
# shows it (once); the database keeps just the token's hash.
_NEW_CALENDAR_URL = "reminders_new_calendar_url"


def _own_client(request: HttpRequest, action: str) -> Client:
    """The signed-in person's own client record; 404 (audited) for anyone else."""
    client = own_client_profile(request.user)
    if client is None or client.discharged_at is not None:
        record_access(request, action, None, allowed=False)
        raise Http404("Not found.")
    record_access(request, action, client.pk)
    return client


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (every box unticked); None for a GET."""
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "HEAD", "POST"])
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
    form = PreferencesForm(_posted(request), initial=initial, sms_possible=bool(client.mobile))
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
    new_url = str(request.session.pop(_NEW_CALENDAR_URL, ""))
    recent = (
        Reminder.objects.filter(
            client=client, recipient__isnull=True, state__in=[State.SENT, State.FAILED]
        )
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
            "email_address": bool(outgoing.client_email_address(client)),
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
            "push_devices": PushSubscription.objects.filter(client=client).count(),
            "recent": recent,
            "calendar_feed": actions.live_calendar_feed(client),
            "calendar_url": new_url,
            "calendar_webcal": "webcal://" + new_url.split("://", 1)[-1] if new_url else "",
        },
    )


def calendar_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('reminders:calendar_feed', args=[token])}"


@require_POST
def calendar_manage(request: HttpRequest) -> HttpResponse:
    """Make a new private calendar link (the old one dies) or turn the link off."""
    client = _own_client(request, "reminders.calendar_manage")
    if request.POST.get("action") == "revoke":
        actions.revoke_calendar_feed(client)
        messages.success(request, "Your calendar link is turned off; calendars using it go quiet.")
    else:
        request.session[_NEW_CALENDAR_URL] = calendar_url(actions.create_calendar_feed(client))
    return redirect(f"{reverse('reminders:preferences')}#calendar")


@login_not_required  # calendar apps cannot sign in: the token in the URL is the credential
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The client's practice days as an ICS feed; 404 for a wrong, revoked or discharged one."""
    opened = actions.open_calendar_feed(token)
    if opened is None:
        raise Http404("Not found.")
    feed, body = opened
    # Audited as a fetch by the link, not by whoever's browser session came along, and without
    # the path: the token in it is a credential and the log keeps paths in plain text.
    seen = copy.copy(request)
    seen.user = AnonymousUser()
    seen.path = reverse("reminders:calendar_feed", args=["-"])
    record_access(seen, "reminders.calendar_feed", feed.client_id)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Disposition"] = 'inline; filename="stepwise.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _caregiver(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not caregiver_clients(user).exists():
        raise Http404("Not found.")
    return user


@require_http_methods(["GET", "HEAD", "POST"])
def caregiver_preferences(request: HttpRequest) -> HttpResponse:
    """A caregiver's one choice: emails for homework given to them (on by default)."""
    user = _caregiver(request)
    prefs = actions.caregiver_preferences_for(user)
    form = CaregiverPreferencesForm(_posted(request), initial={"email": prefs.email_enabled})
    if request.method == "POST" and form.is_valid():
        actions.save_caregiver_preferences(user, bool(form.cleaned_data["email"]))
        messages.success(request, "Your reminder choice is saved.")
        return redirect("reminders:caregiver_preferences")
    return render(request, "reminders/caregiver_preferences.html", {"form": form, "prefs": prefs})


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    """A therapist's daily summary email: on or off, and when (their own local time)."""
    user = request.user
    assert isinstance(user, User)  # therapist_required: a signed-in member of a practice
    current = actions.digest_settings_for(user)
    form = DigestForm(
        _posted(request),
        initial={"enabled": current.enabled, "send_time": current.send_time},
    )
    if request.method == "POST" and form.is_valid():
        actions.save_digest_settings(
            user,
            enabled=bool(form.cleaned_data["enabled"]),
            send_time=form.cleaned_data["send_time"],
        )
        messages.success(request, "Your daily summary choice is saved.")
        return redirect("reminders:digest")
    return render(request, "reminders/digest.html", {"form": form, "current": current})


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
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirm button (link scanners must not unsubscribe anyone); POST acts."""
    prefs = actions.preferences_for_token(token)
    carer = None if prefs is not None else actions.caregiver_preferences_for_token(token)
    if prefs is None and carer is None:
        raise Http404("This link does not work any more.")
    enabled = prefs.email_enabled if prefs is not None else bool(carer and carer.email_enabled)
    if request.method == "POST":
        if prefs is not None:
            actions.unsubscribe_email(prefs)
        elif carer is not None:
            actions.unsubscribe_caregiver_email(carer)
        return render(request, "reminders/unsubscribe.html", {"done": True, "carer": carer})
    return render(
        request,
        "reminders/unsubscribe.html",
        {"done": not enabled, "already": not enabled, "carer": carer},
    )


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
    if E164.fullmatch(number) and words and words[0] in actions.STOP_WORDS:
        actions.stop_sms(number)
    return HttpResponse(_EMPTY_TWIML, content_type="text/xml")


@login_not_required  # browsers fetch the manifest without cookies
@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, so the client site can be added to a phone's home screen."""
    icons = [
        {"src": static("reminders/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("reminders/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("reminders/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("reminders/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    data = {
        "id": "/me/",
        "name": "Stepwise",
        "short_name": "Stepwise",
        "description": "Your practice between sessions.",
        "lang": "en",
        "start_url": reverse("homework:client_home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response
