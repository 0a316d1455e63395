"""Reminder choices: the client's settings (with making or turning off the private calendar
link), a caregiver's email choice, a therapist's daily digest."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from stepwise.accounts.signed_in import signed_in_user
from stepwise.clinic.decorators import therapist_required
from stepwise.reminders import actions, outgoing
from stepwise.reminders.access import caregiver_user, own_client
from stepwise.reminders.forms import CaregiverPreferencesForm, DigestForm, PreferencesForm
from stepwise.reminders.models import PushSubscription, Reminder, State

# The session holds a new calendar URL only between the POST that made it and the page that
# shows it (once); the database keeps just the token's hash.
_NEW_CALENDAR_URL = "reminders_new_calendar_url"


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (every box unticked); None for a GET."""
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    client = own_client(request, "reminders.preferences")
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
            messages.success(request, gettext("Your reminder choices are saved."))
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
    client = own_client(request, "reminders.calendar_manage")
    if request.POST.get("action") == "revoke":
        actions.revoke_calendar_feed(client)
        messages.success(
            request, gettext("Your calendar link is turned off; calendars using it go quiet.")
        )
    else:
        request.session[_NEW_CALENDAR_URL] = calendar_url(actions.create_calendar_feed(client))
    return redirect(f"{reverse('reminders:preferences')}#calendar")


@require_http_methods(["GET", "HEAD", "POST"])
def caregiver_preferences(request: HttpRequest) -> HttpResponse:
    """A caregiver's one choice: emails for homework given to them (on by default)."""
    user = caregiver_user(request)
    prefs = actions.caregiver_preferences_for(user)
    form = CaregiverPreferencesForm(_posted(request), initial={"email": prefs.email_enabled})
    if request.method == "POST" and form.is_valid():
        actions.save_caregiver_preferences(user, bool(form.cleaned_data["email"]))
        messages.success(request, gettext("Your reminder choice is saved."))
        return redirect("reminders:caregiver_preferences")
    return render(request, "reminders/caregiver_preferences.html", {"form": form, "prefs": prefs})


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    """A therapist's daily summary email: on or off, and when (their own local time)."""
    user = signed_in_user(request)
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
        messages.success(request, gettext("Your daily summary choice is saved."))
        return redirect("reminders:digest")
    return render(request, "reminders/digest.html", {"form": form, "current": current})
