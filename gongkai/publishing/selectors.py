"""What the public site lists: published items (and withdrawn ones, marked), oldest-first pages.

A node's list is split into numbered pages counted from the oldest item, so publishing a new item
changes only the newest numbered page and the node's index page (which shows the newest items);
every older page stays byte-for-byte the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from gongkai.disclosure.models import CatalogueNode, DisclosureItem

SITEMAP_CHUNK = 5000
# Columns a list never shows: left in the database when list rows are loaded.
LIST_DEFER = ("body", "details", "qa_pairs", "review_basis")
_cache: dict[object, Any] | None = None


@contextmanager
def build_cache() -> Iterator[None]:
    """During a full build, remember each node's ordered ids (its numbered pages are rendered
    one after another); outside a build every call reads the database afresh."""
    global _cache
    _cache = {}
    try:
        yield
    finally:
        _cache = None


def page_size() -> int:
    return int(settings.GONGKAI_SITE_PAGE_SIZE)


def listed() -> QuerySet[DisclosureItem]:
    """Items that have been published at least once (withdrawn ones stay listed, marked)."""
    return DisclosureItem.objects.filter(version__gt=0, published_on__isnull=False)


def node_family(node: CatalogueNode) -> list[int]:
    """The node and every node below it (a parent column lists its children's items)."""
    key = ("family", node.pk)
    if _cache is not None and key in _cache:
        return list(_cache[key])
    ids, frontier = [node.pk], [node.pk]
    while frontier:
        frontier = list(
            CatalogueNode.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    if _cache is not None:
        _cache[key] = list(ids)
    return ids


def node_ancestors(node: CatalogueNode) -> list[CatalogueNode]:
    """The node and the nodes above it, nearest first."""
    chain, seen = [], set()
    current: CatalogueNode | None = node
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def node_items(node: CatalogueNode) -> QuerySet[DisclosureItem]:
    return listed().filter(node_id__in=node_family(node))


def page_count(count: int) -> int:
    return max(1, math.ceil(count / page_size()))


def ordered_ids(node: CatalogueNode) -> list[int]:
    """The ids of the node's listed items, oldest first (index-only: node, date, id)."""
    key = ("ids", node.pk)
    if _cache is not None and key in _cache:
        cached: list[int] = _cache[key]  # shared, never modified
        return cached
    ids = list(node_items(node).order_by("published_on", "pk").values_list("pk", flat=True))
    if _cache is not None:
        _cache[key] = ids
    return ids


def _rows(ids: list[int]) -> list[DisclosureItem]:
    rows = DisclosureItem.objects.defer(*LIST_DEFER).select_related("unit", "node").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def numbered_page(node: CatalogueNode, number: int) -> list[DisclosureItem]:
    """Page ``number`` (1 = oldest) of the node's list, oldest first."""
    size = page_size()
    start = (number - 1) * size
    if _cache is not None:
        return _rows(ordered_ids(node)[start : start + size])
    ids = list(
        node_items(node)
        .order_by("published_on", "pk")
        .values_list("pk", flat=True)[start : start + size]
    )
    return _rows(ids)


def newest(items: QuerySet[DisclosureItem], n: int) -> list[DisclosureItem]:
    """The ``n`` newest of ``items`` (ids from the index first, then the rows for display)."""
    ids = list(items.order_by("-published_on", "-pk").values_list("pk", flat=True)[:n])
    return _rows(ids)


def rank_in(item: DisclosureItem, node: CatalogueNode) -> int:
    """How many of ``node``'s listed items come before ``item`` (oldest first)."""
    assert item.published_on is not None  # noqa: S101
    return (
        node_items(node)
        .filter(
            Q(published_on__lt=item.published_on)
            | Q(published_on=item.published_on, pk__lt=item.pk)
        )
        .count()
    )


def page_of(item: DisclosureItem, node: CatalogueNode) -> int:
    """The numbered page of ``node``'s list that holds ``item``."""
    return rank_in(item, node) // page_size() + 1


@dataclass(frozen=True)
class NodePage:
    node: CatalogueNode
    items: list[DisclosureItem]
    number: int | None  # None: the index page (newest first)
    pages: int


def sitemap_chunks() -> int:
    last = listed().order_by("-pk").values_list("pk", flat=True).first()
    return (last // SITEMAP_CHUNK + 1) if last else 0


def sitemap_chunk(number: int) -> QuerySet[DisclosureItem]:
    low = (number - 1) * SITEMAP_CHUNK
    return (
        listed()
        .filter(pk__gte=max(low, 1), pk__lt=low + SITEMAP_CHUNK)
        .order_by("pk")
        .only("pk", "published_on", "published_at", "status")
    )


def chunk_of(item_id: int) -> int:
    return item_id // SITEMAP_CHUNK + 1
