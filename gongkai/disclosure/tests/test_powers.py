"""Importing a 权责清单 keeps the good rows and lists every bad row with its error."""

from __future__ import annotations

import io
from typing import Any

import pytest

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.disclosure.models import PowerItem, PowerList
from gongkai.disclosure.powers import import_power_list

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "事项编码",
    "事项名称",
    "职权类别",
    "设定依据",
    "实施主体",
    "责任事项",
    "追责情形",
]
ROWS = [
    [
        1,
        "441200-XK-001",
        "律师事务所设立许可",
        "行政许可",
        "《律师法》第十八条",
        "律师工作管理科",
        "受理、审查、决定",
        "违法许可的",
    ],
    [
        2,
        "441200-CF-002",
        "对律师违法行为的处罚",
        "行政处罚",
        "《律师法》第四十七条",
        "律师工作管理科",
        "立案、调查、决定",
        "滥用职权的",
    ],
    [3, "", "", "行政检查", "《律师法》", "律师工作管理科", "", ""],
    [4, "", "法律援助补贴发放", "行政给予", "《法律援助法》", "中山市法律援助处", "", ""],
    [5, "", "公证机构执业监督检查", "行政检查", "", "", "", ""],
    [6, "", "人民调解员表彰", "行政奖励", "《人民调解法》第六条", "人民参与和促进法治科", "", ""],
]


def _xlsx(rows: list[list[Any]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["中山市司法局权责清单"])
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_good_rows_kept_bad_rows_listed(world: Any) -> None:
    from gongkai.accounts import services
    from gongkai.accounts.choices import UnitKind
    from gongkai.core.actors import SYSTEM

    services.create_unit(
        world.organ, actor=SYSTEM, name="人民参与和促进法治科", kind=UnitKind.DIVISION
    )
    power_list = import_power_list(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        data=_xlsx(ROWS),
        source_name="权责清单.xlsx",
    )
    names = list(power_list.items.values_list("name", flat=True))
    assert names == ["律师事务所设立许可", "对律师违法行为的处罚", "人民调解员表彰"]
    first = power_list.items.get(row=3)  # spreadsheet row 3 = first data row
    assert first.unit == world.own_unit
    job = power_list.import_job
    assert job.status == "succeeded"
    errors = {(e.row, e.column) for e in job.row_errors.all()}
    assert errors == {(5, "name"), (6, "category"), (7, "basis"), (7, "subject")}
    messages = [e.message for e in job.row_errors.all()]
    assert "职权类别“行政给予”不在规定的十类之中" in messages
    assert job.result == {"imported": 3, "bad_rows": 3}


def test_a_new_import_replaces_the_current_list(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    first = import_power_list(
        world.organ, actor=coordinator, data=_xlsx(ROWS[:1]), source_name="a.xlsx"
    )
    second = import_power_list(
        world.organ, actor=coordinator, data=_xlsx(ROWS[:2]), source_name="b.xlsx"
    )
    first.refresh_from_db()
    assert not first.is_current
    assert second.is_current
    assert PowerItem.objects.filter(power_list__is_current=True).count() == 2
    assert PowerList.objects.count() == 2


def test_refusals(world: Any) -> None:
    with pytest.raises(NotPermitted):
        import_power_list(
            world.organ, actor=world.users[Role.EDITOR], data=_xlsx(ROWS), source_name="x.xlsx"
        )
    with pytest.raises(InvalidInput, match="未找到权责清单表格"):
        import_power_list(
            world.organ,
            actor=world.users[Role.COORDINATOR],
            data="随便一段文字".encode(),
            source_name="x.txt",
        )


def test_upload_page_and_public_list(world: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users[Role.COORDINATOR])
    response = client.post(
        "/staff/disclosure/powers/",
        {"file": SimpleUploadedFile("权责清单.xlsx", _xlsx(ROWS))},
        follow=True,
    )
    page = response.content.decode()
    assert "已导入 3 项权力事项；3 行有问题未导入" in page
    assert "职权类别“行政给予”不在规定的十类之中" in page
    public = client.get(f"/xxgk/{world.organ.pk}/powers/").content.decode()
    assert "律师事务所设立许可" in public


def test_an_import_without_a_good_row_changes_nothing(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    current = import_power_list(
        world.organ, actor=coordinator, data=_xlsx(ROWS[:1]), source_name="a.xlsx"
    )
    with pytest.raises(InvalidInput, match="没有一行合格"):
        import_power_list(
            world.organ, actor=coordinator, data=_xlsx(ROWS[2:5]), source_name="b.xlsx"
        )
    current.refresh_from_db()
    assert current.is_current
