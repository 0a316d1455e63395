"""Reminder choices: the client's, a caregiver's, and a therapist's daily digest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PreferencesForm(forms.Form):
    email = forms.BooleanField(required=False, label=_("Email"))
    sms = forms.BooleanField(required=False, label="Text message (SMS)")
    preferred_time = forms.TimeField(
        required=False,
        widget=_TIME,
        label=_("Remind me at"),
        help_text=_("Your own local time. Leave empty to use the time your therapist set."),
    )
    quiet_start = forms.TimeField(required=False, widget=_TIME, label=_("Quiet from"))
    quiet_end = forms.TimeField(required=False, widget=_TIME, label=_("Quiet until"))
    paused = forms.BooleanField(required=False, label=_("Pause all reminders"))

    def __init__(self, *args: Any, sms_possible: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sms_possible:
            self.fields["sms"].disabled = True
            self.fields["sms"].help_text = _(
                "Needs a mobile number on your record: ask your therapist to add it."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_error("quiet_start") or self.has_error("quiet_end"):
            return data  # a time that could not be read already says so; nothing to add
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_start" if start is None else "quiet_end",
                _("Give both a start and an end for quiet hours, or leave both empty."),
            )
        elif start is not None and start == end:
            self.add_error("quiet_end", _("Quiet hours need a different start and end time."))
        return data


class CaregiverPreferencesForm(forms.Form):
    email = forms.BooleanField(
        required=False,
        label=_("Email me when homework given to me as a parent or carer is due"),
    )


class DigestForm(forms.Form):
    enabled = forms.BooleanField(required=False, label=_("Send me a daily summary email"))
    send_time = forms.TimeField(
        widget=_TIME,
        label="At",
        help_text=_("Your own local time."),
        error_messages={"required": _("Choose a time for the summary.")},
    )
