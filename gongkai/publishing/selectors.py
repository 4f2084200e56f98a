"""What the public site lists: published items (and withdrawn ones, marked), oldest-first pages.

A node's list is split into numbered pages counted from the oldest item, so publishing a new item
changes only the newest numbered page and the node's index page (which shows the newest items);
every older page stays byte-for-byte the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from gongkai.disclosure.models import LISTED, LISTED_SQL, CatalogueNode, DisclosureItem

SITEMAP_CHUNK = 1000
T = TypeVar("T")
# Columns a list never shows: left in the database when list rows are loaded.
LIST_DEFER = ("body", "details", "qa_pairs", "review_basis")
_cache: dict[object, Any] | None = None
_full = False


@contextmanager
def build_cache(*, full: bool = True) -> Iterator[None]:
    """Remember node families and list counts while one publication's pages are rendered, and
    during a full build (``full``) each node's ordered ids too (its numbered pages are rendered
    one after another). Outside it every call reads the database afresh."""
    global _cache, _full
    _cache, _full = {}, full
    try:
        yield
    finally:
        _cache, _full = None, False


def page_size() -> int:
    return int(settings.GONGKAI_SITE_PAGE_SIZE)


def listed() -> QuerySet[DisclosureItem]:
    """Items that have been published at least once (withdrawn ones stay listed, marked)."""
    return DisclosureItem.objects.filter(LISTED)


def _memo(key: object, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` while a cache is open (one publication or a
    build: the pages it renders look up the same nodes)."""
    if _cache is None:
        return compute()
    if key not in _cache:
        _cache[key] = compute()
    found: T = _cache[key]
    return found


def node_by_code(organ_id: int, code: str) -> CatalogueNode | None:
    return _memo(
        ("node", organ_id, code),
        lambda: (
            CatalogueNode.objects.select_related("parent", "organ")
            .filter(organ_id=organ_id, organ__is_active=True, code=code, is_active=True)
            .first()
        ),
    )


def children_of(node: CatalogueNode) -> list[CatalogueNode]:
    return _memo(
        ("children", node.pk),
        lambda: list(
            CatalogueNode.objects.filter(parent=node, is_active=True).order_by("sort_order")
        ),
    )


def node_family(node: CatalogueNode) -> list[int]:
    """The node and every node below it (a parent column lists its children's items)."""

    def walk() -> list[int]:
        ids, frontier = [node.pk], [node.pk]
        while frontier:
            frontier = list(
                CatalogueNode.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids

    return _memo(("family", node.pk), walk)


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


def _table() -> str:
    return str(connection.ops.quote_name(DisclosureItem._meta.db_table))


def _count(node: CatalogueNode, before: DisclosureItem | None = None) -> int:
    """How many listed items the node's family holds (``before``: only those listed before
    it). Plain SQL, one index range per node (the ORM's ``count()`` costs more than the
    count)."""
    sql = f"SELECT COUNT(*) FROM {_table()} WHERE node_id = %s AND {LISTED_SQL}"
    extra: list[Any] = []
    if before is not None:
        sql += " AND (published_on < %s OR (published_on = %s AND id < %s))"
        extra = [before.published_on, before.published_on, before.pk]
    total = 0
    with connection.cursor() as cursor:
        for pk in node_family(node):
            cursor.execute(sql, [pk, *extra])
            total += cursor.fetchone()[0]
    return total


def listed_count(node: CatalogueNode) -> int:
    return _memo(("count", node.pk), lambda: _count(node))


def page_count(count: int) -> int:
    return max(1, math.ceil(count / page_size()))


def ordered_ids(node: CatalogueNode) -> list[int]:
    """The ids of the node's listed items, oldest first (index-only: node, date, id)."""
    return _memo(  # shared, never modified
        ("ids", node.pk),
        lambda: list(node_items(node).order_by("published_on", "pk").values_list("pk", flat=True)),
    )


def _rows(ids: list[int]) -> list[DisclosureItem]:
    rows = DisclosureItem.objects.defer(*LIST_DEFER).select_related("unit", "node").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def numbered_page(node: CatalogueNode, number: int) -> list[DisclosureItem]:
    """Page ``number`` (1 = oldest) of the node's list, oldest first."""
    return numbered_pages(node, [number])[number]


def numbered_pages(
    node: CatalogueNode, numbers: list[int]
) -> dict[int | None, list[DisclosureItem]]:
    """Several numbered pages of the node's list: during a build from the node's ordered ids
    (one query for all their rows); otherwise each from the newest end (a new item's page is
    near it: no long offset), with the count that places it read in the same statement — one
    snapshot, so a publication committed meanwhile cannot shift the page by one."""
    size = page_size()
    if _cache is not None and _full:
        ids = ordered_ids(node)
        spans = {number: ids[(number - 1) * size : number * size] for number in numbers}
    else:
        family = node_family(node)
        listed_here = f"node_id IN ({', '.join(['%s'] * len(family))}) AND {LISTED_SQL}"
        larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        counted = f"(SELECT COUNT(*) AS c FROM {_table()} WHERE {listed_here}) k"
        sql = (
            f"SELECT id FROM {_table()} WHERE {listed_here} ORDER BY published_on DESC, id DESC "
            f"LIMIT (SELECT {larger}(c - %s, 0) - {larger}(c - %s, 0) FROM {counted}) "
            f"OFFSET (SELECT {larger}(c - %s, 0) FROM {counted})"
        )
        spans = {}
        with connection.cursor() as cursor:
            for number in numbers:
                start, end = (number - 1) * size, number * size
                cursor.execute(sql, [*family, start, end, *family, end, *family])
                spans[number] = [int(r[0]) for r in cursor.fetchall()][::-1]
    by_id = {row.pk: row for row in _rows([pk for span in spans.values() for pk in span])}
    return {number: [by_id[pk] for pk in span if pk in by_id] for number, span in spans.items()}


def newest_published(n: int) -> list[DisclosureItem]:
    """The ``n`` newest published items of the whole site (home page, site feed), walked
    newest first along ``disclosure_site_listed`` with no other condition for the planner to
    prefer another index by (a status condition made it sort every published item whenever
    its statistics were stale); the rare withdrawn ones are skipped here."""
    sql = (
        f"SELECT id, status FROM {_table()} WHERE {LISTED_SQL} "
        "ORDER BY published_on DESC, id DESC LIMIT %s"
    )
    want = n
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [want])
            rows = cursor.fetchall()
        ids = [int(pk) for pk, status in rows if status == "published"]
        if len(ids) >= n or len(rows) < want:
            return _rows(ids[:n])
        want *= 4


def newest_in(node: CatalogueNode, n: int, *, published_only: bool = False) -> list[DisclosureItem]:
    """The ``n`` newest listed items of the node and the nodes below it (``published_only``:
    without the withdrawn ones): the newest ``n`` of each node from its index, merged."""
    sql = (
        f"SELECT published_on, id FROM {_table()} "
        f"WHERE node_id = %s AND {LISTED_SQL}"
        f"{' AND status = %s' if published_only else ''} "
        "ORDER BY published_on DESC, id DESC LIMIT %s"
    )
    keys: list[tuple[Any, int]] = []
    with connection.cursor() as cursor:
        for pk in node_family(node):
            cursor.execute(sql, [pk, "published", n] if published_only else [pk, n])
            keys += cursor.fetchall()
    keys.sort(reverse=True)
    return _rows([pk for _day, pk in keys[:n]])


def rank_in(item: DisclosureItem, node: CatalogueNode) -> int:
    """How many of ``node``'s listed items come before ``item`` (oldest first)."""
    assert item.published_on is not None  # noqa: S101
    return _count(node, before=item)


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


def sitemap_chunk(number: int) -> list[tuple[int, Any]]:
    """(id, publication date) of the published items whose ids fall in chunk ``number``."""
    low = (number - 1) * SITEMAP_CHUNK
    return list(
        listed()
        .filter(pk__gte=max(low, 1), pk__lt=low + SITEMAP_CHUNK, status="published")
        .order_by("pk")
        .values_list("pk", "published_on")
    )


def chunk_of(item_id: int) -> int:
    return item_id // SITEMAP_CHUNK + 1
