"""The public site's list, column, feed and sitemap pages.

Each is an ordinary view, so the site works straight from the application in embedded mode; the
publisher renders the same views to files (``render.render_url``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.disclosure.models import CatalogueNode, item_url
from gongkai.publishing import selectors

COLUMN_PREVIEW = 5
FEED_SIZE = 20


def _site_url(request: HttpRequest) -> str:
    """The site's public address (absolute links in feeds and sitemaps never depend on the
    request, so a published file is the same whoever caused it to be written)."""
    return str(settings.GONGKAI_SITE_URL).rstrip("/")


def column_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """The 政府信息公开 column: 指南, 制度, 法定主动公开内容 by node, 年报, newest items."""
    nodes = selectors.organ_nodes(organ_id)  # the catalogue a publication has loaded anyway
    organ = nodes[0].organ if nodes else get_object_or_404(Organ, pk=organ_id, is_active=True)
    children: dict[int, list[CatalogueNode]] = {}
    for node in nodes:
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    top = [
        (
            node,
            children.get(node.pk, []),
            selectors.newest_in(node, COLUMN_PREVIEW),
        )
        for node in nodes
        if node.parent_id is None
    ]
    return render(request, "publishing/column.html", {"organ": organ, "columns": top})


NODE_TEMPLATE = "publishing/node.html"


def node_pages(
    organ_id: int, code: str, numbers: list[int | None]
) -> dict[int | None, dict[str, Any]]:
    """The template context of a node's list pages: ``None`` is the index page (the newest
    items), a number is numbered page ``number`` (1 = oldest). Numbers the node does not have
    are left out. The rows of all the numbered pages come from one query."""
    node = selectors.node_by_code(organ_id, code)
    if node is None:
        return {}
    organ = node.organ
    pages = selectors.page_count(selectors.listed_count(node))
    wanted = [n for n in numbers if n is None or 1 <= n <= pages]
    rows = selectors.numbered_pages(node, [n for n in wanted if n is not None])
    if None in wanted:
        rows[None] = selectors.newest_in(node, selectors.page_size())
    children = selectors.children_of(node)
    return {
        number: {
            "organ": organ,
            "node": node,
            "children": children,
            "page": selectors.NodePage(node, rows[number], number, pages),
            # A numbered page links only to its neighbours, so adding a page rewrites only the
            # one before it; the index page lists the newest twenty pages.
            "older": range(pages, max(pages - 20, 0), -1),
            "newer": number + 1 if number is not None and number < pages else None,
            "earlier": number - 1 if number is not None and number > 1 else None,
        }
        for number in wanted
    }


def node_view(
    request: HttpRequest, organ_id: int, code: str, number: int | None = None
) -> HttpResponse:
    """A node's list: the index page with the newest items, or numbered page ``number``."""
    with selectors.snapshot():  # the count that places the page and its rows agree
        context = node_pages(organ_id, code, [number]).get(number)
    if context is None:
        raise Http404
    return render(request, NODE_TEMPLATE, context)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ATOM_TEMPLATE = "publishing/atom.xml"


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat() + ("Z" if moment.utcoffset() is None else "")


def _atom(
    request: HttpRequest, title: str, author: str, link: str, items: list[selectors.ListRow]
) -> HttpResponse:
    """An Atom feed of ``items`` (newest first) by ``author`` (the organ). Its times come from
    the items only — an empty feed says 1970 — so republishing an unchanged feed writes the
    same bytes."""
    base = _site_url(request)
    stamps = [item.published_at or EPOCH for item in items]
    entries = [
        {
            "title": item.title,
            "url": base + item.public_url(),
            "published": _rfc3339(stamp),
            "summary": item.summary,
            "category": item.node_name,
        }
        for item, stamp in zip(items, stamps, strict=True)
    ]
    body = get_template(ATOM_TEMPLATE).render(
        {
            "title": title,
            "author": author,
            "link": base + link,
            "feed_url": base + request.path,
            "updated": _rfc3339(max(stamps, default=EPOCH)),
            "entries": entries,
        }
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


def site_feed_view(request: HttpRequest) -> HttpResponse:
    items = selectors.newest_published(FEED_SIZE)
    site = _("政府信息公开")
    return _atom(request, site, site, "/", items)


def node_feed_view(request: HttpRequest, organ_id: int, code: str) -> HttpResponse:
    node = selectors.node_by_code(organ_id, code)
    if node is None:
        raise Http404
    items = selectors.newest_in(node, FEED_SIZE, published_only=True)
    title = f"{node.organ.name} · {node.name}"
    return _atom(request, title, node.organ.name, f"/xxgk/{organ_id}/{code}/", items)


def sitemap_index_view(request: HttpRequest) -> HttpResponse:
    base = _site_url(request)
    locations = [f"{base}/sitemaps/pages.xml"] + [
        f"{base}/sitemaps/items-{n}.xml" for n in range(1, selectors.sitemap_chunks() + 1)
    ]
    body = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locations)
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>\n',
        content_type="application/xml; charset=utf-8",
    )


def _urlset(entries: list[tuple[str, str]]) -> HttpResponse:
    body = "".join(
        f"<url><loc>{loc}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>"
        for loc, mod in entries
    )
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n',
        content_type="application/xml; charset=utf-8",
    )


def sitemap_pages_view(request: HttpRequest) -> HttpResponse:
    base = _site_url(request)
    entries = [(f"{base}/", "")]
    for organ in Organ.objects.filter(is_active=True):
        entries.append((f"{base}/xxgk/{organ.pk}/", ""))
        for code in CatalogueNode.objects.filter(organ=organ, is_active=True).values_list(
            "code", flat=True
        ):
            entries.append((f"{base}/xxgk/{organ.pk}/{code}/", ""))
    return _urlset(entries)


def sitemap_items_view(request: HttpRequest, number: int) -> HttpResponse:
    if not 1 <= number <= selectors.sitemap_chunks():
        raise Http404
    base = _site_url(request)
    return _urlset(
        [
            (f"{base}{item_url(pk)}", published_on)
            for pk, published_on in selectors.sitemap_chunk(number)
        ]
    )


def robots_view(request: HttpRequest) -> HttpResponse:
    base = _site_url(request)
    return HttpResponse(
        "User-agent: *\nDisallow: /staff/\nDisallow: /api/\nDisallow: /ysqgk/\n"
        f"Sitemap: {base}/sitemap.xml\n",
        content_type="text/plain; charset=utf-8",
    )


def not_found_page_view(request: HttpRequest) -> HttpResponse:
    """The site's 404 page as a file (nginx ``error_page``); the app's own 404 uses it too."""
    return render(request, "404.html", {})
