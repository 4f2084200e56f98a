"""Writes of the search index: a published document in, a withdrawn one out at once, and the
full reindex (segmentation in parallel processes, inserts in batches, progress reported)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from gongkai.disclosure.models import item_url, search_text
from gongkai.search.backends import get_backend
from gongkai.search.models import SearchDocument
from gongkai.search.segment import dictionary_version, index_words

Progress = Callable[[int, int], None]
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
BODY_LIMIT = 20_000


def plain_text(html: str) -> str:
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html or ""))).strip()[:BODY_LIMIT]


def doc_id_of(obj: Any) -> str:
    return doc_id(obj._meta.label_lower, obj.pk)


def doc_id(label: str, pk: int) -> str:
    """The index's name of a document: model and id (``disclosure.disclosureitem:12``)."""
    return f"{label}:{pk}"


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": str(doc["title"])[:300],
        "body": plain_text(str(doc.get("body", ""))),
        "url": doc["url"],
        "published_on": doc.get("published_on"),
        "organ_id": doc.get("organ"),
        "node_id": doc.get("node"),
        "kind": doc.get("kind", ""),
        "publisher": doc.get("publisher", ""),
        "dictionary": dictionary_version(),
    }


@transaction.atomic
def index_document(doc_id: str, doc: dict[str, Any]) -> SearchDocument:
    """Put one published document into the index (replacing its earlier version)."""
    backend = get_backend()
    earlier = list(SearchDocument.objects.filter(doc_id=doc_id).values_list("pk", flat=True))
    backend.remove(earlier)  # before the stored text changes: the old words are cut from it
    row, _created = SearchDocument.objects.update_or_create(doc_id=doc_id, defaults=_fields(doc))
    backend.add([(row.pk, index_words(row.title), index_words(row.body))], fresh=True)
    return row


@transaction.atomic
def remove_document(doc_id: str) -> bool:
    """Take a document out of the index at once (a withdrawal)."""
    ids = list(SearchDocument.objects.filter(doc_id=doc_id).values_list("pk", flat=True))
    if not ids:
        return False
    get_backend().remove(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()
    return True


def _prepare(doc: tuple[str, dict[str, Any]]) -> tuple[dict[str, Any], str, str]:
    """A document's stored fields and its segmented title and body (run in the workers: the
    HTML is reduced to text and cut there, the main process only stores)."""
    fields = _fields(doc[1])
    return fields, index_words(fields["title"]), index_words(fields["body"])


def _save(
    doc_ids: list[str], prepared: list[tuple[dict[str, Any], str, str]], first_id: int | None
) -> int:
    """Store a batch of cut documents in one transaction; numbered from ``first_id`` when given
    (batches stored side by side keep their publication order), else by the database."""
    docs = [
        SearchDocument(pk=None if first_id is None else first_id + n, doc_id=doc_id, **fields)
        for n, (doc_id, (fields, _t, _b)) in enumerate(zip(doc_ids, prepared, strict=True))
    ]
    words = [(t, b) for _fields, t, b in prepared]
    with transaction.atomic():
        _no_waiting_for_the_disk()
        # A publication since the index was emptied has put its document in already (newer
        # than the row this batch read): keep it, and skip this one.
        there = set(
            SearchDocument.objects.filter(doc_id__in=doc_ids).values_list("doc_id", flat=True)
        )
        if there:
            kept = [n for n, doc in enumerate(docs) if doc.doc_id not in there]
            docs, words = [docs[n] for n in kept], [words[n] for n in kept]
        get_backend().insert(docs, words)
    return len(doc_ids)


def _store(pending: list[tuple[str, dict[str, Any]]], first_id: int) -> int:
    """Cut and store a batch of documents (in a worker, over the worker's own connection)."""
    return _save([doc_id for doc_id, _doc in pending], [_prepare(d) for d in pending], first_id)


def _no_waiting_for_the_disk() -> None:
    """Within a reindex's transaction: commit without waiting for the write-ahead log to reach
    the disk (PostgreSQL; a crash loses at most the last batches, and the reindex is rerun)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _published_documents(chunk: int = 2000) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every published document of every content module, oldest publication first, read as
    plain rows (the same document ``search_document()`` gives, without building models).

    The order is read first — ids only, from the ``(published_on, id)`` index — and the rows
    are then fetched a chunk of ids at a time. No read stays open while the index is written
    (on SQLite that stops the write-ahead log from being checkpointed: it grows by gigabytes and
    every read slows), and no chunk depends on the planner finding a range condition on two
    columns (PostgreSQL, its statistics out of date after a bulk load, sorted the whole table
    for each chunk)."""
    from gongkai.accounts.models import Unit
    from gongkai.disclosure.models import DisclosureItem

    label = DisclosureItem._meta.label_lower
    published = DisclosureItem.objects.filter(status="published", published_on__isnull=False)
    order = list(published.order_by("published_on", "pk").values_list("pk", flat=True))
    units = dict(Unit.objects.values_list("pk", "name"))
    columns = ["pk", "title", "summary", "body", "published_on", "organ_id", "node_id", "unit_id"]
    columns += ["kind", "validity", "status"]
    for start in range(0, len(order), chunk):
        ids = order[start : start + chunk]
        # By primary key alone: one index whatever the statistics say.
        rows = {
            row[0]: row for row in DisclosureItem.objects.filter(pk__in=ids).values_list(*columns)
        }
        for pk in ids:
            row = rows.get(pk)
            if row is None or row[-1] != "published":
                continue  # withdrawn since the order was read
            _pk, title, summary, body, on, organ, node, unit, kind, validity, _status = row
            yield (
                doc_id(label, pk),
                {
                    "title": title,
                    "body": search_text(summary, body, validity),
                    "url": item_url(pk),
                    "published_on": on,
                    "organ": organ,
                    "node": node,
                    "unit": unit,
                    "publisher": units.get(unit, ""),
                    "kind": kind,
                },
            )


def reindex(*, jobs: int = 2, progress: Progress | None = None, batch: int = 5000) -> int:
    """Rebuild the whole index from the published content; returns the number of documents."""
    from gongkai.disclosure.models import DisclosureItem

    if connection.vendor == "postgresql":
        # Fresh statistics for the reads below: left stale by a bulk load (or autovacuum off),
        # they made the planner scan the whole table for each chunk of rows.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DisclosureItem._meta.db_table}")
    started = timezone.now()  # what changes from here on is indexed again at the end
    total = DisclosureItem.objects.filter(status="published", published_on__isnull=False).count()
    backend = get_backend()
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
    done = 0
    pool = None
    if jobs > 1 and not connections["default"].in_atomic_block:
        connections.close_all()  # each process opens its own
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=dictionary_version)
    waiting: Any = None  # the previous batch, being cut while the one before is stored

    def finish() -> None:
        nonlocal done, waiting
        if waiting is None:
            return
        batch_ids, job = waiting
        prepared = job.get() if pool else job
        done += _save(batch_ids, prepared, None)
        waiting = None
        if progress:
            progress(done, total)

    # Where the engine takes several writers (PostgreSQL: it reserves the ids), each worker
    # stores the batch it cut, over its own connection: the database's work on the vectors runs
    # on every core. Otherwise the workers only cut text and this process stores.
    stored: deque[Any] = deque()

    def collect(keep: int) -> None:
        nonlocal done
        while len(stored) > keep:
            done += stored.popleft().get()
            if progress:
                progress(done, total)

    def flush(pending: list[tuple[str, dict[str, Any]]]) -> None:
        nonlocal waiting
        first = backend.reserve_ids(len(pending)) if pool is not None else None
        if pool is not None and first is not None:  # ids in publication order, batch by batch
            stored.append(pool.apply_async(_store, (pending, first)))
            collect(keep=jobs)  # a batch in hand for each worker, no more
            return
        job = (
            pool.map_async(_prepare, pending, chunksize=100)
            if pool
            else [_prepare(doc) for doc in pending]
        )
        finish()  # store the batch before this one while this one is prepared
        waiting = ([doc_id for doc_id, _doc in pending], job)

    with backend.bulk():  # e.g. PostgreSQL builds its GIN indexes once, at the end
        try:
            pending: list[tuple[str, dict[str, Any]]] = []
            for doc_id, doc in _published_documents():
                pending.append((doc_id, doc))
                if len(pending) >= batch:
                    flush(pending)
                    pending = []
            if pending:
                flush(pending)
            finish()
            collect(keep=0)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    _catch_up(started)
    with connections["default"].cursor() as cursor:  # planner statistics for the new index
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    return done


def _catch_up(since: dt.datetime) -> None:
    """Do again for the items changed while the reindex ran what their publication or
    withdrawal did (``receivers.on_announce``): a withdrawal may have taken out a document that
    a batch then stored from the row it read before; a revision may have been overtaken the
    same way. Items being revised keep their published document."""
    from gongkai.disclosure.choices import ItemStatus
    from gongkai.disclosure.selectors import changed_since

    for item in changed_since(since).select_related("unit").iterator():
        if item.status == ItemStatus.PUBLISHED:
            index_document(doc_id_of(item), item.search_document())
        elif item.status == ItemStatus.WITHDRAWN:
            remove_document(doc_id_of(item))
