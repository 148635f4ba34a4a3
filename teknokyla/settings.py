"""Settings of the portal, read from the environment (django-environ).

Defaults fit development. Without DATABASE_URL and REDIS_URL the settings use
the embedded PostgreSQL and Redis that `teknokyla.devservices` starts and
describes in var/services.env, so every terminal reaches the same services.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from teknokyla.core.dburl import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# The development secret: fine on a laptop, refused in production (see below).
DEV_SECRET_KEY = "django-insecure-teknokyla-development-only"  # noqa: S105

env = environ.Env()
# Values already in the environment win over the file.
SERVICES_ENV_FILE = Path(env.str("TEKNOKYLA_SERVICES_ENV", default=str(VAR_DIR / "services.env")))
if SERVICES_ENV_FILE.exists():
    environ.Env.read_env(str(SERVICES_ENV_FILE), overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off; the development secret is refused."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # modeltranslation must come before the admin.
    "modeltranslation",
    # django.contrib.admin, with the site that asks for the two-factor code (teknokyla/core/admin_site.py).
    "teknokyla.core.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "csp",
    "axes",
    # Optional two-factor authentication of staff (TOTP apps).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "teknokyla.core",
    "companies",
    "surveys",
    "workshops",
    "reports",
    "workforce",
    "privacy",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Query parameters with control characters are dropped; every answer gets Permissions-Policy (core/inputs.py).
    "teknokyla.core.inputs.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the two-factor code (teknokyla/core/twofactor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "teknokyla.core.faults.DatabaseUnavailableMiddleware",  # a lost database connection: a 503 page, not a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The browser features no page of the portal uses, switched off for every page and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

ROOT_URLCONF = "teknokyla.urls"
WSGI_APPLICATION = "teknokyla.wsgi.application"

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
                "teknokyla.core.context_processors.portal",
            ],
        },
    },
    # The survey's question markup only (jinja2/): drawn 25 times on a page, it renders several times faster here.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "teknokyla.core.jinja.environment"},
    },
]

# PostgreSQL only: the portal relies on its Finnish full-text search.
# A Unix-socket directory (the embedded server's) arrives percent-encoded in the URL's host part: see dburl.
DATABASES = {
    "default": database_settings(env.str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/teknokyla"))
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The cache (rate limits, derived figures) sits in the next Redis database, apart from the broker's queues.
_redis = urlsplit(REDIS_URL)
_cache_db = int((_redis.path or "/0").strip("/") or 0) + 1
# A cache fault never breaks a page (django-redis): the call answers as a miss (get gives its default, incr None) and
# the error goes to the log. A Redis that is down refuses in milliseconds; one that hangs costs each call its socket
# timeout. The rate limit of invitation links then lets links open (surveys.views.answering._is_blocked).
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=urlunsplit(_redis._replace(path=f"/{_cache_db}"))),
        "KEY_PREFIX": "teknokyla",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# django-axes first: it refuses a locked-out login before any password is checked.
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Finnish first, Swedish and English beside it.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded and generated files are private: never under a public URL.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_ROOT
# No URL serves this prefix: files go out only through views that check permissions.
MEDIA_URL = "/private-files/"

# Two-factor authentication of staff (django-otp TOTP). Optional per user; with STAFF_TWO_FACTOR_REQUIRED on, staff and
# viewers without an authenticator are sent to set one up before any staff page.
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=False)
# The Finnish search analyses words with Voikko; off (or without the library) it falls back to PostgreSQL's Finnish.
SEARCH_VOIKKO_ENABLED = env.bool("SEARCH_VOIKKO_ENABLED", default=True)
OTP_TOTP_ISSUER = "Teknologiakylä 3.0"
# After each wrong code the next try waits 1, 2, 4, 8 … seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A hanging mail server must not hold a delivery task (and its transaction) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Teknologiakylä 3.0 <noreply@digipolis.fi>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Celery: Redis is the broker; results are kept in Redis too.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request that queues a task must not hang on a broker that is down or stuck: a refused connection fails in
# milliseconds, a silent one within about two seconds; the caller keeps its row (a queued build, an owed mail) and a
# beat sweep sends it later. The socket timeout stays above the worker's one-second BRPOP wait.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task, so a task of a dead worker is redelivered only then.
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXPIRES = 24 * 60 * 60

# Security. Production turns these on through DEBUG=False.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): only the portal's own files run; no inline script or style anywhere.
# The one exception is the report's HTML preview (reports.views.plans.report_preview), see docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Staff login lockout (django-axes): five wrong passwords for one username from one address lock that
# pair out for 15 minutes; other users and other addresses are not affected.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_COOLOFF_MESSAGE = _("Too many failed login attempts. Please try again in 15 minutes.")
# Behind a reverse proxy, name its address(es) here so each client is counted by its own address
# (X-Forwarded-For as the proxy wrote it); without it every login would share the proxy's one address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "teknokyla.core.security.client_ip"

# The LOGGING below, and the token filter on gunicorn's access log (configured by gunicorn, not by this dict).
LOGGING_CONFIG = "teknokyla.core.security.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An invitation token in a logged URL would open that company's answers: log /s/<redacted>/ instead.
    "filters": {
        "redact_tokens": {"()": "teknokyla.core.security.RedactSurveyTokens"},
        "outage_logged": {"()": "teknokyla.core.faults.OutageLoggedFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The filter sits on the loggers too, so every handler (and a test's caplog) gets the redacted record.
        # A database outage's 503 is logged once, as a warning (teknokyla/core/faults.py), not again as an error.
        "django.request": {"filters": ["redact_tokens", "outage_logged"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
        "django.db.backends": {"level": "WARNING"},
        # django-axes narrates every start and login at INFO; failed logins and lockouts are its warnings.
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Portal-wide names shown in the header and in mail.
PORTAL_NAME = "Teknologiakylä 3.0"
