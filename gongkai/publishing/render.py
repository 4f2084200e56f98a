"""Render a public URL to bytes by calling its view, exactly as a visitor would get it.

The published file and the page the application serves in embedded mode are the same view's
output, so they cannot drift apart. The request is anonymous, without session or cookies, and
its host is the site's public address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.urls import Resolver404, resolve


class NotPublishable(Exception):
    """The URL has no page (not found, or not a public page)."""


def _factory() -> RequestFactory:
    site = urlsplit(str(settings.GONGKAI_SITE_URL))
    secure = site.scheme == "https"
    host = site.netloc or "localhost"
    return RequestFactory(HTTP_HOST=host, secure=secure)


def render_url(url: str) -> bytes:
    """The body of the public page at ``url``; ``NotPublishable`` when it has none."""
    try:
        match = resolve(url)
    except Resolver404:
        raise NotPublishable(url) from None
    request = _factory().get(url)
    request.user = AnonymousUser()
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except Http404:
        raise NotPublishable(url) from None
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    if not isinstance(response, HttpResponse) or response.status_code != 200:
        raise NotPublishable(url)
    return bytes(response.content)
