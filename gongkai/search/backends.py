"""The two search engines behind one interface, both over the same segmented words.

Ranking (ADR 0003): instead of scoring every hit — which is what makes frequent words slow on
both engines — a query takes a bounded candidate set: the newest title matches (from an index of
titles alone) and the newest matches anywhere, walked newest first so the walk stops early for
frequent words. The candidates are ranked title matches first, then by relevance (SQLite: BM25
over the candidates' stored text, title weighted 10:1; PostgreSQL ``ts_rank_cd`` over weights
A/B), then newest.
Totals are exact while the candidates run out; beyond that SQLite counts up to ``COUNT_CAP`` and
PostgreSQL reports the planner's estimate, both shown as "about" / "more than".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connection, transaction

CANDIDATES = 1000
TITLE_CANDIDATES = 200
COUNT_CAP = 10_000
FILTER_WINDOW = 10_000  # filtered queries look at this many newest hits (SQLite)
DOCUMENTS = "search_searchdocument"


@dataclass(frozen=True)
class Filters:
    organ_id: int | None = None
    node_ids: tuple[int, ...] = ()
    year: int | None = None
    publisher: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Ranked:
    ids: list[int]  # SearchDocument ids, best first
    total: int
    capped: bool  # total is a lower bound or an estimate


class Backend(Protocol):
    def reserve_ids(self, count: int) -> int | None:
        """The first of ``count`` ids set aside for documents stored by several processes at
        once; ``None`` where the engine takes one writer only."""
        ...

    def insert(self, docs: list[Any], words: list[tuple[str, str]]) -> None: ...

    def add(self, rows: Iterable[tuple[int, str, str]], *, fresh: bool = False) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def clear(self) -> None: ...

    def bulk(self) -> contextlib.AbstractContextManager[None]:
        """Around a full reindex: whatever makes loading many documents at once cheaper."""
        ...

    def rank(self, words: list[str], filters: Filters) -> Ranked: ...


def _filter_sql(filters: Filters, alias: str) -> tuple[str, list[Any]]:
    """``AND …`` fragments over the document table for the filters (same on both engines)."""
    parts: list[str] = []
    params: list[Any] = []
    if filters.organ_id is not None:
        parts.append(f"{alias}.organ_id = %s")
        params.append(filters.organ_id)
    if filters.node_ids:
        parts.append(f"{alias}.node_id IN ({', '.join(['%s'] * len(filters.node_ids))})")
        params.extend(filters.node_ids)
    if filters.year is not None:
        parts.append(f"{alias}.published_on >= %s AND {alias}.published_on <= %s")
        params.extend([f"{filters.year}-01-01", f"{filters.year}-12-31"])
    if filters.publisher:
        parts.append(f"{alias}.publisher = %s")
        params.append(filters.publisher)
    if filters.kind:
        parts.append(f"{alias}.kind = %s")
        params.append(filters.kind)
    return "".join(f" AND {p}" for p in parts), params


def _merge(title: list[tuple[int, float]], hits: list[tuple[int, float]]) -> list[int]:
    """Title matches first (best score, then newest), then the other hits likewise."""
    title_ids = {doc for doc, _score in title}
    first = sorted(title, key=lambda t: (t[1], -t[0]))
    rest = sorted((h for h in hits if h[0] not in title_ids), key=lambda t: (t[1], -t[0]))
    return [doc for doc, _score in first + rest]


def _rows(sql: str, params: list[Any]) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), float(r[1])) for r in cursor.fetchall()]


class SqliteBackend:
    """FTS5 over the segmented title and body, and over titles alone; rowid = document id
    (documents are indexed in publication order, so a higher rowid is newer)."""

    table = "search_fts"
    titles = "search_title_fts"

    def reserve_ids(self, count: int) -> int | None:
        return None  # one writer at a time, its rowids in publication order

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """FTS5 appends each batch as a segment and merges segments as it goes, reading them
        back: with SQLite's default page cache (2 MB) those reads went to the file (and the
        write-ahead log) page by page, and a reindex slowed as the index grew. A large cache
        for the storing connection while the index is rebuilt."""
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-int(settings.GONGKAI_SEARCH_BULK_CACHE_KIB)}")
        try:
            yield
        finally:  # (on a broken transaction: the error that broke it, not this one)
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")

    def insert(self, docs: list[Any], words: list[tuple[str, str]]) -> None:
        from gongkai.search.models import SearchDocument

        created = SearchDocument.objects.bulk_create(docs)
        rows = [(d.pk, t, b) for d, (t, b) in zip(created, words, strict=True)]
        self.add(rows, fresh=True)

    def add(self, rows: Iterable[tuple[int, str, str]], *, fresh: bool = False) -> None:
        """Index ``rows`` (id, title words, body words); ``fresh``: none is indexed yet."""
        rows = list(rows)
        with connection.cursor() as cursor:
            if not fresh:
                self._delete(cursor, [r[0] for r in rows])
            cursor.executemany(
                f"INSERT INTO {self.table}(rowid, title, body) VALUES (%s, %s, %s)", rows
            )
            cursor.executemany(
                f"INSERT INTO {self.titles}(rowid, title) VALUES (%s, %s)",
                [(r[0], r[1]) for r in rows],
            )

    def _delete(self, cursor: Any, ids: Sequence[int]) -> None:
        """Contentless tables forget a row when told its words: they are cut again from the
        stored text (the same dictionary version; a new dictionary needs ``reindex``)."""
        from gongkai.search.models import SearchDocument
        from gongkai.search.segment import index_words

        for doc in SearchDocument.objects.filter(pk__in=ids).only("title", "body"):
            if not self._indexed(cursor, doc.pk):
                continue
            title, body = index_words(doc.title), index_words(doc.body)
            cursor.execute(
                f"INSERT INTO {self.table}({self.table}, rowid, title, body) "
                "VALUES ('delete', %s, %s, %s)",
                [doc.pk, title, body],
            )
            cursor.execute(
                f"INSERT INTO {self.titles}({self.titles}, rowid, title) VALUES ('delete', %s, %s)",
                [doc.pk, title],
            )

    def _indexed(self, cursor: Any, doc_id: int) -> bool:
        cursor.execute(f"SELECT 1 FROM {self.titles} WHERE rowid = %s", [doc_id])
        return cursor.fetchone() is not None

    def remove(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.table}({self.table}) VALUES ('delete-all')")
            cursor.execute(f"INSERT INTO {self.titles}({self.titles}) VALUES ('delete-all')")

    @staticmethod
    def _match(words: list[str]) -> str:
        return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)

    def _hits(
        self, table: str, match: str, filters: Filters, limit: int, words: list[str]
    ) -> list[tuple[int, float]]:
        where, params = _filter_sql(filters, "d")
        if not where:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH %s "
                    "ORDER BY rowid DESC LIMIT %s",
                    [match, limit],
                )
                ids = [int(r[0]) for r in cursor.fetchall()]
            return self._score(ids, words, titles_only=table == self.titles)
        # Filtered: the newest FILTER_WINDOW hits joined to the documents for the filters,
        # ranked by title match and date (no bm25: the walk stays bounded).
        return _rows(
            f"SELECT h.rowid, 0.0 FROM (SELECT rowid FROM {table} WHERE {table} MATCH %s "
            f"ORDER BY rowid DESC LIMIT %s) h JOIN {DOCUMENTS} d ON d.id = h.rowid "
            f"WHERE 1 = 1{where} ORDER BY h.rowid DESC LIMIT %s",
            [match, FILTER_WINDOW, *params, limit],
        )

    def _document_frequency(self, word: str) -> int:
        """How many documents hold ``word`` (counted up to ``COUNT_CAP``: beyond that a word
        weighs next to nothing anyway)."""
        return self._count(self._match([word]), Filters())[0]

    def _score(
        self, ids: list[int], words: list[str], *, titles_only: bool
    ) -> list[tuple[int, float]]:
        """BM25 over the candidates (k1 1.2, b 0.75; a title occurrence counts ten times, as
        FTS5's ``bm25(…, 10, 1)``), negated so that lower sorts first. FTS5's own ``bm25``
        first reads the whole doclist of every query word to count the documents holding it —
        tens of milliseconds for a word in most of a million documents — so the candidates are
        scored here from their stored text, with document frequencies counted (capped) only
        when the query has more than one word and they change the order."""
        if not ids:
            return []
        columns = "id, title, ''" if titles_only else "id, title, body"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {DOCUMENTS} WHERE id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            texts = {int(r[0]): (r[1], r[2]) for r in cursor.fetchall()}
        if len(words) > 1:
            size = max(ids)  # ids grow with the index: a close bound on its size
            weights = {}
            for word in words:
                df = self._document_frequency(word)
                weights[word] = math.log((size - df + 0.5) / (df + 0.5) + 1)
        else:
            weights = dict.fromkeys(words, 1.0)
        lengths = {pk: len(t) + len(b) for pk, (t, b) in texts.items()}
        average = (sum(lengths.values()) / len(lengths)) if lengths else 1.0
        k1, b = 1.2, 0.75
        scored = []
        for pk in ids:
            title, body = texts.get(pk, ("", ""))
            norm = k1 * (1 - b + b * lengths.get(pk, 0) / (average or 1.0))
            score = 0.0
            for word, weight in weights.items():
                tf = 10 * title.count(word) + body.count(word)
                score += weight * tf * (k1 + 1) / (tf + norm) if tf else 0.0
            scored.append((pk, -score))
        return scored

    def _count(self, match: str, filters: Filters) -> tuple[int, bool]:
        where, params = _filter_sql(filters, "d")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {self.table} "
                f"WHERE {self.table} MATCH %s LIMIT %s)",
                [match, COUNT_CAP + 1],
            )
            unfiltered = int(cursor.fetchone()[0])
            if not where:
                return min(unfiltered, COUNT_CAP), unfiltered > COUNT_CAP
            cursor.execute(
                f"SELECT count(*) FROM (SELECT rowid FROM {self.table} "
                f"WHERE {self.table} MATCH %s ORDER BY rowid DESC LIMIT %s) h "
                f"JOIN {DOCUMENTS} d ON d.id = h.rowid WHERE 1 = 1{where}",
                [match, FILTER_WINDOW, *params],
            )
            return int(cursor.fetchone()[0]), unfiltered > FILTER_WINDOW

    def rank(self, words: list[str], filters: Filters) -> Ranked:
        match = self._match(words)
        title = self._hits(self.titles, match, filters, TITLE_CANDIDATES, words)
        hits = self._hits(self.table, match, filters, CANDIDATES, words)
        if len(hits) < CANDIDATES and not _filter_sql(filters, "d")[0]:
            return Ranked(_merge(title, hits), len(hits), False)
        total, capped = self._count(match, filters)
        return Ranked(_merge(title, hits), total, capped)


class PostgresBackend:
    """tsvectors over the segmented words ('simple' configuration): title (A) + body (B), and
    the title alone, each with a GIN index. The query is written inline so that the planner
    estimates it from the column statistics: the GIN index for rare words, the newest-first
    index (stopping early) for frequent ones."""

    candidates = 300
    title_candidates = 100
    walk_above = 20_000  # estimated matches above which gathering them all costs too much
    walk_share = 0.05  # estimated share of all documents above which walking is cheapest
    window_margin = 3  # a window is sized to hold this many times the matches kept
    probe_rows = 1_000  # the newest documents looked at when the estimates disagree

    # The GIN indexes (as migration 0002 creates them): dropped for a full reindex and built
    # again at the end, which is several times faster than growing them row by row.
    gin = {
        name: f"CREATE INDEX IF NOT EXISTS {name} ON {DOCUMENTS} USING gin ({column})"
        for name, column in (("search_tsv_gin", "tsv"), ("search_title_tsv_gin", "title_tsv"))
    }

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        with connection.cursor() as cursor:
            for name in self.gin:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                try:
                    for create in self.gin.values():
                        cursor.execute(create)
                finally:
                    cursor.execute("RESET maintenance_work_mem")

    def reserve_ids(self, count: int) -> int | None:
        """The first of ``count`` ids set aside (a publication meanwhile takes one after)."""
        sequence = f"pg_get_serial_sequence('{DOCUMENTS}', 'id')"
        with transaction.atomic(), connection.cursor() as cursor:
            # No insert (nor its nextval) between reading the sequence and moving it on.
            cursor.execute(f"LOCK TABLE {DOCUMENTS} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT nextval({sequence})")
            first = int(cursor.fetchone()[0])
            cursor.execute(f"SELECT setval({sequence}, %s)", [first + count])
        return first

    _vector = (
        "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
    )

    def insert(self, docs: list[Any], words: list[tuple[str, str]]) -> None:
        """Store documents with their vectors; with their ids when they have them (a reindex
        storing from several processes numbers them in publication order itself)."""
        given = bool(docs) and docs[0].pk is not None
        columns = (
            f"{'id, ' if given else ''}doc_id, title, body, url, published_on, organ_id, "
            "node_id, kind, publisher, dictionary, tsv, title_tsv"
        )
        row = f"({'%s, ' if given else ''}%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
        row += self._vector + ", to_tsvector('simple', %s))"
        with connection.cursor() as cursor:
            for start in range(0, len(docs), 500):
                chunk = list(
                    zip(docs[start : start + 500], words[start : start + 500], strict=True)
                )
                params: list[Any] = []
                for d, (t, b) in chunk:
                    params += [d.pk] if given else []
                    params += [d.doc_id, d.title, d.body, d.url, d.published_on, d.organ_id]
                    params += [d.node_id, d.kind, d.publisher, d.dictionary, t, b, t]
                cursor.execute(
                    f"INSERT INTO {DOCUMENTS} ({columns}) VALUES {', '.join([row] * len(chunk))}",
                    params,
                )

    def add(self, rows: Iterable[tuple[int, str, str]], *, fresh: bool = False) -> None:
        """Set the vectors of ``rows`` (id, title words, body words)."""
        with connection.cursor() as cursor:
            for doc, title, body in rows:
                cursor.execute(
                    f"UPDATE {DOCUMENTS} SET tsv = {self._vector}, "
                    "title_tsv = to_tsvector('simple', %s) WHERE id = %s",
                    [title, body, title, doc],
                )

    def remove(self, ids: Sequence[int]) -> None:
        pass  # the document row carries its vectors and is deleted with it

    def clear(self) -> None:
        """Empty the index: the vectors go with the document rows, truncated (deleting a
        million rows one by one took a minute)."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {DOCUMENTS}")

    @staticmethod
    def _query(words: list[str]) -> str:
        return " & ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)

    def _hits(
        self, column: str, words: list[str], filters: Filters, limit: int
    ) -> tuple[list[tuple[int, float]], int, bool]:
        """The newest ``limit`` matches, ranked, with the number of matches and whether that
        is exact (else the planner's estimate, at least the matches found).

        Three plans, chosen from the planner's estimate (see ``_choose``): a word in a good
        share of all documents walks the newest-first index, which meets ``limit`` matches
        within a few thousand rows; a rare query gathers all its matches from the GIN index and
        sorts them by date; in between, the GIN matches are gathered from a window of the newest
        days sized to hold ``limit`` of them (the index on dates and the GIN index combined:
        only matches in the window are read). Only the ``limit`` kept are ranked (ranking reads
        each document's vector; ranking every match made middling words take seconds)."""
        query = self._query(words)
        where, params = _filter_sql(filters, "d")
        match = f"d.{column} @@ to_tsquery('simple', %s)"
        plan, estimate = self._choose(query, words, filters, column)
        ids: list[int] | None = None
        total, exact = estimate, False
        if plan == "gather":
            gathered = self._gather(match, where, [query, *params], limit)
            if gathered is not None:
                (ids, total), exact = gathered, True
            else:  # more than estimated (words that occur together, say)
                plan, estimate = "window", self.walk_above + 1
        if plan == "window":
            ids, exact = self._window(match, where, [query, *params], limit, estimate, filters)
        if ids is None:  # common: walk the newest first
            found = _with_setting(
                "enable_bitmapscan",
                "off",  # the newest-first index
                f"SELECT d.id FROM {DOCUMENTS} d WHERE {match}{where} "
                "ORDER BY d.published_on DESC, d.id DESC LIMIT %s",
                [query, *params, limit],
            )
            ids = [int(r[0]) for r in found]
            exact = len(ids) < limit  # ran out before the limit: these are all
        if plan != "gather":
            total = len(ids) if exact else max(estimate, len(ids))
        if not ids:
            return [], total, exact
        scores = dict(
            _rows(
                f"SELECT d.id, -ts_rank_cd(d.{column}, to_tsquery('simple', %s)) "
                f"FROM {DOCUMENTS} d WHERE d.id = ANY(%s)",
                [query, ids],
            )
        )
        return [(pk, scores.get(pk, 0.0)) for pk in ids], total, exact

    def _choose(
        self, query: str, words: list[str], filters: Filters, column: str
    ) -> tuple[str, int]:
        """The plan (``walk``, ``gather`` or ``window``) and the matches expected. The planner
        estimates one word well, but several words as if independent — far too low for words
        that occur together (the two characters of a name the segmenter cut in two). So the
        rarest word alone bounds what is gathered, and where it alone is common but the words
        together may not be, the newest ``probe_rows`` documents are looked at to tell."""
        estimate = self._estimate(query, filters, column)
        rarest = estimate
        if len(words) > 1:
            rarest = min(self._estimate(self._query([w]), filters, column) for w in words)
        if rarest <= self.walk_above:
            return "gather", estimate
        rows, _newest, _oldest = self._extent
        common = self.walk_share * rows
        if estimate > common:
            return "walk", estimate
        if rarest <= common:
            return "window", estimate
        share = self._probe(query, filters, column)
        if share > self.walk_share:
            return "walk", max(estimate, round(share * rows))
        return "window", max(estimate, round(share * rows))

    def _probe(self, query: str, filters: Filters, column: str) -> float:
        """The share of the newest ``probe_rows`` documents (within the filters) that match."""
        where, params = _filter_sql(filters, "d")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FILTER (WHERE m), count(*) FROM (SELECT d.{column} @@ "
                f"to_tsquery('simple', %s) AS m FROM {DOCUMENTS} d WHERE true{where} "
                "ORDER BY d.published_on DESC, d.id DESC LIMIT %s) p",
                [query, *params, self.probe_rows],
            )
            matched, seen = cursor.fetchone()
        return matched / seen if seen else 0.0

    @functools.cached_property
    def _extent(self) -> tuple[float, dt.date | None, dt.date | None]:
        """The documents' number (the planner's) and their newest and oldest publication day
        (read once per search: the title and the body queries both may need it)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass), "
                f"max(published_on), min(published_on) FROM {DOCUMENTS}",
                [DOCUMENTS],
            )
            rows, newest, oldest = cursor.fetchone()
        return float(rows), newest, oldest

    def _window(
        self,
        match: str,
        where: str,
        params: list[Any],
        limit: int,
        estimate: int,
        filters: Filters,
    ) -> tuple[list[int], bool]:
        """The newest ``limit`` matches from the newest days: as many days as should hold
        ``window_margin`` × ``limit`` matches, were the ``estimate`` spread evenly over the
        documents' days, widened four times over while it holds fewer. Whether the window
        came to cover every day (then the matches found are all there are)."""
        _count, newest, oldest = self._extent
        if newest is None or oldest is None:
            return [], True
        if filters.year is not None:  # the span the matches can be in
            newest = min(newest, dt.date(filters.year, 12, 31))
            oldest = max(oldest, dt.date(filters.year, 1, 1))
        span = max((newest - oldest).days + 1, 1)
        share = self.window_margin * limit / max(estimate, 1)
        while True:
            days = math.ceil(span * share)
            whole = days >= span
            dated = "" if whole else " AND d.published_on > %s"
            found = _with_setting(
                "enable_indexscan",
                "off",  # the GIN and date indexes as bitmaps, combined
                f"SELECT d.id FROM {DOCUMENTS} d WHERE {match}{where}{dated} "
                "ORDER BY d.published_on DESC, d.id DESC LIMIT %s",
                [*params, *([] if whole else [newest - dt.timedelta(days=days)]), limit],
            )
            if len(found) >= limit or whole:
                return [int(r[0]) for r in found], whole and len(found) < limit
            share *= 4

    def _gather(
        self, match: str, where: str, params: list[Any], limit: int
    ) -> tuple[list[int], int] | None:
        """All matches from the GIN index: the newest ``limit`` and how many there are;
        ``None`` when there are more than ``walk_above`` (words that occur together, say, are
        estimated as if independent): the gathering stops there and the caller walks instead."""
        found = _with_setting(
            "work_mem",
            "32MB",  # an exact bitmap: no rechecks
            f"WITH m AS MATERIALIZED (SELECT d.id, d.published_on FROM {DOCUMENTS} d "
            f"WHERE {match}{where} LIMIT %s) "
            "SELECT id, count(*) OVER () FROM m ORDER BY published_on DESC, id DESC LIMIT %s",
            [*params, self.walk_above + 1, limit],
        )
        total = int(found[0][1]) if found else 0
        if total > self.walk_above:
            return None
        return [int(r[0]) for r in found], total

    def _estimate(self, query: str, filters: Filters, column: str = "tsv") -> int:
        where, params = _filter_sql(filters, "d")
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {DOCUMENTS} d "
                f"WHERE d.{column} @@ to_tsquery('simple', %s){where}",
                [query, *params],
            )
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    def rank(self, words: list[str], filters: Filters) -> Ranked:
        title, _total, _exact = self._hits("title_tsv", words, filters, self.title_candidates)
        hits, total, exact = self._hits("tsv", words, filters, self.candidates)
        return Ranked(_merge(title, hits), total, not exact)


def _with_setting(name: str, value: str, sql: str, params: list[Any]) -> list[Any]:
    """The rows of one statement run with a PostgreSQL setting changed for it alone (an
    enclosing transaction goes on with the usual value)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {name} = '{value}'")
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.execute(f"SET LOCAL {name} = DEFAULT")


def get_backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
