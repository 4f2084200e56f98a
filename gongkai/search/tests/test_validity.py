"""A normative document repealed in the ledger, or lapsed by its 失效日期 (the daily job, no
human), shows its new 有效性 on its published page file and in the search index (RULES §10)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent
from gongkai.disclosure import ledger
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem, NormativeDocument
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.publishing.services import build_site, live_dir
from gongkai.publishing.writer import file_for_url
from gongkai.search.models import SearchDocument
from gongkai.search.selectors import search
from gongkai.search.services import doc_id_of

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def published(world: Any, django_capture_on_commit_callbacks: Any) -> DisclosureItem:
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    draft = _draft(world, nodes, title="律师执业管理办法", body="<p>律师执业的管理办法。</p>")
    with django_capture_on_commit_callbacks(execute=True):
        item = _through(draft, world)
    build_site(jobs=1)
    return item


def _register(world: Any, item: DisclosureItem, **dates: dt.date) -> NormativeDocument:
    return ledger.register_document(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        title=item.title,
        doc_number="中司规〔2021〕1号",
        drafting_unit=world.own_unit,
        item=item,
        **{"issued_on": D(2021, 3, 1), "effective_on": D(2021, 4, 1), **dates},
    )


def _page(item: DisclosureItem) -> str:
    return (live_dir() / file_for_url(item.public_url())).read_text(encoding="utf-8")


def _indexed(item: DisclosureItem) -> str:
    return SearchDocument.objects.get(doc_id=doc_id_of(item)).body


def test_a_repeal_in_the_ledger_rewrites_the_page_and_the_index(
    world: Any, published: DisclosureItem, django_capture_on_commit_callbacks: Any
) -> None:
    doc = _register(world, published)
    assert "本文件已" not in _page(published)
    assert "有效性：" not in _indexed(published)
    with django_capture_on_commit_callbacks(execute=True):
        ledger.change_document_status(
            doc, actor=world.users[Role.COORDINATOR], status="repealed", on=D(2026, 11, 30)
        )
    published.refresh_from_db()
    assert published.validity == "repealed"
    page = _page(published)
    assert "本文件已废止" in page
    assert '<th scope="row">有效性</th><td>废止</td>' in page
    assert _indexed(published).startswith("有效性：废止")
    assert "废止" in search("律师执业管理办法").hits[0].plain_snippet
    from gongkai.search.services import _published_documents

    # A reindex, which reads rows, indexes the same text.
    assert dict(_published_documents())[doc_id_of(published)] == published.search_document()


def test_the_daily_job_expires_a_document_by_its_date_alone(
    world: Any, published: DisclosureItem, django_capture_on_commit_callbacks: Any
) -> None:
    lapsed = _register(world, published, expires_on=D(2026, 4, 1))
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    other = _draft(world, nodes, title="公证管理办法")
    later = ledger.register_document(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        title="公证管理办法",
        doc_number="中司规〔2024〕2号",
        drafting_unit=world.own_unit,
        issued_on=D(2024, 3, 1),
        effective_on=D(2024, 4, 1),
        expires_on=D(2029, 4, 1),
        item=other,
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_normative_documents", "--date", "2026-12-04", stdout=out)
    assert "1 件" in out.getvalue()
    lapsed.refresh_from_db()
    assert (lapsed.status, lapsed.status_changed_on) == ("expired", D(2026, 4, 1))
    later.refresh_from_db()
    assert later.status == "valid"
    published.refresh_from_db()
    assert published.validity == "expired"
    page = _page(published)
    assert "本文件已失效" in page
    assert '<th scope="row">有效性</th><td>失效</td>' in page
    assert _indexed(published).startswith("有效性：失效")
    events = AuditEvent.objects.filter(action="disclosure.normative.status_changed")
    assert [(e.actor_label, e.object_id) for e in events] == [("system", str(lapsed.pk))]
    assert ledger.yearly_counts(world.organ, 2026)["expired"] == 1
    # Idempotent: a second run (the task, as the timer runs it) finds nothing to do.
    from gongkai.disclosure.tasks import expire_normative_documents_task

    seen = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = expire_normative_documents_task.enqueue()
    assert result.return_value == 0
    assert AuditEvent.objects.count() == seen


def test_an_amended_document_reads_amended_once(
    world: Any, published: DisclosureItem, django_capture_on_commit_callbacks: Any
) -> None:
    doc = _register(world, published)
    with django_capture_on_commit_callbacks(execute=True):
        ledger.change_document_status(
            doc, actor=world.users[Role.COORDINATOR], status="amended", on=D(2026, 11, 30)
        )
    published.refresh_from_db()
    page = _page(published)
    assert "本文件已修改" in page
    assert "已已" not in page
