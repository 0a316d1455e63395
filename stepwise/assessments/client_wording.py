"""Band names a client (or their carer) reads when the therapist shares results.

Some bands are written for clinicians: K10's "Likely to have a severe mental disorder", PCL-5's
"Probable PTSD", the SMFQ's "possible depression". A client sees a plain description of the range
and an invitation to talk it over; the therapist's pages keep the instrument's own words. A band
not listed here is already plain ("Mild", "Satisfied") and is shown as it is.
"""

from __future__ import annotations

from typing import Any

from stepwise.assessments.definitions import InstrumentDefinition

TALK = "talk it over with your therapist"
_LOWER = "Lower range"
_HIGHER = f"Higher range: {TALK}"

_SCREENS = {"Negative screen": _LOWER, "Positive screen": _HIGHER}

CLIENT_BANDS: dict[str, dict[str, str]] = {
    "k10": {
        "Likely to be well": "Low distress",
        "Likely to have a mild mental disorder": "Mild distress",
        "Likely to have a moderate mental disorder": "Moderate distress",
        "Likely to have a severe mental disorder": f"High distress: {TALK}",
    },
    "pcl5": {"Below provisional cut-point": _LOWER, "Probable PTSD": _HIGHER},
    "auditc": {"Negative screen": _LOWER, "Positive screen": _HIGHER},
    "gad2": _SCREENS,
    "phq2": _SCREENS,
    "psc17": _SCREENS,
    "scared_child": {
        "Below cut-off": _LOWER,
        "May indicate an anxiety disorder": f"Raised worry: {TALK}",
        "Anxiety disorder likely": f"High worry: {TALK}",
    },
    "smfq_child": {"Below screening cut-off": _LOWER, "At or above screening cut-off": _HIGHER},
    "who5": {
        "No indication of poor well-being": "Good well-being",
        "Poor well-being": "Lower well-being",
        "Likely depression": f"Low well-being: {TALK}",
    },
    "pss10": {
        "Low perceived stress": "Low stress (a common guide, not a test result)",
        "Moderate perceived stress": "Moderate stress (a common guide, not a test result)",
        "High perceived stress": "High stress (a common guide, not a test result)",
    },
}
CLIENT_BANDS["scared_parent"] = CLIENT_BANDS["scared_child"]
CLIENT_BANDS["smfq_parent"] = CLIENT_BANDS["smfq_child"]


def client_band(instrument_id: str, label: str) -> str:
    """The client's wording of a band (matched on the start of the label, since a practice's
    cut-off changes the end of some labels), or the label itself when it is already plain."""
    for start, wording in CLIENT_BANDS.get(instrument_id, {}).items():
        if label.startswith(start):
            return wording
    return label


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
