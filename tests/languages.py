"""The one way a test makes a person read Stepwise in a language (Spanish, mostly)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.utils import translation

from stepwise.accounts.actions import set_language
from stepwise.accounts.models import User

# A Django test client, or None where the browser is a real one signed in already.
Browser = TypeVar("Browser", HttpClient, None)


def read_in(language: str, browser: Browser, *people: User) -> Browser:
    """`people` read Stepwise in `language`; so does `browser` if nobody is signed in on it.

    A signed-in person's own language decides their pages, whatever the browser asks
    (ReaderLanguageMiddleware), so it is set as they set it in Settings: the action, which also
    moves a client's record. A browser nobody is signed in to asks by itself, as a visitor's
    does: the language switcher's cookie and Accept-Language.
    """
    for person in people:
        set_language(person, language)
    if browser is not None and not _signed_in(browser):
        browser.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return browser


def _signed_in(browser: HttpClient) -> bool:
    return settings.SESSION_COOKIE_NAME in browser.cookies and SESSION_KEY in browser.session


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in this thread (as the test client runs
    requests in it): each test that asks for Spanish puts English back for the next one."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
