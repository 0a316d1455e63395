"""The crisis message in templates: `{% crisis_message crisis %}`, the footer's
`{% crisis_footer %}`, and `|tel_links` for a practice's own words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from stepwise.accounts.models import User
from stepwise.assessments.crisis import CrisisMessage, crisis_message_for, phone_numbers
from stepwise.clinic.models import Client
from stepwise.lib.roles import roles_for

register = template.Library()


@register.filter
def tel_links(text: str) -> SafeString:
    """Escape `text` and make each phone number in it a link that calls it."""
    parts: list[str] = []
    last = 0
    for start, end, address in phone_numbers(text):
        parts.append(escape(text[last:start]))
        parts.append(format_html('<a href="{}">{}</a>', address, text[start:end]))
        last = end
    parts.append(escape(text[last:]))
    # Every piece above was escaped or built by format_html.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


@register.inclusion_tag("assessments/_crisis_message.html")
def crisis_message(crisis: CrisisMessage, heading_level: int = 0) -> dict[str, Any]:
    return {"crisis": crisis, "heading_level": heading_level}


@register.inclusion_tag("assessments/_crisis_footer.html", takes_context=True)
def crisis_footer(context: dict[str, Any]) -> dict[str, Any]:
    """The practice's message for a client or carer; a line naming no number for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User):
        return {"crisis": None}
    roles = roles_for(request)  # read once per request already, for the navigation
    if roles.therapist or not (roles.client or roles.caregiver):
        return {"crisis": None}
    own = (
        Client.objects.filter(user=user).select_related("practice").first()
        if roles.client
        else None
    )
    if own is not None:
        return {"crisis": crisis_message_for(own)}
    cared_for = (
        Client.objects.filter(caregiver_links__caregiver=user)
        .select_related("practice")
        .order_by("id")
        .first()
    )
    if cared_for is not None:
        return {"crisis": crisis_message_for(cared_for, reader_is_client=False)}
    return {"crisis": None}
