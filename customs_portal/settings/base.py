"""Settings shared by every environment; everything that differs comes from the environment.

Kept whole (about 420 lines): one place to read every setting, each with the comment that says what it does."""
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "customs_portal.audit",
    "customs_portal.accounts",
    "reference",
    "declarations",
    "risk",
    "payments",
    "customs_portal.demo",
    "post_clearance",
    "customs_statistics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "customs_portal.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "customs_portal.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins an account is locked
# for AXES_COOLOFF_MINUTES; the login page and the token endpoint say so.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Customs staff (officers, risk admins, superusers) must confirm their login with a TOTP code
# when this is on (production: on by default): pages, the API (by session or token) and the
# live-update WebSocket all refuse them until they have (customs_portal.accounts.second_factor).
STAFF_SECOND_FACTOR_REQUIRED = env.bool("STAFF_SECOND_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Customs Portal"

# API tokens (django-rest-knox with the portal's own model, customs_portal.accounts.models.ApiToken):
# a new token per login, only its digest stored, valid for API_TOKEN_TTL_HOURS and until it is
# revoked or its user's password changes.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": __import__("datetime").timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,  # a write per request otherwise
}

# Failures are counted per username (AXES_FAILURE_LIMIT, from any mix of addresses) and per
# client address (LOGIN_ADDRESS_FAILURE_LIMIT, across usernames: password spraying);
# customs_portal.accounts.lockout. The address is never one the client wrote in a header.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "customs_portal.accounts.lockout.UsernameAndAddressLockout"
AXES_CLIENT_IP_CALLABLE = "customs_portal.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "customs_portal.accounts.lockout.locked_out"
AXES_VERBOSE = False

# Proxies whose X-Forwarded-For (the client's address) and X-Forwarded-Proto (http/https) are
# believed: IP addresses or networks, comma-separated. Empty (the default): no forwarded header
# is believed and the peer of the connection is the client (customs_portal.client_address).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content Security Policy: scripts, styles and everything else from this origin only; no inline scripts.
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
    },
}
X_FRAME_OPTIONS = "DENY"
# A form refused by the CSRF check gets the portal's page (templates/403_csrf.html); JSON under /api/.
CSRF_FAILURE_VIEW = "customs_portal.error_pages.csrf_failure"

ROOT_URLCONF = "customs_portal.urls"
WSGI_APPLICATION = "customs_portal.wsgi.application"
ASGI_APPLICATION = "customs_portal.asgi.application"

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
                "customs_portal.context_processors.live_updates",
            ],
        },
    },
]

# Threads per web server process that run requests (views are synchronous; customs_portal.asgi).
# Few: they share one interpreter lock, and more threads only switch more (bench/load.py held
# more declarations/s with lower latencies at 4 than at 10).
# Requests beyond this wait for a thread; uvicorn's --limit-concurrency refuses the excess with 503.
ASGI_THREADS = env.int("ASGI_THREADS", default=4)


def database_settings(url: str) -> dict:
    """The default database from its URL.

    Under ASGI requests run in a pool of threads (ASGI_THREADS, customs_portal.asgi), and a new
    connection per request costs PostgreSQL a process start. The web server therefore hands
    its connections back to a pool per process
    (DB_POOL=true: django-db-connection-pool, SQLAlchemy's QueuePool; each connection is
    pinged when taken, so a restarted PostgreSQL is survived); Django closes (returns) them
    after each request (CONN_MAX_AGE 0). Celery workers are single-threaded processes and
    keep their own connection instead (DB_CONN_MAX_AGE=60 in their environment).
    """
    database = env.db_url_config(url)
    database["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
    database["CONN_HEALTH_CHECKS"] = True
    database["ATOMIC_REQUESTS"] = False
    if env.bool("DB_POOL", default=False):
        database["ENGINE"] = "dj_db_conn_pool.backends.postgresql"
        database["POOL_OPTIONS"] = {
            # Kept open between requests; more (up to the overflow) open under load and close when returned.
            "POOL_SIZE": env.int("DB_POOL_SIZE", default=8),
            "MAX_OVERFLOW": env.int("DB_POOL_MAX_OVERFLOW", default=17),
            "TIMEOUT": env.int("DB_POOL_TIMEOUT", default=10),  # seconds a request waits for a free connection
            "RECYCLE": 900,
            "PRE_PING": True,
        }
    return database


DATABASES = {"default": database_settings(env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/customs_portal"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # customs_portal.accounts.home: the gate to its page, others to the declarations
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Group thousands (1.234.567 in Vietnamese, 1,234,567 in English): Django's Vietnamese
# formats define the separators but no grouping, which would print VND amounts ungrouped.
NUMBER_GROUPING = 3
# The portal's own formats: dd/mm/yyyy and HH:MM in both languages (customs_portal/formats/).
FORMAT_MODULE_PATH = ["customs_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker (and beat) that loses Redis keeps reconnecting however long the outage lasts
# (Celery's default gives up after 100 attempts, ~45 min, and the worker exits).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [env("CHANNEL_LAYER_URL", default=REDIS_URL)]},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "customs_portal.api.authentication.TokenAuthentication",
        "customs_portal.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "customs_portal.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies only (api.md): the schema then advertises application/json alone, and generated
    # clients cannot pick a form encoding that drops nested objects. Uploads declare multipart themselves.
    # The parsers are DRF's, refusing NUL characters anywhere in the body (customs_portal.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["customs_portal.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "customs_portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "customs_portal.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_CLASSES": [
        "customs_portal.api.throttling.TokenRateThrottle",
        "customs_portal.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_RATE_PER_TOKEN", default="6000/min"),
        "anonymous": env("API_RATE_ANONYMOUS", default="120/min"),
    },
}

# The cache holds API rate-limit counters. Redis by default; when Redis is down the limits
# are not enforced rather than the API failing (customs_portal.api.throttling).
CACHES = {
    "default": {
        "BACKEND": "customs_portal.cache.RedisCache",  # Django's, with one client per process
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
        "OPTIONS": {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "pool_class": "customs_portal.cache.SharedConnectionPool",  # one pool per process, not per request
        },
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Customs Portal API",
    "DESCRIPTION": "Declarations, automated clearance, payments and gate release (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are public: they read no credentials (a session owing the second factor too).
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # drf-spectacular's own hook (enum components), then the error answers and the links between operations.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "customs_portal.api.error_responses.schema_error_responses_add",
        "customs_portal.api.links.schema_links_add",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DeclarationStatusEnum": "declarations.lifecycle.Status",
        "ChannelEnum": "declarations.lifecycle.Channel",
        "PaymentRecordStatusEnum": "payments.models.PaymentStatus",  # a payment's, not a declaration's payment_status
        "KindEnum": "declarations.models.review.DocumentKind",  # a document's kind, named as before risk changes had one
        "RiskChangeKindEnum": ["rule", "settings"],  # a risk change's (risk.models.RiskChange.Kind)
        "ComplianceLevelEnum": "customs_portal.accounts.models.ComplianceLevel",
        "OverrideLevelEnum": ["high", "medium", "low", "new"],  # risk.services.compliance.OVERRIDE_LEVELS
        "PostClearanceAuditStatusEnum": "post_clearance.lifecycle.AuditStatus",
        "PostClearanceOutcomeEnum": "post_clearance.lifecycle.AuditOutcome",
        "ModelFactorDirectionEnum": ["raises", "lowers"],  # a learned model's factor (risk.api.serializers)
        "DirectionEnum": "declarations.models.Direction",
        "RiskModelVersionStateEnum": "risk.learned_models.RiskModelVersion.State",
    },
}

# Bank callbacks are signed with this shared secret (see README).
BANK_CALLBACK_SECRET = env("BANK_CALLBACK_SECRET", default="")
# The development bank simulator (payments.bank_simulator, pages under /bank-simulator/): on in the
# local and test settings, never in production.
BANK_SIMULATOR_ENABLED = env.bool("BANK_SIMULATOR_ENABLED", default=False)
if BANK_SIMULATOR_ENABLED:
    INSTALLED_APPS.append("payments.bank_simulator")
# The bank's payment page ({reference} is replaced) and its signed daily statement ({date}: YYYY-MM-DD).
# A path is on this portal (the simulator); statements given as a path are fetched from PORTAL_BASE_URL.
BANK_PAYMENT_URL = env("BANK_PAYMENT_URL", default="/bank-simulator/pay/{reference}/")
BANK_STATEMENT_URL = env("BANK_STATEMENT_URL", default="/bank-simulator/statements/{date}.csv")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Where the simulator sends its callbacks; empty: the host that served its payment page.
BANK_SIMULATOR_CALLBACK_URL = env("BANK_SIMULATOR_CALLBACK_URL", default="")

# Business settings.
DECLARATION_MAX_ITEMS = 50
# More lines are filed as linked branch declarations of at most DECLARATION_MAX_ITEMS lines each
# (declarations/services/branches.py), at most this many per group.
DECLARATION_MAX_BRANCHES = 20
# Summaries of declarations one gate user may look up in an hour (declarations/views/gate.py): more
# than a gate handles, few enough that the page cannot be used to read declarations one after another.
GATE_LOOKUPS_PER_HOUR = env.int("GATE_LOOKUPS_PER_HOUR", default=360)
# Invoice total may differ from the sum of the item values by at most this much (invoice currency).
INVOICE_TOTAL_TOLERANCE = env.float("INVOICE_TOTAL_TOLERANCE", default=0.01)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

CELERY_TASK_ROUTES = {
    "risk.backtest": {"queue": "batch"},
    "risk.model_train": {"queue": "batch"},
    "risk.*": {"queue": "risk"},
    "payments.*": {"queue": "payments"},
}
# The secret random selection is keyed with (risk/services/assessment.py::random_draw_for). Empty:
# a key derived from SECRET_KEY for this purpose alone (docs/decisions.md, "Random draw").
RISK_SELECTION_KEY = env("RISK_SELECTION_KEY", default="")
# Registered declarations still unassessed after RISK_SWEEP_AFTER_SECONDS are queued again
# by the sweeper, which beat runs every RISK_SWEEP_INTERVAL_SECONDS.
RISK_SWEEP_AFTER_SECONDS = env.int("RISK_SWEEP_AFTER_SECONDS", default=60)
# Learned model versions (risk/services/risk_model_sweep.py): one still pending after this long is
# queued for training again (its message was lost); one still training this long after it started
# is marked failed (its worker died). Beat sweeps every RISK_MODEL_SWEEP_INTERVAL_SECONDS.
RISK_MODEL_PENDING_RETRY_SECONDS = env.int("RISK_MODEL_PENDING_RETRY_SECONDS", default=300)
RISK_MODEL_TRAINING_TIMEOUT_SECONDS = env.int("RISK_MODEL_TRAINING_TIMEOUT_SECONDS", default=1800)
# A compliance level chosen on the enterprise list (not priority) overrides the computed one for this long.
COMPLIANCE_OVERRIDE_DEFAULT_DAYS = env.int("COMPLIANCE_OVERRIDE_DEFAULT_DAYS", default=90)
# Yellow and red declarations go to the officer of their office with the least open work
# ("least_open_work"), or stay in the office's pool ("none"); an officer at REVIEW_ASSIGNMENT_MAX_OPEN
# open declarations gets no more (0: no limit). Beat gives absent officers' work to the others every
# REVIEW_ASSIGNMENT_REBALANCE_SECONDS (declarations/services/assignment.py, docs/decisions.md).
REVIEW_ASSIGNMENT = env("REVIEW_ASSIGNMENT", default="least_open_work")
REVIEW_ASSIGNMENT_MAX_OPEN = env.int("REVIEW_ASSIGNMENT_MAX_OPEN", default=0)
# Post-clearance audit selection: the rolling window over which each compliance class's share of
# audited declarations is held under its cap (post_clearance/services/selection.py).
POST_CLEARANCE_WINDOW_DAYS = env.int("POST_CLEARANCE_WINDOW_DAYS", default=365)
CELERY_BEAT_SCHEDULE = {
    "declarations-assignments-rebalance": {
        "task": "declarations.assignments_rebalance",
        "schedule": env.float("REVIEW_ASSIGNMENT_REBALANCE_SECONDS", default=300.0),
        "options": {"expires": env.float("REVIEW_ASSIGNMENT_REBALANCE_SECONDS", default=300.0)},
    },
    # The law's time limits (declarations/services/limits.py): drafts expiring, registrations lapsing.
    "declarations-time-limits": {
        "task": "declarations.time_limits_enforce",
        "schedule": env.float("TIME_LIMITS_INTERVAL_SECONDS", default=3600.0),
        "options": {"expires": env.float("TIME_LIMITS_INTERVAL_SECONDS", default=3600.0)},
    },
    "risk-sweep-unassessed": {
        "task": "risk.sweep_unassessed",
        "schedule": env.float("RISK_SWEEP_INTERVAL_SECONDS", default=30.0),
        # Sweeps that queued up while Redis or the workers were away are dropped, not run in a burst.
        "options": {"expires": env.float("RISK_SWEEP_INTERVAL_SECONDS", default=30.0)},
    },
    # Learned model versions left pending (a lost message) or training (a dead worker).
    "risk-model-sweep": {
        "task": "risk.model_sweep",
        "schedule": env.float("RISK_MODEL_SWEEP_INTERVAL_SECONDS", default=60.0),
        "options": {"expires": env.float("RISK_MODEL_SWEEP_INTERVAL_SECONDS", default=60.0)},
    },
    # Payments (local time): late interest of unpaid declarations, then the bank statement of the day before.
    "payments-late-interest-daily": {"task": "payments.late_interest_update", "schedule": crontab(hour=0, minute=5)},
    "payments-reconcile-daily": {"task": "payments.reconcile", "schedule": crontab(hour=6, minute=0)},
    # Compliance levels computed from each enterprise's record (risk/services/compliance.py), after the
    # late interest of the night: an override that expired yesterday gives way to the computed level.
    "risk-compliance-compute-daily": {"task": "risk.compliance_compute", "schedule": crontab(hour=1, minute=30)},
    # Released declarations whose post-clearance selection message was lost.
    "post-clearance-sweep": {"task": "post_clearance.sweep", "schedule": env.float("POST_CLEARANCE_SWEEP_INTERVAL_SECONDS", default=300.0),
                             "options": {"expires": env.float("POST_CLEARANCE_SWEEP_INTERVAL_SECONDS", default=300.0)}},
    # Expired API tokens are refused anyway; their rows go once a day.
    "accounts-api-tokens-purge-daily": {"task": "accounts.api_tokens_purge", "schedule": crontab(hour=3, minute=15)},
    # The statistics catch up with the declarations that changed (customs_statistics/services/refresh.py):
    # the lag the statistics pages state.
    "statistics-refresh": {"task": "customs_statistics.refresh",
                           "schedule": env.float("STATISTICS_REFRESH_INTERVAL_SECONDS", default=60.0),
                           "options": {"expires": env.float("STATISTICS_REFRESH_INTERVAL_SECONDS", default=60.0)}},
}
# A message taken by a worker that died is given to another worker after this long (Redis broker).
# max_retries=0: a process publishing while the broker is down fails at once instead of retrying the
# connection for broker_connection_timeout (~6 s per submission): every enqueue (retry=False) is
# backed by the database and the sweeper. Workers and beat reconnect with their own, explicit
# retries (CELERY_BROKER_CONNECTION_MAX_RETRIES), which this option does not limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "max_retries": 0,
    # A Redis that hangs rather than refusing connections must not hang a request either.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Celery's Django fix-up closes the database connection around every task unless told to
# reuse it: workers keep it for this many tasks (the web server does not keep connections).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)

# Documents attached to declarations.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENT_MAX_PER_DECLARATION = env.int("DOCUMENT_MAX_PER_DECLARATION", default=30)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# No request body larger than this is read (413 at once on its Content-Length, or as soon as a
# chunked body passes it: customs_portal.asgi): a document and the rest of its form fit.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=DOCUMENT_MAX_BYTES + 1024 * 1024)
