"""Disclosure pages: create, edit with errors kept, workflow buttons, bulk review, public page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import staff_client
from gongkai.core.demo import DemoContext
from gongkai.core.tests.test_uploads import PNG
from gongkai.disclosure.models import CatalogueNode, DisclosureItem

pytestmark = pytest.mark.django_db


def test_demo_publishes_the_reference_notice(demo_data: DemoContext) -> None:
    item = DisclosureItem.objects.get()
    assert item.status == "published"
    assert item.index_no.startswith(f"{demo_data.organ.index_code}/")
    page = Client().get(f"/xxgk/items/{item.pk}/").content.decode()
    assert "中司办〔2019〕20号" in page
    assert "索引号" in page
    assert "局政务公开工作领导小组办公室制定了" in page


def test_editor_creates_a_draft_and_errors_keep_the_input(
    demo_data: DemoContext, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    editor = staff_client("editor")
    node = CatalogueNode.objects.get(code="s06")
    unit = demo_data.organ.units.get(name="律师工作管理科")
    bad = editor.post(
        "/staff/disclosure/new/",
        {
            "title": "",
            "kind": "general",
            "node": node.pk,
            "unit": unit.pk,
            "formed_on": "2026-11-02",
            "summary": "行政处罚结果",
            "body": "第一段\n\n第二段",
        },
    )
    assert bad.status_code == 400
    assert "行政处罚结果" in bad.content.decode()
    ok = editor.post(
        "/staff/disclosure/new/",
        {
            "title": "2026年11月行政处罚结果公示",
            "kind": "general",
            "node": node.pk,
            "unit": unit.pk,
            "formed_on": "2026-11-02",
            "body": "第一段\n\n第二段",
        },
    )
    assert ok.status_code == 302
    item = DisclosureItem.objects.get(title="2026年11月行政处罚结果公示")
    assert item.body == "<p>第一段</p><p>第二段</p>"
    image = SimpleUploadedFile("现场.png", PNG)
    editor.post(f"/staff/disclosure/{item.pk}/action/", {"action": "attach", "file": image})
    assert not item.attachments.exists()  # an image needs its alternative text
    image = SimpleUploadedFile("现场.png", PNG)
    editor.post(
        f"/staff/disclosure/{item.pk}/action/",
        {"action": "attach", "file": image, "alt_text": "执法现场照片"},
    )
    assert item.attachments.get().alt_text == "执法现场照片"
    other_unit = demo_data.organ.units.get(name="公共法律服务管理科")
    denied = editor.post(
        "/staff/disclosure/new/",
        {
            "title": "越权",
            "kind": "general",
            "node": node.pk,
            "unit": other_unit.pk,
            "formed_on": "2026-11-02",
        },
    )
    assert denied.status_code == 400
    assert not DisclosureItem.objects.filter(title="越权").exists()


def test_workflow_through_the_pages_with_bulk_review(demo_data: DemoContext) -> None:
    editor, reviewer = staff_client("editor"), staff_client("reviewer")
    node = CatalogueNode.objects.get(code="s06")
    unit = demo_data.organ.units.get(name="律师工作管理科")
    for n in range(3):
        editor.post(
            "/staff/disclosure/new/",
            {
                "title": f"公示{n}",
                "kind": "general",
                "node": node.pk,
                "unit": unit.pk,
                "formed_on": "2026-11-02",
                "body": "内容",
            },
        )
    for item in DisclosureItem.objects.filter(title__startswith="公示"):
        editor.post(f"/staff/disclosure/{item.pk}/action/", {"action": "submit"})
    queue = reviewer.get("/staff/disclosure/review/").content.decode()
    assert queue.count('name="items"') == 3
    ids = list(DisclosureItem.objects.filter(title__startswith="公示").values_list("pk", flat=True))
    refused = reviewer.post("/staff/disclosure/review/", {"items": ids, "decision": "partial"})
    assert "法律依据" in refused.content.decode()
    reviewer.post("/staff/disclosure/review/", {"items": ids, "decision": "disclose"})
    assert set(DisclosureItem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "reviewed"
    }
    item = DisclosureItem.objects.get(pk=ids[0])
    staff_client("leader").post(f"/staff/disclosure/{item.pk}/action/", {"action": "approve"})
    staff_client("coordinator").post(f"/staff/disclosure/{item.pk}/action/", {"action": "publish"})
    item.refresh_from_db()
    assert item.status == "published"
    staff_client("coordinator").post(
        f"/staff/disclosure/{item.pk}/action/", {"action": "withdraw", "reason": "重复发布"}
    )
    page = Client().get(f"/xxgk/items/{item.pk}/").content.decode()
    assert "本信息已撤回" in page
    assert "重复发布" in page


def test_drafts_are_not_public_and_other_units_drafts_are_hidden(demo_data: DemoContext) -> None:
    node = CatalogueNode.objects.get(code="s06")
    unit = demo_data.organ.units.get(name="公共法律服务管理科")
    from gongkai.disclosure import services

    draft = services.create_draft(
        demo_data.organ,
        actor=demo_data.users["coordinator"],
        unit=unit,
        node=node,
        title="内部草稿",
        formed_on=demo_data.users["coordinator"].date_joined.date(),
    )
    assert Client().get(f"/xxgk/items/{draft.pk}/").status_code == 404
    assert staff_client("editor").get(f"/staff/disclosure/{draft.pk}/").status_code == 404
    assert staff_client("reviewer").get(f"/staff/disclosure/{draft.pk}/").status_code == 200
    listing = staff_client("editor").get("/staff/disclosure/").content.decode()
    assert "内部草稿" not in listing
