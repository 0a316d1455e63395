"""Emails: rendered from subject / text / HTML templates; never any clinical content.

An email is written for its recipient, whoever triggered it: every time in it is in the
recipient's zone and every word in the recipient's language (both activated while the templates
render, as the middleware does for a page), and the templates may name that zone as
`time_zone`. A therapist's click that emails a Spanish-speaking parent writes in Spanish.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from stepwise.lib.language import reader_language
from stepwise.lib.tz import reader_zone


def render_templated_email(
    template: str, context: dict[str, Any], *, time_zone: str, language: str | None = None
) -> tuple[str, str, str]:
    """The subject (one line), text body and HTML body of `emails/<template>/`, with every time
    in `time_zone` and every word in `language` (the recipient's; without it, the active one)."""
    zone = reader_zone(time_zone)
    language = reader_language(translation.get_language() if language is None else language)
    context = {**context, "time_zone": zone.key, "language": language}
    with timezone.override(zone), translation.override(language):
        subject = render_to_string(f"emails/{template}/subject.txt", context).strip()
        text = render_to_string(f"emails/{template}/body.txt", context)
        html = render_to_string(f"emails/{template}/body.html", context)
    return " ".join(subject.split()), text, html


def language_of_address(address: str) -> str:
    """The language of the person whose account has this address; the site's default for an
    address without an account."""
    found = (
        get_user_model()
        .objects.filter(email__iexact=address)
        .values_list("language", flat=True)
        .first()
    )
    return reader_language(found)


def send_templated_email(
    template: str,
    to: str,
    context: dict[str, Any],
    *,
    time_zone: str,
    language: str | None = None,
) -> None:
    """Send to one recipient, written in their time zone and language (see
    `render_templated_email`). Without `language`, the language of the account that has the
    address (an invitation passes its own: the person has no account yet)."""
    if language is None:
        language = language_of_address(to)
    context = {"site_url": settings.SITE_URL, **context}
    subject, text, html = render_templated_email(
        template, context, time_zone=time_zone, language=language
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={"Content-Language": reader_language(language)},
    )
    message.attach_alternative(html, "text/html")
    message.send()
