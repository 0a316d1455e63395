"""Band names a client (or their carer) reads when the therapist shares results.

Some bands are written for clinicians: K10's "Likely to have a severe mental disorder", PCL-5's
"Probable PTSD", the SMFQ's "possible depression". A client sees a plain description of the range
and an invitation to talk it over; the therapist's pages keep the instrument's own words. A band
not listed here is already plain ("Mild", "Satisfied") and is shown as it is, in the client's
language (`PLAIN_BANDS`). Everything here is in the active language: render it for the client.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stepwise.assessments.definitions import InstrumentDefinition

# Each a whole sentence, so that it translates (our own wording, translated as such; the
# instrument's own band names are never translated for the therapist).
_LOWER = _("Lower range")
_HIGHER = _("Higher range: talk it over with your therapist")

_SCREENS: dict[str, Promise] = {"Negative screen": _LOWER, "Positive screen": _HIGHER}

CLIENT_BANDS: dict[str, dict[str, Promise]] = {
    "k10": {
        "Likely to be well": _("Low distress"),
        "Likely to have a mild mental disorder": _("Mild distress"),
        "Likely to have a moderate mental disorder": _("Moderate distress"),
        "Likely to have a severe mental disorder": _(
            "High distress: talk it over with your therapist"
        ),
    },
    "pcl5": {"Below provisional cut-point": _LOWER, "Probable PTSD": _HIGHER},
    "auditc": {"Negative screen": _LOWER, "Positive screen": _HIGHER},
    "gad2": _SCREENS,
    "phq2": _SCREENS,
    "psc17": _SCREENS,
    "scared_child": {
        "Below cut-off": _LOWER,
        "May indicate an anxiety disorder": _("Raised worry: talk it over with your therapist"),
        "Anxiety disorder likely": _("High worry: talk it over with your therapist"),
    },
    "smfq_child": {"Below screening cut-off": _LOWER, "At or above screening cut-off": _HIGHER},
    "who5": {
        "No indication of poor well-being": _("Good well-being"),
        "Poor well-being": _("Lower well-being"),
        "Likely depression": _("Low well-being: talk it over with your therapist"),
    },
    "pss10": {
        "Low perceived stress": _("Low stress (a common guide, not a test result)"),
        "Moderate perceived stress": _("Moderate stress (a common guide, not a test result)"),
        "High perceived stress": _("High stress (a common guide, not a test result)"),
    },
}
CLIENT_BANDS["scared_parent"] = CLIENT_BANDS["scared_child"]
CLIENT_BANDS["smfq_parent"] = CLIENT_BANDS["smfq_child"]

# Bands that are already plain, as a client reads them in their language (exact labels).
PLAIN_BANDS: dict[str, Promise] = {
    "None-minimal": pgettext_lazy("band", "None-minimal"),
    "Minimal": pgettext_lazy("band", "Minimal"),
    "Normal": pgettext_lazy("band", "Normal"),
    "Mild": pgettext_lazy("band", "Mild"),
    "Moderate": pgettext_lazy("band", "Moderate"),
    "Moderately severe": pgettext_lazy("band", "Moderately severe"),
    "Severe": pgettext_lazy("band", "Severe"),
    "Extremely severe": pgettext_lazy("band", "Extremely severe"),
    "Low resilience": pgettext_lazy("band", "Low resilience"),
    "Normal resilience": pgettext_lazy("band", "Normal resilience"),
    "High resilience": pgettext_lazy("band", "High resilience"),
    "Extremely dissatisfied": pgettext_lazy("band", "Extremely dissatisfied"),
    "Dissatisfied": pgettext_lazy("band", "Dissatisfied"),
    "Slightly dissatisfied": pgettext_lazy("band", "Slightly dissatisfied"),
    "Neutral": pgettext_lazy("band", "Neutral"),
    "Slightly satisfied": pgettext_lazy("band", "Slightly satisfied"),
    "Satisfied": pgettext_lazy("band", "Satisfied"),
    "Extremely satisfied": pgettext_lazy("band", "Extremely satisfied"),
}


def client_band(instrument_id: str, label: str) -> str:
    """The client's wording of a band (matched on the start of the label, since a practice's
    cut-off changes the end of some labels), or the label itself when it is already plain."""
    for start, wording in CLIENT_BANDS.get(instrument_id, {}).items():
        if label.startswith(start):
            return str(wording)
    plain = PLAIN_BANDS.get(label)
    return str(plain) if plain is not None else label


def for_client(definition: InstrumentDefinition) -> InstrumentDefinition:
    """The definition with every band named in the client's wording (for charts they see)."""

    def relabel(bands: Any) -> Any:
        return [{**band, "label": client_band(definition.id, band["label"])} for band in bands]

    data = definition.model_dump(mode="python", exclude={"screen_bands"})
    if data.get("bands"):
        data["bands"] = relabel(data["bands"])
    if data.get("bands_by_sex"):
        data["bands_by_sex"] = {sex: relabel(b) for sex, b in data["bands_by_sex"].items()}
    for sub in (data.get("scoring") or {}).get("subscales", {}).values():
        if sub.get("bands"):
            sub["bands"] = relabel(sub["bands"])
    return InstrumentDefinition.model_validate(data)
