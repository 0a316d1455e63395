"""The therapist assigns homework from a client's page (or after practising it in session)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments import catalog
from stepwise.clinic.access import get_client_for_therapist
from stepwise.clinic.decorators import therapist_required
from stepwise.clinic.models import Client
from stepwise.homework.actions import assigning
from stepwise.homework.forms import AssignForm
from stepwise.homework.models import ItemKind, today_for
from stepwise.homework.schedule import ScheduleError
from stepwise.library.models import CATEGORY_LABELS, ExerciseDefinition
from stepwise.library.titles import reader_text


def _item_choices(user: User, client: Client) -> list[tuple[str, list[tuple[str, str]]]]:
    exercises = (
        ExerciseDefinition.objects.visible_to(user.pk, client.practice_id)
        .published()
        .select_related("current_version")
        .order_by("category", "title")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for exercise in exercises:
        label = _("Exercises: %(category)s") % {
            "category": CATEGORY_LABELS.get(exercise.category, exercise.category)
        }
        groups.setdefault(label, []).append(
            (
                f"exercise:{exercise.pk}",
                _("%(title)s (about %(minutes)d min)")
                % {"title": exercise.reader_title, "minutes": exercise.estimated_minutes},
            )
        )
    questionnaires = [
        (f"assessment:{a.version.pk}", a.version.label)
        for a in catalog.assignable_instruments(client.practice_id)
    ]
    return [*groups.items(), (_("Questionnaires"), questionnaires)]


def _resolve(value: str, user: User, client: Client) -> assigning.ItemChoice | None:
    kind, _sep, raw_id = value.partition(":")
    if not raw_id.isdigit():
        return None
    if kind == ItemKind.EXERCISE:
        exercise = (
            ExerciseDefinition.objects.visible_to(user.pk, client.practice_id)
            .published()
            .filter(pk=int(raw_id))
            .first()
        )
        if exercise is None:
            return None
        return assigning.ItemChoice(
            kind=ItemKind.EXERCISE,
            exercise=exercise,
            title=exercise.title,
            estimated_minutes=exercise.estimated_minutes,
        )
    if kind == ItemKind.ASSESSMENT:
        for available in catalog.assignable_instruments(client.practice_id):
            if available.version.pk == int(raw_id):
                return assigning.ItemChoice(
                    kind=ItemKind.ASSESSMENT,
                    instrument_key=available.key,
                    title=available.version.abbreviation,
                    estimated_minutes=5,
                )
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@therapist_required
def assign(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client_for_therapist(request, client_id, "homework.assign")
    user = signed_in_user(request)
    initial_item = ""
    if request.GET.get("exercise", "").isdigit():
        initial_item = f"exercise:{request.GET['exercise']}"
    elif request.GET.get("questionnaire", "").isdigit():
        initial_item = f"assessment:{request.GET['questionnaire']}"
    form = AssignForm(
        request.POST or None,
        item_choices=_item_choices(user, client),
        has_caregiver=client.caregiver_links.exists(),
        today=today_for(client),
        initial={"item": initial_item},
    )
    if request.method == "POST" and form.is_valid():
        item = _resolve(form.cleaned_data["item"], user, client)
        if item is None:
            form.add_error("item", _("Choose an exercise or questionnaire from the list."))
        else:
            try:
                assigning.assign(
                    client=client,
                    by=user,
                    item=item,
                    schedule=form.schedule(),
                    reminder_time=form.cleaned_data["reminder_time"],
                    note=form.cleaned_data["note"],
                    assignee=form.cleaned_data.get("assignee") or "client",
                    hidden_from_caregiver=bool(form.cleaned_data.get("hidden_from_caregiver")),
                )
            except (assigning.HomeworkError, ScheduleError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Assigned to %(name)s: %(title)s.")
                    % {"name": client.display_name, "title": reader_text(item.title)},
                )
                return redirect(
                    reverse("clinic:client_detail", kwargs={"client_id": client.pk})
                    + "#homework-heading"
                )
    return render(
        request,
        "homework/assign.html",
        {"client": client, "form": form},
        status=400 if request.method == "POST" else 200,
    )
