"""Django settings for one data folder, built in code (there is no settings module to
edit: an office gives ``--data``, ``--database`` and, behind a proxy, ``--proxy``)."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.web.library import UnusableInput

MB = 1024 * 1024
UPLOAD_LIMIT = 10 * MB  # an upload's body; refused before it is read (see middleware)
DATABASE_ENV = "REPORTGEN_DATABASE_URL"
SECRET_FILE = "secret.key"  # Django's signing key and the key the agency links are derived from
DATABASE_FILE = "reportgen.sqlite3"


def database_settings(url: str | None, data: Path) -> dict:
    """SQLite in ``data`` by default; ``postgresql://user:pw@host:port/name`` otherwise."""
    if not url:
        # WAL: readers never wait for the one writer; IMMEDIATE: a writing transaction
        # takes the write lock when it starts, so concurrent uploads queue (for up to
        # ``timeout`` seconds) instead of failing with “database is locked” half-way.
        # CONN_MAX_AGE: each server thread keeps its connection (opening one and setting
        # its pragmas cost a request about a millisecond).
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data / DATABASE_FILE), "CONN_MAX_AGE": 60,
                "OPTIONS": {"timeout": 60, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"}}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise UnusableInput(f"数据库地址应以 postgresql:// 开头（或不给，使用 SQLite）：{parts.scheme}://…")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or ""), "CONN_MAX_AGE": 60}


def secret_key(data: Path) -> str:
    """The instance's secret, made once and kept in the data folder (mode 0600).

    Written whole to a scratch file, flushed, then linked into place: a crash never leaves
    an empty or short key (every session and link would change with it), and of two
    processes starting at once the first link wins and both read the same key."""
    path = data / SECRET_FILE
    if not path.exists():
        fd, scratch = tempfile.mkstemp(prefix=".secret-", dir=data)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(scratch, path)
            except FileExistsError:
                pass  # another process made it first: theirs is the key
        finally:
            os.unlink(scratch)
    return path.read_text(encoding="ascii").strip()


def settings(data: Path, database_url: str | None = None, *, proxy: bool = False, debug: bool = False) -> dict:
    """Everything Django needs, for ``settings.configure(**settings(...))``.
    ``proxy``: behind an HTTPS reverse proxy that sets X-Forwarded-Proto (trusted),
    cookies are then sent over HTTPS only."""
    data = Path(data).resolve()
    here = Path(__file__).resolve().parent
    return dict(
        DEBUG=debug,
        SECRET_KEY=secret_key(data),
        ALLOWED_HOSTS=["*"],  # the office decides where it listens; links are absolute from the request
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                        "reportgen.web.apps.WebConfig"],
        MIDDLEWARE=["reportgen.web.middleware.UploadLimit",
                    "reportgen.web.middleware.SecurityHeaders",
                    "django.middleware.security.SecurityMiddleware",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.locale.LocaleMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.middleware.clickjacking.XFrameOptionsMiddleware"],
        ROOT_URLCONF="reportgen.web.urls",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [here / "templates"],
                    "APP_DIRS": False, "OPTIONS": {"context_processors": [
                        "django.template.context_processors.request",
                        "django.template.context_processors.csrf"]}}],
        DATABASES={"default": database_settings(database_url, data)},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        LANGUAGE_CODE="zh-hans", LANGUAGES=[("zh-hans", "简体中文")], USE_I18N=True,
        TIME_ZONE="Asia/Shanghai", USE_TZ=True,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", CSRF_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=proxy, CSRF_COOKIE_SECURE=proxy,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https") if proxy else None,
        USE_X_FORWARDED_HOST=proxy,
        X_FRAME_OPTIONS="DENY", SECURE_CONTENT_TYPE_NOSNIFF=True, SECURE_REFERRER_POLICY="same-origin",
        # Uploads: Django keeps at most this in memory, the rest goes to a temporary file;
        # the body's size itself is refused earlier (middleware.UploadLimit, waitress).
        FILE_UPLOAD_MAX_MEMORY_SIZE=UPLOAD_LIMIT + MB, DATA_UPLOAD_MAX_MEMORY_SIZE=UPLOAD_LIMIT + MB,
        DATA_UPLOAD_MAX_NUMBER_FIELDS=100, DATA_UPLOAD_MAX_NUMBER_FILES=1,
        CSRF_FAILURE_VIEW="reportgen.web.views.csrf_failure",
        LOGIN_URL="/office/login", LOGIN_REDIRECT_URL="/office/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
        AUTH_PASSWORD_VALIDATORS=[{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                                   "OPTIONS": {"min_length": 10}},
                                  {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"}],
        REPORTGEN_DATA=data,
        LOGGING=logging_settings(),
    )


def logging_settings() -> dict:
    """Django's request log names paths (a 404 on an agency link would name its token):
    every path is logged with the token part masked (:class:`.middleware.MaskTokens`)."""
    return {"version": 1, "disable_existing_loggers": False,
            "filters": {"mask": {"()": "reportgen.web.middleware.MaskTokens"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask"]}},
            "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
                        # logger filters run before any handler, a test's or an office's own
                        "django.request": {"filters": ["mask"], "level": "WARNING"},
                        "django.security": {"filters": ["mask"], "level": "WARNING"},
                        "waitress": {"handlers": ["console"], "level": "WARNING", "propagate": False},
                        # “Task queue depth is N” whenever more requests wait than there are threads:
                        # with twenty agencies uploading at once that is normal, a line each request
                        # (9 KB of log for 200 uploads), not something for an office to act on.
                        "waitress.queue": {"level": "ERROR"}}}


def setup(data: Path, database_url: str | None = None, **options) -> None:
    """Configure Django for ``data`` (made if missing) and start it; once per process."""
    import django
    from django.conf import settings as django_settings

    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    if not django_settings.configured:
        django_settings.configure(**settings(data, database_url or os.environ.get(DATABASE_ENV), **options))
    django.setup()
