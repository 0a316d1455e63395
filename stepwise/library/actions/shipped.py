"""Keep the database in step with the shipped files in `content/`: safe to run any number of times.

A new file makes a definition and its version 1; a changed file makes a new version; an unchanged
file makes nothing. Works with the real models (`manage.py load_library`) and with a migration's
historical models (the data migrations, `post_migrate`), so it touches only fields and default
managers.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from stepwise.library.loader import shipped_definitions
from stepwise.library.shipped import (
    SyncReport,
    catalogue_fields,
    content_hash,
    shipped_translations,
)


def _sync_translations(version_model: Any, version: Any, slug: str, report: SyncReport) -> None:
    if not any(f.name == "translations" for f in version_model._meta.get_fields()):
        return  # an older historical model (a migration before translations existed)
    wanted = shipped_translations(slug, report)
    if (version.translations or {}) != wanted:
        # Only the translations of a published version ever change, never its document.
        models.QuerySet.update(version_model.objects.filter(pk=version.pk), translations=wanted)
        report.translated.append(slug)


def sync_shipped(definition_model: Any, version_model: Any) -> SyncReport:
    """Load or update every shipped definition; returns what changed."""
    report = SyncReport()
    now = timezone.now()
    with transaction.atomic():
        for document in shipped_definitions():
            raw = document.model_dump(mode="json")
            digest = content_hash(raw)
            row = definition_model.objects.filter(practice__isnull=True, slug=document.slug).first()
            if row is None:
                row = definition_model.objects.create(
                    slug=document.slug,
                    visibility="shipped",
                    created_at=now,
                    updated_at=now,
                    **catalogue_fields(document),
                )
            latest = version_model.objects.filter(definition=row).order_by("-number").first()
            if latest is not None and latest.content_hash == digest:
                report.unchanged.append(document.slug)
                _sync_translations(version_model, latest, document.slug, report)
                continue
            # The file's own number when its author bumped it; otherwise the next one.
            number = max(document.version, latest.number + 1 if latest else 1)
            raw["version"] = number
            version = version_model.objects.create(
                definition=row,
                number=number,
                document=raw,
                content_hash=digest,
                published_at=now,
            )
            for name, value in catalogue_fields(document).items():
                setattr(row, name, value)
            row.current_version = version
            row.updated_at = now
            row.save()
            _sync_translations(version_model, version, document.slug, report)
            (report.updated if latest else report.created).append(document.slug)
    return report
