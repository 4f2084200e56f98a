"""Middleware: security headers on every response, request facts for the audit log, text input
normalised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gongkai.core.context import RequestInfo, request_info
from gongkai.core.forms import clean_querydict
from gongkai.core.headers import security_headers
from gongkai.lib.text import clean_text


class SecurityHeadersMiddleware:
    """Add CSP and the other headers that Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in security_headers().items():
            response.headers.setdefault(name, value)
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


_CLEAN_CLASSES: dict[type, type] = {}


def _clean_post_class(base: type) -> type:
    """A subclass of the request's class whose ``POST`` is cleaned when it is first read.

    The body is parsed only when a view reads it, so a view may still set its own upload
    handlers first (the application form limits file sizes as they arrive)."""
    found = _CLEAN_CLASSES.get(base)
    if found is not None:
        return found

    def _get_post(self: Any) -> Any:
        post = base._get_post(self)  # type: ignore[attr-defined]
        if getattr(self, "_gongkai_post_cleaned", False):
            return post
        self._gongkai_post_cleaned = True
        cleaned = clean_querydict(post)[0]
        base._set_post(self, cleaned)  # type: ignore[attr-defined]
        for key in self.FILES:  # the names users gave their files, kept for display
            for upload in self.FILES.getlist(key):
                upload.name = clean_text(upload.name or "")
        return cleaned

    found = type(
        f"CleanText{base.__name__}",
        (base,),
        {"POST": property(_get_post, base._set_post)},  # type: ignore[attr-defined]
    )
    _CLEAN_CLASSES[base] = found
    return found


class CleanTextMiddleware:
    """Normalise the text of every query string and form post before a view reads it
    (``gongkai.core.forms.clean_querydict``): views that read ``request.POST`` directly, and the
    API's query parameters, get the same text a form would. NUL is removed here and named in
    ``nul_keys``, so that a form bound to the request refuses it beside its field. The post is
    cleaned when first read, not here, so that the body is not parsed before the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # django-stubs type GET and POST as an immutable QueryDict known only to the stubs; a
        # CleanQueryDict is an immutable QueryDict all the same.
        request.GET = clean_querydict(request.GET)[0]  # type: ignore[assignment]
        if request.method == "POST" and hasattr(type(request), "_get_post"):
            request.__class__ = _clean_post_class(type(request))
        return self.get_response(request)
