"""Therapist sign-up: allauth's sign-up form that also creates the therapist's own practice
(`ACCOUNT_FORMS["signup"]`). It lives in clinic because a practice is clinic's to create."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from stepwise.accounts.actions import name_new_account
from stepwise.accounts.models import User
from stepwise.clinic.actions import create_solo_practice
from stepwise.lib.forms import TimeZoneField


class TherapistSignupForm(SignupForm):
    """allauth's sign-up plus a name, a time zone and the practice to create."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    practice_name = forms.CharField(
        label=_("Practice name"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use your own name. You can invite colleagues later."),
    )
    # Empty in the page: the browser's own zone is filled in by a script (stepwise.js), and
    # without the script an empty field means UTC. Every time is then shown in this zone.
    time_zone = TimeZoneField(
        label=_("Your time zone"),
        required=False,
        help_text=_(
            "Filled in from this device. Leave empty for UTC; you can change it in Settings."
        ),
    )

    field_order = ["name", "email", "password1", "practice_name", "time_zone"]

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        if self.account_already_exists:
            # Hash the password a new account would have hashed: a taken address must not
            # answer faster than a new one (the "account exists" email goes by the worker).
            make_password(self.cleaned_data.get("password1"))
        user, response = super().try_save(request)
        return user, response

    def signup(self, request: HttpRequest, user: User) -> None:
        name_new_account(
            user, name=self.cleaned_data["name"], time_zone=self.cleaned_data["time_zone"] or "UTC"
        )
        create_solo_practice(user, self.cleaned_data["practice_name"])
