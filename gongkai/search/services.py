"""Writes of the search index: a published document in, a withdrawn one out at once, and the
full reindex (segmentation in parallel processes, inserts in batches, progress reported)."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

from django.db import connections, transaction

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
    return f"{obj._meta.label_lower}:{obj.pk}"


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


def _segment_pair(text: tuple[str, str]) -> tuple[str, str]:
    return index_words(text[0]), index_words(text[1])


def _published_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every published document of every content module, oldest publication first."""
    from gongkai.disclosure.models import DisclosureItem

    items = (
        DisclosureItem.objects.filter(status="published")
        .select_related("unit")
        .order_by("published_on", "pk")
    )
    for item in items.iterator(2000):
        yield doc_id_of(item), item.search_document()


def reindex(*, jobs: int = 2, progress: Progress | None = None, batch: int = 5000) -> int:
    """Rebuild the whole index from the published content; returns the number of documents."""
    from gongkai.disclosure.models import DisclosureItem

    total = DisclosureItem.objects.filter(status="published").count()
    backend = get_backend()
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
    done = 0
    pool = None
    if jobs > 1 and not connections["default"].in_atomic_block:
        connections.close_all()  # the workers only cut text; they never touch the database
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=dictionary_version)
    waiting: Any = None  # the previous batch, being cut while the one before is stored

    def finish() -> None:
        nonlocal done, waiting
        if waiting is None:
            return
        docs, job = waiting
        words = job.get() if pool else job
        with transaction.atomic():
            backend.insert(docs, words)
        done += len(docs)
        waiting = None
        if progress:
            progress(done, total)

    def flush(pending: list[SearchDocument]) -> None:
        nonlocal waiting
        texts = [(d.title, d.body) for d in pending]
        job = (
            pool.map_async(_segment_pair, texts, chunksize=100)
            if pool
            else [_segment_pair(t) for t in texts]
        )
        finish()  # store the batch before this one while this one is cut
        waiting = (pending, job)

    try:
        pending: list[SearchDocument] = []
        for doc_id, doc in _published_documents():
            pending.append(SearchDocument(doc_id=doc_id, **_fields(doc)))
            if len(pending) >= batch:
                flush(pending)
                pending = []
        if pending:
            flush(pending)
        finish()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return done
