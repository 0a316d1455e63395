"""Filters for browsing the access log."""

from __future__ import annotations

from django import forms

from stepwise.audit.models import Outcome
from stepwise.lib.forms import DateInRangeField


class AuditFilterForm(forms.Form):
    actor = forms.EmailField(label="Who (email)", required=False, max_length=254)
    client_id = forms.IntegerField(label="Client number", required=False, min_value=1)
    action = forms.CharField(label="What (starts with)", required=False, max_length=60)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any"), *Outcome.choices]
    )
    since = DateInRangeField(label="From", required=False, years_back=30, years_ahead=1)
    until = DateInRangeField(label="To", required=False, years_back=30, years_ahead=1)
