"""What the public site lists: published items (and withdrawn ones, marked), oldest-first pages.

A node's list is split into numbered pages counted from the oldest item, so publishing a new item
changes only the newest numbered page and the node's index page (which shows the newest items);
every older page stays byte-for-byte the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from gongkai.accounts.models import Organ, Unit
from gongkai.disclosure.choices import validity_label
from gongkai.disclosure.models import (
    LISTED,
    LISTED_SQL,
    CatalogueNode,
    DisclosureItem,
    ListedCount,
    item_url,
)
from gongkai.portal.jinja2 import fragments

SITEMAP_CHUNK = 1000
T = TypeVar("T")
_cache: dict[object, Any] | None = None
_full = False


@contextmanager
def build_cache(*, full: bool = True, memo: dict[object, Any] | None = None) -> Iterator[None]:
    """Remember node families and list counts while one publication's pages are rendered, and
    during a full build (``full``) each node's ordered ids too (its numbered pages are rendered
    one after another, in chunks: ``memo`` is kept by the build across them). Outside it every
    call reads the database afresh."""
    global _cache, _full
    _cache, _full = ({} if memo is None else memo), full
    try:
        with fragments():
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


# What this process last built from some rows, with the rows: a publication reads the organs
# and the catalogue afresh, and comparing the rows costs a fraction of making the objects.
_kept: dict[object, tuple[object, Any]] = {}


def _fetch(model: type[Model], where: str, order: tuple[str, ...]) -> str:
    """The plain SQL reading every column of ``model``'s rows ``where`` in ``order``."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in model._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where} "
        f"ORDER BY {', '.join(quote(c) for c in order)}"
    )


def _rows_of(*queries: tuple[str, list[Any]]) -> tuple[tuple[Any, ...], ...]:
    with connection.cursor() as cursor:
        found = []
        for sql, params in queries:
            cursor.execute(sql, params)
            found.append(tuple(tuple(row) for row in cursor.fetchall()))
    return tuple(found)


def _kept_or_built(key: object, rows: object, build: Callable[[], T]) -> T:
    """The objects this process built last under ``key`` if they came from the same ``rows``
    (shared, never modified), else ``build()``'s, kept for next time."""
    kept = _kept.get((connection.alias, key))
    if kept is not None and kept[0] == rows:
        return kept[1]  # type: ignore[no-any-return]
    built = build()
    _kept[(connection.alias, key)] = (rows, built)
    return built


def _organs_sql(where: str) -> str:
    return _fetch(Organ, where, ("supervisor_id", "name", "id"))


def _catalogue(organ_id: int) -> dict[int, CatalogueNode]:
    """Every node of the organ's catalogue (inactive ones too), each with its parent and organ
    set from the same load: one read for all the tree walks a page makes. Plain SQL (raw): a
    publication reads the catalogue afresh, and compiling the ORM's query with its join cost
    more than reading the nodes; unchanged rows give the objects of the last read."""
    quote = connection.ops.quote_name
    nodes_sql = _fetch(CatalogueNode, f"{quote('organ_id')} = %s", ("sort_order", "id"))
    organ_sql = _organs_sql(f"{quote('id')} = %s")

    def build() -> dict[int, CatalogueNode]:
        nodes = {n.pk: n for n in CatalogueNode.objects.raw(nodes_sql, [organ_id])}
        if not nodes:
            return nodes
        organ = next(iter(Organ.objects.raw(organ_sql, [organ_id])))  # one object they share
        for node in nodes.values():
            node.organ = organ
            node.parent = nodes.get(node.parent_id) if node.parent_id else None
        return nodes

    def load() -> dict[int, CatalogueNode]:
        rows = _rows_of((nodes_sql, [organ_id]), (organ_sql, [organ_id]))
        return _kept_or_built(("catalogue", organ_id), rows, build)

    return _memo(("catalogue", organ_id), load)


def active_organs() -> list[Organ]:
    """The organs hosted here, in the home page's order (remembered while a cache is open;
    unchanged rows give the objects of the last read)."""
    sql = _organs_sql(f"{connection.ops.quote_name('is_active')} = %s")

    def load() -> list[Organ]:
        rows = _rows_of((sql, [True]))
        return _kept_or_built("organs", rows, lambda: list(Organ.objects.raw(sql, [True])))

    return _memo(("organs",), load)


def node_by_code(organ_id: int, code: str) -> CatalogueNode | None:
    for node in _catalogue(organ_id).values():
        if node.code == code and node.is_active and node.organ.is_active:
            return node
    return None


def node_by_id(organ_id: int, node_id: int) -> CatalogueNode:
    """One node of the organ's catalogue (from its one load)."""
    return _catalogue(organ_id)[node_id]


def pointing_at(item_id: int) -> list[int]:
    """The items whose pages link to ``item_id``: its interpretations and the documents it
    replaced (one query over the two indexed references)."""
    sql = f"SELECT id FROM {_table()} WHERE interprets_id = %s OR replaced_by_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [item_id, item_id])
        return [int(row[0]) for row in cursor.fetchall()]


def organ_nodes(organ_id: int) -> list[CatalogueNode]:
    """The organ's active nodes in catalogue order, its organ set (empty when the organ is
    inactive or unknown)."""
    return [n for n in _catalogue(organ_id).values() if n.is_active and n.organ.is_active]


def children_of(node: CatalogueNode) -> list[CatalogueNode]:
    nodes = _catalogue(node.organ_id).values()
    return [child for child in nodes if child.parent_id == node.pk and child.is_active]


def node_family(node: CatalogueNode) -> list[int]:
    """The node and every node below it (a parent column lists its children's items);
    remembered while a cache is open (a publication asks some thirty times)."""

    def walk() -> list[int]:
        nodes = _catalogue(node.organ_id)
        ids, frontier = [node.pk], {node.pk}
        while frontier:
            frontier = {pk for pk, one in nodes.items() if one.parent_id in frontier} - set(ids)
            ids.extend(sorted(frontier))
        return ids

    return _memo(("family", node.pk), walk)  # shared: callers only read it


def node_ancestors(node: CatalogueNode) -> list[CatalogueNode]:
    """The node and the nodes above it, nearest first."""
    nodes = _catalogue(node.organ_id)
    chain, seen = [], set()
    current: CatalogueNode | None = nodes.get(node.pk, node)
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = nodes.get(current.parent_id) if current.parent_id else None
    return chain


def node_items(node: CatalogueNode) -> QuerySet[DisclosureItem]:
    return listed().filter(node_id__in=node_family(node))


def _table() -> str:
    return str(connection.ops.quote_name(DisclosureItem._meta.db_table))


def _family_sql(family: list[int]) -> str:
    return f"node_id IN ({', '.join(['%s'] * len(family))})"


def _listed_in(family: list[int]) -> int:
    """How many listed items the nodes hold, from their kept counts (``ListedCount``: the
    triggers of disclosure.listing keep them with the items — no list is counted)."""
    table = connection.ops.quote_name(ListedCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(listed), 0) FROM {table} WHERE {_family_sql(family)}",
            family,
        )
        return int(cursor.fetchone()[0])


def _listed_after(family: list[int], after: DisclosureItem) -> int:
    """How many of the nodes' listed items come after ``after`` (few: a publication is
    usually the newest item) — from the newest end of each node's index range."""
    sql = (
        f"SELECT COUNT(*) FROM {_table()} WHERE {_family_sql(family)} AND {LISTED_SQL} "
        "AND published_on >= %s AND (published_on > %s OR id > %s)"
    )
    day = after.published_on
    with connection.cursor() as cursor:
        cursor.execute(sql, [*family, day, day, after.pk])
        return int(cursor.fetchone()[0])


def _count(node: CatalogueNode, after: DisclosureItem | None = None) -> int:
    """How many listed items the node's family holds (``after``: only those listed after it),
    remembered while a cache is open."""
    family = node_family(node)
    if after is None:
        return _memo(("count", node.pk), functools.partial(_listed_in, family))
    return _memo(("after", node.pk, after.pk), functools.partial(_listed_after, family, after))


def listed_count(node: CatalogueNode) -> int:
    return _count(node)


def page_count(count: int) -> int:
    return max(1, math.ceil(count / page_size()))


@contextmanager
def snapshot() -> Iterator[None]:
    """Read everything within from one snapshot of the database, so that the counts that number
    a list's pages, the pages' rows and the newest items agree even while other publications
    commit. A read-only transaction: deferred on SQLite (whose atomic blocks take the write
    lock), REPEATABLE READ on PostgreSQL. Inside a transaction already, that one is used."""
    if connection.in_atomic_block or not connection.get_autocommit():
        yield
        return
    # Connect (and run a pending health check) first: its query must not open the transaction.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    if connection.connection.in_transaction:  # within an enclosing snapshot
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if connection.connection.in_transaction:  # not already ended by an error
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")


def ordered_ids(node: CatalogueNode) -> list[int]:
    """The ids of the node's listed items, oldest first (index-only: node, date, id)."""
    return _memo(  # shared, never modified
        ("ids", node.pk),
        lambda: list(node_items(node).order_by("published_on", "pk").values_list("pk", flat=True)),
    )


@dataclass(frozen=True, slots=True)
class ListRow:
    """What a list, a feed or the home page shows of an item (read without its model: a full
    build lists every item twice)."""

    pk: int
    title: str
    status: str
    validity: str
    published_on: dt.date | None
    published_at: dt.datetime | None
    summary: str
    unit_name: str
    node_name: str

    def public_url(self) -> str:
        return item_url(self.pk)

    # As attributes for the list rows (a template's method call costs more than the row).
    @property
    def url(self) -> str:
        return item_url(self.pk)

    @property
    def day(self) -> str:
        """The publication date as ``Y-m-d`` (as the ``date`` filter writes a plain date)."""
        return self.published_on.isoformat() if self.published_on else ""

    def get_validity_display(self) -> str:
        return validity_label(self.validity)


def _day(value: Any) -> dt.date | None:
    """A date column's value as read by the driver (a date; ISO text from a SQLite driver
    without Django's converters)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> dt.datetime | None:
    """A moment column's value as read by the driver, aware: SQLite stores UTC without an
    offset (Django's converter reads it as a naive datetime; without it, it is text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value  # type: ignore[no-any-return]


def _row_sql(count: int) -> str:
    """The list rows of ``count`` ids: the item's columns, its unit's and node's names."""
    quote = connection.ops.quote_name
    unit = quote(Unit._meta.db_table)
    node = quote(CatalogueNode._meta.db_table)
    return (
        "SELECT i.id, i.title, i.status, i.validity, i.published_on, i.published_at, i.summary, "
        f"u.name, n.name FROM {_table()} i "
        f"JOIN {unit} u ON u.id = i.unit_id JOIN {node} n ON n.id = i.node_id "
        f"WHERE i.id IN ({', '.join(['%s'] * count)})"
    )


def _rows(ids: list[int]) -> list[ListRow]:
    """The list rows of ``ids``, in that order (remembered while a publication's cache is open:
    it shows the newest items on several pages; a build lists each row once or twice, and would
    only pile them up). Plain SQL: a full build reads every row twice."""
    known: dict[int, ListRow] = _cache.setdefault("rows", {}) if _cache and not _full else {}
    missing = [pk for pk in dict.fromkeys(ids) if pk not in known]
    with connection.cursor() as cursor:
        for start in range(0, len(missing), 2000):
            part = missing[start : start + 2000]
            cursor.execute(_row_sql(len(part)), part)
            for pk, title, status, validity, day, moment, summary, unit, node in cursor.fetchall():
                known[pk] = ListRow(
                    pk, title, status, validity, _day(day), _moment(moment), summary, unit, node
                )
    return [known[pk] for pk in ids if pk in known]


def numbered_page(node: CatalogueNode, number: int) -> list[ListRow]:
    """Page ``number`` (1 = oldest) of the node's list, oldest first."""
    return numbered_pages(node, [number])[number]


def numbered_pages(node: CatalogueNode, numbers: list[int]) -> dict[int | None, list[ListRow]]:
    """Several numbered pages of the node's list: during a build from the node's ordered ids
    (one query for all their rows); otherwise each from the newest end (a new item's page is
    near it: no long offset) placed by the node's count (read in the same ``snapshot()`` when
    the page is published)."""
    size = page_size()
    if _cache is not None and _full:
        ids = ordered_ids(node)
        spans = {number: ids[(number - 1) * size : number * size] for number in numbers}
    else:
        family = node_family(node)
        count = listed_count(node)
        sql = (
            f"SELECT id FROM {_table()} "
            f"WHERE node_id IN ({', '.join(['%s'] * len(family))}) AND {LISTED_SQL} "
            "ORDER BY published_on DESC, id DESC LIMIT %s OFFSET %s"
        )
        spans = {}
        with connection.cursor() as cursor:
            for number in numbers:
                start, end = (number - 1) * size, number * size
                newer = max(count - end, 0)  # the items after the page
                cursor.execute(sql, [*family, max(count - start, 0) - newer, newer])
                spans[number] = [int(r[0]) for r in cursor.fetchall()][::-1]
    by_id = {row.pk: row for row in _rows([pk for span in spans.values() for pk in span])}
    return {number: [by_id[pk] for pk in span if pk in by_id] for number, span in spans.items()}


def newest_published(n: int) -> list[ListRow]:
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


def _newest_sql(published_only: bool) -> str:
    """One node's newest listed (or ``published_only``) items from its index: (date, id,
    status, node); parameters node, [status,] limit."""
    return (
        f"SELECT published_on, id, status, node_id FROM {_table()} "
        f"WHERE node_id = %s AND {LISTED_SQL}"
        f"{' AND status = %s' if published_only else ''} "
        "ORDER BY published_on DESC, id DESC LIMIT %s"
    )


def _newest_keys(node_id: int, n: int, published_only: bool) -> list[tuple[Any, int, str]]:
    """(date, id, status) of the ``n`` newest listed items of one node, from its index."""
    with connection.cursor() as cursor:
        cursor.execute(
            _newest_sql(published_only),
            [node_id, "published", n] if published_only else [node_id, n],
        )
        return [(day, int(pk), status) for day, pk, status, _node in cursor.fetchall()]


def _newest_wanted(n: int) -> int:
    """How many newest keys of a node are read for ``n``: at least a page's worth, which serves
    every list and feed of one publication."""
    return max(n, page_size())


def _newest_of(node_id: int, n: int, published_only: bool) -> list[tuple[Any, int]]:
    """(date, id) of the ``n`` newest listed (or ``published_only``) items of one node: the
    newest page's worth is read once per cache and serves both (withdrawn items are rare; only
    when they leave too few is the node read again without them)."""
    want = _newest_wanted(n)
    rows = _memo(("newest", node_id, want), functools.partial(_newest_keys, node_id, want, False))
    if published_only:
        kept = [row for row in rows if row[2] == "published"]
        if len(kept) < n and len(rows) == want:  # more may lie beyond the withdrawn ones
            kept = _memo(
                ("newest-published", node_id, n),
                functools.partial(_newest_keys, node_id, n, True),
            )
        rows = kept
    return [(day, pk) for day, pk, _status in rows[:n]]


UNION_PARTS = 200  # nodes read by one query


def _read_newest(node_ids: list[int], want: int) -> None:
    """Remember the ``want`` newest keys of each of several nodes (a parent's list and feed
    merge its children's) as ``_newest_of`` reads them, from one query: one indexed part per
    node, joined by UNION ALL, instead of a query each."""
    if _cache is None:
        return
    missing = [pk for pk in node_ids if ("newest", pk, want) not in _cache]
    if len(missing) < 2:
        return
    found: dict[int, list[tuple[Any, int, str]]] = {pk: [] for pk in missing}
    one = f"SELECT * FROM ({_newest_sql(False)}) AS n"
    with connection.cursor() as cursor:
        for start in range(0, len(missing), UNION_PARTS):  # SQLite takes 500 parts at most
            part = missing[start : start + UNION_PARTS]
            sql = " UNION ALL ".join(f"{one}{k}" for k in range(len(part)))
            cursor.execute(sql, [value for pk in part for value in (pk, want)])
            for day, pk, status, node_id in cursor.fetchall():
                found[int(node_id)].append((day, int(pk), status))
    for node_id, rows in found.items():
        rows.sort(key=lambda row: (row[0], row[1]), reverse=True)  # the parts' order is unsure
        _cache[("newest", node_id, want)] = rows


def newest_in(node: CatalogueNode, n: int, *, published_only: bool = False) -> list[ListRow]:
    """The ``n`` newest listed items of the node and the nodes below it (``published_only``:
    without the withdrawn ones): the newest of each node from its index, merged (the lists and
    feeds of one publication share them)."""
    keys: list[tuple[Any, int]] = []
    family = node_family(node)
    _read_newest(family, _newest_wanted(n))
    for pk in family:
        keys += _newest_of(pk, n, published_only)
    keys.sort(reverse=True)
    return _rows([pk for _day, pk in keys[:n]])


def rank_in(item: DisclosureItem, node: CatalogueNode) -> int:
    """How many of ``node``'s listed items come before ``item`` (oldest first): the node's count
    less those after it (few: a publication is usually the newest item)."""
    assert item.published_on is not None  # noqa: S101
    listed = item.version > 0
    return listed_count(node) - _count(node, after=item) - (1 if listed else 0)


def page_of(item: DisclosureItem, node: CatalogueNode) -> int:
    """The numbered page of ``node``'s list that holds ``item``."""
    return rank_in(item, node) // page_size() + 1


@dataclass(frozen=True)
class NodePage:
    node: CatalogueNode
    items: list[ListRow]
    number: int | None  # None: the index page (newest first)
    pages: int


def sitemap_chunks() -> int:
    """How many sitemap chunks the listed items' ids span (remembered while a cache is open)."""

    def compute() -> int:
        sql = f"SELECT id FROM {_table()} WHERE {LISTED_SQL} ORDER BY id DESC LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return (int(row[0]) // SITEMAP_CHUNK + 1) if row else 0

    return _memo("sitemap-chunks", compute)


def sitemap_chunk(number: int) -> list[tuple[int, str]]:
    """(id, publication date as YYYY-MM-DD) of the published items whose ids fall in chunk
    ``number`` (plain SQL: a thousand rows, and nothing to convert but the date's text)."""
    low = (number - 1) * SITEMAP_CHUNK
    sql = (
        f"SELECT id, published_on FROM {_table()} "
        f"WHERE id >= %s AND id < %s AND status = %s AND {LISTED_SQL} ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [max(low, 1), low + SITEMAP_CHUNK, "published"])
        return [(int(pk), str(day)[:10]) for pk, day in cursor.fetchall()]


def new_chunks(item_id: int) -> list[int]:
    """The sitemap chunks a publication of ``item_id`` must write besides its own: none while
    its chunk's file is in the live release (the index already lists it); else every chunk up to
    its own that is not there yet (ids with nothing listed give empty chunks, written as a build
    writes them) — and then the index changes. Read from the manifest, so two publications that
    open a chunk together both see it missing."""
    from gongkai.disclosure.selectors import select_in
    from gongkai.publishing.models import PublishedFile

    own = chunk_of(item_id)
    # on every publication's path: plain SQL
    if list(select_in(PublishedFile, ("id",), "path", [f"sitemaps/items-{own}.xml"])):
        return []
    present = {
        int(path.removeprefix("sitemaps/items-").removesuffix(".xml"))
        for path in PublishedFile.objects.filter(
            path__startswith="sitemaps/items-", path__endswith=".xml"
        ).values_list("path", flat=True)
    }
    return [n for n in range(1, own + 1) if n not in present]


def chunk_of(item_id: int) -> int:
    return item_id // SITEMAP_CHUNK + 1
