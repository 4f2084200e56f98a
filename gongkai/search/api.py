"""GET /api/v1/search — the public search, as JSON (no login)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gongkai.core.apitypes import Id, Page, Year
from gongkai.search.backends import Filters
from gongkai.search.selectors import search

router = Router(tags=["search"])


class ResultOut(Schema):
    title: str
    url: str
    snippet: str = Field(description="正文中命中位置附近的文字（纯文本）")
    published_on: dt.date | None


class SearchOut(Schema):
    total: int = Field(description="命中总数；结果很多时为估计值（见 total_is_lower_bound）")
    total_is_lower_bound: bool
    page: int
    pages: int
    results: list[ResultOut]


@router.get("/search", response=SearchOut, auth=None, summary="站内搜索")
def search_api(
    request: HttpRequest,
    q: str = "",
    page: Page = 1,
    organ_id: Id | None = None,
    node_id: Id | None = None,
    year: Year | None = None,
    publisher: str = "",
    kind: str = "",
) -> SearchOut:
    """Published content only; a withdrawn item leaves the index at once."""
    filters = Filters(
        organ_id=organ_id,
        node_ids=(node_id,) if node_id else (),
        year=year,
        publisher=publisher,
        kind=kind,
    )
    results = search(q[:200], filters=filters, page=max(1, min(page, 100)))
    return SearchOut(
        total=results.total,
        total_is_lower_bound=results.capped,
        page=results.page,
        pages=results.pages,
        results=[
            ResultOut(
                title=h.plain_title,
                url=h.url,
                snippet=h.plain_snippet,
                published_on=h.published_on,  # type: ignore[arg-type]
            )
            for h in results.hits
        ],
    )
