"""Finding assessment records for the care team: out of scope answers 404, and every refusal is
written to the access log (the client page that leads here wrote the allowed record).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest

from stepwise.assessments import catalog
from stepwise.assessments.models import Alert, InstrumentVersion
from stepwise.assessments.results import ALERT_RELATED
from stepwise.audit.actions import record_access
from stepwise.clinic.models import Client


def get_instrument_for_client(
    request: HttpRequest, client: Client, instrument_id: int, action: str
) -> catalog.Availability:
    """The instrument a version id names, as the client's practice has it; 404 otherwise."""
    key = (
        InstrumentVersion.objects.filter(
            Q(practice__isnull=True) | Q(practice_id=client.practice_id), pk=instrument_id
        )
        .values_list("key", flat=True)
        .first()
    )
    available = None if key is None else catalog.find_available(client.practice_id, key)
    if available is None:
        record_access(request, action, client.pk, allowed=False)
        raise Http404("No such instrument.")
    return available


def get_alert_for_client(request: HttpRequest, client: Client, alert_id: int, action: str) -> Alert:
    """An alert of `client` (already found through the care team); 404 otherwise, audited."""
    alert = Alert.objects.filter(client=client, pk=alert_id).select_related(*ALERT_RELATED).first()
    if alert is None:
        record_access(request, action, client.pk, allowed=False)
        raise Http404("No such alert.")
    return alert
