"""The project's own deployment checks."""

from __future__ import annotations

import pytest

from stepwise.ops.checks import (
    check_csp,
    check_email_transport,
    check_shared_cache,
    check_staff_mfa,
)


def test_the_shipped_settings_pass_every_check() -> None:
    assert check_csp(None) == []
    assert check_shared_cache(None) == []
    assert check_email_transport(None) == []
    assert check_staff_mfa(None) == []


def test_switching_off_staff_mfa_fails_the_deploy_check(settings: pytest.FixtureRequest) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "mfa" not in m]  # type: ignore[attr-defined]
    assert [e.id for e in check_staff_mfa(None)] == ["stepwise.E005"]


def test_a_per_process_cache_is_an_error(settings: pytest.FixtureRequest) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # type: ignore[attr-defined]
    assert [e.id for e in check_shared_cache(None)] == ["stepwise.E004"]


def test_a_policy_without_object_src_is_an_error(settings: pytest.FixtureRequest) -> None:
    policy = {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
        }
    }
    settings.CONTENT_SECURITY_POLICY = policy  # type: ignore[attr-defined]
    assert [e.id for e in check_csp(None)] == ["stepwise.E002"]


def test_remote_smtp_without_tls_is_a_warning(settings: pytest.FixtureRequest) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = "smtp.example.com"  # type: ignore[attr-defined]
    settings.EMAIL_USE_TLS = False  # type: ignore[attr-defined]
    assert [w.id for w in check_email_transport(None)] == ["stepwise.W001"]
    settings.EMAIL_USE_TLS = True  # type: ignore[attr-defined]
    assert check_email_transport(None) == []
