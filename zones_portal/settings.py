"""Settings for Zones Portal, in one module, driven by the environment.

Defaults suit one developer machine and need no running service: SQLite and a
filesystem message broker under ``var/``, mail written to ``var/mail/``.
Production sets ``DEBUG=false`` and the variables listed in the README.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zones_portal.environment import env_bool, env_int, env_int_list, env_list, env_str
from zones_portal.storage import s3_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine: DEBUG is on and no key was given.
    SECRET_KEY = "development-only-key-never-use-in-production-zones-portal-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "zones_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",  # two-step sign-in (zones_portal.twofactor): the authenticator app and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",  # every change of a domain record kept as a row version (zones_portal.history)
    "zones_portal.apps.ZonesPortalConfig",
    "agreements.apps.AgreementsConfig",  # before events: an event may carry out an agreement
    "programmes.apps.ProgrammesConfig",  # before events: an event may deliver a planned activity
    "events.apps.EventsConfig",
    "talent.apps.TalentConfig",
    "exports.apps.ExportsConfig",  # after events and agreements: a deal may come from one
    "coordination.apps.CoordinationConfig",  # after events and agreements: an action item may carry one out
    "contests.apps.ContestsConfig",  # after talent: a competition's rounds run on a talent call
    "reminders.apps.RemindersConfig",
    "scorecard.apps.ScorecardConfig",
    "search.apps.SearchConfig",  # one search box across the apps, each record shown to who may see it
    "whatson.apps.WhatsOnConfig",  # the public face: what's on, event and zone pages, sitemap
    "webhooks.apps.WebhooksConfig",  # signed notices to partner institutions' servers
]

MIDDLEWARE = [
    "zones_portal.requestlog.RequestIdMiddleware",  # first: every answer, a redirect too, gets an id and a line
    "django.middleware.security.SecurityMiddleware",
    # A partner's matching If-None-Match on the events API: 304 before sessions, locale and DRF run.
    "zones_portal.api.fastpath.ConditionalFirstMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # every page's Content-Security-Policy (below), built once per process; static files need none
    "zones_portal.middleware.PolicyOnceCSPMiddleware",
    # A visitor's matching If-None-Match / If-Modified-Since on a public page or feed: 304 before sessions.
    "zones_portal.middleware.VisitorConditionalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zones_portal.twofactor.middleware.LazyOTPMiddleware",  # was this session confirmed with a code?
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change: the signed-in person
    "zones_portal.middleware.PrivatePagesMiddleware",
    "zones_portal.middleware.PortalLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out sign-in with our lockout page
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"  # lets templates/ override widget templates
ROOT_URLCONF = "zones_portal.urls"
WSGI_APPLICATION = "zones_portal.wsgi.application"

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
                "zones_portal.context_processors.portal",
                "talent.context_processors.talent",
                "contests.context_processors.contests",  # judges of a round: the judging pages
                "scorecard.context_processors.scorecard",
                "reminders.context_processors.notifications",
            ],
            "builtins": ["zones_portal.templatetags.portal"],
        },
    },
]

# Database: SQLite by default, PostgreSQL in production through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite will not create its folder
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "zones_portal.User"
# Sign-in is guarded by django-axes: the dashboard's and the admin's forms alike (both authenticate
# through these backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After this many wrong passwords for one account, or from one address, signing in is refused for
# LOGIN_LOCKOUT_MINUTES; the secretariat can lift a lockout sooner in the admin (Access attempts: lift the pause).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "zones_portal.ratelimit.client_address"  # NUM_PROXIES hops, as the rate limits
AXES_LOCKOUT_CALLABLE = "zones_portal.views.locked_out"
AXES_ENABLE_ADMIN = False  # our own admin pages for it, in the secretariat's admin (zones_portal/admin.py)
AXES_VERBOSE = False
# Two-step sign-in (zones_portal.twofactor): required of everyone who can use the admin, optional for
# the rest. The name authenticator apps show beside the account, and the back-off after a wrong code
# (1, 2, 4, 8... seconds, on top of the lockout above, which wrong codes count toward too).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Zones Portal")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: Persian first, Tehran time, weeks start on Saturday.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True
FIRST_DAY_OF_WEEK = 6

# Static files are served by the portal itself (WhiteNoise): no CDN, a closed network is fine.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from static/ on a developer machine, no collectstatic
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
# Uploaded files: a folder by default (in production one that every web node and worker mounts), or an
# S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set. Either way files are private: no URL serves
# them except the views that first check who may see the record they belong to.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 300)
# Off: downloads stream through the portal. On: the portal redirects to a presigned URL that expires
# after AWS_QUERYSTRING_EXPIRE seconds, which the person's browser must be able to reach.
FILES_REDIRECT_TO_STORAGE = env_bool("FILES_REDIRECT_TO_STORAGE", default=False)
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_FILE_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
    DEFAULT_FILE_STORAGE_OPTIONS: dict = s3_options(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env_str("AWS_S3_ENDPOINT_URL"),
        region_name=env_str("AWS_S3_REGION_NAME"),
        access_key=env_str("AWS_ACCESS_KEY_ID"),
        secret_key=env_str("AWS_SECRET_ACCESS_KEY"),
        addressing_style=env_str("AWS_S3_ADDRESSING_STYLE"),
        location=env_str("AWS_LOCATION"),
        expire=AWS_QUERYSTRING_EXPIRE,
    )
else:
    DEFAULT_FILE_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"
    DEFAULT_FILE_STORAGE_OPTIONS = {}
    if DEBUG:
        MEDIA_ROOT.mkdir(parents=True, exist_ok=True)  # /readyz counts a missing folder as a lost mount
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND, "OPTIONS": DEFAULT_FILE_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# How many proxies of ours stand in front of the portal, each appending to X-Forwarded-For: the client is
# that many entries from the right (what a client writes itself is further left, and never trusted).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# The REST API for partner institutions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zones_portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "zones_portal.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["zones_portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE", "120/minute")},
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "zones_portal.api.exceptions.handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zones Portal API",
    "DESCRIPTION": (
        "For partner institutions of the free zones' secretariat: the shared calendar of cultural events, "
        "proposals, the agreements you are party to and their obligations, talent calls and nominations. "
        "Authenticate with `Authorization: Token <key>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "events.models.Event.Status",
        "AgreementStatusEnum": "agreements.models.Agreement.Status",
        "ObligationStatusEnum": "agreements.models.Obligation.Status",
        "ApplicationStatusEnum": "talent.models.Application.Status",
        "TalentCallPhaseEnum": "talent.models.TalentCall.Phase",
        "WebhookTopicEnum": "webhooks.models.Topic",
        "WebhookDeliveryStatusEnum": "webhooks.models.WebhookDelivery.Status",
    },
}

# Cache: in-process by default; Redis in production (CACHE_URL, or REDIS_URL, = redis://...), so that
# rate limits and throttles count across every web node and worker.
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
CACHES = {
    # Django's Redis cache, with one client per pool rather than one per call (zones_portal/cache.py).
    "default": {"BACKEND": "zones_portal.cache.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # ``{% cache %}`` in templates: the menu and other parts of every page that depend only on the
    # language and who is looking, kept in each process's memory (templates and translations do not
    # change while it runs; under runserver an edited template empties it: zones_portal.fragments).
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# Public forms: how many posts one client may make, per how many seconds.
TALENT_APPLY_RATE = (env_int("TALENT_APPLY_RATE_COUNT", 10), env_int("TALENT_APPLY_RATE_SECONDS", 3600))
TALENT_STATUS_RATE = (env_int("TALENT_STATUS_RATE_COUNT", 30), env_int("TALENT_STATUS_RATE_SECONDS", 3600))
# Lookups of a certificate by its check code (the public check page), per client.
CERTIFICATE_CHECK_RATE = (
    env_int("CERTIFICATE_CHECK_RATE_COUNT", 30),
    env_int("CERTIFICATE_CHECK_RATE_SECONDS", 3600),
)
# Uploads bigger than this stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: files under var/mail/ by default so a newcomer can read what was sent; SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Zones Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: kombu's filesystem transport by default (one machine, no Redis); Redis in production.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_BROKER_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # kombu's default is relative to the cwd
        "store_processed": False,
    }
else:
    # Publishing gives up within about a second when the broker is down, instead of kombu's default of
    # several: a page that queues work after saving answers promptly (the work stays owed and a sweep
    # queues it). Workers reconnect on their own schedule (broker_connection_* settings).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below, in the same format as the web
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "events-mark-held": {"task": "events.tasks.mark_finished_events_held", "schedule": 15 * 60},
    "reminders-sweep": {
        "task": "reminders.tasks.sweep",
        "schedule": env_int("REMINDER_SWEEP_SECONDS", 15 * 60),
    },
    # Between sweeps: a reminder whose worker died goes out again once its lease has run out.
    "reminders-requeue-stuck": {
        "task": "reminders.tasks.requeue_stuck",
        "schedule": env_int("REMINDER_REQUEUE_SECONDS", 60),
    },
    "reminders-weekly-digest": {
        "task": "reminders.tasks.sweep",
        "schedule": crontab(day_of_week="sat", hour=8, minute=0),  # Tehran time: CELERY_TIMEZONE
        "kwargs": {"only": ["weekly_digest"]},
    },
    "agreements-nightly": {
        "task": "agreements.tasks.record_expiries_and_missed_obligations",
        "schedule": crontab(hour=0, minute=5),  # just after midnight, Tehran time
    },
    # Receipts the commit could not queue (the broker was down) go out once it is back.
    "talent-owed-receipts": {
        "task": "talent.tasks.queue_owed_receipts",
        "schedule": env_int("RECEIPT_SWEEP_SECONDS", 60),
    },
    # Files kept for a public application form sent back with errors, once a day has passed.
    "talent-staged-uploads": {"task": "talent.tasks.remove_expired_staged_uploads", "schedule": 60 * 60},
    # Action items past their due date and still open are recorded as missed.
    "coordination-missed-action-items": {
        "task": "coordination.tasks.mark_missed_action_items",
        "schedule": crontab(hour=0, minute=10),  # just after midnight, Tehran time
    },
    # Webhooks: calls that have opened are announced, deliveries whose task was lost are sent, old ones pruned.
    "webhooks-sweep": {"task": "webhooks.tasks.sweep", "schedule": env_int("WEBHOOK_SWEEP_SECONDS", 60)},
}

# Coordination reminders. Default offsets in days (docs/domain.md); the secretariat overrides them in the
# admin (Reminder rules). What each number counts from is in the rule's description.
# A zone with no event proposed or held for this many days counts as quiet: the reminder's default and
# the scorecard's recency (both read the zone-quiet rule's offset, which the secretariat may change).
ZONE_QUIET_DAYS = env_int("ZONE_QUIET_DAYS", 60)
REMINDER_OFFSETS = {
    "round-scoring-closing": [2],  # days before a review round's scoring closes, to judges with entries left
    "live-round-tomorrow": [1],  # days before a round judged on stage, to its panel
    "event_upcoming": [14, 7, 1],  # days before an approved event starts
    "invitation_unanswered": [7, 10, 3],  # after the invitation; before the event; secretariat too from
    "report_overdue": [7, 21],  # days after a held event ends; the secretariat is told at the last
    "obligation_due": [14, 3, 7],  # days before the due date, then every N days while overdue
    "agreement_expiring": [],  # when its notice period begins (each agreement sets its own)
    "call_closing": [7, 1],  # days before a call closes
    "review_pending": [3, 3],  # days after a call closes, then every N days while unscored
    "zone_quiet": [ZONE_QUIET_DAYS],  # days without an event proposed or held
    "weekly_digest": [],  # Saturday 08:00, Tehran time
    "event_decided": [],  # news: at the next sweep after the secretariat decides
    "invitation_received": [],  # news: at the next sweep after a zone is invited
    "meeting-agenda-closing": [3],  # days before a scheduled meeting's agenda closes
    "meeting-tomorrow": [1],  # days before a council meeting starts
    "minutes-awaiting-comment": [2],  # days before the comment window on circulated minutes closes
    "action-item-due": [7, 1],  # days before an open action item's due date
    "action-item-overdue": [1],  # days after its due date while neither done nor dropped
    "action-item-escalated": [7],  # days overdue when the secretariat is told
    "circular-unacknowledged": [3, 1],  # days before the deadline; the last: days after it, once more
    "programme-due": [30, 7, 1],  # days before the date the year's programmes are due
    "programme-returned": [],  # news: at the next sweep after the secretariat returns or reopens one
    "planned-activity-unstarted": [14],  # days before the quarter of an approved activity begins
    "webhook-endpoint-disabled": [],  # news: as soon as a failing webhook endpoint is switched off
}
REMINDER_CATCH_UP = dt.timedelta(hours=env_int("REMINDER_CATCH_UP_HOURS", 48))
REMINDER_LOOKBACK = dt.timedelta(days=env_int("REMINDER_LOOKBACK_DAYS", 30))
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60)
# A worker sending a reminder or a receipt holds it for this long and renews the hold every third of it
# while the mail server talks; a worker that died stops renewing, and its mail is sent again (once) when
# the hold has run out. Never sent twice while the first worker is alive.
REMINDER_SENDING_LEASE_SECONDS = env_int("REMINDER_SENDING_LEASE_SECONDS", 60)

# Webhooks for partners (webhooks/). Plain http only where allowed (a developer's machine by default);
# private, loopback and link-local targets never in production (tests deliver to 127.0.0.1 with it on).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Seconds before each further attempt after a failed one: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h; then failed.
WEBHOOK_RETRY_DELAYS = env_int_list("WEBHOOK_RETRY_DELAYS", [5, 300, 1800, 7200, 18000, 36000])
# An endpoint is switched off after this many deliveries failed in a row, or failing for this long.
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 5)
WEBHOOK_DISABLE_AFTER_HOURS = env_int("WEBHOOK_DISABLE_AFTER_HOURS", 24)
# A worker sending a delivery holds it this long (renewed while it waits); the sweep leaves a delivery
# due for less than the grace to its own queued task, and queues at most the batch per run.
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 60)
WEBHOOK_SWEEP_GRACE_SECONDS = env_int("WEBHOOK_SWEEP_GRACE_SECONDS", 60)
WEBHOOK_SWEEP_BATCH = env_int("WEBHOOK_SWEEP_BATCH", 500)
WEBHOOK_KEEP_DAYS = env_int("WEBHOOK_KEEP_DAYS", 90)
# A call published before it opens is announced by the sweep within this many hours of its opening.
WEBHOOK_CALL_ANNOUNCE_HOURS = env_int("WEBHOOK_CALL_ANNOUNCE_HOURS", 48)

# Security: strict by default once DEBUG is off; every value can be overridden for a given proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and supervisors probe the nodes over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from the portal's own files, never
# inline, never eval; so a stored name or note that slipped past escaping still could not run. Every
# page keeps to it, the admin's and the API docs' too (tests/zones_portal/test_csp.py crawls them all,
# tests/e2e/test_csp.py watches a browser's console). data: images are Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The domain part of iCalendar UIDs: keep it fixed once feeds are published, or subscribers see duplicates.
ICAL_UID_DOMAIN = env_str("ICAL_UID_DOMAIN", "zones-portal")

# The public address, for links in mail, where there is no request to take the host from.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo12345")

# Logs go to standard error: JSON lines in production, for a log collector to index; one readable line
# of text on a developer's machine. Every line carries the request id and the signed-in person's id
# (zones_portal.requestlog); one line per request goes to the zones_portal.requests logger.
LOG_FORMAT = (env_str("LOG_FORMAT") or ("text" if DEBUG else "json")).strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "zones_portal.requestlog.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "zones_portal.requestlog.JsonFormatter"},
        "text": {"()": "zones_portal.requestlog.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's default handlers for its own loggers would print each line a second time, unformatted.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}


# Fail closed: with DEBUG off, every service must be one that all nodes share. Each problem is one
# sentence naming its variable; the embedded defaults above are for one machine, demos and tests.
if not DEBUG:
    _problems = []
    if not ALLOWED_HOSTS:
        _problems.append(
            "ALLOWED_HOSTS must be set when DEBUG is off: the portal's host names, comma-separated."
        )
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _problems.append(
            "DATABASE_URL must point at PostgreSQL (postgres://...) when DEBUG is off: SQLite serves one machine only."
        )
    if not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
        _problems.append(
            "CELERY_BROKER_URL must be a Redis or AMQP URL when DEBUG is off: the filesystem broker serves one machine only."
        )
    if CACHES["default"]["BACKEND"] != "zones_portal.cache.RedisCache":
        _problems.append(
            "CACHE_URL (or REDIS_URL) must point at Redis when DEBUG is off, so rate limits hold across nodes."
        )
    if not AWS_STORAGE_BUCKET_NAME and not env_str("MEDIA_ROOT"):
        _problems.append(
            "Set AWS_STORAGE_BUCKET_NAME for object storage, or MEDIA_ROOT to a folder every node shares, "
            "when DEBUG is off."
        )
    if WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        _problems.append(
            "WEBHOOKS_ALLOW_PRIVATE_TARGETS must be off when DEBUG is off: webhooks may not reach the portal's own network."
        )
    if WEBHOOKS_ALLOW_HTTP:
        _problems.append(
            "WEBHOOKS_ALLOW_HTTP must be off when DEBUG is off: webhooks carry partners' data and go out over https only."
        )
    if _problems:
        raise ImproperlyConfigured(" ".join(_problems))

# Probes: /readyz gives each shared service this many seconds, and calls the last reminder sweep stale
# (reported, but the node stays ready: beat runs elsewhere) after this many.
READYZ_TIMEOUT_SECONDS = env_int("READYZ_TIMEOUT_SECONDS", 2)
READYZ_SWEEP_STALE_SECONDS = env_int("READYZ_SWEEP_STALE_SECONDS", 60 * 60)

# Error reports to Sentry, only when SENTRY_DSN is set; without it the SDK is not even imported. No
# personal data is sent: no cookies, no user details or addresses, no request bodies.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    from zones_portal.environment import env_float

    SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
    if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        max_request_body_size="never",  # forms hold applicants' personal details
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
