"""Every write about assessments: submissions, alerts, rescoring, a practice's instrument choices.

The web views, the commands and the tests all come through here. Answers are validated by the
pure scorer before anything is stored, so a tampered form stores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from stepwise.accounts.models import User
from stepwise.assessments import catalog
from stepwise.assessments.actions.escalation import reschedule_open_alerts
from stepwise.assessments.definitions import InstrumentDefinition, Option, validate_instrument
from stepwise.assessments.escalation import escalation_delay
from stepwise.assessments.models import (
    CATEGORIES,
    DEFAULT_ESCALATION_HOURS,
    MAX_ESCALATION_HOURS,
    RESPONDENTS,
    Alert,
    AssessmentResponse,
    EpisodeStart,
    InstrumentSource,
    InstrumentVersion,
    Mode,
    PracticeAssessmentSettings,
    PracticeInstrument,
    Respondent,
    ScoreRevision,
    SharedResults,
)
from stepwise.assessments.scoring import ScoreResult, ScoringError, score, supplementary_alerts
from stepwise.assessments.signals import (
    episode_started,
    instruments_changed,
    response_submitted,
    score_revised,
)
from stepwise.assessments.tasks import notify_care_team
from stepwise.assessments.wording import language_of, wording_of
from stepwise.clinic.access import on_care_team
from stepwise.clinic.actions import set_practice_country
from stepwise.clinic.models import Client, Practice

MAX_IMPORT_BYTES = 512 * 1024


class AssessmentError(Exception):
    """A request that cannot be carried out; `problems` are shown to the person, one per line."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass(frozen=True)
class Submission:
    response: AssessmentResponse
    alert: Alert | None


def _stored_total(result: ScoreResult) -> Decimal | None:
    return None if result.total is None else Decimal(str(result.total))


def _readable(error: ScoringError, definition: InstrumentDefinition) -> str:
    # The scorer names the instrument by id ("phq9: ..."); people know it by its abbreviation.
    text = str(error)
    for prefix in (f"{definition.id}: ", f"{definition.id} "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return gettext("%(name)s cannot be scored: %(reason)s.") % {
        "name": definition.abbreviation,
        "reason": text,
    }


def clean_supplementary(
    definition: InstrumentDefinition, given: Mapping[str, Any]
) -> dict[str, int | str]:
    """Keep answers to the instrument's extra questions that are among their options.

    Unknown keys are dropped; a value that is not one of a question's options is refused.
    """
    cleaned: dict[str, int | str] = {}
    for extra in definition.additional_unscored_items:
        if extra.id not in given or given[extra.id] in (None, ""):
            continue
        value = given[extra.id]
        allowed: list[int | str] = [
            option.value if isinstance(option, Option) else option for option in extra.options
        ]
        if value not in allowed:
            raise AssessmentError(
                gettext(
                    "“%(question)s”: %(value)s is not one of the answers offered; nothing was "
                    "saved."
                )
                % {"question": extra.text, "value": repr(value)}
            )
        cleaned[extra.id] = value
    return cleaned


def submit_assessment(
    *,
    client: Client,
    instrument: InstrumentVersion,
    answers: Sequence[int | None],
    supplementary: Mapping[str, Any] | None = None,
    sex: str | None = None,
    mode: str = Mode.IN_SESSION,
    respondent: str = Respondent.CLIENT,
    administered_by: User | None = None,
    not_asked: Sequence[int] = (),
    language: str | None = None,
) -> Submission:
    """Score and store one completed questionnaire; raise an alert if a critical rule fires.

    `not_asked` lists gated questions left out because the screen was negative (ASQ item 5).
    `language` is the language of the person who answered (default: `wording.language_of`, the
    language the form was shown in); the response records the wording they were shown, an
    official translation or the English.

    Nothing is stored unless the scorer accepts every answer. The alert and the task that emails
    the care team are written in the same transaction as the response.
    """
    if instrument.practice_id not in (None, client.practice_id):
        raise AssessmentError(
            gettext("This questionnaire is not available to this client's practice.")
        )
    if mode not in Mode.values or respondent not in Respondent.values:
        raise AssessmentError(gettext("Unknown mode or respondent."))
    definition = catalog.practice_definition(
        instrument, catalog.practice_cutoff(client.practice_id, instrument.key)
    )
    extras = clean_supplementary(definition, supplementary or {})
    gated = set(definition.gated_items)
    for number in not_asked:
        if number not in gated or not 0 < number <= len(answers) or answers[number - 1] is not None:
            raise AssessmentError(
                gettext(
                    "Question %(number)d can only be left out as 'not asked' when it is a gated "
                    "question with no answer."
                )
                % {"number": number}
            )
    screen = definition.plan.screen
    if not_asked and screen is not None and screen.positive_items(list(answers)):
        raise AssessmentError(gettext("The screen is positive: the gated question must be asked."))
    try:
        result = score(definition, list(answers), sex=sex if definition.needs_sex else None)
    except ScoringError as exc:
        raise AssessmentError(_readable(exc, definition)) from None
    fired = supplementary_alerts(definition, extras)
    shown = wording_of(instrument, language or language_of())
    with transaction.atomic():
        response = AssessmentResponse.objects.create(
            client=client,
            instrument=instrument,
            answers=list(answers),
            supplementary=extras,
            not_asked=sorted(set(not_asked)),
            sex=(sex or "") if definition.needs_sex else "",
            language=shown.language,
            wording_version=shown.version,
            total=_stored_total(result),
            band=result.band or "",
            subscales=dict(result.subscales),
            subscale_bands=dict(result.subscale_bands),
            critical_items=list(result.critical_items),
            supplementary_alerts=fired,
            administered_by=administered_by,
            mode=mode,
            respondent=respondent,
        )
        alert = None
        if result.critical_items or fired:
            alert = raise_alert(client, [*result.critical_items, *fired], response=response)
        response_submitted.send(AssessmentResponse, response=response)
    return Submission(response, alert)


def raise_alert(client: Client, items: list[Any], **source: Any) -> Alert:
    """Store an alert, schedule its escalation and queue the email, in the caller's transaction.

    `source` names what fired it: `response=` (a questionnaire) or `exercise_version=` and
    `submission_id=` (an exercise's alert rules).
    """
    now = timezone.now()
    alert = Alert.objects.create(
        client=client,
        items=items,
        created_at=now,
        escalate_at=now + escalation_delay(client.practice_id),
        **source,
    )
    notify_care_team.enqueue(alert.pk)
    return alert


def acknowledge_alert(alert: Alert, by: User, note: str) -> Alert:
    """Mark an alert as seen and acted on. Once only: a second acknowledgement is refused."""
    note = note.strip()
    if not note:
        raise AssessmentError(
            gettext("Write a short note about what you did before acknowledging.")
        )
    now = timezone.now()
    updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=by, note=note[:2000], escalate_at=None
    )
    if updated != 1:
        raise AssessmentError(gettext("This alert has already been acknowledged."))
    alert.refresh_from_db()
    return alert


# --- Rescoring ----------------------------------------------------------------------------------


def newest_version_like(instrument: InstrumentVersion) -> InstrumentVersion:
    """The newest version of the same instrument (same key, same owner)."""
    newest = (
        InstrumentVersion.objects.filter(key=instrument.key, practice=instrument.practice_id)
        .order_by("-version")
        .first()
    )
    return newest or instrument


def rescore_response(
    response: AssessmentResponse, *, use_newest_version: bool = True, reason: str = "rescore"
) -> ScoreRevision | None:
    """Score a stored response again; append a `ScoreRevision` only if the result differs.

    Returns None when the current score already matches (so running it twice adds nothing).
    Raises AssessmentError when the answers do not fit the chosen version.
    """
    target = newest_version_like(response.instrument) if use_newest_version else response.instrument
    definition = catalog.practice_definition(
        target, catalog.practice_cutoff(response.client.practice_id, target.key)
    )
    try:
        result = score(definition, list(response.answers), sex=response.sex or None)
    except ScoringError as exc:
        raise AssessmentError(_readable(exc, definition)) from None
    fired = supplementary_alerts(definition, response.supplementary or {})
    fresh = {
        "total": _stored_total(result),
        "band": result.band or "",
        "subscales": dict(result.subscales),
        "subscale_bands": dict(result.subscale_bands),
        "critical_items": list(result.critical_items),
        "supplementary_alerts": fired,
    }
    latest = response.revisions.order_by("-id").first()
    current: Any = latest or response
    same = all(_same(getattr(current, field), value) for field, value in fresh.items())
    if same and current.instrument_id == target.pk:
        return None
    before = {*current.critical_items, *current.supplementary_alerts}
    newly_fired = [item for item in [*result.critical_items, *fired] if item not in before]
    with transaction.atomic():
        revision = ScoreRevision.objects.create(
            response=response, instrument=target, reason=reason, **fresh
        )
        if newly_fired:
            # A corrected rule that now fires on an old answer still deserves a look.
            raise_alert(response.client, newly_fired, response=response)
        score_revised.send(ScoreRevision, revision=revision)
    return revision


def _same(stored: Any, fresh: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(fresh, Decimal):
        return stored is not None and fresh is not None and Decimal(stored) == Decimal(fresh)
    # JSON round trips turn subscale keys and numbers into plain forms; compare those forms.
    return bool(json.loads(json.dumps(stored)) == json.loads(json.dumps(fresh)))


# --- A practice's instruments and settings ------------------------------------------------------


def set_instrument_enabled(
    practice: Practice, key: str, *, enabled: bool, by: User, licence_confirmed: bool = False
) -> PracticeInstrument:
    """Switch an instrument on or off for a practice; licence-restricted ones need confirming."""
    available = catalog.find_available(practice.pk, key)
    if available is None:
        raise AssessmentError(gettext("There is no such instrument."))
    now = timezone.now()
    confirmation: dict[str, Any] = {}
    if enabled and available.needs_licence_confirmation:
        if not licence_confirmed:
            raise AssessmentError(
                gettext(
                    "Tick the box to confirm that your practice may use %(name)s under its licence."
                )
                % {"name": available.version.abbreviation}
            )
        confirmation = {"licence_confirmed_by": by, "licence_confirmed_at": now}
    setting, _ = PracticeInstrument.objects.update_or_create(
        practice=practice,
        key=key,
        defaults={"enabled": enabled, "changed_by": by, "changed_at": now, **confirmation},
    )
    return setting


def set_instrument_cutoff(
    practice: Practice, key: str, *, cutoff: int | None, by: User
) -> PracticeInstrument:
    """Choose the screening cut-off for an instrument whose file asks for it to be configurable.

    Applies to responses scored from now on (and to rescoring); None returns to the file's own.
    """
    available = catalog.find_available(practice.pk, key)
    if available is None:
        raise AssessmentError(gettext("There is no such instrument."))
    allowed = available.cutoff_range
    if allowed is None:
        raise AssessmentError(
            gettext("%(name)s has no configurable cut-off.")
            % {"name": available.version.abbreviation}
        )
    low, high = allowed
    if cutoff is not None and not low <= cutoff <= high:
        raise AssessmentError(
            gettext("The cut-off for %(name)s must be from %(low)s to %(high)s.")
            % {"name": available.version.abbreviation, "low": low, "high": high}
        )
    setting, _ = PracticeInstrument.objects.update_or_create(
        practice=practice,
        key=key,
        defaults={"cutoff": cutoff, "changed_by": by, "changed_at": timezone.now()},
        create_defaults={
            "cutoff": cutoff,
            "enabled": available.enabled,
            "changed_by": by,
            "changed_at": timezone.now(),
        },
    )
    return setting


def import_problems(raw: bytes, taken_ids: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """The parsed definition and every problem found with an uploaded instrument file."""
    if len(raw) > MAX_IMPORT_BYTES:
        return {}, [
            gettext("The file is larger than %(size)d KB.") % {"size": MAX_IMPORT_BYTES // 1024}
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}, ["The file is not UTF-8 text; save it as a .json file in UTF-8."]
    problems = validate_instrument(text, taken_ids=taken_ids)
    if problems:
        return {}, problems
    data: dict[str, Any] = json.loads(text)
    if data.get("category") not in CATEGORIES:
        problems.append(f"category must be one of: {', '.join(CATEGORIES)}")
    if data.get("respondent") not in RESPONDENTS:
        problems.append(f"respondent must be one of: {', '.join(RESPONDENTS)}")
    for field in ("license", "population", "instructions"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            problems.append(f"{field} must be given as text")
    return data, problems


def import_instrument(
    practice: Practice, by: User, raw: bytes, *, licence_confirmed: bool
) -> InstrumentVersion:
    """Add a practice's own instrument (or a new version of one it imported before)."""
    if not licence_confirmed:
        raise AssessmentError(
            gettext("Tick the box to confirm that your practice holds a licence for it.")
        )
    shipped = set(
        InstrumentVersion.objects.filter(practice__isnull=True).values_list("key", flat=True)
    )
    data, problems = import_problems(raw, sorted(shipped))
    if problems:
        raise AssessmentError(
            gettext("The file was not imported. Please fix these problems:"), problems
        )
    digest = catalog.content_hash(data)
    with transaction.atomic():
        latest = (
            InstrumentVersion.objects.select_for_update()
            .filter(practice=practice, key=data["id"])
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == digest:
            raise AssessmentError(
                gettext(
                    "This file is the same as version %(version)s of %(name)s, imported before; "
                    "nothing changed."
                )
                % {"version": latest.version, "name": latest.abbreviation}
            )
        version = InstrumentVersion.objects.create(
            key=data["id"],
            version=1 if latest is None else latest.version + 1,
            definition_text=raw.decode("utf-8"),
            content_hash=digest,
            source=InstrumentSource.IMPORTED,
            practice=practice,
            imported_by=by,
            **catalog.listing_fields(data),
        )
        now = timezone.now()
        PracticeInstrument.objects.update_or_create(
            practice=practice,
            key=version.key,
            defaults={
                "enabled": True,
                "changed_by": by,
                "changed_at": now,
                "licence_confirmed_by": by,
                "licence_confirmed_at": now,
            },
        )
        instruments_changed.send(InstrumentVersion, practice_id=practice.pk)
    return version


def update_assessment_settings(
    practice: Practice,
    by: User,
    *,
    crisis_message: str,
    email_alerts: bool,
    escalate_after_hours: int = DEFAULT_ESCALATION_HOURS,
    youth_crisis_message: str = "",
    country: str | None = None,
) -> PracticeAssessmentSettings:
    """Save a practice's crisis messages (empty: the defaults for each client's country), its
    alert emails, its escalation time and, when given, its country."""
    if not 1 <= escalate_after_hours <= MAX_ESCALATION_HOURS:
        raise AssessmentError(
            gettext("Choose an escalation time between 1 and %(most)d hours.")
            % {"most": MAX_ESCALATION_HOURS}
        )
    now = timezone.now()
    with transaction.atomic():
        settings, _ = PracticeAssessmentSettings.objects.update_or_create(
            practice=practice,
            defaults={
                "crisis_message": crisis_message.strip()[:2000],
                "youth_crisis_message": youth_crisis_message.strip()[:2000],
                "email_alerts": email_alerts,
                "escalate_after_hours": escalate_after_hours,
                "updated_by": by,
                "updated_at": now,
            },
        )
        if country is not None:
            set_practice_country(practice, country)
        # Alerts already waiting follow the new time (the consequence, called by name).
        reschedule_open_alerts(practice.pk, now)
    return settings


def set_results_shared(client: Client, by: User, *, shared: bool) -> bool:
    """Show (or stop showing) the client their questionnaire results; only their care team may.

    Returns whether the results are shared afterwards. Doing it twice changes nothing.
    """
    if not on_care_team(by, client):
        raise AssessmentError(gettext("Only the client's care team can share their results."))
    if shared:
        SharedResults.objects.get_or_create(client=client, defaults={"shared_by": by})
    else:
        SharedResults.objects.filter(client=client).delete()
    return shared


def start_new_episode(
    client: Client, instrument_key: str, by: User, note: str = ""
) -> EpisodeStart:
    """Start a new episode of care for one instrument: its next response is the new baseline.

    Only the client's care team may. Earlier responses stay and are shown as an earlier episode;
    reliable change and "recovered" are judged from the new baseline on.
    """
    if not on_care_team(by, client):
        raise AssessmentError(
            gettext("Only the client's care team can start a new episode of care.")
        )
    if not AssessmentResponse.objects.filter(
        client=client, instrument__key=instrument_key
    ).exists():
        raise AssessmentError(
            gettext("There are no answers to this questionnaire yet; nothing to reset.")
        )
    with transaction.atomic():
        episode = EpisodeStart.objects.create(
            client=client, instrument_key=instrument_key, started_by=by, note=note.strip()[:500]
        )
        episode_started.send(EpisodeStart, episode=episode)
    return episode
