"""Typed dates stay within a sane range and oversized uploads are refused before they are read
(issue 16, item 9): nothing a person types answers 500."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django import forms
from django.test import Client as HttpClient

import stepwise
from stepwise.homework.actions import assigning
from stepwise.homework.models import Assignment, ItemKind
from stepwise.homework.schedule import Frequency, Schedule, ScheduleError
from stepwise.lib.forms import DateInRangeField
from stepwise.library.models import ExerciseDefinition
from tests.conftest import World

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("frozen")  # every test at NOW


def _exercise() -> ExerciseDefinition:
    return ExerciseDefinition.objects.get(slug="paced-breathing", practice__isnull=True)


@pytest.mark.parametrize(
    "typed",
    [
        {"frequency": "once", "due": "9999-12-31"},
        {"frequency": "daily", "start": "9999-12-25"},
        {"frequency": "daily", "ends": "date", "end": "9999-12-31"},
        {"frequency": "once", "due": "0001-01-01"},
    ],
)
def test_assigning_with_a_far_date_is_refused_with_a_message(
    world: World, alice_client: HttpClient, typed: dict[str, str]
) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/assign/",
        {"item": f"exercise:{_exercise().pk}", "note": "Try it before bed", **typed},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a date between" in html
    assert "Try it before bed" in html
    assert not Assignment.objects.exists()


def test_editing_a_schedule_to_a_far_due_date_is_refused(
    world: World, alice_client: HttpClient
) -> None:
    assignment = assigning.assign(
        client=world.carl_client,
        by=world.alice,
        item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=_exercise(), title="Breathe"),
        schedule=Schedule(Frequency.DAILY, date(2026, 11, 26)),
        reminder_time=time(18),
    )
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/assignments/{assignment.pk}/schedule/",
        {"frequency": "once", "start": "2026-11-26", "due": "9999-12-31"},
    )
    assert response.status_code == 400
    assert "Enter a date between" in response.content.decode()
    assert assignment.schedules.count() == 1


def test_the_assign_action_refuses_dates_past_the_horizon_whoever_calls_it(world: World) -> None:
    with pytest.raises(ScheduleError, match="at most five years ahead"):
        assigning.assign(
            client=world.carl_client,
            by=world.alice,
            item=assigning.ItemChoice(kind=ItemKind.EXERCISE, exercise=_exercise(), title="B"),
            schedule=Schedule(Frequency.ONCE, date(2026, 11, 26), due=date(9999, 12, 31)),
            reminder_time=time(18),
        )
    assert not Assignment.objects.exists()


def test_a_far_next_session_date_is_refused_and_keeps_the_note(
    world: World, alice_client: HttpClient
) -> None:
    response = alice_client.post(
        f"/clients/{world.carl_client.pk}/edit/",
        {
            "display_name": "Carl",
            "time_zone": "Europe/London",
            "therapists": [world.alice.pk],
            "next_session_on": "9999-12-31",
            "next_session_note": "Review the fear ladder",
        },
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "Enter a date between" in html
    assert "Review the fear ladder" in html
    world.carl_client.refresh_from_db()
    assert world.carl_client.next_session_on is None


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31"])
def test_the_access_log_filter_answers_a_far_date_with_a_message(
    world: World, login_as: Any, since: str
) -> None:
    response = login_as(world.ada).get(f"/practice/access-log/?since={since}&until={since}")
    assert response.status_code == 200
    assert "Enter a date between" in response.content.decode()
    csv = login_as(world.ada).get(f"/practice/access-log.csv?since={since}&until={since}")
    assert csv.status_code == 200


def test_the_date_picker_offers_the_range_the_server_accepts(
    world: World, alice_client: HttpClient
) -> None:
    html = alice_client.get(f"/clients/{world.carl_client.pk}/assign/").content.decode()
    assert 'min="2025-11-26"' in html
    assert 'max="2031-11-26"' in html


def _all_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(stepwise.__path__, "stepwise."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("stepwise."):
            found.append(cls)
    return found


def test_every_date_a_person_types_goes_through_the_one_bounded_field() -> None:
    checked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _all_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.DateField)
    ]
    unbounded = [
        path
        for form in _all_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.DateField) and not isinstance(field, DateInRangeField)
        for path in [f"{form.__module__}.{form.__name__}.{name}"]
    ]
    assert unbounded == []
    assert len(checked) >= 8  # assign (3), schedule edit (3), next session, access log (2)


def _csrf_client(user: Any) -> HttpClient:
    """A browser that sends the CSRF token as the page's forms do, so the CSRF check reads the
    form body as it does for a real browser."""
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    browser.get("/")
    return browser


def _declared_post(browser: HttpClient, path: str, declared: int) -> Any:
    """A multipart POST that claims `declared` bytes but carries almost none: reading its body
    would fail, so only a refusal from the declared length can answer it."""
    token = browser.cookies["csrftoken"].value
    return browser.generic(
        "POST",
        path,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/library/media/", "alice"),
        ("/library/import/", "alice"),
        ("/practice/instruments/import/", "ada"),
        ("/me/draft/1/extra/", "carl"),  # not an upload URL: ordinary form data only
    ],
)
def test_a_body_declared_over_the_limit_is_refused_unread_with_a_clear_page(
    world: World, settings: Any, path: str, persona: str
) -> None:
    settings.STEPWISE_MAX_UPLOAD_MB = 1
    browser = _csrf_client(getattr(world, persona))

    response = _declared_post(browser, path, 3 * 1024 * 1024 + 1)

    assert response.status_code == 413
    html = response.content.decode()
    assert "too large: at most" in html
    assert "<h1>That was too large to send</h1>" in html


def test_an_upload_within_the_limit_still_reaches_the_page(world: World, settings: Any) -> None:
    settings.STEPWISE_MAX_UPLOAD_MB = 1
    browser = _csrf_client(world.alice)
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/library/media/", {"title": "Calm"}, HTTP_X_CSRFTOKEN=token
    )  # no file: the form's own message, not 413
    assert response.status_code == 400


def test_with_the_form_limit_turned_off_only_upload_urls_are_bounded(
    world: World, settings: Any, login_as: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None  # Django's own switch for "no limit"
    carl = login_as(world.carl)
    response = carl.post("/me/draft/1/extra/", {"step-notes": "x" * (3 * 1024 * 1024)})
    # The view answers (here: no such homework), not the middleware's 413 page.
    assert response.status_code == 404
    assert "too large to send" not in response.content.decode()


@pytest.mark.parametrize("since", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_the_summarys_date_picker_is_bounded_and_a_far_date_falls_back(
    world: World, alice_client: HttpClient, since: str
) -> None:
    response = alice_client.get(f"/clients/{world.carl_client.pk}/summary/?since={since}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'min="2025-11-25" max="2026-11-26"' in html
