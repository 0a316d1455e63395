"""Helpers for the library's web tests: shipped versions, posting an exercise form, media bytes,
and homework to reach the renderer through the client's own pages."""

from __future__ import annotations

import json
from typing import Any

from django.http import QueryDict

from stepwise.accounts.models import User
from stepwise.clinic.models import Client
from stepwise.homework.models import Assignment
from stepwise.library import actions
from stepwise.library.models import ExerciseDefinition
from stepwise.library.responses import to_form, validate_response
from stepwise.library.schema import ExerciseDefinition as Document
from tests import factories
from tests.library.conftest import VALID_ANSWERS, sink_document

# The first bytes of real files of each allowed format (enough for the content check).
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 200
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200
OGG = b"OggS\x00\x02" + b"\x00" * 200
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt " + b"\x00" * 200
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 200


def ensure_shipped_library() -> None:
    """The data migration loads the library; a flushed (transactional) database needs it again."""
    actions.load_shipped_library()


def querydict(form: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in form.items():
        query.setlist(key, values)
    return query


def form_for(document: Document, answers: dict[str, Any]) -> dict[str, list[str]]:
    """The flat form a browser would post for `answers`."""
    return to_form(document, validate_response(document, answers).answers)


def publish_sink(owner: User) -> ExerciseDefinition:
    """The every-step-type test exercise, imported (and so published) into the owner's practice."""
    document = sink_document()
    document["slug"] = "every-step-type"
    return actions.import_definition(owner, json.dumps(document))


def sink_answers() -> dict[str, Any]:
    return json.loads(json.dumps(VALID_ANSWERS))


def assign_daily(definition: ExerciseDefinition, client: Client, by: User) -> Assignment:
    """Homework for `client`, daily from their today: a client does only what is assigned."""
    return factories.assign_daily(client, by, definition=definition)
