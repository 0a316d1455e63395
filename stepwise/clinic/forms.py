"""Forms for clients, invitations and practice members. They parse; actions write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepwise.accounts.forms import (
    CAREGIVER_LANGUAGE,
    CLIENT_LANGUAGE,
    COLLEAGUE_LANGUAGE,
    language_field,
)
from stepwise.accounts.models import User
from stepwise.clinic.models import COUNTRIES, COUNTRY_NAMES, Client, Practice, Role
from stepwise.lib.forms import DateInRangeField, MobileField, TimeZoneField


class ClientForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Name shown in Stepwise"),
        max_length=80,
        help_text=gettext_lazy("A first name or a pseudonym is fine. At most 80 characters."),
    )
    email = forms.EmailField(label=gettext_lazy("Email (optional)"), required=False, max_length=254)
    mobile = MobileField(label=gettext_lazy("Mobile number (optional)"), required=False)
    time_zone = TimeZoneField(label=gettext_lazy("Client's time zone"))
    language = language_field(*CLIENT_LANGUAGE)
    is_minor = forms.BooleanField(
        label=gettext_lazy("Under 18 (a parent or carer may be linked)"), required=False
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country (optional)"),
        required=False,
        help_text=gettext_lazy(
            "Chooses the crisis lines the client is shown. Leave it to use the practice's country."
        ),
    )

    def __init__(self, *args: Any, practice_id: int, client: Client | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        self.client = client
        self.fields["display_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        practice_country = (
            Practice.objects.filter(pk=practice_id).values_list("country", flat=True).first()
        )
        same = COUNTRY_NAMES.get(practice_country or "") or _("not set")
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("The practice's country (%(country)s)") % {"country": same}),
            *COUNTRIES,
        ]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if not email:
            return ""
        others = Client.objects.filter(practice_id=self.practice_id, email__iexact=email)
        if self.client is not None:
            others = others.exclude(pk=self.client.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Another client in this practice already uses this email address."),
                code="duplicate_client_email",
            )
        return email


class CareTeamField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})"


class ClientEditForm(ClientForm):
    therapists = CareTeamField(
        label=gettext_lazy("Care team"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Therapists of your practice who can see this client."),
        error_messages={"required": gettext_lazy("Keep at least one therapist on the care team.")},
    )
    next_session_on = DateInRangeField(
        label=gettext_lazy("Next session (optional)"), required=False, years_back=1, years_ahead=2
    )
    next_session_note = forms.CharField(
        label=gettext_lazy("Note for the next session (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For you: shown on your dashboard, never to the client."),
    )

    def __init__(self, *args: Any, practice_id: int, client: Client | None = None, **kwargs: Any):
        super().__init__(*args, practice_id=practice_id, client=client, **kwargs)
        self.fields["therapists"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__practice_id=practice_id
        ).order_by("name", "email")


class CaregiverInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Parent or carer's email"), max_length=254)
    relationship = forms.CharField(
        label=gettext_lazy("Relationship (optional)"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("For example mother, father, grandparent, foster carer."),
    )
    language = language_field(*CAREGIVER_LANGUAGE)


class TherapistInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Colleague's email"), max_length=254)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Role.choices, initial=Role.THERAPIST
    )
    language = language_field(*COLLEAGUE_LANGUAGE)


class PracticeTimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label=gettext_lazy("Practice time zone"),
        help_text=gettext_lazy(
            "New colleagues start in it unless they choose their own; each person's pages "
            "are in their own zone."
        ),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
