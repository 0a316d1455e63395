"""Stepwise settings: one module, every value from the environment, parsed strictly.

``STEPWISE_MODE=production`` refuses to start without a real secret key and allowed hosts and
turns on every transport-security setting; the default development mode runs on SQLite under
``./data/`` with a console email backend so a newcomer needs nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from stepwise.lib.env import Env, SettingError
from stepwise.lib.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()


def _fail(message: str) -> None:
    raise SettingError(message)


try:
    MODE = env.choice("STEPWISE_MODE", ("development", "production"), "development")
    PRODUCTION = MODE == "production"
    DEBUG = env.boolean("DEBUG", default=not PRODUCTION)
    if PRODUCTION and DEBUG:
        _fail("DEBUG must be false when STEPWISE_MODE=production.")

    DATA_DIR = env.path("STEPWISE_DATA_DIR", BASE_DIR / "data")

    _secret = env.string("SECRET_KEY")
    if PRODUCTION:
        if len(_secret) < 50 or len(set(_secret)) < 5 or _secret.startswith("django-insecure"):
            _fail(
                "SECRET_KEY must be set to a random value of at least 50 characters in production."
            )
        SECRET_KEY = _secret
    else:
        # Development: a per-checkout random key kept in the data folder, never a literal.
        if not _secret:
            key_file = DATA_DIR / "dev-secret-key"
            if not key_file.exists():
                import secrets

                DATA_DIR.mkdir(parents=True, exist_ok=True)
                key_file.write_text(secrets.token_urlsafe(64))
                key_file.chmod(0o600)
            _secret = key_file.read_text().strip()
        SECRET_KEY = _secret

    ALLOWED_HOSTS = env.csv_list(
        "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
    )
    if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
        _fail("ALLOWED_HOSTS must list this server's host names in production (no '*').")
    CSRF_TRUSTED_ORIGINS = env.csv_list("CSRF_TRUSTED_ORIGINS")
    SITE_URL = env.string("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
    if PRODUCTION and not SITE_URL.startswith("https://"):
        _fail("SITE_URL must be the https:// address of this server in production.")

    _default_db = f"sqlite:///{DATA_DIR / 'stepwise.sqlite3'}"
    _db_url = env.string("DATABASE_URL", _default_db)
    try:
        _db: dict[str, Any] = dict(dj_database_url.parse(_db_url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several kinds for a bad URL
        raise SettingError(
            f"DATABASE_URL is not a database URL Stepwise understands: {exc}"
        ) from None
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        _db["CONN_MAX_AGE"] = 0
        _db["OPTIONS"] = {
            # WAL lets readers and one writer work together; IMMEDIATE avoids upgrade deadlocks.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": env.integer("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        }
    elif _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {})
        _db["CONN_HEALTH_CHECKS"] = True
        # Many nodes, few PostgreSQL connections (docs/scaling.md): a pool in each process
        # (psycopg's, through Django), or PgBouncer in transaction mode in front of the server.
        _pool_size = env.integer("STEPWISE_DB_POOL_SIZE", 0, minimum=0, maximum=200)
        _pooler = env.choice("STEPWISE_DB_POOLER", ("none", "pgbouncer-transaction"), "none")
        if _pool_size and _pooler != "none":
            _fail("Use STEPWISE_DB_POOL_SIZE or STEPWISE_DB_POOLER, not both.")
        if _pool_size:
            _db["CONN_MAX_AGE"] = 0  # Django's pool keeps the connections instead
            _db["CONN_HEALTH_CHECKS"] = False
            _db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _pool_size, "timeout": 10}
        if _pooler == "pgbouncer-transaction":
            # A transaction-mode pooler gives each transaction any server connection: no cursor
            # may outlive its transaction, and no statement may be prepared on one connection
            # and run on another.
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
            _db["OPTIONS"]["prepare_threshold"] = None
    else:
        _fail("DATABASE_URL must point to SQLite (sqlite:///...) or PostgreSQL (postgres://...).")
    DATABASES = {"default": _db}

    EMAIL_BACKEND_NAME = env.choice(
        "EMAIL_BACKEND", ("console", "smtp"), "smtp" if PRODUCTION else "console"
    )
    EMAIL_BACKEND = (
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_BACKEND_NAME == "smtp"
        else "django.core.mail.backends.console.EmailBackend"
    )
    EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
    EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", default=False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        _fail("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
    EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 10, minimum=1)
    DEFAULT_FROM_EMAIL = env.email("DEFAULT_FROM_EMAIL", "Stepwise <no-reply@stepwise.invalid>")
    SERVER_EMAIL = DEFAULT_FROM_EMAIL

    # Reminders: SMS through a Twilio-compatible HTTP API (or the console in development).
    SMS_BACKEND = env.choice("SMS_BACKEND", ("console", "http"), "console")
    SMS_API_URL = env.string("SMS_API_URL", "https://api.twilio.com")
    if not SMS_API_URL.startswith(("https://", "http://")):
        _fail("SMS_API_URL must start with https:// (or http:// for a local test server).")
    if PRODUCTION and SMS_BACKEND == "http" and not SMS_API_URL.startswith("https://"):
        _fail("SMS_API_URL must be an https:// address in production.")
    SMS_ACCOUNT_SID = env.string("SMS_ACCOUNT_SID")
    SMS_AUTH_TOKEN = env.string("SMS_AUTH_TOKEN")
    SMS_FROM = env.string("SMS_FROM")
    if SMS_BACKEND == "http" and not (SMS_ACCOUNT_SID and SMS_AUTH_TOKEN and SMS_FROM):
        _fail("SMS_BACKEND=http needs SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM.")
    SMS_TIMEOUT = env.integer("SMS_TIMEOUT", 10, minimum=1, maximum=120)
    # Web push: keys made by `manage.py vapid_keys`.
    VAPID_PRIVATE_KEY = env.string("VAPID_PRIVATE_KEY")
    VAPID_PUBLIC_KEY = env.string("VAPID_PUBLIC_KEY")
    VAPID_SUBJECT = env.string("VAPID_SUBJECT", "mailto:admin@stepwise.invalid")
    if not VAPID_SUBJECT.startswith(("mailto:", "https://")):
        _fail("VAPID_SUBJECT must start with mailto: or https://.")
    # Push services a subscription may name (host names or parent domains, comma-separated);
    # empty: any public https host. Endpoints resolving to a non-public address are always refused.
    STEPWISE_PUSH_SERVICES = env.csv_list("STEPWISE_PUSH_SERVICES")
    # Tests only: lets push reach a fake service on loopback over plain http.
    STEPWISE_PUSH_ALLOW_PRIVATE = env.boolean("STEPWISE_PUSH_ALLOW_PRIVATE", False)
    if PRODUCTION and STEPWISE_PUSH_ALLOW_PRIVATE:
        _fail("STEPWISE_PUSH_ALLOW_PRIVATE is for tests only; it cannot be set in production.")

    # Reminders: the worker's retries, its health, and one gentle nudge after a missed day.
    STEPWISE_OVERDUE_NUDGE = env.boolean("STEPWISE_OVERDUE_NUDGE", default=True)
    STEPWISE_REMINDER_MAX_ATTEMPTS = env.integer(
        "STEPWISE_REMINDER_MAX_ATTEMPTS", 6, minimum=1, maximum=20
    )
    STEPWISE_REMINDER_BACKOFF_SECONDS = env.integer(
        "STEPWISE_REMINDER_BACKOFF_SECONDS", 60, minimum=1, maximum=86400
    )
    STEPWISE_WORKER_STALE_SECONDS = env.integer(
        "STEPWISE_WORKER_STALE_SECONDS", 300, minimum=30, maximum=86400
    )
    STEPWISE_WORKER_EXPECTED = env.boolean("STEPWISE_WORKER_EXPECTED", default=PRODUCTION)
    STEPWISE_TASK_WORKER_EXPECTED = env.boolean("STEPWISE_TASK_WORKER_EXPECTED", default=False)
    SMS_INBOUND_SECRET = env.string("SMS_INBOUND_SECRET")

    # Keys that encrypt secrets stored in the database (TOTP seeds): Fernet keys, newest first.
    STEPWISE_FIELD_KEYS = env.csv_list("STEPWISE_FIELD_KEYS")
    if not STEPWISE_FIELD_KEYS:
        if PRODUCTION:
            _fail(
                "STEPWISE_FIELD_KEYS must hold at least one Fernet key in production "
                "(make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            )
        import base64
        import hashlib

        _derived = hashlib.sha256(f"stepwise-field-key:{SECRET_KEY}".encode()).digest()
        STEPWISE_FIELD_KEYS = [base64.urlsafe_b64encode(_derived).decode()]
    else:
        from cryptography.fernet import Fernet

        for _key in STEPWISE_FIELD_KEYS:
            try:
                Fernet(_key.encode())
            except ValueError:
                _fail("STEPWISE_FIELD_KEYS holds a value that is not a Fernet key.")

    INVITATION_DAYS = env.integer("STEPWISE_INVITATION_DAYS", 7, minimum=1, maximum=60)
    STEPWISE_IDLE_MINUTES = env.integer("STEPWISE_IDLE_MINUTES", 30, minimum=5, maximum=720)
    STEPWISE_SESSION_HOURS = env.integer("STEPWISE_SESSION_HOURS", 12, minimum=1, maximum=24 * 30)
    MAGIC_LINK_MINUTES = env.integer("STEPWISE_MAGIC_LINK_MINUTES", 15, minimum=1, maximum=1440)
    ADMIN_URL_PATH = env.string("STEPWISE_ADMIN_PATH", "admin").strip("/")
    LOG_LEVEL = env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
    # Proxies in front of Stepwise that append to X-Forwarded-For: production runs behind one TLS
    # proxy (nginx), so login throttling and the access log read the client's address there.
    STEPWISE_TRUSTED_PROXIES = env.integer(
        "STEPWISE_TRUSTED_PROXIES", 1 if PRODUCTION else 0, minimum=0, maximum=5
    )
    # Discharged client records are purged (`manage.py purge_expired`) after this many years.
    STEPWISE_RETENTION_YEARS = env.integer("STEPWISE_RETENTION_YEARS", 7, minimum=1, maximum=100)
    # Largest audio or video file a therapist may upload to the library, in megabytes.
    STEPWISE_MAX_UPLOAD_MB = env.integer("STEPWISE_MAX_UPLOAD_MB", 200, minimum=1, maximum=10_000)
    # Rows the shared database cache (login throttling) holds before it culls (see CACHES).
    STEPWISE_CACHE_MAX_ENTRIES = env.integer(
        "STEPWISE_CACHE_MAX_ENTRIES", 50_000, minimum=1_000, maximum=10_000_000
    )

    # Uploaded media: the data folder by default, or an S3-compatible bucket when several web
    # nodes must serve the same files (STEPWISE_MEDIA_STORAGE=s3, see docs/scaling.md).
    MEDIA_STORAGE = env.choice("STEPWISE_MEDIA_STORAGE", ("local", "s3"), "local")
    _media_storage = media_storage(env, MEDIA_STORAGE, production=PRODUCTION)
except SettingError as exc:
    sys.stderr.write(f"Stepwise cannot start: {exc}\n")
    raise

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "stepwise.accounts",
    "stepwise.audit",
    "stepwise.clinic",
    "stepwise.ops",
    "stepwise.reminders",
    "stepwise.assessments",
    "stepwise.library",
    "stepwise.homework",
    "stepwise.progress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before every Stepwise middleware: `request.htmx` is the one way to tell an htmx request.
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page: the signed-in person's own (stepwise.accounts), else the switcher's
    # cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the body: an oversized upload is refused unread (413).
    "stepwise.lib.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stepwise.lib.middleware.ReaderTimeZoneMiddleware",
    "stepwise.lib.middleware.ReaderLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "stepwise.accounts.session_timeout.SessionTimeoutMiddleware",
    "stepwise.accounts.mfa.RequireStaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "stepwise.lib.middleware.PrivateDataHeadersMiddleware",
    "stepwise.assessments.lock.InSessionLockMiddleware",
]

ROOT_URLCONF = "stepwise.urls"
WSGI_APPLICATION = "stepwise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stepwise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stepwise.clinic.context.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials", "stepwise.lib.timetags"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The cache is shared by every process (web and workers): login throttling must see all attempts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "stepwise_cache",
        # Past MAX_ENTRIES rows Django deletes the expired ones and then a third of the rest,
        # live throttle counters included (Django's default, 300, is a few minutes of a busy
        # evening's sign-ins): it must stay well above the live entries, while every write
        # counts the rows.
        "OPTIONS": {"MAX_ENTRIES": STEPWISE_CACHE_MAX_ENTRIES},
    }
}

# In the database: a sign-out ends the session on the server, every node sees it; the session
# keeps the person's roles and writes its idle stamp once a minute (docs/security.md, Sessions).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = STEPWISE_SESSION_HOURS * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# django-allauth: email is the login; therapists verify their address before signing in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Stepwise: "
ACCOUNT_ADAPTER = "stepwise.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "stepwise.clinic.signup.TherapistSignupForm",
    "login": "stepwise.accounts.forms.LoginForm",  # adds a client's "keep me signed in"
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "magic_link": "20/m/ip,3/10m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = STEPWISE_TRUSTED_PROXIES
MFA_ADAPTER = "stepwise.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Stepwise"
# The security-key step knows whether the user has a key (none registered: none offered).
MFA_FORMS = {"authenticate_webauthn": "stepwise.accounts.forms.AuthenticateWebAuthnForm"}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://127.0.0.1 in development only

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "en"
# English is the source; every other language has a complete catalogue (`manage.py messages`):
# one per app in `stepwise/<app>/locale/`, the project's own in `stepwise/locale/`.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "stepwise" / "locale"]
# The switcher's choice (and a signed-in person's own language) kept on this browser for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "stepwise" / "static"]
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content Security Policy: no inline script or style without the per-response nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every handler drops URL secrets (sign-in links, invitations, reset keys, calendar feeds) from
# what it writes: the request lines of runserver/`serve` and Django's "Not Found: /path" alike.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secret_paths": {"()": "stepwise.lib.redact.RedactSecretPaths"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_paths"],
        },
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["secret_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own defaults write through unfiltered handlers: replace them with ours.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
