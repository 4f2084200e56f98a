"""Reads of the search index: a page of results with highlighted snippets."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from gongkai.search.backends import Filters, get_backend
from gongkai.search.models import SearchDocument
from gongkai.search.segment import query_words

SNIPPET_CHARS = 120
PAGE_SIZE = 10


@dataclass(frozen=True)
class Hit:
    title: SafeString
    url: str
    snippet: SafeString
    published_on: object
    publisher: str
    plain_title: str
    plain_snippet: str


@dataclass
class Results:
    query: str
    words: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    pages: int = 0


def _mark(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with every query word wrapped in <mark>."""
    if not words:
        return mark_safe(html.escape(text))  # noqa: S308 - escaped
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped


def snippet_text(body: str, words: list[str]) -> str:
    """The part of ``body`` around the first query word (the start when none occurs)."""
    lowered = body.lower()
    positions = [p for p in (lowered.find(w.lower()) for w in words) if p >= 0]
    start = max(min(positions) - SNIPPET_CHARS // 3, 0) if positions else 0
    text = body[start : start + SNIPPET_CHARS]
    return ("…" if start > 0 else "") + text + ("…" if start + SNIPPET_CHARS < len(body) else "")


def search(query: str, *, filters: Filters | None = None, page: int = 1) -> Results:
    words = query_words(query)
    results = Results(query=query, words=words, page=page)
    if not words:
        return results
    ranked = get_backend().rank(words, filters or Filters())
    results.total, results.capped = ranked.total, ranked.capped
    results.pages = (len(ranked.ids) + PAGE_SIZE - 1) // PAGE_SIZE
    ids = ranked.ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = SearchDocument.objects.in_bulk(ids)
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        text = snippet_text(row.body, words)
        results.hits.append(
            Hit(
                title=_mark(row.title, words),
                url=row.url,
                snippet=_mark(text, words),
                published_on=row.published_on,
                publisher=row.publisher,
                plain_title=row.title,
                plain_snippet=text,
            )
        )
    return results
