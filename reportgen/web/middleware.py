"""Safety for every request: the upload limit before the body is read, security
headers (strict CSP, frame denial, no caching of agency pages), rate limits, and
tokens masked in every log line."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque

from django.http import HttpResponse

from reportgen.web.conf import UPLOAD_LIMIT

# The secret part of a path: an agency's link (/a/…) and an account's one-time invitation (/setup/…).
TOKEN_PATH = re.compile(r"/(a|setup)/[^/\s]+")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The whole body of a request: the workbook and a little form around it.
BODY_LIMIT = UPLOAD_LIMIT + 64 * 1024


def mask(text: str) -> str:
    return TOKEN_PATH.sub(r"/\1/***", text)


class MaskTokens(logging.Filter):
    """Logged paths never show an agency's link token or an invitation's."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(str(record.msg))
        if record.args:
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in
                                (record.args if isinstance(record.args, tuple) else (record.args,)))
        request = getattr(record, "request", None)
        if request is not None:
            record.request = None  # the request repr names the path
        return True


def plain(status: int, text: str) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class UploadLimit:
    """Refuse a body over the limit from its Content-Length, before anything reads it.
    (waitress's ``max_request_body_size`` bounds a body sent without a length.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return plain(400, "请求无效。")
        if length > BODY_LIMIT:
            return plain(413, f"文件太大：上传的工作簿不能超过 {UPLOAD_LIMIT // (1024 * 1024)} MB。")
        return self.get_response(request)


class RateLimit:
    """At most ``count`` events per ``seconds`` for one key (a link, an address), in this
    process (waitress serves one process with threads)."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count, self.seconds = count, seconds
        self.seen: dict[str, deque] = {}
        self.lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            if len(self.seen) > 100_000:  # bounded memory: forget idle keys
                self.seen = {k: v for k, v in self.seen.items() if v and now - v[-1] < self.seconds}
            times = self.seen.setdefault(key, deque())
            while times and now - times[0] > self.seconds:
                times.popleft()
            if len(times) >= self.count:
                return False
            times.append(now)
            return True


UPLOADS_PER_LINK = RateLimit(30, 600)
UPLOADS_PER_ADDRESS = RateLimit(300, 600)  # one office network may hold many agencies
REQUESTS_PER_ADDRESS = RateLimit(1200, 60)
LOGINS_PER_ADDRESS = RateLimit(10, 600)
TOO_MANY = "操作过于频繁，请稍等几分钟再试。"


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not REQUESTS_PER_ADDRESS.allow(client_address(request)):
            return plain(429, TOO_MANY)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith("/static/"):
            # Agency pages carry a personal link and findings; office pages a login: never cached.
            response["Cache-Control"] = "no-store, private"
        return response


def client_address(request) -> str:
    """The address the request came from (behind a trusted proxy, the one it names)."""
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]
