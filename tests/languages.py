"""Helpers for tests that read Stepwise in Spanish."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import translation

from stepwise.accounts.models import User


def speak_spanish(browser: HttpClient, user: User | None = None) -> HttpClient:
    """Ask for Spanish every way a person can: the browser's Accept-Language, the language
    cookie, and (once accounts have one) the person's own language."""
    browser.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9"
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    if user is not None and any(f.name == "language" for f in User._meta.get_fields()):
        User.objects.filter(pk=user.pk).update(language="es")
    return browser


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread (as the test client runs
    requests in it): each test that asks for Spanish puts English back for the next one."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
