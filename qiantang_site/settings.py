"""Settings for the Qiantang site, read from the environment.

The defaults are the embedded set-up: SQLite in the project folder, local memory cache and
local media. Debug is off unless DJANGO_DEBUG asks for it, and with debug off a secret key is
required. Production adds DATABASE_URL (PostgreSQL), CACHE_URL (Redis) and DJANGO_MEDIA_STORAGE
(S3-compatible object storage); README.md has the table of every variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from qiantang_site.jsonlog import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def read_secret_key():
    # A file is how container platforms hand out secrets; the variable wins when both are set.
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    path = os.environ.get("DJANGO_SECRET_KEY_FILE", "").strip()
    if not key and path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"DJANGO_SECRET_KEY_FILE is {path!r} but it cannot be read ({exc.strerror})."
            ) from None
    return key


DEBUG = env_bool("DJANGO_DEBUG")
# Under DEBUG, public addresses that find nothing get the site's own 404 page, as in
# production; 1 brings back Django's debug page for them too (the admin always has it).
DEBUG_TECHNICAL_404 = env_bool("DJANGO_DEBUG_TECHNICAL_404")

SECRET_KEY = read_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
            "(or point DJANGO_SECRET_KEY_FILE at a file holding one), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The staff's admin lives here; a path of one's own keeps it out of the scanners' way.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin").strip().strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH must not be empty: the site's pages live at /.")

INSTALLED_APPS = [
    # Django's admin, with the desk's dashboard as its front page.
    "qiantang_site.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "reversion",
    "adminsortable2",
    "qiantang_site.apps.AxesConfig",
    "articles",
    # The task queue's table and its worker, `manage.py db_worker` (articles/tasks.py).
    "django_tasks_db",
    # The digital edition (数字报): editions, pages, story regions (epaper/).
    "epaper",
]

MIDDLEWARE = [
    # First, so that every admin response carries X-Robots-Tag, the https redirect included.
    "qiantang_site.admin_robots.AdminRobotsTagMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after security, so static files get the same headers and skip everything else.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed (an article shrinks to about a third) with no proxy in front, as
    # under `make serve-prod`; static files are compressed ahead of time by WhiteNoise instead,
    # and public pages are sent as the page cache keeps them, gzipped once (articles/http.py),
    # which this leaves alone.
    # Before ConditionalGet, so ETags are computed on the uncompressed body.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A stored public page is answered here, with every header above and none of the
    # session and login machinery below (articles/pagecache.py).
    "articles.pagecache.PageCacheMiddleware",
    # A view that cannot reach the database answers 503 in Chinese, not 500 (errors.py).
    "qiantang_site.errors.DatabaseUnavailableMiddleware",
    # Under DEBUG, the site's own 404 page for public addresses (errors.py); outside
    # CommonMiddleware, which first redirects an address missing its final slash.
    "qiantang_site.errors.SiteNotFoundUnderDebugMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "qiantang_site.urls"

TEMPLATES = [
    # Readers' pages: Jinja2 (articles/templating.py says why). Searched first, so a page's
    # name resolves there; the admin's templates only exist for Django's engine below.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "qiantang_site" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "articles.templating.environment",
            "context_processors": [
                "articles.context_processors.site",
                # seen_in_print(article): the 见报 line of the article page (epaper/).
                "epaper.context_processors.seen_in_print",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qiantang_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "qiantang_site.wsgi.application"

# DATABASE_URL, e.g. postgres://user:password@db.internal:5432/qiantang (psycopg 3). Without it,
# SQLite in the project folder (or at SQLITE_PATH).
CONN_MAX_AGE = env_int("DJANGO_DB_CONN_MAX_AGE", 60)
if os.environ.get("DATABASE_URL", "").strip():
    DATABASES = {
        "default": dj_database_url.config(conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A server that cannot be reached (not one that is stopped: that refuses at once) would
        # hold each request until the system gives up connecting, minutes, past gunicorn's
        # timeout; stored article pages could not be answered meanwhile (articles/pagecache.py).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 3)
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"),
            # Kept open between requests as with PostgreSQL: opening the file, registering
            # Django's SQL functions and reading the schema afresh cost more CPU than a
            # cached page's whole request (bench/pages.py). Opened after gunicorn forks
            # (startup.py closes the check's connection), so no worker shares one.
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Write-ahead logging: readers never wait for an editor's save, and the
                # workers of `make serve-prod` share the file safely. A write transaction
                # takes its lock at the start, so it waits its turn instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django's zh_Hans input formats use %n and %j, which strptime cannot parse as month/day;
# our own format module replaces them (see qiantang_site/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["qiantang_site.formats"]
# Chinese for the admin strings Django 6.1 and our admin libraries ship untranslated.
LOCALE_PATHS = [BASE_DIR / "qiantang_site" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "qiantang_site" / "static"]

# Renditions are linked at MEDIA_URL: a CDN in front of the bucket, e.g.
# https://img.example.com/, or /media/ behind the site's own nginx.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
if not MEDIA_URL.endswith("/"):
    MEDIA_URL += "/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o644
# An article's change form posts about 13 fields a figure and 5 a section: Django's default of
# 1,000 refused a gallery of some 75 photos with a bare "Bad Request". 20,000 fields covers
# over a thousand figures; the importer refuses pages that would make a larger draft
# (articles/printpage.py, DRAFT_LIMITS), and public pages take no POST at all.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Media from the app itself, only for trying production on one machine (`make serve-prod`).
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA")

# Local disk by default; "s3" keeps media in an S3-compatible bucket so that app servers
# hold no state. Originals stay private (signed, short-lived links for staff); renditions are
# public under MEDIA_URL. See qiantang_site/storage.py.
MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "local").strip().lower()
if MEDIA_STORAGE == "local":
    DEFAULT_STORAGE = {"BACKEND": "qiantang_site.local_storage.LocalMediaStorage"}
elif MEDIA_STORAGE == "s3":
    _bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not _bucket:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE is s3 but AWS_STORAGE_BUCKET_NAME is not set."
        )
    DEFAULT_STORAGE = {
        "BACKEND": "qiantang_site.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Credentials may also come from the machine's role; boto3 looks for them then.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "querystring_expire": env_int("DJANGO_ORIGINALS_URL_SECONDS", 600),
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    if not MEDIA_URL.startswith(("http://", "https://")):
        # No CDN named: readers fetch renditions from the bucket itself (path-style address).
        _endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/")
        if not _endpoint:
            _region = os.environ.get("AWS_S3_REGION_NAME", "").strip() or "us-east-1"
            _endpoint = f"https://s3.{_region}.amazonaws.com"
        _location = os.environ.get("AWS_LOCATION", "").strip("/")
        MEDIA_URL = f"{_endpoint}/{_bucket}/" + (f"{_location}/" if _location else "")
else:
    raise ImproperlyConfigured(f"DJANGO_MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")

# Photo uploads (articles/images/fields.py): refused above these limits, checked before decoding.
PHOTO_MAX_UPLOAD_BYTES = int(os.environ.get("PHOTO_MAX_UPLOAD_MB", "25")) * 1024 * 1024
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_MEGAPIXELS", "50")) * 1_000_000

# Page files of the digital edition (epaper/pagefiles.py): PDFs or pictures, checked before
# anything is read; a PDF is read in a child process with limits on memory and CPU.
EPAPER_MAX_UPLOAD_MB = env_int("EPAPER_MAX_UPLOAD_MB", 60)
EPAPER_MAX_PDF_PAGES = env_int("EPAPER_MAX_PDF_PAGES", 64)

# Search ranks at most this many matches, the newest (articles/search/matching.py): a query
# matching more costs what one matching this many does, and its page says 1000 多篇.
SEARCH_RANKED_MAX = env_int("SEARCH_RANKED_MAX", 1000)

STORAGES = {
    "default": DEFAULT_STORAGE,
    # Hashed, compressed names: far-future caching, and a deploy never serves stale CSS.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With debug on, files come straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# CACHE_URL: locmem:// (default, one process), redis://host:6379/0, rediss://, unix:///path
# or dummy://. Several app servers need Redis, so that an edit shows on all of them at once.
CACHE_URL = os.environ.get("CACHE_URL", "").strip() or "locmem://"


def cache_from_url(url):
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in {"redis", "rediss", "unix"}:
        return {
            # Django's own Redis backend, wrapped so that Redis going away slows pages down
            # instead of breaking them (qiantang_site/cache.py).
            "BACKEND": "qiantang_site.cache.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} is not understood: use locmem://, dummy://, redis://, "
        "rediss:// or unix://."
    )


CACHES = {"default": {**cache_from_url(CACHE_URL), "KEY_PREFIX": "qiantang"}}

# Set to the deployed commit: a deploy then starts fresh page-cache keys.
RELEASE = os.environ.get("DJANGO_RELEASE", "")
# With a cache in each process's memory (locmem://), the page cache's generation lives in this
# file, shared by every process of the machine; empty: one in the system's temporary folder
# per project and database (articles/pagecache.py). Redis keeps it itself.
PAGE_CACHE_GENERATION_FILE = os.environ.get("DJANGO_PAGE_CACHE_GENERATION_FILE", "")
# How long shared caches and browsers may keep a public page, and serve it stale meanwhile.
PUBLIC_PAGE_MAX_AGE = env_int("DJANGO_PUBLIC_MAX_AGE", 60)
PUBLIC_PAGE_STALE_SECONDS = env_int("DJANGO_PUBLIC_STALE_SECONDS", 300)

# Background work (photo renditions, articles/tasks.py) on Django's Tasks framework. The queue is
# a table in the site's database (django-tasks-db); `manage.py db_worker` runs what is queued.
# `make serve` and `make serve-prod` start one; docs/deploy.md runs it under systemd.
# DJANGO_TASKS=immediate runs each task inside the request instead (no worker; slow saves).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("DJANGO_TASKS", "").strip().lower() == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# The name readers see in the header, feeds and structured data.
SITE_NAME = os.environ.get("SITE_NAME", "钱塘观察")
SITE_DESCRIPTION = "把报纸版面上的深度报道，原样带到网上。"

# How long a "share preview" link to an unpublished article works (articles/preview.py).
PREVIEW_LINK_HOURS = int(os.environ.get("PREVIEW_LINK_HOURS", "48"))

# Logs go to stderr, one JSON object a line in production (for the log collector), plain
# text when debugging at a terminal. Never stdout: that is a command's output (e.g.
# `import_print_page --json | jq`), and a start-up log line there broke it.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Security -----------------------------------------------------------------------------
# DJANGO_HTTPS=off is only for trying the production set-up over plain http on this machine
# (`make serve-prod`): it turns off the HTTPS redirect, HSTS and Secure-only cookies.
HTTPS = not DEBUG and env_bool("DJANGO_HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS
# The TLS-terminating proxy (nginx, a load balancer) says the request came over https.
# It must set this header itself, overwriting any the client sent (docs/deploy.md).
if env_bool("DJANGO_BEHIND_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's health check talks plain http to each app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Pictures may come from the CDN (MEDIA_URL) and, for staff, signed links to the bucket.
_image_sources = [CSP.SELF, "data:"]
for _url in (MEDIA_URL, os.environ.get("AWS_S3_ENDPOINT_URL", "")):
    if (_o := _origin(_url)) and _o not in _image_sources:
        _image_sources.append(_o)
if MEDIA_STORAGE == "s3" and not os.environ.get("AWS_S3_ENDPOINT_URL"):
    _image_sources.append("https://*.amazonaws.com")

# Scripts only from our own files: no inline script, no eval, so injected markup cannot run.
# Inline style attributes stay allowed (the admin uses some); they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": _image_sources,
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Admin login throttling (django-axes) -------------------------------------------------
# Five wrong passwords for one account from one address lock that pair out for half an hour.
# Locking by account alone would let anyone lock the desk out; by address alone would lock
# a whole newsroom behind one NAT.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
# The client's address: REMOTE_ADDR, unless the proxy in front names a header it sets itself
# (e.g. DJANGO_CLIENT_IP_HEADER=X-Real-IP with nginx's `proxy_set_header X-Real-IP`).
_ip_header = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_" + _ip_header.upper().replace("-", "_"), "REMOTE_ADDR")
    if _ip_header
    else ("REMOTE_ADDR",)
)

# The page a refused form gets (an expired CSRF token): in Chinese, saying what to do.
CSRF_FAILURE_VIEW = "qiantang_site.errors.csrf_failure"
