"""Settings, read from the environment.

Embedded defaults (nothing set): SQLite in the project folder, Celery tasks run
eagerly in the web process, e-mail printed to the console. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and EMAIL_URL.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from core.encryption import derived_key

from .storage import default_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional, for a deployment's own secrets

DEBUG = env.bool("DEBUG", default=False)
# The default key is for local use only; `check --deploy` flags its "django-insecure-" prefix.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Personal data at rest (个人信息保护法; README "Personal data"): 身份证号 and telephone numbers are stored as Fernet
# tokens under FIELD_ENCRYPTION_KEYS (comma-separated; the first encrypts, all decrypt, so keys rotate), and found
# by an HMAC under FIELD_INDEX_KEY (core/encryption.py). Without DEBUG they must be set: the web application, the
# Celery worker and `check --deploy` refuse to start otherwise (core.encryption.require_keys); commands that touch
# no personal data, such as `makemigrations`, run without them. With DEBUG (`make run`) they default to keys derived from the development SECRET_KEY;
# config/settings_test.py sets its own.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_INDEX_KEY = env("FIELD_INDEX_KEY", default="")
if DEBUG:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derived_key(SECRET_KEY, "field-encryption")]
    FIELD_INDEX_KEY = FIELD_INDEX_KEY or derived_key(SECRET_KEY, "field-index")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "treebeard",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "accounts",
    "core",
    "unions",
    "studios",
    "reviews",
    "assessments",
    "subsidies",
    "rules",
    "documents",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.http_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "core.conflicts.ConflictMiddleware",  # after audit's: its entries name the request's user and address
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a timed-out session says so on the login page.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.ratelimit.RateLimitMiddleware",  # after authentication: counts per user
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's widget templates, but selects written in Python: a select of hundreds of options (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FormRenderer"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# An optional read replica (PostgreSQL streaming replication). Only the views marked `@reads_replica`
# read from it; every other read and every write goes to the primary (core/replica.py).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary through the replica's alias
DATABASE_ROUTERS = ["core.replica.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "unions.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginLockoutBackend",  # first: a locked-out login is refused before the password is checked
    "accounts.backends.UserBackend",  # ModelBackend that loads the user, union and unread count in one query
    "guardian.backends.ObjectPermissionBackend",
]
# The 等保 preset (README, "等保 preset"): each value there with its reason.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 3}},
]
# django-axes: 5 failures of one username from one address lock that pair for 30 minutes
# (templates/registration/locked_out.html says so); a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Second factor (django-otp TOTP) for these roles; OTP_REQUIRED_ROLES= (empty) turns it off.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["municipal_staff", "expert", "admin"])
OTP_TOTP_ISSUER = "揭阳市创新工作室系统"
# The administrator may delete a lost device (the next login enrols again) but never reads a secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions live in the database, never in a web process, so any process of any machine serves any user
# (README, "Deployment on several machines"); `cached_db` also keeps them in the cache (Redis).
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# Sessions end 30 minutes after the last request or 12 hours after login (accounts.middleware).
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# guardian would otherwise create an AnonymousUser row on every migrate.
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files and produced documents: a folder (MEDIA_ROOT) or an S3-compatible bucket (config/storage.py).
STORAGES = {
    "default": default_storage(env),
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded attachments: at most this size each (bytes); the request as a whole may carry a few.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Redis, when configured, carries Celery and the cache; without it tasks run eagerly.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# Official documents go to their own queue, so that workers started with `-Q documents` render them while
# others (`-Q celery`) keep e-mail and the nightly jobs moving; one worker for all takes `-Q celery,documents`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"documents.tasks.produce_document": {"queue": "documents"}}
# A document worker renders one document at a time and fetches no second task ahead of it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis down a request must not hang (issue 7, point 11): what a task does is recorded in the database
# first (core/outbox.py), queueing after commit tries once (core/queueing.py), and these bound that try to
# about a second. No page reads a task's result, and asking for one would make every send subscribe to the
# result store first (about 19 s of reconnecting when Redis is down), so results are not kept; a caller that
# wants one passes ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A send connects once, for at most a second (kombu otherwise retries the connection for about 6 s). The
    # worker's own consuming connection is not affected: it keeps retrying (broker_connection_max_retries).
    "max_retries": 0,
    "socket_connect_timeout": 1,
    # A Redis that accepts and never answers: give up on a command after 5 s (longer than the worker's 1 s BRPOP).
    "socket_timeout": 5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
# Periodic jobs (run `celery -A config beat` beside the worker).
CELERY_BEAT_SCHEDULE = {
    "approve-ended-publicities": {
        "task": "reviews.tasks.approve_ended_publicities",
        "schedule": crontab(hour=1, minute=0),  # every night, Asia/Shanghai
    },
    "remind-experts": {
        "task": "reviews.tasks.remind_experts",
        "schedule": crontab(hour=8, minute=30),
    },
    "remind-annual-reports": {  # 第九条: before and after the yearly report and assessment deadlines
        "task": "assessments.tasks.remind_annual",
        "schedule": crontab(hour=8, minute=40),
    },
    "rectification-deadlines": {  # 第十一条: reminders before the deadline, delisting proposed after it
        "task": "assessments.tasks.rectification_deadlines",
        "schedule": crontab(hour=0, minute=30),
    },
    "flush-outbox": {  # e-mails whose queueing failed (Redis down) or whose sending is to be tried again
        "task": "core.tasks.flush_outbox",
        "schedule": 60.0,
    },
    "produce-waiting-documents": {  # documents asked for while Redis was down
        "task": "documents.tasks.produce_waiting_documents",
        "schedule": 300.0,
    },
}
# The outbox (core/outbox.py): a failed e-mail is tried again after 1, 2, 4 … minutes (at most an hour apart),
# this many times in all, then flagged for staff; /healthz reports rows still pending after OUTBOX_LATE_MINUTES.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_LATE_MINUTES = env.int("OUTBOX_LATE_MINUTES", default=15)

# Official documents (GB/T 9704-2012). Fonts default to the bundled free Fandol fonts
# (documents/fonts/README.md); a union with licensed 方正小标宋 / 仿宋_GB2312 files points these at them.
_FONTS = BASE_DIR / "documents" / "fonts"
DOCUMENT_FONTS = {
    "xiaobiaosong": Path(env("DOCUMENT_FONT_XIAOBIAOSONG", default=str(_FONTS / "FandolSong-Bold.otf"))),
    "fangsong": Path(env("DOCUMENT_FONT_FANGSONG", default=str(_FONTS / "FandolFang-Regular.otf"))),
    "heiti": Path(env("DOCUMENT_FONT_HEITI", default=str(_FONTS / "FandolHei-Regular.otf"))),
    "kaiti": Path(env("DOCUMENT_FONT_KAITI", default=str(_FONTS / "FandolKai-Regular.otf"))),
    "songti": Path(env("DOCUMENT_FONT_SONGTI", default=str(_FONTS / "FandolSong-Regular.otf"))),
}
# A Celery worker loads WeasyPrint and the fonts as it starts (config/celery.py), not at its first document.
DOCUMENT_WARM_UP = env.bool("DOCUMENT_WARM_UP", default=True)
# The letterhead and distribution of the naming decision (版头、主送、版记).
DOCUMENT_ISSUER = env("DOCUMENT_ISSUER", default="揭阳市总工会")
DOCUMENT_MAIN_RECIPIENTS = env("DOCUMENT_MAIN_RECIPIENTS", default="各县（市、区）总工会，中央、省驻揭和市直单位工会")
DOCUMENT_COPY_TO = env("DOCUMENT_COPY_TO", default="广东省总工会经济技术部")
DOCUMENT_PRINTED_BY = env("DOCUMENT_PRINTED_BY", default="揭阳市总工会办公室")
# Where the public notice says objections go (第六条: 社会公示).
PUBLICITY_CONTACT = {
    "department": env("PUBLICITY_DEPARTMENT", default="揭阳市总工会经济技术部"),
    "address": env("PUBLICITY_ADDRESS", default="揭阳市榕城区（演示地址，部署时配置）"),
    "phone": env("PUBLICITY_PHONE", default="0663-0000000（演示号码）"),
    "email": env("PUBLICITY_EMAIL", default="jjb@example.cn"),
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="揭阳市总工会创新工作室系统 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An SMTP server that does not answer fails the attempt (recorded on the outbox row) instead of holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Links in e-mails point here.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Production hardening: on whenever DEBUG is off; HTTPS parts can be turned off
# behind a TLS-terminating proxy that is configured otherwise.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates use classes, data comes through json_script,
# behaviour from static/js); images may be data: URIs (the admin's icons), nothing loads from
# elsewhere, and no page may be framed. core.http_headers sends it; empty turns it off.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_https = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
# Behind our own reverse proxy: trust its X-Forwarded-Proto, and the address it appends to X-Forwarded-For
# (the login lockout and the audit trail).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SESSION_COOKIE_AGE = 12 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Identity and mobile numbers are masked in every record, whoever logs it (core.personal_data).
    "filters": {"redact_personal_data": {"()": "core.personal_data.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; its warnings (a missing font, a refused URL) still show.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # fontTools, which WeasyPrint subsets fonts with, logs every glyph of every subset at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Searches (?q=) and exports per user: at most N requests in a window of S seconds (core/ratelimit.py).
RATE_LIMITS = {
    "search": (env.int("RATE_LIMIT_SEARCHES", default=60), 60),
    "export": (env.int("RATE_LIMIT_EXPORTS", default=20), 60),
}

# Page size of list pages.
PAGE_SIZE = 20
# How long the dashboard keeps its counts over a whole scope (core/scoped_cache.py); 0 counts on every request.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
# `make bench` only: mounts the limit views under /bench/limit/ (bench/limits.py, docs/performance.md).
BENCH_LIMIT_VIEWS = env.bool("BENCH_LIMIT_VIEWS", default=False)
