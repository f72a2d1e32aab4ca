"""Settings shared by every environment, read from the environment with django-environ."""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    PROVINCE_CODE=(str, "24"),
    UNION_THRESHOLD=(int, 20),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "unions.apps.ProtectedAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "unions",
    "referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "unions.web.site.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the import worker writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/"

# Internationalisation: Vietnamese first, English catalogue for visitors and developers.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploaded import files wait here, outside the web root, until confirmed or expired.
IMPORT_UPLOAD_DIR = env.path("IMPORT_UPLOAD_DIR", default=BASE_DIR / "var" / "imports")
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_000_000)
# What a zipped workbook may unpack to (its cells' XML): 100,000 rows take about 65 MB.
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=1024**3)
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=5_000)
IMPORT_UPLOAD_TTL_HOURS = env.int("IMPORT_UPLOAD_TTL_HOURS", default=24)
# A file is read in a child process with these limits (unions.importing.sandbox), so that no
# file can take the web server or the worker down: its address space (the app's own is about
# 230 MB before it reads anything), its CPU time, and the longest it may go without sending a
# chunk of rows.
IMPORT_CHILD_MEMORY_BYTES = env.int("IMPORT_CHILD_MEMORY_BYTES", default=2 * 1024**3)
IMPORT_CHILD_CPU_SECONDS = env.int("IMPORT_CHILD_CPU_SECONDS", default=600)
IMPORT_CHILD_SECONDS = env.float("IMPORT_CHILD_SECONDS", default=300)

# History is read per record, through its id's index; an index on every history row's date
# would only slow down imports, which write a history row for each record they create or change.
SIMPLE_HISTORY_DATE_INDEX = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# PostgreSQL ICU collation for sorting names in Vietnamese order; empty to sort by folded key.
VIETNAMESE_COLLATION = env("VIETNAMESE_COLLATION", default="vi-VN-x-icu")

# The deployment's province and the campaign's rules. Every period is a setting, not a literal.
PROVINCE_CODE = env("PROVINCE_CODE")
UNION_THRESHOLD = env("UNION_THRESHOLD")
CERTIFICATE_VALID_MONTHS = env.int("CERTIFICATE_VALID_MONTHS", default=60)
ADMISSION_MIN_AGE = env.int("ADMISSION_MIN_AGE", default=18)
ADMISSION_MAX_AGE = env.int("ADMISSION_MAX_AGE", default=60)
PROBATION_MONTHS = env.int("PROBATION_MONTHS", default=12)
DECISION_DEADLINE_WORKING_DAYS = env.int("DECISION_DEADLINE_WORKING_DAYS", default=60)
CEREMONY_DEADLINE_WORKING_DAYS = env.int("CEREMONY_DEADLINE_WORKING_DAYS", default=30)
RECOGNITION_DEADLINE_WORKING_DAYS = env.int("RECOGNITION_DEADLINE_WORKING_DAYS", default=30)

# Login protection (unions.web.login_limits). Wrong passwords count per username AND address: ten
# from one address lock that account there for the cool-off, and nowhere else, so a stranger
# cannot lock the provincial admin out of their own office. Then a limit per address, whatever
# the usernames, stops one machine trying a few passwords on many accounts. A district office
# shares one public address: one person's typos add at most 10 to it (their own lock stops the
# count), so 30 takes three people locked out, or a training room of fifteen each mistyping
# twice, within the same quarter of an hour; a sprayer gets at most 30 guesses per cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours; never a permanent lock
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that pair's count
# The lock lasts the cool-off from the last counted failure; tries while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "unions.web.site.lockout_response"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "unions.web.login_limits.AddressLimitHandler"
AXES_CLIENT_IP_CALLABLE = "unions.web.login_limits.client_ip_address"
# The header a reverse proxy puts the client's address in (X-Real-IP behind docs/deploy.md's
# nginx); empty to use the connection's own address (runserver, tests).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
# The password-change form: after 5 wrong current passwords within 15 minutes the session is
# signed out and the form closed for that user until 15 minutes after the last one.
PASSWORD_CHANGE_FAILURE_LIMIT = env.int("PASSWORD_CHANGE_FAILURE_LIMIT", default=5)
PASSWORD_CHANGE_COOLOFF_MINUTES = env.int("PASSWORD_CHANGE_COOLOFF_MINUTES", default=15)
# The second factor (TOTP). Production requires it of provincial admins (production.py);
# development and the demo leave it optional. Nobody sets up a device without a one-time code
# a provincial admin issues (unions.access.second_factor), so a stolen password alone never does.
OTP_REQUIRED_FOR_PROVINCE_ADMINS = env.bool("OTP_REQUIRED_FOR_PROVINCE_ADMINS", default=False)
OTP_ENROLMENT_VALID_HOURS = env.int("OTP_ENROLMENT_VALID_HOURS", default=72)  # over a weekend
OTP_ENROLMENT_MAX_WRONG_CODES = 5  # wrong set-up codes typed before the code is void
OTP_TOTP_ISSUER = "LĐLĐ"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy, enforced (not report-only) in every environment, tests included: the
# browser runs only this site's own script files. No inline <script> and no onclick= in any
# template (data reaches scripts through json_script or data- attributes), and no style=
# attribute either (a bar's length is an SVG attribute). Chart.js sizes its canvas through
# element.style, the CSSOM, which style-src does not govern; so do the admin's widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],  # as X-Frame-Options DENY, for browsers that prefer this
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", default="WARNING")},
}
