"""Middleware: security headers on every response, request facts for the audit log, text input
normalised."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gongkai.core.context import RequestInfo, request_info
from gongkai.core.forms import clean_querydict
from gongkai.lib.text import clean_text

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Add CSP and the other headers that Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.GONGKAI_CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address; behind a trusted proxy, the one the proxy saw."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Expose the client's IP and user agent to services while a request is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:400]
        )
        with request_info(info):
            return self.get_response(request)


class CleanTextMiddleware:
    """Normalise the text of every query string and form post before a view reads it
    (``gongkai.core.forms.clean_querydict``): views that read ``request.POST`` directly, and the
    API's query parameters, get the same text a form would. NUL is removed here and named in
    ``nul_keys``, so that a form bound to the request refuses it beside its field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # django-stubs type GET and POST as an immutable QueryDict known only to the stubs; a
        # CleanQueryDict is an immutable QueryDict all the same.
        request.GET = clean_querydict(request.GET)[0]  # type: ignore[assignment]
        if request.method == "POST":
            request.POST = clean_querydict(request.POST)[0]  # type: ignore[assignment]
            for key in request.FILES:  # the names users gave their files, kept for display
                for upload in request.FILES.getlist(key):
                    upload.name = clean_text(upload.name or "")
        return self.get_response(request)
