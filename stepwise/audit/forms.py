"""Filters for browsing the access log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stepwise.audit.models import Outcome
from stepwise.lib.forms import DateInRangeField


class AuditFilterForm(forms.Form):
    actor = forms.EmailField(label=_("Who (email)"), required=False, max_length=254)
    client_id = forms.IntegerField(label=_("Client number"), required=False, min_value=1)
    action = forms.CharField(label=_("What (starts with)"), required=False, max_length=60)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices]
    )
    since = DateInRangeField(label=_("From"), required=False, years_back=30, years_ahead=1)
    until = DateInRangeField(label=_("To"), required=False, years_back=30, years_ahead=1)
