"""Settings for Xinqiao, read from the environment with safe defaults.

``XINQIAO_ENV`` is ``development`` (the default: SQLite, secrets generated once into
``var/secrets.json``, demo data allowed) or ``production`` (every secret must be given, HTTPS-only
cookies, no demo accounts). See README.md for the full list of variables.
"""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_int, env_list, env_str, local_secrets, read_secret, require_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("XINQIAO_VAR_DIR", str(BASE_DIR / "var")))
# The SQLite database, the task queue and generated secrets live here; create it on first start.
VAR_DIR.mkdir(parents=True, exist_ok=True)

XINQIAO_ENV = env_str("XINQIAO_ENV", "development").strip().lower()
if XINQIAO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"XINQIAO_ENV must be 'development' or 'production'; got {XINQIAO_ENV!r}.")
PRODUCTION = XINQIAO_ENV == "production"

# Demo mode creates the well-known demo accounts; it can never be switched on in production.
DEMO_MODE = env_bool("XINQIAO_DEMO", not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("XINQIAO_DEMO cannot be on when XINQIAO_ENV=production.")


def _new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_NAMES = ("XINQIAO_SECRET_KEY", "XINQIAO_ENCRYPTION_KEYS", "XINQIAO_BLIND_INDEX_KEY")

if PRODUCTION:
    _secrets = {name: require_secret(name) for name in SECRET_NAMES}
else:
    _generated = local_secrets(
        VAR_DIR / "secrets.json",
        {
            "XINQIAO_SECRET_KEY": lambda: secrets.token_urlsafe(64),
            "XINQIAO_ENCRYPTION_KEYS": _new_fernet_key,
            "XINQIAO_BLIND_INDEX_KEY": lambda: secrets.token_urlsafe(48),
        },
    )
    _secrets = {name: read_secret(name) or _generated[name] for name in SECRET_NAMES}

SECRET_KEY = _secrets["XINQIAO_SECRET_KEY"]
# Comma-separated Fernet keys, newest first: the first encrypts, all decrypt (see rotate_keys).
ENCRYPTION_KEYS = [key.strip() for key in _secrets["XINQIAO_ENCRYPTION_KEYS"].split(",") if key.strip()]
BLIND_INDEX_KEY = _secrets["XINQIAO_BLIND_INDEX_KEY"]

DEBUG = env_bool("XINQIAO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("XINQIAO_DEBUG cannot be on when XINQIAO_ENV=production.")

ALLOWED_HOSTS = env_list("XINQIAO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("XINQIAO_ALLOWED_HOSTS is not set: name the host names the site is served on.")
CSRF_TRUSTED_ORIGINS = env_list("XINQIAO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "treebeard",
    "django_htmx",
    # Xinqiao's own apps, one per SPEC section.
    "core",
    "orgs",
    "accounts",
    "confidentiality",
    "archives",
    "assessments",
    "workflow",
    "notifications",
    "crisis",
    "screening",
    "staff",
    "supervision",
    "complaints",
    "activities",
    "groupcounselling",
    "articles",
    "volunteers",
    "monthlyreports",
    "workplans",
    "quality",
    "portal",
    "api",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "confidentiality.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecurityGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xinqiao.urls"
WSGI_APPLICATION = "xinqiao.wsgi.application"

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
                "dashboard.context_processors.layout",
                "crisis.context_processors.red_alerts",
            ],
        },
    },
]

# Database: SQLite in one file by default; DATABASE_URL=postgres://… for production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xinqiao.sqlite3'}"),
        conn_max_age=env_int("XINQIAO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock when a
            # transaction starts, so that two writers queue instead of failing half-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session ends 30 minutes after the last request (each request renews it).
SESSION_COOKIE_AGE = env_int("XINQIAO_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout: 5 failures lock the user name for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = env_int("XINQIAO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("XINQIAO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Staff reach the intranet through shared NAT addresses: locking by address would lock a whole
# office out after one person's typos. Each account is protected by the user-name lockout above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("XINQIAO_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = env_str("XINQIAO_OTP_ISSUER", "Xinqiao")

# Internationalisation: Simplified Chinese first; English and Traditional Chinese available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("XINQIAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static files: every asset is served by the app (no CDN). Front-end packages come from npm at
# install time and are read straight out of node_modules; nothing third-party is committed.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("XINQIAO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(env_str("XINQIAO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# REST API: token auth, the same policy as the UI (see confidentiality.policy).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xinqiao API",
    "DESCRIPTION": "REST API of Xinqiao (心桥). Authenticate with `Authorization: Token <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field named "kind"; the org unit's gets a stable schema name instead of
    # a hash suffix (drf-spectacular W001, which the deploy check treats as a failure).
    # Choice sets that share a field name get stable names here (drf-spectacular W001 otherwise).
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "orgs.models.UnitKind",
        "WorkPlanCategoryEnum": "workplans.models.Category",
        "ConcernCategoryEnum": "monthlyreports.models.ConcernRow.Category",
        "WorkPlanStatusEnum": "workplans.models.WorkPlan.Status",
        "RecommendationStatusEnum": "supervision.models.Recommendation.Status",
    },
}

# Background work (Huey): a SQLite file queue by default, Redis when XINQIAO_REDIS_URL is set.
REDIS_URL = env_str("XINQIAO_REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("XINQIAO_TASKS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "xinqiao",
        "immediate": HUEY_IMMEDIATE,
        "connection": {"url": REDIS_URL},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "xinqiao",
        "immediate": HUEY_IMMEDIATE,
        "filename": str(VAR_DIR / "tasks.sqlite3"),
    }

# The cache holds short-lived counters (e.g. the self-test's failed identifications); with Redis
# they are shared by every worker process and machine.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security headers. In production the site is served over HTTPS behind a reverse proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("XINQIAO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("XINQIAO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("XINQIAO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("XINQIAO_HSTS_PRELOAD", True)

EMAIL_BACKEND = env_str("XINQIAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("XINQIAO_FROM_EMAIL", "xinqiao@localhost")

# Centre-wide knobs that are settings rather than data.
XINQIAO_TWO_FACTOR_ENFORCED = env_bool("XINQIAO_TWO_FACTOR", True)
XINQIAO_ACCESS_GRANT_HOURS = env_int("XINQIAO_ACCESS_GRANT_HOURS", 72)
XINQIAO_BREAK_GLASS_HOURS = env_int("XINQIAO_BREAK_GLASS_HOURS", 12)
XINQIAO_ARCHIVE_REVIEW_MONTHS = env_int("XINQIAO_ARCHIVE_REVIEW_MONTHS", 6)
XINQIAO_RETENTION_YEARS = env_int("XINQIAO_RETENTION_YEARS", 3)

# Service workflow (SVC). Appointments start and end on this grid; double booking is prevented
# per slot of this length (see workflow.models.SlotClaim).
XINQIAO_APPOINTMENT_SLOT_MINUTES = env_int("XINQIAO_APPOINTMENT_SLOT_MINUTES", 15)
# Follow-ups created when a case closes, this many months after closing.
XINQIAO_FOLLOW_UP_MONTHS = [int(m) for m in env_list("XINQIAO_FOLLOW_UP_MONTHS", ["1", "3"])]
# People who must go on a home visit: the counsellor plus companions (staff or volunteers).
XINQIAO_HOME_VISIT_MIN_PEOPLE = env_int("XINQIAO_HOME_VISIT_MIN_PEOPLE", 2)
XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS = env_bool("XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS", True)
# A referral with no confirmed receipt after this many days is listed for chasing.
XINQIAO_REFERRAL_RECEIPT_DAYS = env_int("XINQIAO_REFERRAL_RECEIPT_DAYS", 7)
XINQIAO_SATISFACTION_LINK_DAYS = env_int("XINQIAO_SATISFACTION_LINK_DAYS", 30)

# Notifications (PRT-2): the channel residents' messages go through. "outbox" keeps them in the
# staff-visible outbox only; "email" sends through Django's mail; "sms" and "wechat" post to a
# gateway configured below (see docs/notifications.md).
XINQIAO_NOTIFICATION_CHANNEL = env_str("XINQIAO_NOTIFICATION_CHANNEL", "outbox")
XINQIAO_SMS_GATEWAY_URL = env_str("XINQIAO_SMS_GATEWAY_URL", "")
XINQIAO_SMS_GATEWAY_TOKEN = read_secret("XINQIAO_SMS_GATEWAY_TOKEN") or ""
XINQIAO_SMS_SIGNATURE = env_str("XINQIAO_SMS_SIGNATURE", "")
XINQIAO_WECHAT_APP_ID = env_str("XINQIAO_WECHAT_APP_ID", "")
XINQIAO_WECHAT_TEMPLATE_ID = env_str("XINQIAO_WECHAT_TEMPLATE_ID", "")
XINQIAO_WECHAT_GATEWAY_URL = env_str("XINQIAO_WECHAT_GATEWAY_URL", "")
XINQIAO_WECHAT_GATEWAY_TOKEN = read_secret("XINQIAO_WECHAT_GATEWAY_TOKEN") or ""
XINQIAO_NOTIFICATION_TIMEOUT_SECONDS = env_int("XINQIAO_NOTIFICATION_TIMEOUT_SECONDS", 10)
# Crisis alerts (CRI-2): how long an alert of each level may wait for someone to acknowledge it
# before it escalates (to the duty supervisor, then the director). Yellow counts working days.
XINQIAO_ALERT_RED_MINUTES = env_int("XINQIAO_ALERT_RED_MINUTES", 15)
XINQIAO_ALERT_ORANGE_MINUTES = env_int("XINQIAO_ALERT_ORANGE_MINUTES", 240)
XINQIAO_ALERT_YELLOW_WORKING_DAYS = env_int("XINQIAO_ALERT_YELLOW_WORKING_DAYS", 3)
# The watch list (CRI-4): days until the first review of a person put on it after a crisis.
XINQIAO_WATCH_REVIEW_DAYS = env_int("XINQIAO_WATCH_REVIEW_DAYS", 7)
# Volunteers (PRG-5, read through volunteers/conf.py): at most this many active visit
# assignments per volunteer; the approved hours of star levels 1, 2, 3…; the reminder steps in
# days (try again after a visit without contact; tell the coordinator this long after due; the
# director instead when the coordinator's leave lasts this long); and the working days a new star
# level is listed before it is final.
XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS = env_int("XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS", 5)
XINQIAO_VOLUNTEER_STAR_HOURS = [
    int(h) for h in env_list("XINQIAO_VOLUNTEER_STAR_HOURS", ["100", "300", "600", "1000", "1500"])
]
XINQIAO_VOLUNTEER_TRY_AGAIN_DAYS = env_int("XINQIAO_VOLUNTEER_TRY_AGAIN_DAYS", 3)
XINQIAO_VOLUNTEER_COORDINATOR_AFTER_DAYS = env_int("XINQIAO_VOLUNTEER_COORDINATOR_AFTER_DAYS", 7)
XINQIAO_VOLUNTEER_COORDINATOR_AWAY_DAYS = env_int("XINQIAO_VOLUNTEER_COORDINATOR_AWAY_DAYS", 14)
XINQIAO_VOLUNTEER_STAR_LISTING_WORKING_DAYS = env_int("XINQIAO_VOLUNTEER_STAR_LISTING_WORKING_DAYS", 5)
# The address residents reach the centre at, for links in messages and QR codes (lib/urls.py).
# Empty: the address of the request being served (or http://127.0.0.1:8000 in background jobs).
XINQIAO_PUBLIC_BASE_URL = env_str("XINQIAO_PUBLIC_BASE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("XINQIAO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "huey": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
