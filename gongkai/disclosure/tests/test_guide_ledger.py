"""The 公开指南 (versions, review reminders) and the 规范性文件台账 (expiry, yearly counts)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import override_settings

from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.disclosure import guide, ledger

pytestmark = pytest.mark.django_db
D = dt.date


def _guide(world: Any) -> Any:
    fields = guide.draft_fields(world.organ)
    fields.update(
        address="中山市东区示例路 1 号", office_hours="工作日 8:30-17:30", phone="0760-88888888"
    )
    return guide.save_guide(world.organ, actor=world.users[Role.COORDINATOR], **fields)


def test_guide_versions_and_reminders(world: Any) -> None:
    assert guide.guide_reminders(world.organ) == ["尚未编制政府信息公开指南。"]
    first = _guide(world)
    assert first.version == 1
    assert guide.guide_reminders(world.organ, today=first.reviewed_on) == []
    year_later = first.reviewed_on + dt.timedelta(days=365)
    assert "超过一年未审核" in guide.guide_reminders(world.organ, today=year_later)[0]
    accounts.update_organ(world.organ, actor=SYSTEM, phone="0760-12345678")
    reasons = guide.guide_reminders(world.organ, today=first.reviewed_on)
    assert reasons == ["机关的联系电话已变更，请同步更新公开指南。"]
    second = guide.save_guide(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        **{f: getattr(first, f) for f in guide.GUIDE_FIELDS},
    )
    assert second.version == 2
    assert guide.current_guide(world.organ) == second
    assert guide.guide_reminders(world.organ, today=second.reviewed_on) == []


def test_guide_needs_the_article_twelve_elements_and_a_coordinator(world: Any) -> None:
    fields = guide.draft_fields(world.organ)
    fields["address"] = ""
    with pytest.raises(InvalidInput) as error:
        guide.save_guide(world.organ, actor=world.users[Role.COORDINATOR], **fields)
    assert error.value.details == {"field": "address"}
    with pytest.raises(NotPermitted):
        guide.save_guide(world.organ, actor=world.users[Role.EDITOR], **fields)


@override_settings(GONGKAI_NORMATIVE_VALIDITY_YEARS=5, GONGKAI_NORMATIVE_REMINDER_DAYS=180)
def test_ledger_validity_expiry_counts_and_export(world: Any) -> None:
    import openpyxl

    coordinator = world.users[Role.COORDINATOR]
    old = ledger.register_document(
        world.organ,
        actor=coordinator,
        title="律师执业管理办法",
        doc_number="中司规〔2019〕1号",
        drafting_unit=world.own_unit,
        issued_on=D(2019, 3, 1),
        effective_on=D(2019, 4, 1),
    )
    assert old.expires_on == D(2024, 4, 1)
    new = ledger.register_document(
        world.organ,
        actor=coordinator,
        title="律师执业管理办法（修订）",
        doc_number="中司规〔2024〕2号",
        drafting_unit=world.own_unit,
        issued_on=D(2024, 3, 1),
        effective_on=D(2024, 4, 1),
        registration_no="ZSFG-2024-2",
    )
    assert [d.doc_number for d in ledger.expiring_documents(world.organ, today=D(2023, 11, 1))] == [
        "中司规〔2019〕1号"
    ]
    ledger.change_document_status(
        old, actor=coordinator, status="repealed", on=D(2024, 4, 1), replaced_by=new
    )
    assert ledger.yearly_counts(world.organ, 2024) == {
        "current_at_start": 1,
        "issued": 1,
        "repealed": 1,
        "expired": 0,
        "current": 1,
    }
    assert ledger.yearly_counts(world.organ, 2019) == {
        "current_at_start": 0,
        "issued": 1,
        "repealed": 0,
        "expired": 0,
        "current": 1,
    }
    with pytest.raises(InvalidInput, match="已有该文号"):
        ledger.register_document(
            world.organ,
            actor=coordinator,
            title="x",
            doc_number="中司规〔2024〕2号",
            drafting_unit=world.own_unit,
            issued_on=D(2024, 3, 1),
            effective_on=D(2024, 4, 1),
        )
    with pytest.raises(InvalidInput, match="施行日期不能早于印发日期"):
        ledger.register_document(
            world.organ,
            actor=coordinator,
            title="x",
            doc_number="y",
            drafting_unit=world.own_unit,
            issued_on=D(2024, 3, 1),
            effective_on=D(2024, 2, 1),
        )
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.ledger_xlsx(world.organ))).active
    assert sheet is not None
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["中司规〔2019〕1号"][7] == "已废止"
    assert rows["中司规〔2019〕1号"][9] == "中司规〔2024〕2号"


def test_guide_and_ledger_pages(world: Any, client: Any) -> None:
    client.force_login(world.users[Role.COORDINATOR])
    page = client.get("/staff/disclosure/guide/").content.decode()
    assert "尚未编制政府信息公开指南" in page
    data = guide.draft_fields(world.organ)
    data.update(address="中山市东区示例路 1 号", office_hours="工作日", phone="0760-1")
    data = {k: v for k, v in data.items() if v}
    assert client.post("/staff/disclosure/guide/", data).status_code == 302
    public = client.get(f"/xxgk/{world.organ.pk}/guide/").content.decode()
    assert "中山市东区示例路 1 号" in public
    response = client.post(
        "/staff/disclosure/ledger/",
        {
            "form": "register",
            "title": "办法",
            "doc_number": "中司规〔2026〕1号",
            "drafting_unit": world.own_unit.pk,
            "issued_on": "2026-03-01",
            "effective_on": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert "施行日期不能早于印发日期" in response.content.decode()
    assert 'value="中司规〔2026〕1号"' in response.content.decode()
    ok = client.post(
        "/staff/disclosure/ledger/",
        {
            "form": "register",
            "title": "办法",
            "doc_number": "中司规〔2026〕1号",
            "drafting_unit": world.own_unit.pk,
            "issued_on": "2026-03-01",
            "effective_on": "2026-04-01",
        },
    )
    assert ok.status_code == 302
    assert (
        "本年制发 1 件"
        in client.get("/staff/disclosure/ledger/", {"year": "2026"}).content.decode()
    )


def test_catalogue_is_seeded_and_editable(world: Any, client: Any) -> None:
    from gongkai.disclosure.catalogue import ensure_catalogue
    from gongkai.disclosure.models import CatalogueNode

    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    assert nodes["s07"].parent == nodes["statutory"]
    assert nodes["guide"].cadence_days == 365
    client.force_login(world.users[Role.COORDINATOR])
    client.post(
        "/staff/disclosure/catalogue/",
        {"name": "行政执法公示", "parent": nodes["statutory"].pk, "cadence_days": "30"},
    )
    added = CatalogueNode.objects.get(name="行政执法公示")
    assert (added.parent, added.cadence_days) == (nodes["statutory"], 30)
    client.post(
        "/staff/disclosure/catalogue/",
        {"node": nodes["statutory"].pk, "name": "法定主动公开内容", "parent": added.pk},
    )
    nodes["statutory"].refresh_from_db()
    assert nodes["statutory"].parent is None  # cannot move under its own child
    page = client.get("/staff/disclosure/catalogue/").content.decode()
    assert "└ 行政执法公示" in page
    client.force_login(world.users[Role.EDITOR])
    assert client.post("/staff/disclosure/catalogue/", {"name": "x"}).status_code == 404
