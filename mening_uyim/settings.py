"""Settings for Mening Uyim: one module, driven by the environment.

Every variable read here is listed in the README's configuration table. In
``DJANGO_ENV=production`` the process refuses to start without ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``, and has no insecure defaults.
"""

from __future__ import annotations

import re
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_noop

from core.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_str,
    require,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MENING_UYIM_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ConfigurationError(
        f"DJANGO_ENV must be development, production or test, got {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    require(
        ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"],
        why="DJANGO_ENV=production refuses to start without its configuration",
    )
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    DEBUG = env_bool("DJANGO_DEBUG", False)
    if DEBUG:
        raise ConfigurationError("DJANGO_DEBUG must not be on when DJANGO_ENV=production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
else:
    # A development-only key: production never reaches this branch.
    SECRET_KEY = env_str(
        "DJANGO_SECRET_KEY", "dev-insecure-mening-uyim-key-not-for-production-use-0123456789"
    )
    DEBUG = env_bool("DJANGO_DEBUG", DJANGO_ENV == "development")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    # project apps, lowest layer first (see README "Architecture")
    "mening_uyim",
    "territory",
    "accounts",
    "accounts.oneid",
    "organizations",
    "buildings",
    "lots",
    "voting",
    "billing",
    "dispatch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mening_uyim.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mening_uyim.middleware.RefuseNulCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # the officials' rules (accounts.security.middleware): idle sessions end, then MFA
    "accounts.security.middleware.OfficialIdleTimeout",
    "accounts.security.middleware.MfaEnrolmentRequired",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "mening_uyim.urls"
WSGI_APPLICATION = "mening_uyim.wsgi.application"
ASGI_APPLICATION = "mening_uyim.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                # last: a mark for the CSRF token while an owner's page is cached
                "buildings.owner_pages.csrf_context",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
_env = environ.Env()
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": _env.db_url_config(DATABASE_URL)}
except Exception as exc:  # django-environ raises several types on a bad URL
    raise ConfigurationError(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the embedded worker writes; IMMEDIATE makes
        # a writing transaction take its lock up front instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
        "DATABASE_JIT", False
    ):
        # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: tens
        # to hundreds of milliseconds spent before a page's query of a few milliseconds runs
        # (the council's lots, 8 rows, took 415 ms at national scale). A web request's
        # queries are short; JIT pays only on long analytic scans, which the bulk jobs do
        # as set-based SQL without it. DATABASE_JIT=1 turns it back on.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    prepared = env_bool("DATABASE_PREPARED_STATEMENTS", True)
    if prepared and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # psycopg binds the parameters on the server and prepares a statement once it has
        # run 5 times on a connection; the server then neither parses nor plans it again
        # (a ballot's database time fell from 3.1 to 1.1 ms). Off behind a pooler in
        # transaction mode that cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and broker -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # one client per pool, reused
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mu",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # A signed-in request reads its session from Redis, not from the database; sessions
    # are still written to the database, so a flushed or restarted Redis logs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis the broker is kombu's filesystem transport under var/, so `make run`
# needs no server and the beat schedule still fires (README "Embedded mode").
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fix-up closes the database connection before and after every task unless
# this is set, so each task paid for a new PostgreSQL backend (its fork, its catalog
# caches, every statement planned afresh: a month's accrual is one task per lot). With it,
# the fix-up closes a worker's connections only every so many tasks, and
# mening_uyim/celery.py applies CONN_MAX_AGE and the health checks around each task, as
# Django does around each request.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TIMEZONE = "Asia/Tashkent"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "mening_uyim.tasks.heartbeat",
        "schedule": float(env_int("HEARTBEAT_SECONDS", 60)),
    },
    "elections-close-due": {
        "task": "voting.tasks.elections_close_due",
        "schedule": 15 * 60.0,
    },
    "elections-notify": {
        "task": "voting.tasks.elections_notify",
        "schedule": 15 * 60.0,
    },
    "meetings-close-due": {
        "task": "voting.tasks.meetings_close_due",
        "schedule": 15 * 60.0,
    },
    # DOMAIN.md "Billing": the accrual runs on the 1st of each month (CELERY_TIMEZONE)
    "accrual-monthly": {
        "task": "billing.tasks.accrual_monthly",
        "schedule": crontab(minute="5", hour="0", day_of_month="1"),
    },
    # DOMAIN.md "Billing": lease contracts unregistered past their deadline are violations
    "lease-violations-daily": {
        "task": "billing.tasks.lease_violations_daily",
        "schedule": crontab(minute="20", hour="0"),
    },
    # DOMAIN.md "Quarterly reports and suspension of accruals": daily, idempotent
    "enforce-quarterly-reports": {
        "task": "billing.tasks.enforce_quarterly_reports",
        "schedule": crontab(minute="10", hour="0"),
    },
    # Issue 11: the MC's director and accountant are warned QUARTERLY_REPORT_WARNING_DAYS
    # before a report's deadline (once per lot and quarter, however often it runs)
    "warn-report-deadlines": {
        "task": "billing.tasks.warn_report_deadlines",
        "schedule": crontab(minute="0", hour="9"),
    },
    # DOMAIN.md "Dispatch": a breached deadline escalates the ticket to the inspectors
    "dispatch-escalate-breaches": {
        "task": "dispatch.tasks.escalate_breaches",
        "schedule": crontab(minute="*/5"),
    },
    # the MCs' dispatch figures (share of deadlines met, time to resolve, rating)
    "dispatch-scorecards": {
        "task": "dispatch.tasks.scorecards",
        "schedule": crontab(minute="40"),
    },
    # Issue 10 "Nightly reconciliation": yesterday's payments (Asia/Tashkent) against each
    # provider's statement; the differences become flags for the inspectors.
    "payments-reconcile": {
        "task": "billing.tasks.payments_reconcile",
        "schedule": crontab(minute="30", hour="2"),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading a session's login from the shared cache
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
    "accounts.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
# "Logged in as …": the person's name (a OneID or SMS login may have no email).
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_RATE_LIMITS = {
    # Per client address: more than this many login POSTs answer 429.
    "login": env_str("LOGIN_RATE_LIMIT", "10/m/ip,60/h/ip"),
    # Per address and per account: failed passwords lock the form with an error.
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "5/5m/ip,5/5m/key"),
    "reset_password": env_str("PASSWORD_RESET_RATE_LIMIT", "5/h/ip,3/h/key"),
}

# --- sign-in (issue 15) -----------------------------------------------------------------
# OneID (accounts.oneid): the button shows only when the client id and secret are set.
# ONEID_FAKE mounts an embedded stand-in of OneID at /fake-oneid/ (accounts/oneid/fake.py).
# It is on by default outside production when no real client is configured (no
# ONEID_CLIENT_ID in the environment): then `make run` offers OneID against the stand-in
# (client "demo", base URL /fake-oneid on this site), with no external service. Production
# refuses it, and has no OneID until ONEID_CLIENT_ID and ONEID_CLIENT_SECRET are set.
ONEID_FAKE = env_bool("ONEID_FAKE", not PRODUCTION and not env_str("ONEID_CLIENT_ID", ""))
if PRODUCTION and ONEID_FAKE:
    raise ConfigurationError("ONEID_FAKE must not be on when DJANGO_ENV=production")
ONEID_CLIENT_ID = env_str("ONEID_CLIENT_ID", "demo" if ONEID_FAKE else "")
ONEID_CLIENT_SECRET = env_str("ONEID_CLIENT_SECRET", "demo" if ONEID_FAKE else "")
# A path (/fake-oneid) is this site, at the host each request came to.
ONEID_BASE_URL = env_str(
    "ONEID_BASE_URL", "/fake-oneid" if ONEID_FAKE else "https://sso.egov.uz"
).rstrip("/")
if PRODUCTION and ONEID_CLIENT_ID and not ONEID_BASE_URL.startswith("https://"):
    raise ConfigurationError("ONEID_BASE_URL must be an https:// address in production")
# OneID's scope is the one registered with the client; by default the client id.
ONEID_SCOPE = env_str("ONEID_SCOPE", "")
# How long a code of the stand-in may be exchanged (OneID's codes are short-lived).
ONEID_FAKE_CODE_TTL_SECONDS = env_int("ONEID_FAKE_CODE_TTL_SECONDS", 60)
# The adapter builds OneID's app from the settings above (no SocialApp row), opens
# sign-up to OneID alone and applies the registry matching rule.
SOCIALACCOUNT_ADAPTER = "accounts.oneid.adapter.OneIdSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_REQUIRED = False  # OneID sends no verified email; none is asked
SOCIALACCOUNT_STORE_TOKENS = False  # OneID's tokens serve the sign-in only
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button POSTs (CSRF), a link alone does nothing
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("ONEID_TIMEOUT_SECONDS", 10)
# --- end OneID

# SMS one-time codes (accounts.phone_login) and the SMS gateway (accounts.sms).
SMS_BACKEND = env_str("SMS_BACKEND", "console")
if SMS_BACKEND not in {"console", "gateway"}:
    raise ConfigurationError(f"SMS_BACKEND must be console or gateway, got {SMS_BACKEND!r}")
if SMS_BACKEND == "gateway":
    require(
        ["SMS_API_URL", "SMS_LOGIN", "SMS_PASSWORD"],
        why="SMS_BACKEND=gateway needs the gateway's address and account",
    )
SMS_API_URL = env_str("SMS_API_URL", "").rstrip("/")
SMS_LOGIN = env_str("SMS_LOGIN", "")
SMS_PASSWORD = env_str("SMS_PASSWORD", "")
SMS_SENDER = env_str("SMS_SENDER", "4546")
SMS_CALLBACK_URL = env_str("SMS_CALLBACK_URL", "")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 5)
# After a failed send, every code request answers "SMS unavailable" for this long, known
# phone or not (accounts.phone_login: the failure must not tell who is registered).
SMS_GATEWAY_DOWN_SECONDS = env_int("SMS_GATEWAY_DOWN_SECONDS", 60)
SMS_CODE_TTL_SECONDS = env_int("SMS_CODE_TTL_SECONDS", 300)
SMS_CODE_MAX_ATTEMPTS = env_int("SMS_CODE_MAX_ATTEMPTS", 5)
# allauth's rate limits (allauth.core.ratelimit; past them, the 429 page): "key" is the
# phone number, "ip" the client address.
_SMS_RATES = {
    "sms_code_request": ("SMS_CODE_REQUEST_RATE_LIMIT", "3/15m/key,10/d/key,20/h/ip"),
    "sms_code_confirm": ("SMS_CODE_CONFIRM_RATE_LIMIT", "10/15m/key,30/h/ip"),
}
for _action, (_variable, _default) in _SMS_RATES.items():
    _rate = env_str(_variable, _default).replace(" ", "")
    if not re.fullmatch(r"\d+/\d*[smhd]/(ip|key)(,\d+/\d*[smhd]/(ip|key))*", _rate):
        raise ConfigurationError(f"{_variable} must look like {_default}")
    ACCOUNT_RATE_LIMITS[_action] = _rate
# --- end SMS

# MFA for officials (allauth.mfa) and sessions (allauth.usersessions).
# WebAuthn is left out: headless Chromium has no authenticator of its own (a test would need
# CDP's virtual authenticator), and officials' phones all run an authenticator app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mening Uyim"
# One 30-second step either side (RFC 6238 section 5.2: a phone's clock drifts).
MFA_TOTP_TOLERANCE = 1
# Officials must use MFA and cannot switch it off themselves (accounts.security.rules).
MFA_ADAPTER = "accounts.security.adapter.MfaAdapter"
# A session is recorded at login (allauth's signal); tracking each request's activity would
# cost a SELECT and an UPDATE on every page (issue 16), so it is off.
USERSESSIONS_TRACK_ACTIVITY = False
OFFICIAL_SESSION_IDLE_SECONDS = env_int("OFFICIAL_SESSION_IDLE_SECONDS", 1800)
# How long a login's roles stay in the shared cache (accounts.permissions.roles_of; every
# change to the rows they come from voids the entry at once). 0: read them on each request.
ROLES_CACHE_SECONDS = env_int("ROLES_CACHE_SECONDS", 300)
# How far an owner's cached page may lag behind the clock (buildings.owner_pages: a change
# of its rows voids it at once). 0: no owner's page is cached.
OWNER_PAGE_SECONDS = env_int("OWNER_PAGE_SECONDS", 60)
# --- end MFA and sessions

# Telegram (accounts.telegram): the project's bot, for notifications.
TELEGRAM_BOT_TOKEN = env_str("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = env_str("TELEGRAM_BOT_USERNAME", "MeningUyimBot")
TELEGRAM_API_URL = env_str("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
# Telegram sends it back in the X-Telegram-Bot-Api-Secret-Token header of every webhook
# call (Bot API: 1-256 of A-Z a-z 0-9 _ -); empty: the webhook answers 404.
TELEGRAM_WEBHOOK_SECRET = env_str("TELEGRAM_WEBHOOK_SECRET", "")
if TELEGRAM_WEBHOOK_SECRET and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", TELEGRAM_WEBHOOK_SECRET):
    raise ConfigurationError("TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z, a-z, 0-9, _ and -")
TELEGRAM_LINK_CODE_TTL_SECONDS = env_int("TELEGRAM_LINK_CODE_TTL_SECONDS", 900)
if TELEGRAM_LINK_CODE_TTL_SECONDS <= 0:
    raise ConfigurationError("TELEGRAM_LINK_CODE_TTL_SECONDS must be positive")
# The channels the installation offers (each person chooses among them in the profile),
# read here so that a typo stops the start-up and a Telegram channel has its bot.
_NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", ["email"])
if not _NOTIFY_CHANNELS or set(_NOTIFY_CHANNELS) - {"email", "sms", "telegram"}:
    raise ConfigurationError("NOTIFY_CHANNELS must list some of email, sms, telegram")
if PRODUCTION and "telegram" in _NOTIFY_CHANNELS:
    require(["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"], why="NOTIFY_CHANNELS has telegram")
# --- end Telegram

# Wrong Payme keys and Click signatures per client address, then the protocol's refusal
# answers even the right key (billing.payments.guard).
PAYMENT_AUTH_FAILED_RATE_LIMIT = env_str("PAYMENT_AUTH_FAILED_RATE_LIMIT", "10/5m")
if not re.fullmatch(r"\d+/\d*[smhd]", PAYMENT_AUTH_FAILED_RATE_LIMIT.strip()):
    raise ConfigurationError("PAYMENT_AUTH_FAILED_RATE_LIMIT must look like 10/5m")

# --- internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "uz"
LANGUAGES = [
    ("uz", "Oʻzbekcha"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English groups thousands as uz and ru do (mening_uyim/formats/en says why).
FORMAT_MODULE_PATH = ["mening_uyim.formats"]
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise warns about a missing STATIC_ROOT; in development it serves via finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# --- email ----------------------------------------------------------------------------
if PRODUCTION or env_str("EMAIL_URL"):
    require(["EMAIL_URL"], why="DJANGO_ENV=production sends password resets by SMTP")
    vars().update(_env.email_url_config(env_str("EMAIL_URL")))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
NOTIFY_CHANNELS = _NOTIFY_CHANNELS  # the channels offered; read and checked in the Telegram block
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mening Uyim <noreply@meninguyim.uz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "core.api.exception_handler",  # a 404 in the reader's language
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated call is a 401 with WWW-Authenticate.
        "accounts.authentication.TokenAuthentication",  # DRF's, its lookup in plain SQL
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mening Uyim API",
    "DESCRIPTION": "National platform for managing multi-apartment housing in Uzbekistan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # ids in paths (core.ids.IdConverter): 1 to 19 ASCII digits
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_refusals",
    ],
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "LotStatusEnum": "lots.models.LotStatus",
        "ReportStatusEnum": "billing.models.ReportStatus",
        "WorkStatusEnum": "billing.models.WorkStatus",
        "RegisterStatusEnum": "organizations.models.RegisterStatus",
        "ClassificationEnum": "buildings.models.Classification",
        "ElectionStatusEnum": "voting.models.ElectionStatus",
        "ElectionOutcomeEnum": "voting.models.Outcome",
        "MeetingStatusEnum": "voting.models.MeetingStatus",
        "MeetingInitiatorEnum": "voting.models.MeetingInitiator",
        "QuestionKindEnum": "voting.models.QuestionKind",
        "QuestionRuleEnum": "voting.models.QuestionRule",
        "BallotChoiceEnum": "voting.models.Choice",
        "RevenueKindEnum": "billing.models.RevenueKind",
        "LeaseKindEnum": "billing.models.LeaseKind",
    },
}

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the reverse proxy of docker-compose / the ministry's load balancer.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP by the orchestrator inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint's progress and fontTools' font subsetting log each step of every PDF (a
    # receipt, a protocol) at INFO and DEBUG: a hundred lines per document
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- domain settings (configurable numbers of DOMAIN.md) ------------------------------
DEMO_PASSWORD = env_str("MENING_UYIM_DEMO_PASSWORD", "MeningUyim-2026")
# Scale of the national generator for `make run`'s demo data (1 = 44,000 buildings); at
# 0.08 Tashkent city forms the six lots that show every lot status (mening_uyim.demo_lots).
DEMO_SCALE = float(env_str("MENING_UYIM_DEMO_SCALE", "0.08"))

# Classification (DOMAIN.md "Building registry"): the defaults of the ClassificationPolicy
# row that inspectors edit in the admin. Weights are fractions (0.001 steps), thresholds %.
CLASSIFICATION_DEFAULTS = {
    "weights": {
        "foundation": "0.100",
        "walls": "0.200",
        "floors": "0.100",
        "roof": "0.100",
        "facade": "0.100",
        "heating": "0.080",
        "water": "0.100",
        "electricity": "0.070",
        "gas": "0.050",
        "elevators": "0.100",
    },
    "red_overall": "60",
    "red_structural": "70",
    "yellow_overall": "40",
    "yellow_element": "60",
}

# Map: the tile URL template (e.g. an internal tile server). Empty = no tiles: the map
# still shows every building as a coloured point on a plain background.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# Management companies register (DOMAIN.md, *configurable* minimum requirements).
MC_MIN_OWN_FUNDS_SOM = env_int("MC_MIN_OWN_FUNDS_SOM", 500_000_000)
MC_REQUIRE_MATERIAL_BASE = env_bool("MC_REQUIRE_MATERIAL_BASE", True)
MC_REQUIRE_DISPATCH = env_bool("MC_REQUIRE_DISPATCH", True)

# Lots (DOMAIN.md "Lots and five-year programs").
LOT_MIN_APARTMENTS = env_int("LOT_MIN_APARTMENTS", 7000)
# Voting (DOMAIN.md "Voting"): windows in days, quorum as a share of the total weight.
# General meetings of a building: owners initiate one holding at least
# VOTING_MEETING_INITIATIVE_PERCENT of the building's weight; discussion, then voting.
VOTING_MEETING_INITIATIVE_PERCENT = env_int("VOTING_MEETING_INITIATIVE_PERCENT", 10)
VOTING_MEETING_DISCUSSION_DAYS = env_int("VOTING_MEETING_DISCUSSION_DAYS", 7)
VOTING_MEETING_VOTING_DAYS = env_int("VOTING_MEETING_VOTING_DAYS", 7)
if not 0 < VOTING_MEETING_INITIATIVE_PERCENT <= 100:
    raise ConfigurationError("VOTING_MEETING_INITIATIVE_PERCENT must be between 1 and 100")
if VOTING_MEETING_DISCUSSION_DAYS < 0 or VOTING_MEETING_VOTING_DAYS < 1:
    raise ConfigurationError(
        "VOTING_MEETING_DISCUSSION_DAYS must be 0 or more, VOTING_MEETING_VOTING_DAYS 1 or more"
    )
# Lot elections (VOTING_QUORUM_PERCENT is the general meetings' quorum too).
VOTING_NOMINATION_DAYS = env_int("VOTING_NOMINATION_DAYS", 7)
VOTING_ELECTION_DAYS = env_int("VOTING_ELECTION_DAYS", 14)
VOTING_EXTENSION_DAYS = env_int("VOTING_EXTENSION_DAYS", 7)
VOTING_QUORUM_PERCENT = env_int("VOTING_QUORUM_PERCENT", 50)
VOTING_INTERIM_RESULTS_VISIBLE = env_bool("VOTING_INTERIM_RESULTS_VISIBLE", False)
# Expected contributions of a new lot until its tariff is set: tiyin per m² per month.
LOT_DEFAULT_TARIFF_TIYIN = env_int("LOT_DEFAULT_TARIFF_TIYIN", 120_000)
# Default unit costs of the five-year program, tiyin per m² of the building's living area
# (roof repair 50,000 so'm/m² …), loaded into the UnitCost table that inspectors edit.
PROGRAM_UNIT_COSTS = {
    "foundation": (gettext_noop("Foundation strengthening"), 6_000_000),
    "walls": (gettext_noop("Wall repair"), 9_000_000),
    "floors": (gettext_noop("Floor slab repair"), 12_000_000),
    "roof": (gettext_noop("Roof repair"), 5_000_000),
    "facade": (gettext_noop("Facade insulation and repair"), 8_000_000),
    "heating": (gettext_noop("Heating modernisation"), 7_000_000),
    "water": (gettext_noop("Water and sewage renewal"), 5_500_000),
    "electricity": (gettext_noop("Electrical wiring renewal"), 3_500_000),
    "gas": (gettext_noop("Gas pipework renewal"), 2_500_000),
    "elevators": (gettext_noop("Elevator replacement"), 6_000_000),
}

# Payments (DOMAIN.md "Billing"; issue 10 points 4, 5 and 8). The limits of one payment in
# tiyin, for the providers' endpoints and for the amount an owner may enter on "my bills".
# Payments (DOMAIN.md "Billing", issue 10): Payme's Merchant API authenticates with HTTP Basic
# "Paycom:<PAYME_KEY>", Click's SHOP API signs every request with CLICK_SECRET_KEY. Outside
# production a test key is the default (Payme's sandbox works with a test key too); in
# production there is no default, and without a key every call is refused (an empty key
# never matches). Amounts of one payment are limited (tiyin).
PAYME_KEY = env_str("PAYME_KEY", "" if PRODUCTION else "mening-uyim-payme-test-key")
PAYME_API_URL = env_str("PAYME_API_URL", "https://checkout.paycom.uz/api")
CLICK_SECRET_KEY = env_str("CLICK_SECRET_KEY", "" if PRODUCTION else "mening-uyim-click-test-key")
CLICK_MERCHANT_USER_ID = env_str("CLICK_MERCHANT_USER_ID", "")
CLICK_API_URL = env_str("CLICK_API_URL", "https://api.click.uz/v2/merchant")
PAYMENT_MIN_TIYIN = env_int("PAYMENT_MIN_TIYIN", 100_000)
PAYMENT_MAX_TIYIN = env_int("PAYMENT_MAX_TIYIN", 100_000_000_000)
if not 0 < PAYMENT_MIN_TIYIN <= PAYMENT_MAX_TIYIN:
    raise ConfigurationError("PAYMENT_MIN_TIYIN must be positive and at most PAYMENT_MAX_TIYIN")
# Checkout links (the Pay button and the receipt's QR code): Payme's merchant id, Click's
# service and merchant ids. Outside production the defaults are placeholders, so that the
# demo shows the links; in production a provider without its ids is not offered.
PAYME_MERCHANT_ID = env_str("PAYME_MERCHANT_ID", "" if PRODUCTION else "mening-uyim-demo")
PAYME_CHECKOUT_URL = env_str("PAYME_CHECKOUT_URL", "https://checkout.paycom.uz").rstrip("/")
CLICK_SERVICE_ID = env_str("CLICK_SERVICE_ID", "" if PRODUCTION else "1")
CLICK_MERCHANT_ID = env_str("CLICK_MERCHANT_ID", "" if PRODUCTION else "1")
CLICK_CHECKOUT_URL = env_str("CLICK_CHECKOUT_URL", "https://my.click.uz/services/pay")
# The nightly reconciliation asks the providers' APIs for their statements: on by default in
# production only, so that the demo's placeholder ids never send a request anywhere.
PAYMENT_RECONCILIATION = env_bool("PAYMENT_RECONCILIATION", PRODUCTION)
for _name in ("CLICK_SERVICE_ID", "CLICK_MERCHANT_ID"):
    _value = vars()[_name]
    if _value and not (_value.isascii() and _value.isdigit()):
        raise ConfigurationError(f"{_name} must be a number, got {_value!r}")
for _name in ("PAYME_CHECKOUT_URL", "CLICK_CHECKOUT_URL"):
    if not vars()[_name].startswith("https://"):
        raise ConfigurationError(f"{_name} must be an https:// URL, got {vars()[_name]!r}")
# Lease or gratuitous use of common property (DOMAIN.md "Billing"): a contract is registered
# with the tax authority within LEASE_REGISTRATION_DAYS of signing, or it is a violation.
# With LEASE_VIOLATION_AUTO_REMOVAL on, a violation removes the MC from the register at
# once, in the name of the inspector login LEASE_VIOLATION_REMOVAL_INSPECTOR (an email);
# off, an inspector removes it through the register's removal action.
LEASE_REGISTRATION_DAYS = env_int("LEASE_REGISTRATION_DAYS", 30)
LEASE_VIOLATION_AUTO_REMOVAL = env_bool("LEASE_VIOLATION_AUTO_REMOVAL", False)
LEASE_VIOLATION_REMOVAL_INSPECTOR = env_str("LEASE_VIOLATION_REMOVAL_INSPECTOR", "")
if LEASE_REGISTRATION_DAYS < 1:
    raise ConfigurationError("LEASE_REGISTRATION_DAYS must be 1 or more")
if LEASE_VIOLATION_AUTO_REMOVAL and not LEASE_VIOLATION_REMOVAL_INSPECTOR.strip():
    raise ConfigurationError(
        "LEASE_VIOLATION_AUTO_REMOVAL needs LEASE_VIOLATION_REMOVAL_INSPECTOR: the email of the"
        " inspector login in whose name a removal is recorded"
    )

# `accrue --inline`: lots charged in one database transaction and one statement.
ACCRUAL_LOTS_PER_TRANSACTION = env_int("ACCRUAL_LOTS_PER_TRANSACTION", 50)
if ACCRUAL_LOTS_PER_TRANSACTION < 1:
    raise ConfigurationError("ACCRUAL_LOTS_PER_TRANSACTION must be 1 or more")

# Quarterly reports (DOMAIN.md "Quarterly reports and suspension of accruals"): days after
# the quarter's last day (23:59 Asia/Tashkent) before a missing report suspends the accrual.
QUARTERLY_REPORT_GRACE_DAYS = env_int("QUARTERLY_REPORT_GRACE_DAYS", 0)
if QUARTERLY_REPORT_GRACE_DAYS < 0:
    raise ConfigurationError("QUARTERLY_REPORT_GRACE_DAYS must be 0 or more")
# Days before a report's deadline (grace days included) from which the MC's director and
# accountant are warned that it is not submitted yet (issue 11).
QUARTERLY_REPORT_WARNING_DAYS = env_int("QUARTERLY_REPORT_WARNING_DAYS", 14)
if QUARTERLY_REPORT_WARNING_DAYS < 0:
    raise ConfigurationError("QUARTERLY_REPORT_WARNING_DAYS must be 0 or more")

# Dispatch (DOMAIN.md "Dispatch (24-hour service) and appeals"): the response and
# resolution deadline of each urgency, in minutes, counted from the ticket's filing.
DISPATCH_DEADLINES_MINUTES = {
    "emergency": (
        env_int("DISPATCH_EMERGENCY_RESPONSE_MINUTES", 30),
        env_int("DISPATCH_EMERGENCY_RESOLUTION_MINUTES", 24 * 60),
    ),
    "urgent": (
        env_int("DISPATCH_URGENT_RESPONSE_MINUTES", 4 * 60),
        env_int("DISPATCH_URGENT_RESOLUTION_MINUTES", 3 * 24 * 60),
    ),
    "normal": (
        env_int("DISPATCH_NORMAL_RESPONSE_MINUTES", 24 * 60),
        env_int("DISPATCH_NORMAL_RESOLUTION_MINUTES", 10 * 24 * 60),
    ),
}
for _urgency, (_response, _resolution) in DISPATCH_DEADLINES_MINUTES.items():
    if not 0 < _response <= _resolution:
        raise ConfigurationError(
            f"DISPATCH_{_urgency.upper()}_RESPONSE_MINUTES must be positive and at most"
            f" DISPATCH_{_urgency.upper()}_RESOLUTION_MINUTES"
        )
# A new ticket of a building whose text is this similar (character trigrams, 0–100) to
# an open ticket of the last DISPATCH_DUPLICATE_HOURS joins it as one incident.
DISPATCH_DUPLICATE_HOURS = env_int("DISPATCH_DUPLICATE_HOURS", 24)
DISPATCH_DUPLICATE_SIMILARITY = env_int("DISPATCH_DUPLICATE_SIMILARITY", 45)
if DISPATCH_DUPLICATE_HOURS < 0 or not 0 < DISPATCH_DUPLICATE_SIMILARITY <= 100:
    raise ConfigurationError(
        "DISPATCH_DUPLICATE_HOURS must be 0 or more, DISPATCH_DUPLICATE_SIMILARITY 1 to 100"
    )
# Below this confidence (percent) the triage marks a ticket for the dispatcher's review.
TRIAGE_REVIEW_BELOW_PERCENT = env_int("TRIAGE_REVIEW_BELOW_PERCENT", 60)
if not 0 <= TRIAGE_REVIEW_BELOW_PERCENT <= 100:
    raise ConfigurationError("TRIAGE_REVIEW_BELOW_PERCENT must be 0 to 100")
TRIAGE_REVIEW_BELOW = TRIAGE_REVIEW_BELOW_PERCENT / 100  # as dispatch.triage reads it
# where the triage model is built (`make`, `manage.py train_triage`) or trained on first use
TRIAGE_MODEL_PATH = env_str("TRIAGE_MODEL_PATH", str(VAR_DIR / "triage" / "model.joblib"))
# Days within which the inspection answers an owner's appeal about the MC.
APPEAL_ANSWER_DAYS = env_int("APPEAL_ANSWER_DAYS", 15)
if APPEAL_ANSWER_DAYS < 1:
    raise ConfigurationError("APPEAL_ANSWER_DAYS must be 1 or more")
