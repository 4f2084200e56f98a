"""Render a public URL to bytes by calling its view, exactly as a visitor would get it.

The published file and the page the application serves in embedded mode are the same view's
output, so they cannot drift apart. The request is anonymous, without session or cookies, and
its host is the site's public address.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.template.loader import get_template
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve

from gongkai.publishing.writer import ITEM_URL

if TYPE_CHECKING:
    from gongkai.disclosure.models import DisclosureItem

NODE_PAGE_URL = re.compile(r"^/xxgk/(\d+)/([^/]+)/p(\d+)\.html$")


class NotPublishable(Exception):
    """The URL has no page (not found, or not a public page)."""


def _factory() -> RequestFactory:
    site = urlsplit(str(settings.GONGKAI_SITE_URL))
    secure = site.scheme == "https"
    host = site.netloc or "localhost"
    return RequestFactory(HTTP_HOST=host, secure=secure)


@functools.lru_cache(maxsize=1024)
def _resolve(url: str, urlconf: str) -> ResolverMatch | None:
    """``url``'s view (remembered: a publication rewrites the same few list, feed and home
    pages, and matching one against every route took ~0.3 ms)."""
    try:
        return resolve(url, urlconf)
    except Resolver404:
        return None


def render_url(url: str) -> bytes:
    """The body of the public page at ``url``; ``NotPublishable`` when it has none."""
    match = _resolve(url, get_urlconf() or settings.ROOT_URLCONF)
    if match is None:
        raise NotPublishable(url)
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


def item_id(url: str) -> int | None:
    """The item whose public page ``url`` is, if it is one."""
    match = ITEM_URL.match(url)
    return int(match.group(1)) if match else None


def render_items(
    item_ids: list[int], loaded: dict[int, DisclosureItem] | None = None
) -> dict[int, bytes]:
    """The public pages of many items at once: the item view's context from a few queries for
    the whole batch, rendered with the view's template (no request: the public pages use none),
    so each is the same bytes the view returns. Items without a public page are left out."""
    from gongkai.disclosure.selectors import PUBLIC_ITEM_TEMPLATE, public_item_pages

    template = get_template(PUBLIC_ITEM_TEMPLATE)
    pages = public_item_pages(item_ids, loaded=loaded)
    return {page["item"].pk: template.render(page).encode() for page in pages}


def render_node_pages(organ_id: int, code: str, numbers: list[int]) -> dict[int, bytes]:
    """Numbered list pages of one node at once, with the node view's context and template."""
    from gongkai.publishing.views import NODE_TEMPLATE, node_pages

    template = get_template(NODE_TEMPLATE)
    contexts = node_pages(organ_id, code, [*numbers])
    return {n: template.render(c).encode() for n, c in contexts.items() if n is not None}


def render_many(
    urls: Iterable[str], *, loaded: dict[int, DisclosureItem] | None = None
) -> Iterator[tuple[str, bytes | None]]:
    """Each URL with its body (``None``: it has no page): item pages and each node's numbered
    pages in batches, the other pages through their views (``loaded``: items already read,
    with their organ, unit and node)."""
    items: dict[int, str] = {}
    lists: dict[tuple[int, str], dict[int, str]] = {}
    for url in urls:
        pk = item_id(url)
        numbered = NODE_PAGE_URL.match(url) if pk is None else None
        if pk is not None:
            items[pk] = url
        elif numbered is not None:
            organ, code, number = numbered.groups()
            lists.setdefault((int(organ), code), {})[int(number)] = url
        else:
            try:
                yield url, render_url(url)
            except NotPublishable:
                yield url, None
    for (organ_id, code), numbers in lists.items():
        bodies = render_node_pages(organ_id, code, [*numbers])
        for number, url in numbers.items():
            yield url, bodies.get(number)
    if items:
        bodies = render_items(list(items), loaded)
        for pk, url in items.items():
            yield url, bodies.get(pk)
