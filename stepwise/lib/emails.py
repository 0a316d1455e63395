"""Emails: rendered from subject / text / HTML templates; never any clinical content."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_templated_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject (one line), text body and HTML body of `emails/<template>/`."""
    subject = render_to_string(f"emails/{template}/subject.txt", context).strip()
    text = render_to_string(f"emails/{template}/body.txt", context)
    html = render_to_string(f"emails/{template}/body.html", context)
    return " ".join(subject.split()), text, html


def send_templated_email(template: str, to: str, context: dict[str, Any]) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject, text, html = render_templated_email(template, context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
