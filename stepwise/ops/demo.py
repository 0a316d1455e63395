"""The demo practice a newcomer clicks through. The logins here are the README's, nowhere else.

`load_demo()` builds Riverside Family Therapy (demo) with twelve weeks of history ending today:
eight clients, two therapists sharing one of them, two parents. The same rows every run (the
randomness is seeded; dates are counted back from each client's today), through the same code as
the application's own writes:

- people, assignments, settings, shared results, the cut-off change and its rescoring, and what
  happens today go through the actions themselves;
- the history goes through the actions that take a moment (the weekly in-session practice by
  `submit_exercise(submitted_at=...)`, reminders by `create_for_occurrences(now=...)` and
  `create_for_feedback(now=...)`); the rest (home submissions with their metric rows,
  questionnaire responses, completions, reviews, feedback, acknowledged alerts, what the reminder
  worker did with each reminder) is built as those actions build it, at the past moment, the
  answers validated, measured and scored by the same pure functions, and written in bulk
  (`tests/clinic/test_demo_practice.py` checks every row against those functions).
"""

from __future__ import annotations

import random
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from stepwise.accounts.models import User
from stepwise.clinic import actions
from stepwise.clinic.models import Client, Practice, Role
from stepwise.ops.demo_cast import PEOPLE, Homework, Person, pick, toward

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - published demo login, documented in README
# The demo therapists' authenticator secret, published in the README (demo data only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_DOMAIN = "demo.stepwise.test"
HISTORY_DAYS = 84  # twelve weeks of history before today


def current_demo_code() -> str:
    """What an authenticator app holding the demo secret shows right now."""
    counter = int(time_module.time()) // 30
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


DEMO_LOGINS = [
    DemoLogin("therapist, practice admin", f"alex.morgan@{DEMO_DOMAIN}"),
    DemoLogin("therapist", f"sam.okafor@{DEMO_DOMAIN}"),
    DemoLogin("client", f"jordan@{DEMO_DOMAIN}"),
    DemoLogin("parent of Mia (a minor client)", f"chris@{DEMO_DOMAIN}"),
    DemoLogin("parent of Oliver (a minor client)", f"dana@{DEMO_DOMAIN}"),
]


def database_is_empty() -> bool:
    return not User.objects.exists() and not Practice.objects.exists()


# --- loading ------------------------------------------------------------------------------------

ALERT_NOTE = (
    "Phoned Jordan the same evening: passing thoughts, no plan or intent. Safety plan reviewed "
    "together; agreed to check in at Thursday's session."
)
THERAPISTS = {
    "alex": ("Alex Morgan", f"alex.morgan@{DEMO_DOMAIN}"),
    "sam": ("Sam Okafor", f"sam.okafor@{DEMO_DOMAIN}"),
}
CARERS = {"Mia": ("Chris", "father"), "Oliver": ("Dana", "mother")}


@dataclass
class _Client:
    person: Person
    client: Client
    therapist: User
    doer: User  # who hands in the client's own homework: the client, or a parent for a child
    carer: User | None
    today: date
    first_day: date
    assignments: list[tuple[Homework, Any]] = field(default_factory=list)


def _user(email: str, name: str, time_zone: str, password: str) -> User:
    """An account with a confirmed address; `password` is already hashed (hashing is slow)."""
    user = User.objects.create_user(email=email, name=name, time_zone=time_zone)
    user.password = password
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@transaction.atomic
def load_demo() -> Practice:
    """Build the demo practice with its history (only into an empty database)."""
    from stepwise.assessments import actions as assessment_actions

    password = make_password(DEMO_PASSWORD)
    alex = _user(THERAPISTS["alex"][1], THERAPISTS["alex"][0], "Europe/London", password)
    sam = _user(THERAPISTS["sam"][1], THERAPISTS["sam"][0], "Europe/London", password)
    practice = actions.create_solo_practice(alex, "Riverside Family Therapy (demo)")
    invited = actions.invite_therapist(practice, alex, email=sam.email, role=Role.THERAPIST)
    actions.accept_invitation(invited.invitation, sam)
    for therapist in (alex, sam):  # staff need a second factor; the demo's is published
        TOTP.activate(therapist, DEMO_TOTP_SECRET)
    # PHQ-A ships switched off until an admin confirms the practice may use it.
    assessment_actions.set_instrument_enabled(
        practice, "phqa", enabled=True, by=alex, licence_confirmed=True
    )
    therapists = {"alex": alex, "sam": sam}
    people = [_add_person(person, therapists, password) for person in PEOPLE]
    for each in people:
        # Sam runs the parent sessions for Mia, so she is on both care teams.
        team = [alex, sam] if each.person.name == "Mia" else None
        days, note = each.person.next_session
        actions.update_client(
            each.client,
            display_name=each.client.display_name,
            time_zone=each.client.time_zone,
            email=each.client.email,
            mobile=each.client.mobile,
            is_minor=each.client.is_minor,
            therapists=team,
            next_session_on=each.today + timedelta(days=days),
            next_session_note=note,
        )
    for each in people:
        _assign(each)
    _history(people)
    _today(people, practice, alex, sam)
    return practice


def _add_person(person: Person, therapists: dict[str, User], password: str) -> _Client:
    from stepwise.homework.models import today_for
    from stepwise.lib.tz import local_instant

    therapist = therapists[person.therapist]
    email = f"{person.name.lower()}@{DEMO_DOMAIN}" if person.login else ""
    client = actions.add_client(
        therapist,
        display_name=person.name,
        time_zone=person.time_zone,
        email=email,
        mobile=person.mobile,
        is_minor=person.minor,
    )
    doer = carer = None
    if person.login:
        issued = actions.invite_client(client, therapist)
        doer = _user(email, person.name, person.time_zone, password)
        actions.accept_invitation(issued.invitation, doer)
    if person.name in CARERS:
        name, relationship = CARERS[person.name]
        carer_email = f"{name.lower()}@{DEMO_DOMAIN}"
        issued = actions.invite_caregiver(
            client, therapist, email=carer_email, relationship=relationship
        )
        carer = _user(carer_email, name, person.time_zone, password)
        actions.accept_invitation(issued.invitation, carer)
    today = today_for(client)
    first_day = today - timedelta(days=HISTORY_DAYS)
    # Added at the first session, twelve weeks ago (the action stamps now; the rest is the same).
    added = local_instant(first_day, time(10, 0), therapist.time_zone)
    Client.objects.filter(pk=client.pk).update(created_at=added)
    client.refresh_from_db()
    doer = doer or carer
    assert doer is not None
    return _Client(person, client, therapist, doer, carer, today, first_day)


def _schedule(homework: Homework, start: date) -> Any:
    from stepwise.homework.schedule import Frequency, Schedule

    kind, _, value = homework.frequency.partition(":")
    if kind == "once":
        return Schedule(Frequency.ONCE, start, due=start + timedelta(days=int(value)))
    if kind == "daily":
        return Schedule(Frequency.DAILY, start)
    if kind == "weekdays":
        days = frozenset(int(d) for d in value.split(","))
        return Schedule(Frequency.WEEKDAYS, start, weekdays=days)
    if kind == "per_week":
        return Schedule(Frequency.TIMES_PER_WEEK, start, times_per_week=int(value))
    return Schedule(Frequency.EVERY_N_WEEKS, start, interval_weeks=int(value))


def _assign(each: _Client) -> None:
    """Each homework as the therapist set it on its first day (the actions, then the date)."""
    from stepwise.assessments import catalog
    from stepwise.homework.actions import assigning
    from stepwise.homework.models import Assignee, Assignment, ItemKind, ScheduleVersion
    from stepwise.lib.tz import local_instant
    from stepwise.library.models import ExerciseDefinition

    for homework in each.person.homework:
        start = each.first_day + timedelta(weeks=homework.starts_week)
        if homework.frequency.startswith("per_week"):
            start += timedelta(days=3)  # its weeks began days ago, so some are done by now
        if homework.measure is not None:
            available = catalog.find_available(each.client.practice_id, homework.measure.key)
            assert available is not None, homework.measure.key
            item = assigning.ItemChoice(
                kind=ItemKind.ASSESSMENT,
                instrument_key=homework.measure.key,
                title=available.version.abbreviation,
                estimated_minutes=5,
            )
        else:
            exercise = ExerciseDefinition.objects.get(slug=homework.item, practice__isnull=True)
            item = assigning.ItemChoice(
                kind=ItemKind.EXERCISE,
                exercise=exercise,
                title=exercise.title,
                estimated_minutes=exercise.estimated_minutes,
            )
        assignment = assigning.assign(
            client=each.client,
            by=each.therapist,
            item=item,
            schedule=_schedule(homework, start),
            reminder_time=homework.at,
            note=homework.note,
            assignee=Assignee.CAREGIVER if homework.for_carer else Assignee.CLIENT,
        )
        # Assigned in the session on its first day, in the afternoon of the therapist's day.
        made = local_instant(start, time(14, 30), each.therapist.time_zone)
        Assignment.objects.filter(pk=assignment.pk).update(created_at=made)
        ScheduleVersion.objects.filter(assignment=assignment).update(created_at=made)
        each.assignments.append((homework, assignment))


@dataclass
class _Done:
    """One piece of homework handed in, before its completion row is written."""

    each: _Client
    assignment: Any
    occurrence: Any
    moment: datetime
    day: date
    submission: Any = None
    metrics: dict[str, float] = field(default_factory=dict)  # the submission's, by name
    response: Any = None
    reviewed_at: datetime | None = None


def _rng(*parts: object) -> random.Random:
    return random.Random("/".join(str(p) for p in parts))  # a str seed: the same every run


def _done_day(occurrence: Any, today: date, rng: random.Random) -> date | None:
    """The day a piece of homework was handed in: its opening day, later in its window, or now
    and then a day late."""
    last = min(occurrence.due, today - timedelta(days=1))
    if occurrence.opens > last:
        return None
    late = occurrence.due + timedelta(days=1)
    if rng.random() < 0.06 and late < today:  # now and then handed in the day after
        return late
    slot = int(occurrence.key.partition("#")[2] or 1)
    window = (last - occurrence.opens).days
    offset = min(window, (slot - 1) * 2 + rng.randint(0, 1)) if window else 0
    return occurrence.opens + timedelta(days=offset)


def _history(people: list[_Client]) -> None:
    from stepwise.homework.models import Completion, Occurrence
    from stepwise.lib.tz import local_instant
    from stepwise.reminders import actions as reminder_actions

    now = timezone.now()
    done: list[_Done] = []
    for each in people:
        ids = [a.pk for _, a in each.assignments]
        # The reminders each occurrence called for when it was made (sent or skipped below).
        reminder_actions.create_for_occurrences(
            ids,
            each.first_day,
            each.today,
            now=local_instant(each.first_day, time(0), each.client.time_zone),
        )
        for homework, assignment in each.assignments:
            rng = _rng(each.person.name, assignment.title)
            total = len(homework.measure.totals) if homework.measure else 0
            occurrences = Occurrence.objects.filter(
                assignment=assignment, opens__lt=each.today
            ).order_by("opens", "key")
            for index, occurrence in enumerate(occurrences):
                day = _done_day(occurrence, each.today, rng)
                progress = (occurrence.opens - each.first_day).days / HISTORY_DAYS
                share = toward(*homework.adherence, progress)
                if day is None or rng.random() >= share or (homework.measure and index >= total):
                    continue
                minutes = rng.randint(-45, 90)
                at = (datetime.combine(day, homework.at) + timedelta(minutes=minutes)).time()
                if at < homework.at and minutes > 0:  # past midnight: keep it on the same day
                    at = time(23, 30)
                moment = local_instant(day, at, each.client.time_zone)
                if moment >= now:
                    continue
                item = _Done(each, assignment, occurrence, moment, day)
                if homework.measure is not None:
                    item.response = _scored(each, homework, index, rng, moment)
                else:
                    assert homework.answers is not None
                    item.submission, item.metrics = _submission(
                        each,
                        assignment.exercise.current_version,
                        homework.answers(progress, rng),
                        submitted_by=each.carer if homework.for_carer else each.doer,
                        moment=moment,
                    )
                done.append(item)
        _sessions(each)
    _store_results(done)
    for item in done:
        item.reviewed_at = _review_moment(item, now)
    Completion.objects.bulk_create(
        Completion(
            assignment=item.assignment,
            client_id=item.each.client.pk,
            occurrence=item.occurrence,
            submission=item.submission,
            assessment_response=item.response,
            completed_by=item.submission.submitted_by if item.submission else _by(item),
            completed_at=item.moment,
            local_date=item.day,
            reviewed_at=item.reviewed_at,
            reviewed_by=item.each.therapist if item.reviewed_at else None,
        )
        for item in done
    )
    _feedback(people)
    _alerts(done)
    _reminders_sent(people, now)


def _by(item: _Done) -> User:
    from stepwise.homework.models import Assignee

    if item.assignment.assignee == Assignee.CAREGIVER:
        assert item.each.carer is not None
        return item.each.carer
    return item.each.doer


def _review_moment(item: _Done, now: datetime) -> datetime | None:
    """The therapist reads homework the next weekday morning; the last three days wait."""
    from stepwise.lib.tz import local_instant

    if now - item.moment < timedelta(days=3):
        return None
    day = item.day + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minutes = 9 * 60 + _rng(item.moment).randint(0, 90)
    return local_instant(day, time(minutes // 60, minutes % 60), item.each.therapist.time_zone)


def _scored(
    each: _Client, homework: Homework, index: int, rng: random.Random, moment: datetime
) -> Any:
    """A questionnaire response as `submit_assessment` makes it, at a moment in the past."""
    from stepwise.assessments import catalog
    from stepwise.assessments.actions import _stored_total
    from stepwise.assessments.models import AssessmentResponse, Mode, Respondent
    from stepwise.assessments.scoring import score, supplementary_alerts

    measure = homework.measure
    assert measure is not None
    available = catalog.find_available(each.client.practice_id, measure.key)
    assert available is not None
    definition = catalog.practice_definition(
        available.version, catalog.practice_cutoff(each.client.practice_id, measure.key)
    )
    answers = measure.answers(index, rng)
    result = score(definition, answers)
    return AssessmentResponse(
        client=each.client,
        instrument=available.version,
        answers=answers,
        supplementary={},
        sex="",
        total=_stored_total(result),
        band=result.band or "",
        subscales=dict(result.subscales),
        subscale_bands=dict(result.subscale_bands),
        critical_items=list(result.critical_items),
        supplementary_alerts=supplementary_alerts(definition, {}),
        administered_by=None,
        mode=Mode.HOME,
        respondent=Respondent.CAREGIVER if homework.for_carer else Respondent.CLIENT,
        submitted_at=moment,
    )


def _submission(
    each: _Client,
    version: Any,
    data: dict[str, Any],
    *,
    submitted_by: User | None,
    moment: datetime,
) -> tuple[Any, dict[str, float]]:
    """A home submission as `submit_exercise` makes it, unsaved, and its metrics."""
    from stepwise.homework.models import Mode, Submission
    from stepwise.library.responses import extract_metrics, fired_alert_rules, validate_response

    definition = version.parsed
    validated = validate_response(definition, data)
    # The demo's history raises no alert from an exercise; today's open alert is a PHQ-9's.
    assert not fired_alert_rules(definition, validated.answers), (version, data)
    submission = Submission(
        client=each.client,
        exercise_version=version,
        answers=validated.answers,
        mode=Mode.HOME,
        submitted_by=submitted_by,
        submitted_at=moment,
    )
    return submission, extract_metrics(definition, validated)


def _store_results(done: list[_Done]) -> None:
    """Write the submissions with their metric rows, and the questionnaire responses, in bulk."""
    from stepwise.assessments.models import AssessmentResponse
    from stepwise.homework.models import MetricValue, Submission

    handed_in = [item for item in done if item.submission is not None]
    Submission.objects.bulk_create([item.submission for item in handed_in], batch_size=500)
    MetricValue.objects.bulk_create(
        (
            MetricValue(
                submission=item.submission,
                client=item.submission.client,
                definition_id=item.submission.exercise_version.definition_id,
                name=name,
                value=value,
                recorded_at=item.submission.submitted_at,
            )
            for item in handed_in
            for name, value in item.metrics.items()
        ),
        batch_size=500,
    )
    AssessmentResponse.objects.bulk_create(
        [item.response for item in done if item.response is not None], batch_size=500
    )


def _sessions(each: _Client) -> None:
    """The weekly session: one exercise practised together, kept in the client's record."""
    from stepwise.homework.actions.submissions import submit_exercise
    from stepwise.homework.models import Mode
    from stepwise.lib.tz import local_instant
    from stepwise.library.models import ExerciseDefinition

    homework = next(h for h in each.person.homework if h.item == each.person.in_session)
    assert homework.answers is not None
    version = ExerciseDefinition.objects.get(
        slug=homework.item, practice__isnull=True
    ).current_version
    assert version is not None
    rng = _rng(each.person.name, "sessions")
    for week in range(HISTORY_DAYS // 7 - 1, 0, -1):
        day = each.today - timedelta(weeks=week)
        submit_exercise(
            client=each.client,
            version=version,
            data=homework.answers(1 - week / (HISTORY_DAYS // 7), rng),
            mode=Mode.IN_SESSION,
            submitted_by=each.therapist,
            submitted_at=local_instant(day, time(10, 0), each.client.time_zone),
        )


def _feedback(people: list[_Client]) -> None:
    """The therapist's notes on reviewed homework: the latest of each item, and a few more."""
    from stepwise.homework.models import Completion, Feedback
    from stepwise.reminders import actions as reminder_actions

    rows = []
    for each in people:
        rng = _rng(each.person.name, "feedback")
        reviewed = Completion.objects.filter(
            client=each.client, reviewed_at__isnull=False, submission__isnull=False
        ).order_by("-completed_at", "-id")
        notes = {a.pk: h.feedback or each.person.feedback for h, a in each.assignments}
        latest: set[int] = set()
        for completion in reviewed:
            first_of_item = completion.assignment_id not in latest
            latest.add(completion.assignment_id)
            if first_of_item or rng.random() < 0.08:
                texts = notes[completion.assignment_id]
                rows.append(
                    Feedback(
                        completion=completion,
                        author=each.therapist,
                        # The newest of each item gets its first note; older ones any.
                        text=texts[0] if first_of_item else pick(rng, texts),
                        created_at=completion.reviewed_at or completion.completed_at,
                    )
                )
    for feedback in Feedback.objects.bulk_create(rows):
        reminder_actions.create_for_feedback(feedback, now=feedback.created_at)


def _alerts(done: list[_Done]) -> None:
    """A critical answer in the history was seen to the same evening (acknowledged)."""
    from stepwise.assessments.models import Alert

    Alert.objects.bulk_create(
        Alert(
            client=item.each.client,
            response=item.response,
            items=[*item.response.critical_items, *item.response.supplementary_alerts],
            created_at=item.moment,
            acknowledged_by=item.each.therapist,
            acknowledged_at=item.moment + timedelta(hours=2),
            note=ALERT_NOTE,
        )
        for item in done
        if item.response is not None
        and (item.response.critical_items or item.response.supplementary_alerts)
    )


def _reminders_sent(people: list[_Client], now: datetime) -> None:
    """What the reminder worker did with each reminder whose moment has passed."""
    from stepwise.homework.models import Completion
    from stepwise.reminders.models import Kind, Reminder, State

    clients = {each.client.pk: each.client for each in people}
    finished = dict(
        Completion.objects.filter(client_id__in=clients, occurrence__isnull=False).values_list(
            "occurrence_id", "completed_at"
        )
    )
    rows = Reminder.objects.filter(
        client_id__in=clients, state=State.PENDING, send_at__lt=now
    ).values_list("pk", "kind", "occurrence_id", "recipient_id", "client_id", "send_at")
    outcome: dict[str, list[int]] = {"completed": [], "no_account": [], "": []}
    for pk, kind, occurrence_id, recipient_id, client_id, send_at in rows:
        completed = finished.get(occurrence_id)
        if kind in (Kind.DUE, Kind.OVERDUE) and completed and completed <= send_at:
            outcome["completed"].append(pk)
        elif recipient_id is None and clients[client_id].user_id is None:
            outcome["no_account"].append(pk)
        else:
            outcome[""].append(pk)
    for reason, ids in outcome.items():
        for start in range(0, len(ids), 500):
            chosen = Reminder.objects.filter(pk__in=ids[start : start + 500])
            if reason:
                chosen.update(state=State.SKIPPED, skip_reason=reason)
            else:
                chosen.update(
                    state=State.SENT,
                    sent_at=F("send_at"),
                    attempts=1,
                    provider_id=Concat(Value("demo-"), F("key")),
                )


def _today(people: list[_Client], practice: Practice, alex: User, sam: User) -> None:
    """What happened today, through the actions at the real moment."""
    from stepwise.assessments import actions as assessment_actions
    from stepwise.assessments.models import AssessmentResponse
    from stepwise.homework.actions import assigning
    from stepwise.homework.models import Completion, Occurrence
    from stepwise.progress import actions as progress_actions
    from stepwise.progress import stored

    by_name = {each.person.name: each for each in people}

    def open_today(each: _Client, position: int) -> Any:
        return (
            Occurrence.objects.filter(
                assignment=each.assignments[position][1],
                opens__lte=each.today,
                due__gte=each.today,
                completion__isnull=True,
            )
            .order_by("opens", "key")
            .first()
        )

    # Casey answers today's PHQ-9: still no better, and item 9 raises an alert nobody has seen.
    casey = by_name["Casey"]
    occurrence = open_today(casey, 2)
    if occurrence is not None:
        assigning.complete_assessment(
            assignment=occurrence.assignment,
            occurrence=occurrence,
            answers=[2, 2, 2, 2, 2, 2, 2, 2, 1],
            supplementary={"difficulty": 2},
            sex=None,
            by=casey.doer,
        )
    # Leo did his interoceptive drills today (not reviewed yet).
    leo = by_name["Leo"]
    occurrence = open_today(leo, 0)
    if occurrence is not None:
        homework = leo.person.homework[0]
        assert homework.answers is not None
        assigning.complete_exercise(
            assignment=occurrence.assignment,
            occurrence=occurrence,
            data=homework.answers(1.0, _rng("Leo", "today")),
            by=leo.doer,
        )
    # Sam has just read Taylor's latest grounding and left a note (its reminder is still due).
    taylor = by_name["Taylor"]
    latest = (
        Completion.objects.filter(client=taylor.client, submission__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )
    if latest is not None:
        assigning.leave_feedback(
            latest, by=sam, text="Grounding before the appointment: well done. How did it go?"
        )
    # The practice lowered PCL-5's cut-off to 31 today and rescored: one earlier score moves.
    assessment_actions.set_instrument_cutoff(practice, "pcl5", cutoff=31, by=alex)
    for response in AssessmentResponse.objects.filter(
        client=by_name["Taylor"].client, instrument__key="pcl5"
    ).order_by("submitted_at", "id"):
        assessment_actions.rescore_response(response, reason="PCL-5 cut-off changed to 31")
    for name, therapist in (("Jordan", alex), ("Oliver", sam), ("Taylor", sam)):
        assessment_actions.set_results_shared(by_name[name].client, therapist, shared=True)
    # The dashboard's stored figures, as the reminder worker computes them every minute.
    progress_actions.mark_changed(each.client.pk for each in people)
    stored.refresh_out_of_date()
