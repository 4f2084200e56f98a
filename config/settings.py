"""Django settings for gongkai. Values come from the environment through ``config.env``."""

from __future__ import annotations

import os
from pathlib import Path

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
    env_tiers,
    env_timezone,
    secret_key_from,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("GONGKAI_VAR_DIR", Path("var"), base=BASE_DIR)
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("GONGKAI_DEBUG", False)
SECRET_KEY = secret_key_from("GONGKAI_SECRET_KEY", var_dir=VAR_DIR)
ALLOWED_HOSTS = env_list("GONGKAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("GONGKAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gongkai.core",
    "gongkai.accounts",
    "gongkai.workdays",
    "gongkai.workplan",
    "gongkai.disclosure",
    "gongkai.foi",
    "gongkai.publishing",
    "gongkai.search",
    "gongkai.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongkai.core.middleware.SecurityHeadersMiddleware",
    "gongkai.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.publishing.middleware.StaticSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gongkai.core.middleware.CleanTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongkai.accounts.middleware.IdleTimeoutMiddleware",
    "gongkai.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.accounts.context_processors.workspace",
            ],
        },
    },
    # The public site (published to files, and its few dynamic pages): Jinja2, which renders
    # the pages several times faster than Django's engine (docs/adr/0004-public-templates.md).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "public"],  # the public 404 page
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "gongkai.portal.jinja2.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", sqlite_path=VAR_DIR / "gongkai.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Security baseline (等保 2.0) -------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "gongkai.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("GONGKAI_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "gongkai.accounts.validators.CharacterClassValidator"},
    {"NAME": "gongkai.accounts.validators.NotUsernameValidator"},
    {"NAME": "gongkai.accounts.validators.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
GONGKAI_LOGIN_MAX_FAILURES = env_int("GONGKAI_LOGIN_MAX_FAILURES", 5, minimum=1)
GONGKAI_LOGIN_LOCKOUT_MINUTES = env_int("GONGKAI_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# One client address may fail this many logins (any usernames) within the window before it is
# refused for the rest of the window: one client cannot lock many accounts.
GONGKAI_LOGIN_IP_MAX_FAILURES = env_int("GONGKAI_LOGIN_IP_MAX_FAILURES", 20, minimum=1)
GONGKAI_LOGIN_IP_WINDOW_MINUTES = env_int("GONGKAI_LOGIN_IP_WINDOW_MINUTES", 15, minimum=1)
GONGKAI_SESSION_IDLE_MINUTES = env_int("GONGKAI_SESSION_IDLE_MINUTES", 30, minimum=1)
GONGKAI_REQUIRE_2FA = env_bool("GONGKAI_REQUIRE_2FA", False)
GONGKAI_UPLOAD_MAX_MB = env_int("GONGKAI_UPLOAD_MAX_MB", 50, minimum=1)
# The audit chain's key (HMAC-SHA256), kept out of the database: whoever can write the database
# but not read this cannot recompute a record's hash. Empty: made once in var/audit_key (0600).
# Not derived from SECRET_KEY, which is rotated after a leak: that would orphan every record.
GONGKAI_AUDIT_KEY = env_secret("GONGKAI_AUDIT_KEY", var_dir=VAR_DIR, filename="audit_key")
# Signed checkpoints of the chain's head (JSON lines, appended daily and on demand), which
# verify_audit checks the newest records against: keep a copy off this machine.
GONGKAI_AUDIT_CHECKPOINT_FILE = env_path(
    "GONGKAI_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl", base=BASE_DIR
)
# ZIP-based uploads (.docx, .xlsx, .zip …) are checked before anything opens them
# (decompression bombs, gongkai.lib.archives): members, decompressed size of one member and of
# all, compression ratio; a document the application parses (plan, 权责清单, holiday notice) may
# hold at most GONGKAI_PARSE_MAX_MB once decompressed.
GONGKAI_ARCHIVE_MAX_MEMBERS = env_int("GONGKAI_ARCHIVE_MAX_MEMBERS", 2000, minimum=1)
GONGKAI_ARCHIVE_MAX_MEMBER_MB = env_int("GONGKAI_ARCHIVE_MAX_MEMBER_MB", 200, minimum=1)
GONGKAI_ARCHIVE_MAX_TOTAL_MB = env_int("GONGKAI_ARCHIVE_MAX_TOTAL_MB", 500, minimum=1)
GONGKAI_ARCHIVE_MAX_RATIO = env_int("GONGKAI_ARCHIVE_MAX_RATIO", 100, minimum=2)
GONGKAI_PARSE_MAX_MB = env_int("GONGKAI_PARSE_MAX_MB", 16, minimum=1)

# Idle time-out is enforced (and audited) by IdleTimeoutMiddleware; the cookie only caps the
# session's total life so that an idle session is still there to be ended with a message.
SESSION_COOKIE_AGE = env_int("GONGKAI_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A failed check shows a page in Chinese in the site's layout; the public application form
# comes back filled in (gongkai/portal/views.py).
CSRF_FAILURE_VIEW = "gongkai.portal.views.csrf_failure_view"
_secure_cookies = env_bool("GONGKAI_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SECURE_HSTS_SECONDS = env_int("GONGKAI_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("GONGKAI_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
GONGKAI_CSP = env_str(
    "GONGKAI_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Locale -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "gongkai" / "locale"]
TIME_ZONE = env_timezone("GONGKAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
GONGKAI_SERVE_MEDIA = env_bool("GONGKAI_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Collected files keep their names (no hash), so an hour, as deploy/nginx.conf gives them.
WHITENOISE_MAX_AGE = 3600
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --- Background jobs (django-tasks) ---------------------------------------------------------------
GONGKAI_TASK_BACKEND = env_choice("GONGKAI_TASK_BACKEND", "db", ("db", "rq", "immediate"))
REDIS_URL = env_str("GONGKAI_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# The workers must build django-tasks' job class (RQ's own cannot call a Task); gongkai's queue
# and worker hand a dead worker's job to another worker (gongkai/core/taskqueue.py): after
# GONGKAI_TASK_RECOVERY_SECONDS of silence, at most GONGKAI_TASK_RETRIES times.
RQ = {
    "JOB_CLASS": "django_tasks_rq.Job",
    "QUEUE_CLASS": "gongkai.core.taskqueue.Queue",
    "WORKER_CLASS": "gongkai.core.taskqueue.Worker",
}
GONGKAI_TASK_RECOVERY_SECONDS = env_int("GONGKAI_TASK_RECOVERY_SECONDS", 120, minimum=3)
GONGKAI_TASK_RETRIES = env_int("GONGKAI_TASK_RETRIES", 2, minimum=0)
if GONGKAI_TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif GONGKAI_TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A task a worker claimed and never finished (the worker was killed, the machine lost power) is
# run again once it has been RUNNING this long — more than the longest task takes, since a task
# still running then would run twice (tasks are idempotent) — and given up after this many
# attempts (a task that kills its worker every time).
GONGKAI_TASK_STALE_MINUTES = env_int("GONGKAI_TASK_STALE_MINUTES", 15, minimum=1)
GONGKAI_TASK_MAX_ATTEMPTS = env_int("GONGKAI_TASK_MAX_ATTEMPTS", 3, minimum=1)

# Count the day of receipt when it is a working day (RULES §1.3 ❓: off by default).
GONGKAI_COUNT_START_DAY = env_bool("GONGKAI_COUNT_START_DAY", False)

# Work plans: remind units this many working days before a reporting cycle closes.
GONGKAI_REMINDER_WORKING_DAYS = env_int("GONGKAI_REMINDER_WORKING_DAYS", 3, minimum=0)
EMAIL_BACKEND = env_str("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("GONGKAI_FROM_EMAIL", "gongkai@localhost")
EMAIL_HOST = env_str("GONGKAI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("GONGKAI_EMAIL_PORT", 25, minimum=1)

# Proactive disclosure (条例 第二十六条 and 三同步).
GONGKAI_DISCLOSURE_WORKING_DAYS = env_int("GONGKAI_DISCLOSURE_WORKING_DAYS", 20, minimum=1)
GONGKAI_INTERPRETATION_BLOCKS = env_bool("GONGKAI_INTERPRETATION_BLOCKS", True)
# 保密审查 (条例 第十七条) by people other than the author: 3 = author, reviewer and approver are
# three people; 2 = the reviewer may also approve. A platform setting, set by the operator, not by
# the coordinators it binds (等保 2.0 separation of duties); self-review (1) is not offered.
GONGKAI_DISCLOSURE_DISTINCT_PEOPLE = int(
    env_choice("GONGKAI_DISCLOSURE_DISTINCT_PEOPLE", "3", ("2", "3"))
)
GONGKAI_INTERPRETATION_DAYS = env_int("GONGKAI_INTERPRETATION_DAYS", 3, minimum=0)
GONGKAI_GUIDE_REVIEW_DAYS = env_int("GONGKAI_GUIDE_REVIEW_DAYS", 365, minimum=1)
# 规范性文件 validity and expiry reminder (RULES §10 ❓: recalled, not verified — configuration).
GONGKAI_NORMATIVE_VALIDITY_YEARS = env_int("GONGKAI_NORMATIVE_VALIDITY_YEARS", 5, minimum=1)
GONGKAI_NORMATIVE_REMINDER_DAYS = env_int("GONGKAI_NORMATIVE_REMINDER_DAYS", 180, minimum=0)
GONGKAI_INDEX_FORMAT = env_str("GONGKAI_INDEX_FORMAT", "{code}/{year}-{serial:05d}")

# Information requests (条例 第三十条、第三十三条): working days and the public form's limits.
GONGKAI_FOI_REPLY_DAYS = env_int("GONGKAI_FOI_REPLY_DAYS", 20, minimum=1)
GONGKAI_FOI_MAX_EXTENSION_DAYS = env_int("GONGKAI_FOI_MAX_EXTENSION_DAYS", 20, minimum=0)
GONGKAI_FOI_CLARIFICATION_NOTICE_DAYS = env_int(
    "GONGKAI_FOI_CLARIFICATION_NOTICE_DAYS", 7, minimum=1
)
GONGKAI_FOI_SUBMISSIONS_PER_HOUR = env_int("GONGKAI_FOI_SUBMISSIONS_PER_HOUR", 10, minimum=1)
# The applicant's status lookup (number + query code): wrong codes per request number and failed
# lookups per client address within the window; past either limit, lookups wait for the window.
GONGKAI_FOI_LOOKUP_MAX_FAILURES = env_int("GONGKAI_FOI_LOOKUP_MAX_FAILURES", 5, minimum=1)
GONGKAI_FOI_LOOKUP_IP_MAX_FAILURES = env_int("GONGKAI_FOI_LOOKUP_IP_MAX_FAILURES", 20, minimum=1)
GONGKAI_FOI_LOOKUP_WINDOW_MINUTES = env_int("GONGKAI_FOI_LOOKUP_WINDOW_MINUTES", 15, minimum=1)
# 第三十二条、第三十四条: consulted parties answer within N working days.
GONGKAI_FOI_CONSULTATION_DAYS = env_int("GONGKAI_FOI_CONSULTATION_DAYS", 15, minimum=1)
# 信息处理费 (国办函〔2020〕109号, RULES §4): tiers per application in the applicant's natural month
# (按件) and per page of one application (按量); payment within N working days (🟡 Sichuan notice).
GONGKAI_FOI_FEE_ITEM_TIERS = env_tiers("GONGKAI_FOI_FEE_ITEM_TIERS", "10:0,30:100,+10:+100")
GONGKAI_FOI_FEE_PAGE_TIERS = env_tiers("GONGKAI_FOI_FEE_PAGE_TIERS", "30:0,100:10,200:20,*:40")
GONGKAI_FOI_FEE_PAYMENT_DAYS = env_int("GONGKAI_FOI_FEE_PAYMENT_DAYS", 20, minimum=1)
# Remedies named in reply letters and the 公开指南 (条例 第五十一条; 行政复议法 第二十条; 行政诉讼法
# 第四十五条 — court within N days of the reconsideration decision —, 第四十六条).
GONGKAI_FOI_REVIEW_DAYS = env_int("GONGKAI_FOI_REVIEW_DAYS", 60, minimum=1)
GONGKAI_FOI_LITIGATION_MONTHS = env_int("GONGKAI_FOI_LITIGATION_MONTHS", 6, minimum=1)
GONGKAI_FOI_LITIGATION_AFTER_REVIEW_DAYS = env_int(
    "GONGKAI_FOI_LITIGATION_AFTER_REVIEW_DAYS", 15, minimum=1
)

GONGKAI_BIND = env_str("GONGKAI_BIND", "127.0.0.1:8000")

# The published public site: files under GONGKAI_SITE_ROOT (a link to the live release), its
# public address for absolute links in feeds and sitemaps, and items per list page.
# Not resolved: the root is a symbolic link that a full build re-points.
GONGKAI_SITE_ROOT = Path(
    os.path.abspath(BASE_DIR / (env_str("GONGKAI_SITE_ROOT", "") or VAR_DIR / "site"))
)
GONGKAI_SITE_URL = env_str("GONGKAI_SITE_URL", f"http://{GONGKAI_BIND}")
GONGKAI_SITE_PAGE_SIZE = env_int("GONGKAI_SITE_PAGE_SIZE", 20, minimum=1)
# SQLite's page cache (KiB) for the connection that rebuilds the search index (`reindex`): the
# memory that process takes while it stores (FTS5 reads its segments back as it merges them).
GONGKAI_SEARCH_BULK_CACHE_KIB = env_int("GONGKAI_SEARCH_BULK_CACHE_KIB", 262_144, minimum=2_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "INFO")},
}
