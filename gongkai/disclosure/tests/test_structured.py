"""Structured kinds (人事任免, 考录招聘, 预算决算, 三公经费) and interpretations with Q&A."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.structured import clean_details, parse_qa

pytestmark = pytest.mark.django_db


def test_three_public_figures_must_add_up() -> None:
    good = clean_details(
        "three_public",
        {
            "year": "2025",
            "stage": "决算",
            "overseas": "1.5",
            "vehicles": "12",
            "reception": "3.25",
            "total": "16.75",
        },
    )
    assert good["vehicles"] == "12.00"
    with pytest.raises(InvalidInput, match="之和") as error:
        clean_details(
            "three_public",
            {
                "year": "2025",
                "stage": "决算",
                "overseas": "1",
                "vehicles": "1",
                "reception": "1",
                "total": "4",
            },
        )
    assert error.value.details == {"field": "detail_total"}
    with pytest.raises(InvalidInput, match="应为金额"):
        clean_details(
            "budget",
            {"year": "2025", "stage": "预算", "income_total": "很多", "expenditure_total": "1"},
        )
    with pytest.raises(InvalidInput, match="请填写“姓名”"):
        clean_details(
            "personnel", {"position": "副局长", "action": "任命", "decided_on": "2026-01-05"}
        )


def test_qa_pairs() -> None:
    pairs = parse_qa(
        "问：什么是权责清单？\n答：列明本机关的权力事项。\n包括依据。\n问：在哪里查？\n答：门户网站。"
    )
    assert pairs == [
        {"q": "什么是权责清单？", "a": "列明本机关的权力事项。\n包括依据。"},
        {"q": "在哪里查？", "a": "门户网站。"},
    ]
    with pytest.raises(InvalidInput, match="每个问题都要有回答"):
        parse_qa("问：没有回答？")


def test_structured_forms_through_the_page(world: Any) -> None:
    ensure_catalogue(world.organ)
    client = Client()
    client.force_login(world.users[Role.EDITOR])
    page = client.get("/staff/disclosure/new/", {"kind": "three_public"}).content.decode()
    assert "公务接待费（万元）" in page
    node = world.organ.catalogue_nodes.get(code="s07")
    base = {
        "title": "2025年部门决算三公经费",
        "node": node.pk,
        "unit": world.own_unit.pk,
        "formed_on": "2026-06-01",
        "body": "见附表",
        "detail_year": "2025",
        "detail_stage": "决算",
        "detail_overseas": "0",
        "detail_vehicles": "5",
        "detail_reception": "1",
        "detail_total": "7",
    }
    bad = client.post("/staff/disclosure/new/?kind=three_public", base)
    assert bad.status_code == 400
    assert "与合计（7.00 万元）不符" in bad.content.decode()
    assert 'value="2025年部门决算三公经费"' in bad.content.decode()
    ok = client.post("/staff/disclosure/new/?kind=three_public", {**base, "detail_total": "6"})
    assert ok.status_code == 302
    item = DisclosureItem.objects.get(kind="three_public")
    assert item.details["total"] == "6.00"


def test_interpretation_with_qa_through_the_page(world: Any) -> None:
    ensure_catalogue(world.organ)
    client = Client()
    client.force_login(world.users[Role.EDITOR])
    node = world.organ.catalogue_nodes.get(code="interpretations")
    response = client.post(
        "/staff/disclosure/new/?kind=interpretation",
        {
            "title": "《律师执业管理办法》政策解读",
            "node": node.pk,
            "unit": world.own_unit.pk,
            "formed_on": "2026-06-01",
            "interpretation_form": "qa",
            "qa": "问：何时施行？\n答：2026年7月1日。",
        },
    )
    assert response.status_code == 302
    item = DisclosureItem.objects.get(kind="interpretation")
    assert item.interpretation_form == "qa"
    assert item.qa_pairs == [{"q": "何时施行？", "a": "2026年7月1日。"}]


def test_structured_fields_show_on_the_public_page(world: Any) -> None:
    from gongkai.disclosure import services

    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    item = services.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=nodes["s14"],
        title="2026年公务员考试录用公告",
        formed_on=world.users[Role.EDITOR].date_joined.date(),
        kind="recruitment",
        body="<p>公告</p>",
        details={"position": "一级科员", "quota": "2", "requirements": "法学专业"},
    )
    services.submit_item(item, actor=world.users[Role.EDITOR])
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=world.users[Role.LEADER])
    services.publish_item(item, actor=world.users[Role.COORDINATOR])
    page = Client().get(f"/xxgk/items/{item.pk}/").content.decode()
    assert '<th scope="row">招录名额</th><td>2</td>' in page
