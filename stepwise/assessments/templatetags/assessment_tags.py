"""Template tags that let clinic pages show assessment information without importing this app.

`{% attention_list %}` lists the signed-in therapist's unacknowledged alerts (one query);
`{% client_assessments_section client %}` is the Assessments card of a client's page. Both run
inside pages that have already checked access and written their access record.
"""

from __future__ import annotations

from typing import Any

from django import template

from stepwise.accounts.models import User
from stepwise.accounts.signed_in import signed_in_user
from stepwise.assessments.models import CATEGORY_LABELS
from stepwise.assessments.results import describe_alerts, open_alerts, waiting_for_admins
from stepwise.assessments.views.records import client_section
from stepwise.clinic.access import caseload_for
from stepwise.clinic.models import Client
from stepwise.clinic.roles import roles_for

register = template.Library()


@register.filter
def category_label(category: str) -> str:
    """A category's name in the reader's language."""
    return str(CATEGORY_LABELS.get(category, category))


@register.inclusion_tag("assessments/_attention_list.html", takes_context=True)
def attention_list(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not isinstance(user, User):
        return {"alerts": []}
    alerts = open_alerts(caseload_for(user))
    return {"alerts": describe_alerts(alerts, user.time_zone)}


@register.inclusion_tag("assessments/_waiting_for_admins.html", takes_context=True)
def alerts_waiting_for_admins(context: dict[str, Any]) -> dict[str, Any]:
    """For a practice admin: how many alerts escalated to the admins still wait (one query)."""
    roles = roles_for(context["request"])
    if not roles.admin or roles.practice_id is None:
        return {"count": 0}
    return {"count": waiting_for_admins(roles.practice_id).count()}


@register.inclusion_tag("assessments/_client_alerts.html", takes_context=True)
def client_alerts(context: dict[str, Any], client: Client) -> dict[str, Any]:
    user = signed_in_user(context["request"])
    alerts = describe_alerts(open_alerts().filter(client=client), user.time_zone)
    return {"client": client, "alerts": alerts, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("assessments/_client_section.html", takes_context=True)
def client_assessments_section(context: dict[str, Any], client: Client) -> dict[str, Any]:
    user = signed_in_user(context["request"])
    section = client_section(client, user)
    section["csrf_token"] = context.get("csrf_token")
    return section
