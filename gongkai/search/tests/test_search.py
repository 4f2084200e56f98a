"""Search: segmentation with the government dictionary, published-only indexing, title matches
first, highlighted snippets, filters, withdrawal removes at once, the API, reindex."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.disclosure import services as disclosure
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.search import segment
from gongkai.search.backends import Filters
from gongkai.search.models import SearchDocument
from gongkai.search.selectors import search


def test_government_terms_stay_whole() -> None:
    assert segment.query_words("依申请公开的三公经费") == ["依申请公开", "三公经费"]
    words = segment.index_words("关于一网通办和权责清单的通知").split()
    assert {"一网通办", "权责清单", "清单", "权责"} <= set(words)
    assert segment.dictionary_version() == "2026.2"


@pytest.fixture
def nodes(world: Any) -> dict[str, Any]:
    return {n.code: n for n in ensure_catalogue(world.organ)}


def _publish(world: Any, nodes: Any, capture: Any, title: str, body: str, node: str = "s01") -> Any:
    draft = disclosure.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=nodes[node],
        title=title,
        formed_on=dt.date(2026, 3, 2),
        body=f"<p>{body}</p>",
    )
    with capture(execute=True):
        return _through(draft, world)


pytestmark = pytest.mark.django_db


def test_title_matches_come_first_with_highlighted_snippets(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    in_title = _publish(world, nodes, capture, "关于公布权责清单的通知", "本局调整了部分事项。")
    _publish(world, nodes, capture, "2026年工作要点", "年内完成权责清单的动态调整和公开。")
    _publish(world, nodes, capture, "部门预算", "公开三公经费。", node="s07")
    results = search("权责清单")
    assert results.total == 2
    assert results.hits[0].url == in_title.public_url()  # older, but the title matches
    assert "<mark>权责清单</mark>" in str(results.hits[0].title)
    assert "<mark>权责清单</mark>" in str(results.hits[1].snippet)
    budget = search("三公经费", filters=Filters(node_ids=(nodes["s07"].pk,)))
    assert budget.total == 1
    assert search("三公经费", filters=Filters(node_ids=(nodes["s01"].pk,))).total == 0
    assert search("三公经费", filters=Filters(year=2025)).total == 0


def test_among_body_matches_the_more_relevant_comes_first(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    body = "本局依法推进各项工作，接受社会监督。"
    dense = _publish(world, nodes, capture, "工作通报", "行政处罚决定公开。" * 3 + body)
    _publish(world, nodes, capture, "工作简报", "年内公开了一批行政处罚决定。" + body)
    assert search("行政处罚").hits[0].url == dense.public_url()  # older, but denser
    # Two words: the rarer one weighs more. Both documents hold both words; the older one
    # repeats the rare word, the newer one the common word (held by many other documents too).
    from django.db import connection

    rare = _publish(world, nodes, capture, "通知甲", "权责清单权责清单，另有工作。")
    _publish(world, nodes, capture, "通知乙", "权责清单，另有工作工作工作工作。")
    for n in range(4):
        _publish(world, nodes, capture, f"安排{n}", "工作。")
    if connection.vendor == "sqlite":  # BM25 here; PostgreSQL's ts_rank_cd has no such weight
        assert search("权责清单 工作").hits[0].url == rare.public_url()


def test_postgres_gathers_or_walks_to_the_same_hits(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from django.db import connection

    from gongkai.search.backends import PostgresBackend

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    capture = django_capture_on_commit_callbacks
    for n in range(4):
        _publish(world, nodes, capture, f"权责清单第{n}批", "年内完成权责清单调整。")
    gathered = [h.url for h in search("权责清单").hits]  # few matches: all from the index
    monkeypatch.setattr(PostgresBackend, "walk_above", -1)  # as if common: walk newest first
    assert [h.url for h in search("权责清单").hits] == gathered
    assert len(gathered) == 4


def test_postgres_windows_words_that_occur_together(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The planner takes two words as independent: for words that always occur together its
    estimate is far too low. Between gathering all matches and walking the newest documents, a
    window of the newest days (widened until it holds enough) or a probe of the newest
    documents decides — each giving the same hits as gathering them all."""
    from django.db import connection

    from gongkai.search.backends import PostgresBackend

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    capture = django_capture_on_commit_callbacks
    for n in range(30):
        _publish(world, nodes, capture, f"通知{n}", "权责清单与三公经费。")
        _publish(world, nodes, capture, f"简报{n}", "年内工作安排。")
    for n, doc in enumerate(SearchDocument.objects.order_by("pk")):  # one a day
        SearchDocument.objects.filter(pk=doc.pk).update(
            published_on=dt.date(2026, 1, 1) + dt.timedelta(days=n)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    together = ["权责清单", "三公经费"]
    backend = PostgresBackend()
    query = backend._query(together)
    monkeypatch.setattr(PostgresBackend, "walk_above", 20)  # 30 matches: too many to gather
    monkeypatch.setattr(PostgresBackend, "walk_share", 0.9)  # and too few to walk
    assert backend._choose(query, together, Filters(), "tsv")[0] == "window"
    monkeypatch.setattr(PostgresBackend, "window_margin", 0.05)  # a first window of a day
    windowed = search("权责清单 三公经费")
    # Each word alone in half the documents, the pair estimated at a quarter: a probe of the
    # newest documents finds the pair in half of them, and walking wins.
    monkeypatch.setattr(PostgresBackend, "walk_share", 0.4)
    assert backend._choose(query, together, Filters(), "tsv") == ("walk", 30)
    walked = search("权责清单 三公经费")
    monkeypatch.setattr(PostgresBackend, "walk_above", 10**9)  # gather them all
    gathered = search("权责清单 三公经费")
    assert [h.url for h in windowed.hits] == [h.url for h in gathered.hits]
    assert [h.url for h in walked.hits] == [h.url for h in gathered.hits]
    assert windowed.total == walked.total == gathered.total == 30


def test_drafts_are_never_indexed_and_withdrawal_removes_at_once(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        _draft(world, nodes, title="未发布的权责清单草稿")
    assert search("权责清单").total == 0
    item = _publish(world, nodes, capture, "关于公布权责清单的通知", "正文")
    assert search("权责清单").total == 1
    with capture(execute=True):
        disclosure.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="有误")
    assert search("权责清单").total == 0
    assert not SearchDocument.objects.exists()


def test_page_and_api(world: Any, nodes: Any, django_capture_on_commit_callbacks: Any) -> None:
    capture = django_capture_on_commit_callbacks
    _publish(world, nodes, capture, "关于公布权责清单的通知", "正文<script>x</script>")
    client = Client()
    page = client.get("/search/", {"q": "权责清单"}).content.decode()
    assert "找到 1 条结果" in page
    assert "<mark>权责清单</mark>" in page
    assert "<script>x" not in page
    empty = client.get("/search/", {"q": "不存在的词语组合"}).content.decode()
    assert "没有找到" in empty
    assert f"/ysqgk/{world.organ.pk}/apply/" in empty
    data = client.get("/api/v1/search", {"q": "权责清单"}).json()
    assert data["total"] == 1
    assert set(data["results"][0]) == {"title", "url", "snippet", "published_on"}
    assert data["results"][0]["title"] == "关于公布权责清单的通知"


def test_reindex_rebuilds_the_same_results(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    for n in range(3):
        _publish(world, nodes, capture, f"权责清单第{n}批", "正文")
    before = [h.url for h in search("权责清单").hits]
    err = io.StringIO()
    call_command("reindex", "--jobs", "1", stdout=io.StringIO(), stderr=err)
    assert "重建索引 [" in err.getvalue()
    assert [h.url for h in search("权责清单").hits] == before
    from django.db import connection

    if connection.vendor == "postgresql":  # dropped for the load, built again at the end
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%gin'")
            assert {r[0] for r in cursor.fetchall()} == {"search_tsv_gin", "search_title_tsv_gin"}


def test_sqlite_reindex_stores_with_a_large_page_cache(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """FTS5 reads its segments back as it merges them: with SQLite's default 2 MB page cache
    a reindex of 1,000,000 items slowed to ~500 documents/s; the configured cache while it
    stores, and the connection's own afterwards."""
    from django.db import connection

    from gongkai.search.services import reindex

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    settings.GONGKAI_SEARCH_BULK_CACHE_KIB = 65_536
    for n in range(3):
        _publish(world, nodes, django_capture_on_commit_callbacks, f"三公经费第{n}批", "正文")
    before, seen = cache_size(), []
    assert reindex(jobs=1, batch=2, progress=lambda done, total: seen.append(cache_size())) == 3
    assert seen == [-65_536, -65_536]
    assert cache_size() == before != -65_536


@pytest.mark.django_db(transaction=True)
def test_reindex_in_worker_processes(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """With workers, the text is cut in them (and on PostgreSQL stored by them, each over its
    own connection): the same documents as before, every batch stored."""
    from gongkai.search.services import reindex

    capture = django_capture_on_commit_callbacks
    for n in range(7):
        _publish(world, nodes, capture, f"权责清单第{n}批", f"正文{n}")
    before = [h.url for h in search("权责清单").hits]
    seen: list[int] = []
    assert reindex(jobs=2, batch=2, progress=lambda done, total: seen.append(done)) == 7
    assert seen[-1] == 7
    assert [h.url for h in search("权责清单").hits] == before
    assert SearchDocument.objects.count() == 7
    newer = _publish(world, nodes, capture, "权责清单第7批", "正文")  # an id after theirs
    assert search("权责清单").hits[0].url == newer.public_url()


def test_publications_during_a_reindex_are_kept(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A document a publication indexes while the reindex runs is not inserted twice (the
    batch that read it skips it), and an item withdrawn meanwhile is not brought back by the
    batch that read it before; an item whose revision began meanwhile stays found."""
    from gongkai.search.services import doc_id_of, index_document, reindex

    capture = django_capture_on_commit_callbacks
    items = [_publish(world, nodes, capture, f"行政处罚决定书{n}", f"正文{n}") for n in range(4)]
    meanwhile: list[int] = []

    def progress(done: int, total: int) -> None:
        if not meanwhile:  # the first batch stored; the others are read or still to come
            meanwhile.append(done)
            index_document(doc_id_of(items[3]), items[3].search_document())  # a task lands
            with capture(execute=True):  # a withdrawal, announced and taken out of the index
                disclosure.withdraw_item(
                    items[1], actor=world.users[Role.COORDINATOR], reason="已失效"
                )
            # a revision begun: the published version stays online, and searchable
            disclosure.start_revision(items[2], actor=world.users[Role.EDITOR])

    assert reindex(jobs=1, batch=1, progress=progress) == 4
    found = {h.url for h in search("行政处罚决定书").hits}
    assert found == {items[n].public_url() for n in (0, 2, 3)}
    assert SearchDocument.objects.filter(doc_id=doc_id_of(items[3])).count() == 1


def test_reindex_reads_the_document_the_item_gives(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The reindex reads rows, not models: what it indexes must be the item's own document."""
    from gongkai.search.services import _published_documents, doc_id_of

    capture = django_capture_on_commit_callbacks
    items = [_publish(world, nodes, capture, f"行政处罚决定书{n}", "正文") for n in range(5)]
    read = list(_published_documents(chunk=2))  # same publication day: the key breaks ties
    assert [doc_id for doc_id, _doc in read] == [doc_id_of(i) for i in items]
    assert dict(read)[doc_id_of(items[0])] == items[0].search_document()


def test_a_revision_replaces_the_indexed_words(
    world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    item = _publish(world, nodes, capture, "关于公布权责清单的通知", "正文")
    editor = world.users[Role.EDITOR]
    draft = disclosure.start_revision(item, actor=world.users[Role.COORDINATOR])
    disclosure.update_draft(
        draft, actor=editor, title="关于公布部门预算的通知", changed_on=dt.date(2026, 3, 10)
    )
    with capture(execute=True):
        _through(draft, world)
    assert search("权责清单").total == 0
    assert search("部门预算").total == 1
