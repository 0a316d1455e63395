"""The installable web app: its manifest, and the browser push subscriptions its page sends."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from stepwise.reminders import actions
from stepwise.reminders.access import own_client


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
    client = own_client(request, "reminders.push_subscribe")
    data = _json_body(request)
    keys = data.get("keys") if data else None
    if data is None or not isinstance(keys, dict):
        return JsonResponse({"error": gettext("Send the subscription as JSON.")}, status=400)
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
    client = own_client(request, "reminders.push_unsubscribe")
    data = _json_body(request)
    if data is None:
        return JsonResponse({"error": gettext("Send the subscription as JSON.")}, status=400)
    actions.unsubscribe_push(client, str(data.get("endpoint", "")))
    return HttpResponse(status=204)


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
        "theme_color": "#175e73",
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response
