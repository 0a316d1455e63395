"""Reminder links that work without signing in, each carrying its own credential: the private
calendar feed (a token), one-click unsubscribe (a token) and the SMS STOP webhook (a shared
secret)."""

from __future__ import annotations

import copy
import secrets

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stepwise.audit.actions import record_access
from stepwise.lib.forms import E164
from stepwise.lib.language import reader_language
from stepwise.reminders import actions, conf


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
    if not request.user.is_authenticated:
        # The link comes from an email written in its reader's language: the page answers in it.
        if prefs is not None:
            reader = prefs.client.language
        else:
            reader = carer.user.language if carer is not None else ""
        translation.activate(reader_language(reader))
        request.LANGUAGE_CODE = translation.get_language()
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
