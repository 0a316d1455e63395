"""Copying the shipped instrument files into the database as `InstrumentVersion` rows.

A data migration, `post_migrate` and `manage.py load_instruments` all call it: a version is added
only when a file's content changed, so running it again does nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from stepwise.assessments import catalog
from stepwise.assessments.models import InstrumentSource, InstrumentVersion
from stepwise.assessments.signals import instruments_changed


def sync_shipped_instruments(
    model: type[models.Model] | None = None, using: str = "default"
) -> list[str]:
    """Add a version for each shipped file that is new or changed; return "key vN" for each.

    `model` lets a migration pass its historical model; the application passes nothing.
    """
    versions: Any = model or InstrumentVersion
    added: list[str] = []
    for text, data in catalog.shipped_files():
        digest = catalog.content_hash(data)
        latest = (
            versions.objects.using(using)
            .filter(key=data["id"], practice__isnull=True)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == digest:
            continue
        number = 1 if latest is None else latest.version + 1
        versions.objects.using(using).create(
            key=data["id"],
            version=number,
            definition_text=text,
            content_hash=digest,
            source=InstrumentSource.SHIPPED,
            **catalog.listing_fields(data),
        )
        added.append(f"{data['id']} v{number}")
    if added:
        instruments_changed.send(InstrumentVersion, practice_id=None)
    return added
