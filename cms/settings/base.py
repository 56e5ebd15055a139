"""Settings shared by every way of running Continuum.

The database, cache and channel layer are chosen by environment: with
``DATABASE_URL`` and ``REDIS_URL`` set they are PostgreSQL and Redis (tests,
production); unset, the embedded defaults are SQLite, a file cache and the
in-memory channel layer (``make run``). ``dev``, ``test`` and ``production``
change little on top of this file.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    # Continuum's own apps come first so that their templates win.
    "cms",
    "directory",
    "events",
    "forum",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "channels",
    "csp",
    "leaflet",
    "rest_framework",
    "rules",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
# Machine endpoints have no language prefix: their 404s are never redirected to /fr/….
MACHINE_URL_PREFIXES = ["/api/", "/ws/", "/rss/", "/healthz", "/static/", "/media/"]
MACHINE_URL_SUFFIXES = [".ics", ".xml", ".json", ".zip", ".geojson"]
# ...and routes of these URL namespaces (/forum/threads/<id>/events).
MACHINE_URL_NAMESPACES = ["forum_live"]
WSGI_APPLICATION = "cms.wsgi.application"
ASGI_APPLICATION = "cms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# Channels' live server refuses WebSocket handshakes unless the test database
# has an explicit name (channels#2176).
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
    "TEST_DATABASE_NAME",
    f"test_{DATABASES['default']['NAME']}"
    if DATABASES["default"]["ENGINE"].endswith("postgresql")
    else str(BASE_DIR / ".run" / "test.sqlite3"),
)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # ``make run`` has two processes writing (daphne and the task worker) and
    # concurrent requests in daphne: transactions take the write lock when they
    # begin (IMMEDIATE) and wait up to ``timeout`` seconds for it, instead of
    # failing with "database is locked" halfway through. WAL lets readers go on
    # while a writer works (an import holds the lock for its whole transaction).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Prefix of every key the channel layer and the forum's presence write in Redis:
# processes that share it deliver to each other (tests give each worker its own).
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "continuum")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "continuum",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # socket_timeout=None: channels-redis blocks on BLPOP for 5 s and
                # redis-py's default timeout would kill idle consumers (1011).
                # socket_connect_timeout: a Redis that does not answer fails a
                # broadcast in 2 s (posting goes on; the database is the record).
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 2}
                ],
                "prefix": CHANNEL_LAYER_PREFIX,
                "capacity": 1500,
                "expiry": 60,
            },
        }
    }
else:
    # Files, not local memory: daphne and the task worker are two processes
    # that share the cache (an import's progress, rate limits).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BASE_DIR / ".run" / "cache",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Forum real-time (forum/realtime.py): the thread events kept for clients that
# reconnect (a client further behind gets {"type": "resync"} and reloads): an
# event goes when it is older than FORUM_EVENTS_KEEP_DAYS or beyond the
# FORUM_EVENTS_KEEP_COUNT newest of its thread (the newest one always stays).
FORUM_EVENTS_KEEP_DAYS = int(os.environ.get("FORUM_EVENTS_KEEP_DAYS", "7"))
FORUM_EVENTS_KEEP_COUNT = int(os.environ.get("FORUM_EVENTS_KEEP_COUNT", "10000"))
# Readers' presence ("3 members reading") and typing notices are sent at most this
# often per thread and per connection (seconds).
FORUM_PRESENCE_INTERVAL = float(os.environ.get("FORUM_PRESENCE_INTERVAL", "3"))
FORUM_TYPING_INTERVAL = float(os.environ.get("FORUM_TYPING_INTERVAL", "3"))

# --- Background tasks ----------------------------------------------------------
# Django's Tasks interface (the django-tasks backport) on the database: the
# worker is `manage.py run_worker` (several in production, one in `make run`).
# directory/background/ adds what the backend lacks: worker heartbeats, the
# reaper of dead workers' tasks, retries with backoff, periodic jobs.

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes its heartbeat (and runs the periodic scheduler) this often;
# one silent for BACKGROUND_WORKER_DEAD_AFTER is dead and its tasks are reaped.
BACKGROUND_HEARTBEAT_SECONDS = float(os.environ.get("BACKGROUND_HEARTBEAT_SECONDS", "10"))
BACKGROUND_WORKER_DEAD_AFTER_SECONDS = float(
    os.environ.get("BACKGROUND_WORKER_DEAD_AFTER_SECONDS", "120")
)
# Finished task results are kept this many days, then pruned.
BACKGROUND_KEEP_SUCCESSFUL_DAYS = 7
BACKGROUND_KEEP_FAILED_DAYS = 30
# Periodic jobs declared here rather than with @periodic: {"module.task": seconds}.
BACKGROUND_PERIODIC_TASKS: dict[str, float] = {}

# --- Accounts ----------------------------------------------------------------

AUTH_USER_MODEL = "directory.User"
# The access policy (directory/access.py): named permissions from the roles
# (Wagtail groups) through ModelBackend, object rules through rules' backend.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "directory:my_account"
WAGTAILADMIN_LOGIN_URL = "account_login"
# Private pages and documents ask visitors to sign in through allauth too
# (Wagtail's default is its own plain Django LoginView at _util/login/).
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# A shared password on a page or a collection is a second way in, with no
# account and no rate limit: privacy is "signed-in members" or "these groups".
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# Wagtail's own password reset has no rate limit: allauth's is the only one.
WAGTAIL_PASSWORD_RESET_ENABLED = False

ACCOUNT_ADAPTER = "directory.members.allauth.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "directory.members.forms.SignupProfileForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Continuum] "
# Login attempts are rate-limited by allauth (through the cache, so Redis in
# production shares the counters between processes). Every login path,
# including the Wagtail admin's, goes through allauth's view.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# --- Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"
FORMAT_MODULE_PATH = ["cms.formats"]
LANGUAGE_COOKIE_NAME = "continuum_language"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media files ------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Wagtail -------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Continuum"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail ----------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Continuum <no-reply@continuum.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security --------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # read by the small ES modules that post forms
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Map tiles come from a configurable server (a public OSM-style template URL).
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "TILES": [("OSM", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})],
    "DEFAULT_CENTER": (45.40, -71.89),  # Sherbrooke
    "DEFAULT_ZOOM": 9,
}


def _tile_origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


# A strict policy for the public site; the Wagtail admin is not compatible
# with it (wagtail#1288), so it is scoped away from /admin/.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", _tile_origin(MAP_TILES_URL)],
        "font-src": [SELF],
        "connect-src": [SELF, "ws:", "wss:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Django REST framework serves the public, read-only HSDS API (directory/opendata/), which
# authenticates nobody (it reads records as the public sees them). Wagtail's admin API
# sets its own renderers and pagination and keeps DRF's default (session) authentication.
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # HSDS's page object; PAGE_SIZE is the default per_page (200 at most).
    "DEFAULT_PAGINATION_CLASS": "directory.opendata.pagination.HSDSPagination",
    "PAGE_SIZE": 50,
    # Anonymous clients by address, counted in the cache (Redis when REDIS_URL is set).
    "DEFAULT_THROTTLE_CLASSES": ["directory.opendata.throttling.PublicRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE", "120/minute")},
    # Reverse proxies trusted for the client's address (production sets it).
    "NUM_PROXIES": 0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 403s and other 4xx are one warning line; 500s keep their traceback.
    "filters": {"client_errors": {"()": "cms.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # One line per task started and finished (hundreds while the demo loads):
        # failures are still logged, at ERROR, with their traceback.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}

# Directory freshness: a record not verified for this many days shows a stale badge.
DIRECTORY_STALE_AFTER_DAYS = 365

# Directory caches keyed on the data version (directory/data_version.py). The facet
# index of each process is rebuilt at least this often (seconds), which bounds a change
# whose version bump was lost (a process that died between its commit and the bump).
DIRECTORY_INDEX_MAX_AGE = int(os.environ.get("DIRECTORY_INDEX_MAX_AGE", 600))
# After another process's write, the previous facet index answers while a thread rebuilds
# it (directory/search/facet_index.py); False: every reader waits for the rebuild.
DIRECTORY_INDEX_SERVE_WHILE_REBUILDING = os.environ.get(
    "DIRECTORY_INDEX_SERVE_WHILE_REBUILDING", "1"
).lower() not in ("0", "false", "no")
# At most one background rebuild of a process's facet index every this many seconds.
DIRECTORY_INDEX_REBUILD_INTERVAL = float(os.environ.get("DIRECTORY_INDEX_REBUILD_INTERVAL", 5))
# Recent text matches kept with each process's facet index, in bytes (bitsets).
DIRECTORY_TEXT_CACHE_BYTES = int(os.environ.get("DIRECTORY_TEXT_CACHE_BYTES", 8 * 1024 * 1024))

# Forum (forum/). A post flagged by this many members is hidden until a moderator decides.
FORUM_FLAGS_TO_HIDE = int(os.environ.get("FORUM_FLAGS_TO_HIDE", 3))
# Posts per page of a thread, threads per page of a space.
FORUM_POSTS_PER_PAGE = int(os.environ.get("FORUM_POSTS_PER_PAGE", 20))
FORUM_THREADS_PER_PAGE = int(os.environ.get("FORUM_THREADS_PER_PAGE", 30))
# Thread pages as visitors see them are cached, keyed on the thread's last event (every
# change moves it); what changes without an event shows within this many seconds (0: off).
FORUM_PAGE_CACHE_SECONDS = int(os.environ.get("FORUM_PAGE_CACHE_SECONDS", 60))
# Largest attachment, in bytes (type checked by content: forum/attachments.py).
FORUM_ATTACHMENT_MAX_BYTES = int(os.environ.get("FORUM_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
