"""Which URLs make up the site, and which of them one published item changes.

``site_urls`` lists every page of a full build. ``urls_for_item`` is the incremental set for a
publication, revision or withdrawal of one item: its own page, the pages that link to it by
title or status (policy ↔ interpretation, a document it replaces), its node's index page and the
numbered page that holds it (plus the page before, when the item opened a new one), the lists of
the nodes above, the organ's column page, the home page, the site feed and the node feeds, the
sitemap chunk that lists it, and the sitemap index when that chunk is new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from gongkai.accounts.models import Organ
from gongkai.disclosure.models import LISTED, CatalogueNode, DisclosureItem, item_url
from gongkai.publishing import selectors

FIXED = ["/", "/feed.xml", "/sitemap.xml", "/sitemaps/pages.xml", "/robots.txt", "/404.html"]


def organ_pages(organ_id: int) -> list[str]:
    """The organ's own pages: its column page, 公开指南 (none until a version is saved) and
    权责清单."""
    return [f"/xxgk/{organ_id}/", f"/xxgk/{organ_id}/guide/", f"/xxgk/{organ_id}/powers/"]


def organ_urls(organ: Organ) -> list[str]:
    urls = organ_pages(organ.pk)
    for node in CatalogueNode.objects.filter(organ=organ, is_active=True).order_by("pk"):
        urls += node_urls(node, numbered=True)
    return urls


def node_urls(node: CatalogueNode, *, numbered: bool) -> list[str]:
    base = f"/xxgk/{node.organ_id}/{node.code}/"
    urls = [base, f"{base}feed.xml"]
    if numbered:
        pages = selectors.page_count(selectors.listed_count(node))
        urls += [f"{base}p{n}.html" for n in range(1, pages + 1)]
    return urls


def item_urls() -> Iterator[str]:
    for pk in selectors.listed().order_by("pk").values_list("pk", flat=True).iterator(2000):
        yield item_url(pk)


def site_urls() -> Iterator[str]:
    """Every page of the site (the item pages last: they are most of it)."""
    yield from FIXED
    yield from (f"/sitemaps/items-{n}.xml" for n in range(1, selectors.sitemap_chunks() + 1))
    for organ in Organ.objects.filter(is_active=True).order_by("pk"):
        yield from organ_urls(organ)
    yield from item_urls()


def urls_for_item(item: DisclosureItem) -> list[str]:
    urls = [item.public_url()]
    related = [item.interprets_id, item.replaced_by_id, *selectors.pointing_at(item.pk)]
    urls += [item_url(pk) for pk in related if pk]
    node = selectors.node_by_id(item.organ_id, item.node_id)
    for ancestor in selectors.node_ancestors(node):
        base = f"/xxgk/{ancestor.organ_id}/{ancestor.code}/"
        urls += [base, f"{base}feed.xml"]
        if item.published_on is not None:
            rank = selectors.rank_in(item, ancestor)
            number = rank // selectors.page_size() + 1
            urls.append(f"{base}p{number}.html")
            if rank % selectors.page_size() == 0 and number > 1:
                urls.append(f"{base}p{number - 1}.html")  # it gains its "newer" link
    urls += [f"/xxgk/{item.organ_id}/", "/", "/feed.xml"]
    urls.append(f"/sitemaps/items-{selectors.chunk_of(item.pk)}.xml")
    added = selectors.new_chunks(item.pk)  # the index lists chunks: it changes only with them
    urls += [f"/sitemaps/items-{n}.xml" for n in added]
    if added:
        urls.append("/sitemap.xml")
    return list(dict.fromkeys(urls))


def changed_since(moment: dt.datetime) -> list[int]:
    """The listed items changed (published, revised, withdrawn …) since ``moment``."""
    from gongkai.disclosure.selectors import changed_since

    return list(changed_since(moment).filter(LISTED).values_list("pk", flat=True))


def public_files(item: DisclosureItem) -> tuple[dict[str, int], list[str]]:
    """The item's attachments as published files: {path: attachment id} to write (those of its
    latest published version, while it is published) and the paths to remove (the rest)."""
    from gongkai.disclosure.choices import ItemStatus
    from gongkai.disclosure.models import Attachment
    from gongkai.disclosure.selectors import attachment_href, select_in

    every = list(select_in(Attachment, ("id", "media_type"), "item_id", [item.pk]))
    if not every:  # most items: nothing to copy or remove (a version lists only these)
        return {}, []
    keep: dict[str, int] = {}
    if item.status == ItemStatus.PUBLISHED:
        version = item.versions.order_by("-version").first()
        for a in version.snapshot.get("attachments", []) if version else []:
            keep[attachment_href(a["id"], a["type"]).lstrip("/")] = a["id"]
    drop = [attachment_href(pk, t).lstrip("/") for pk, t in every]
    return keep, [path for path in drop if path not in keep]


def items_with_files() -> Iterator[DisclosureItem]:
    from gongkai.disclosure.models import Attachment

    ids = Attachment.objects.filter(item__status="published").values_list("item_id", flat=True)
    yield from DisclosureItem.objects.filter(pk__in=ids.distinct()).iterator(500)
