"""A client's record as a FHIR R4 Bundle (type "collection"): plain JSON, no FHIR library needed.

The bundle holds the Patient; one Questionnaire per instrument version and exercise version that
was answered; a QuestionnaireResponse per answered questionnaire and per exercise submission;
an Observation per questionnaire total (LOINC-coded for PHQ-9 and GAD-7) and per exercise metric.
Entries are addressed by stable `urn:uuid:` names, so the same record always gives the same ids.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings

from stepwise.assessments.catalog import definition_of
from stepwise.assessments.models import AssessmentResponse, InstrumentVersion
from stepwise.assessments.results import current_score
from stepwise.clinic.models import Client
from stepwise.homework.models import MetricValue, Submission
from stepwise.library import steps
from stepwise.library.models import ExerciseVersion

NAMESPACE = uuid.UUID("6f1c2d0e-8a53-4f7e-9d1b-5b0c7e2a9f41")
BASE = "urn:stepwise"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Only codes the issue gives and that LOINC lists for these instruments; others carry text only.
LOINC_PANELS = {
    "phq9": ("44249-1", "PHQ-9 quick depression assessment panel"),
    "gad7": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
}
LOINC_TOTALS = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}


def urn(kind: str, key: object) -> str:
    """A stable `urn:uuid:` for one resource of this installation."""
    site = settings.SITE_URL or "stepwise"
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{site}/{kind}/{key}')}"


def instant(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource}


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


# --- questionnaires -----------------------------------------------------------------------------


def instrument_url(version: InstrumentVersion) -> str:
    owner = "shipped" if version.practice_id is None else f"practice-{version.practice_id}"
    return f"{BASE}:instrument:{owner}:{version.key}"


def instrument_questionnaire(version: InstrumentVersion) -> dict[str, Any]:
    definition = definition_of(version)
    items = []
    for item in definition.items:
        items.append(
            {
                "linkId": str(item.number),
                "text": item.text,
                "type": "choice",
                "required": True,
                "answerOption": [
                    {"valueCoding": {"code": str(o.value), "display": o.label}}
                    for o in definition.options_for(item)
                ],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "url": instrument_url(version),
        "version": str(version.version),
        "name": version.key.upper(),
        "title": version.name,
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }
    panel = LOINC_PANELS.get(version.key)
    if panel is not None:
        resource["code"] = [{"system": LOINC, "code": panel[0], "display": panel[1]}]
    return resource


def exercise_url(version: ExerciseVersion) -> str:
    definition = version.definition
    owner = "shipped" if definition.practice_id is None else f"practice-{definition.practice_id}"
    return f"{BASE}:exercise:{owner}:{definition.slug}"


def _step_item(step: Any) -> dict[str, Any] | None:
    """The Questionnaire item of an answerable step; None for steps that only show content."""
    text = getattr(step, "prompt", None) or step.title or step.id
    return steps.of(step).fhir_item(step, {"linkId": step.id, "text": text})


def exercise_questionnaire(version: ExerciseVersion) -> dict[str, Any]:
    parsed = version.parsed
    items = [item for step in parsed.steps if (item := _step_item(step)) is not None]
    return {
        "resourceType": "Questionnaire",
        "url": exercise_url(version),
        "version": str(version.number),
        "name": parsed.slug.replace("-", "_"),
        "title": parsed.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


# --- responses ---------------------------------------------------------------------------------


def submission_response(submission: Submission, patient: str, questionnaire: str) -> dict[str, Any]:
    parsed = submission.exercise_version.parsed
    answers = submission.answers or {}
    items: list[dict[str, Any]] = []
    for step in parsed.steps:
        items += steps.of(step).fhir_answers(step, answers.get(step.id))
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{BASE}:submission", "value": str(submission.pk)},
        "questionnaire": questionnaire,
        "status": "completed",
        "subject": {"reference": patient},
        "authored": instant(submission.submitted_at),
        "item": items,
    }


def assessment_response(
    response: AssessmentResponse, patient: str, questionnaire: str
) -> dict[str, Any]:
    definition = definition_of(response.instrument)
    items = []
    for item, value in zip(definition.items, response.answers or [], strict=False):
        if value is None:
            continue
        label = next((o.label for o in definition.options_for(item) if o.value == value), "")
        items.append(
            {
                "linkId": str(item.number),
                "text": item.text,
                "answer": [{"valueCoding": {"code": str(value), "display": label}}],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        # The language it was answered in (an official translation's, or "en"); the items keep
        # the instrument's English text, as the Questionnaire it answers.
        **({"language": response.language} if response.language else {}),
        "identifier": {"system": f"{BASE}:assessment-response", "value": str(response.pk)},
        "questionnaire": questionnaire,
        "status": "completed",
        "subject": {"reference": patient},
        "authored": instant(response.submitted_at),
        "item": items,
    }


def score_observation(
    response: AssessmentResponse, patient: str, derived_from: str
) -> dict[str, Any] | None:
    score = current_score(response)
    if score.total is None:
        return None
    version = response.instrument
    total_code = LOINC_TOTALS.get(version.key)
    coding = (
        [{"system": LOINC, "code": total_code[0], "display": total_code[1]}]
        if total_code
        else [{"system": f"{BASE}:score", "code": f"{version.key}-total"}]
    )
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "amended" if score.revised else "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": coding, "text": f"{version.abbreviation} total score"},
        "subject": {"reference": patient},
        "effectiveDateTime": instant(response.submitted_at),
        "valueQuantity": {
            "value": _number(score.total),
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        },
        "derivedFrom": [{"reference": derived_from}],
    }
    if score.band:
        observation["interpretation"] = [{"text": score.band}]
    return observation


def metric_observation(
    metric: MetricValue, label: str, unit: str | None, patient: str, derived_from: str
) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": _number(metric.value)}
    if unit:
        quantity["unit"] = unit
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "therapy", "display": "Therapy"}]}
        ],
        "code": {
            "coding": [{"system": f"{BASE}:metric", "code": metric.name, "display": label}],
            "text": label,
        },
        "subject": {"reference": patient},
        "effectiveDateTime": instant(metric.recorded_at),
        "valueQuantity": quantity,
        "derivedFrom": [{"reference": derived_from}],
    }


def build_bundle(client: Client, *, now: datetime) -> dict[str, Any]:
    """The whole record of one client as a FHIR R4 collection Bundle (a fixed number of queries)."""
    patient = urn("client", client.pk)
    entries = [
        _entry(
            patient,
            {
                "resourceType": "Patient",
                "identifier": [{"system": f"{BASE}:client", "value": str(client.pk)}],
                "name": [{"text": client.display_name}],
            },
        )
    ]
    questionnaires: dict[str, str] = {}  # canonical -> fullUrl, one per version

    def questionnaire_for(canonical: str, key: str, build: Any) -> str:
        if canonical not in questionnaires:
            full_url = urn("questionnaire", key)
            questionnaires[canonical] = full_url
            entries.append(_entry(full_url, build()))
        return canonical

    responses = (
        AssessmentResponse.objects.filter(client=client)
        .with_revisions()
        .order_by("submitted_at", "id")
    )
    for response in responses:
        version = response.instrument
        canonical = questionnaire_for(
            f"{instrument_url(version)}|{version.version}",
            f"instrument-{version.pk}",
            lambda v=version: instrument_questionnaire(v),
        )
        response_url = urn("assessment-response", response.pk)
        entries.append(_entry(response_url, assessment_response(response, patient, canonical)))
        observation = score_observation(response, patient, response_url)
        if observation is not None:
            entries.append(_entry(urn("score", response.pk), observation))

    submissions = (
        Submission.objects.filter(client=client)
        .select_related("exercise_version__definition")
        .prefetch_related("metric_values")
        .order_by("submitted_at", "id")
    )
    parsed_cache: dict[int, ExerciseVersion] = {}
    for submission in submissions:
        version = parsed_cache.setdefault(
            submission.exercise_version_id, submission.exercise_version
        )
        submission.exercise_version = version  # parse each version's document once
        canonical = questionnaire_for(
            f"{exercise_url(version)}|{version.number}",
            f"exercise-{version.pk}",
            lambda v=version: exercise_questionnaire(v),
        )
        response_url = urn("submission", submission.pk)
        entries.append(_entry(response_url, submission_response(submission, patient, canonical)))
        declared = {m.name: m for m in version.parsed.metrics}
        for metric in submission.metric_values.all():
            spec = declared.get(metric.name)
            entries.append(
                _entry(
                    urn("metric", metric.pk),
                    metric_observation(
                        metric,
                        spec.label if spec else metric.name,
                        spec.unit if spec else None,
                        patient,
                        response_url,
                    ),
                )
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries,
    }
