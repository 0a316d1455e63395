"""Emails: rendered from subject / text / HTML templates; never any clinical content.

An email is written for its recipient: every time in it is in the recipient's zone (activated
while the templates render, as the middleware does for a page), and the templates may name that
zone as `time_zone`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from stepwise.lib.tz import reader_zone


def render_templated_email(
    template: str, context: dict[str, Any], *, time_zone: str
) -> tuple[str, str, str]:
    """The subject (one line), text body and HTML body of `emails/<template>/`, with every time
    in `time_zone` (the recipient's)."""
    zone = reader_zone(time_zone)
    context = {**context, "time_zone": zone.key}
    with timezone.override(zone):
        subject = render_to_string(f"emails/{template}/subject.txt", context).strip()
        text = render_to_string(f"emails/{template}/body.txt", context)
        html = render_to_string(f"emails/{template}/body.html", context)
    return " ".join(subject.split()), text, html


def send_templated_email(
    template: str, to: str, context: dict[str, Any], *, time_zone: str
) -> None:
    """Send to one recipient, written in their time zone (see `render_templated_email`)."""
    context = {"site_url": settings.SITE_URL, **context}
    subject, text, html = render_templated_email(template, context, time_zone=time_zone)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
