"""Who may see which exercise, version and media file. Out of scope answers 404.

Therapists see shipped exercises, those shared with their practice and their own. Media files are
served to the people of the practice that uploaded them: its therapists, clients and caregivers.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404, HttpRequest

from stepwise.audit.actions import record_access
from stepwise.clinic.models import Client
from stepwise.lib.roles import roles_for
from stepwise.library.models import (
    ExerciseDefinition,
    ExerciseDefinitionQuerySet,
    ExerciseVersion,
    MediaFile,
)


def definitions_for(request: HttpRequest) -> ExerciseDefinitionQuerySet:
    """The definitions the signed-in therapist may open."""
    roles = roles_for(request)
    return ExerciseDefinition.objects.visible_to(request.user.pk, roles.practice_id)


def get_definition(request: HttpRequest, definition_id: int) -> ExerciseDefinition:
    definition = (
        definitions_for(request).select_related("current_version").filter(pk=definition_id).first()
    )
    if definition is None:
        raise Http404("No such exercise.")
    return definition


def get_own_definition(request: HttpRequest, definition_id: int) -> ExerciseDefinition:
    """A definition the signed-in therapist may edit: one they made, in their practice."""
    definition = get_definition(request, definition_id)
    if definition.is_shipped or definition.owner_id != request.user.pk:
        raise Http404("No such exercise.")
    return definition


def get_version(request: HttpRequest, version_id: int) -> ExerciseVersion:
    """A published version of a definition the therapist may open."""
    version = (
        ExerciseVersion.objects.select_related("definition")
        .filter(pk=version_id, definition__in=definitions_for(request))
        .first()
    )
    if version is None:
        raise Http404("No such exercise.")
    return version


def practice_ids_of(request: HttpRequest) -> set[int]:
    """Every practice the signed-in person belongs to: as therapist, client or caregiver."""
    roles = roles_for(request)
    ids = {roles.practice_id} if roles.practice_id is not None else set()
    user_id = request.user.pk
    if user_id is not None and (roles.client or roles.caregiver):
        ids |= set(
            Client.objects.filter(
                Q(user_id=user_id) | Q(caregiver_links__caregiver_id=user_id)
            ).values_list("practice_id", flat=True)
        )
    return ids


def get_media_for_user(request: HttpRequest, media_id: uuid.UUID) -> MediaFile:
    media = MediaFile.objects.filter(pk=media_id, practice_id__in=practice_ids_of(request)).first()
    if media is None:
        # Another practice's file, or none: the answer reveals nothing, the log keeps the try.
        record_access(request, "media.file", None, allowed=False)
        raise Http404("No such file.")
    return media
