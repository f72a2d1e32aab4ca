"""Production settings: HTTPS only, secrets from the environment, PostgreSQL expected."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# nginx (docs/deploy.md) overwrites X-Real-IP with the client's address, and gunicorn listens on
# 127.0.0.1 only: sign-in limits by address need the client's, not the proxy's.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Real-IP")
# Provincial admins sign in with a second factor, set up with a code another admin (or
# `create_staff --issue-otp-code` on the server) issues them.
OTP_REQUIRED_FOR_PROVINCE_ADMINS = env.bool("OTP_REQUIRED_FOR_PROVINCE_ADMINS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}
