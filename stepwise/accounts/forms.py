"""Account forms: accepting an invitation, settings, magic-link request (therapist sign-up,
which also creates a practice, is `stepwise/clinic/signup.py`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn import forms as allauth_webauthn_forms
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from stepwise.accounts import device
from stepwise.accounts.models import User
from stepwise.lib.forms import TimeZoneField
from stepwise.lib.language import language_choices


def language_field(label: Any, help_text: Any = "") -> forms.ChoiceField:
    """A choice of the languages Stepwise speaks, each named in its own language. Left out of
    a form's data, the action keeps (or derives) the language."""
    return forms.ChoiceField(
        label=label,
        choices=language_choices,
        help_text=help_text,
        initial=settings.LANGUAGE_CODE,
        required=False,
    )


# The language fields of the clinic's forms (their words live in this app's catalogue):
# (label, help text).
CLIENT_LANGUAGE = (
    _("Client's language"),
    _(
        "Their pages, emails, text messages and reminders are in this language. They can change "
        "it in their settings."
    ),
)
CAREGIVER_LANGUAGE = (
    _("Their language"),
    _(
        "The invitation, their pages and everything Stepwise sends them are in this language. It "
        "may differ from the child's."
    ),
)
COLLEAGUE_LANGUAGE = (_("Their language"), _("The invitation and their pages are in it."))
# Said when a therapist changed a parent or carer's language on the client's page.
LANGUAGE_SAVED = _("%(name)s's language is saved: their pages and messages are in %(language)s.")


class LanguageForm(forms.Form):
    """One person's language, as a therapist sets it for a parent or carer."""

    language = forms.ChoiceField(choices=language_choices)


class AcceptInvitationForm(forms.Form):
    """What a client, caregiver or invited therapist types to create their account."""

    SIGN_IN_CHOICES = [
        ("link", _("Email me a sign-in link each time (no password to remember)")),
        ("password", _("Use a password")),
    ]

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    sign_in = forms.ChoiceField(
        label=_("How do you want to sign in?"), choices=SIGN_IN_CHOICES, widget=forms.RadioSelect
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Not needed if you chose sign-in links."),
    )
    time_zone = TimeZoneField(label=_("Your time zone"), required=False)

    def __init__(
        self, *args: Any, staff: bool = False, default_zone: str = "UTC", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        # Without a script to fill in the device's zone, an empty field takes this one (the
        # practice's for staff, the client record's for clients and their carers).
        self.default_zone = default_zone
        self.fields["time_zone"].help_text = _(
            "Every time is shown in this zone. Leave empty for %(zone)s."
        ) % {"zone": default_zone}
        if staff:
            # Therapists always use a password (and, later, a second factor).
            del self.fields["sign_in"]
            self.fields["password"].required = True
            self.fields["password"].help_text = _("At least 10 characters.")

    def clean_time_zone(self) -> str:
        return str(self.cleaned_data.get("time_zone") or self.default_zone)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this email already exists. Sign in first, then open the "
                    "invitation link again."
                ),
                code="duplicate_email",
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_password = self.staff or cleaned.get("sign_in") == "password"
        password = cleaned.get("password") or ""
        if wants_password:
            if not password:
                self.add_error("password", _("Choose a password, or pick sign-in links instead."))
            else:
                probe = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
                try:
                    password_validation.validate_password(password, probe)
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return cleaned


class AccountSettingsForm(forms.ModelForm[User]):
    time_zone = TimeZoneField(label=_("Time zone"))
    language = language_field(
        label=_("Language"),
        help_text=_("Your pages, emails, text messages and reminders are in this language."),
    )

    class Meta:
        model = User
        fields = ["name", "time_zone", "language"]
        labels = {"name": _("Your name")}


class MagicLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


KEEP_SIGNED_IN_LABEL = _("Keep me signed in on this device for 30 days")
KEEP_SIGNED_IN_HELP = _(
    "For clients and parents on their own phone. You will choose a PIN, asked again after "
    "15 minutes without use. Staff are always signed out after 30 idle minutes."
)


def keep_signed_in_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=KEEP_SIGNED_IN_LABEL, required=False, help_text=KEEP_SIGNED_IN_HELP
    )


def pin_setup_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    """After a sign-in that asked to be kept: choose the PIN, then go where they were going."""
    query = urlencode({"next": next_url})
    return HttpResponseRedirect(f"{reverse('accounts:keep_signed_in')}?{query}")


class LoginForm(AllauthLoginForm):
    """allauth's password sign-in plus "keep me signed in on this device" (clients only)."""

    keep_signed_in = keep_signed_in_field()

    def clean(self) -> dict[str, Any]:
        """A wrong email or password is said next to the password (and tied to it for screen
        readers), where the person types again, not in a box tied to no field."""
        try:
            cleaned: dict[str, Any] = super().clean()
        except forms.ValidationError as error:
            self.add_error("password", error)
            return self.cleaned_data
        return cleaned

    def login(self, request: HttpRequest, redirect_url: str | None = None) -> HttpResponse:
        response: HttpResponse = super().login(request, redirect_url)
        wanted = self.cleaned_data.get("keep_signed_in")
        # Staff are not signed in yet here (their second factor comes next) and may not anyway.
        if wanted and device.may_keep_signed_in(request.user) and response.status_code == 302:
            return pin_setup_redirect(request, response["Location"])
        return response


def _pin_field(label: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=4,
        max_length=6,
        strip=True,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": autocomplete}
        ),
    )


class PinSetupForm(forms.Form):
    pin = _pin_field(_("Choose a PIN (4 to 6 digits)"), "new-password")
    pin_again = _pin_field(_("Type the PIN again"), "new-password")

    def clean_pin(self) -> str:
        pin: str = self.cleaned_data["pin"]
        if not device.PIN_PATTERN.fullmatch(pin):
            raise forms.ValidationError(_("Use 4 to 6 digits, nothing else."), code="digits")
        if device.weak_pin(pin):
            raise forms.ValidationError(
                _("Choose a PIN that is harder to guess than 1234 or 0000."), code="weak"
            )
        return pin

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("pin") and cleaned.get("pin") != cleaned.get("pin_again"):
            self.add_error("pin_again", _("The two PINs are not the same."))
        return cleaned


class PinUnlockForm(forms.Form):
    pin = _pin_field(_("Your PIN"), "current-password")


class MagicLinkConfirmForm(forms.Form):
    keep_signed_in = keep_signed_in_field()


class AuthenticateWebAuthnForm(allauth_webauthn_forms.AuthenticateWebAuthnForm):
    """allauth's security-key step, which knows whether there is a key to offer."""

    @cached_property
    def has_keys(self) -> bool:
        return Authenticator.objects.filter(
            user_id=self.user.pk, type=Authenticator.Type.WEBAUTHN
        ).exists()
