"""Stepwise's own deployment checks, run by `manage.py check --deploy` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def check_csp(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        errors.append(
            Error("The Content-Security-Policy middleware is not installed.", id="stepwise.E001")
        )
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    for directive in ("default-src", "object-src", "base-uri", "frame-ancestors"):
        if directive not in directives:
            errors.append(
                Error(f"The Content-Security-Policy lacks {directive}.", id="stepwise.E002")
            )
    if any("'unsafe-inline'" in str(v) for v in directives.get("script-src", [])):
        errors.append(Error("script-src must not allow 'unsafe-inline'.", id="stepwise.E003"))
    return errors


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[Error]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in LOCAL_CACHES:
        return [
            Error(
                "The default cache is private to each process, so login throttling would not be "
                "shared between processes.",
                hint="Use the database cache (the default) or Redis.",
                id="stepwise.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_email_transport(app_configs: Any, **kwargs: Any) -> list[Warning]:
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    local = settings.EMAIL_HOST in ("localhost", "127.0.0.1", "::1")
    if smtp and not local and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL):
        return [
            Warning(
                f"Email to {settings.EMAIL_HOST} is sent without TLS.",
                hint="Set EMAIL_USE_TLS=true (STARTTLS) or EMAIL_USE_SSL=true.",
                id="stepwise.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_staff_mfa(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if "stepwise.accounts.mfa.RequireStaffMFAMiddleware" not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "Two-step sign-in is not enforced for staff (middleware missing).",
                id="stepwise.E005",
            )
        )
    if getattr(settings, "MFA_ADAPTER", "") != "stepwise.accounts.mfa.MFAAdapter":
        errors.append(Error("TOTP secrets would be stored unencrypted.", id="stepwise.E006"))
    return errors
