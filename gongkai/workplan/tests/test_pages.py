"""The tracker's pages: import with preview and mapping, reports with evidence, review,
dashboard, exports, editing, reminders."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import staff_client
from gongkai.accounts.models import UnitAlias
from gongkai.core.demo import DemoContext
from gongkai.core.errors import InvalidInput
from gongkai.core.models import AuditEvent
from gongkai.workplan import services
from gongkai.workplan.models import Notification, Plan, ProgressReport, Task
from gongkai.workplan.tests import builders

pytestmark = pytest.mark.django_db


def test_upload_preview_map_and_confirm(demo_data: DemoContext) -> None:
    client = staff_client("coordinator")
    data = builders.as_docx(builders.reference())
    upload = SimpleUploadedFile("2019分工方案.docx", data)
    response = client.post("/staff/plans/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "中司办〔2019〕20号" in preview
    assert "9 个类别，32 项任务" in preview
    assert "公职所配合做好本局相关工作" in preview
    saved = client.post(response["Location"], {"cycle_kind": "monthly"})
    assert saved.status_code == 302
    plan = Plan.objects.latest("pk")
    assert Plan.objects.count() == 2
    assert plan.cycles.count() == 5  # August to December
    assert plan.tasks.count() == 32
    page = client.get(saved["Location"]).content.decode()
    assert "导出进展汇总表" in page


def test_unknown_names_are_mapped_on_the_preview(demo_data: DemoContext) -> None:
    client = staff_client("coordinator")
    text = "序号\t工作任务\t具体要求\t牵头单位\n1\t一、公开\t更新指南\t局办公室、档案科\n"
    response = client.post("/staff/plans/import/", {"text": text})
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "档案科" in page
    refused = client.post(preview_url, {"cycle_kind": "quarterly"})
    assert refused.status_code == 400
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    office = demo_data.organ.units.get(name="办公室")
    done = client.post(preview_url, {"cycle_kind": "quarterly", "map_0": f"unit:{office.pk}"})
    assert done.status_code == 302
    assert UnitAlias.objects.filter(alias="档案科", unit=office).exists()


def test_report_with_evidence_review_and_dashboard(
    demo_data: DemoContext, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=4)  # 律师工作管理科 leads: the demo editor's unit
    editor = staff_client("editor")
    mine = editor.get("/staff/plans/mine/").content.decode()
    assert task.requirement[:20] in mine
    cycle = plan.cycles.first()
    assert cycle is not None
    evidence = SimpleUploadedFile("截图.pdf", b"%PDF-1.4\n%%EOF\n")
    response = editor.post(
        f"/staff/plans/tasks/{task.pk}/",
        {
            "form": "report",
            "unit": str(demo_data.organ.units.get(name="律师工作管理科").pk),
            "cycle": cycle.pk,
            "status": "done",
            "text": "已在信用中山公布处罚信息 12 条。",
            "urls": "https://www.example.gov.cn/xyzs/1",
            "attachments": [evidence],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ProgressReport.objects.get()
    assert report.evidence.count() == 2
    assert Notification.objects.filter(user__username="coordinator").exists()
    board_before = staff_client("coordinator").get("/staff/plans/dashboard/").content.decode()
    assert "已完成 0 / 32 项" in board_before
    coordinator = staff_client("coordinator")
    coordinator.post(
        f"/staff/plans/tasks/{task.pk}/action/", {"action": "accept", "report": report.pk}
    )
    report.refresh_from_db()
    assert report.review_status == "accepted"
    board = coordinator.get("/staff/plans/dashboard/").content.decode()
    assert "已完成 1 / 32 项" in board
    other = plan.tasks.get(seq=3)
    denied = editor.post(
        f"/staff/plans/tasks/{other.pk}/",
        {"form": "report", "unit": "1", "cycle": cycle.pk, "status": "done", "text": "x"},
    )
    assert "报送进展" not in denied.content.decode()
    assert ProgressReport.objects.count() == 1


def test_returned_report_needs_a_comment_and_tells_the_unit(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=4)
    unit = demo_data.organ.units.get(name="律师工作管理科")
    report = services.submit_report(
        task,
        actor=demo_data.users["editor"],
        unit=unit,
        cycle=plan.cycles.first(),
        status="in_progress",
        text="推进中",
    )
    coordinator = staff_client("coordinator")
    coordinator.post(
        f"/staff/plans/tasks/{task.pk}/action/", {"action": "return", "report": report.pk}
    )
    report.refresh_from_db()
    assert report.review_status == "submitted"
    coordinator.post(
        f"/staff/plans/tasks/{task.pk}/action/",
        {"action": "return", "report": report.pk, "comment": "请补充佐证材料"},
    )
    report.refresh_from_db()
    assert report.review_status == "returned"
    notice = Notification.objects.get(user__username="editor", kind="report_returned")
    assert "请补充佐证材料" in notice.message


def test_group_assignments_let_member_units_report(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=8)  # 业务科室 leads
    unit = demo_data.organ.units.get(name="律师工作管理科")
    report = services.submit_report(
        task,
        actor=demo_data.users["editor"],
        unit=unit,
        cycle=plan.cycles.first(),
        status="in_progress",
        text="已起草解读材料",
    )
    assert report.assignment.group is not None
    assert report.assignment.group.name == "业务科室"


def test_exports_open_as_office_files(demo_data: DemoContext) -> None:
    import docx
    import openpyxl

    plan = Plan.objects.get()
    client = staff_client("leader")
    xlsx = client.get(f"/staff/plans/{plan.pk}/export/progress.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [
        "序号",
        "工作任务",
        "具体要求",
        "牵头单位",
        "进展情况",
        "状态",
    ]
    assert sheet.max_row == 2 + 32
    document = docx.Document(
        io.BytesIO(client.get(f"/staff/plans/{plan.pk}/export/progress.docx").content)
    )
    assert len(document.tables[0].rows) == 33
    assert document.tables[0].cell(1, 1).text == "深化政务公开"
    plan_sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/staff/plans/{plan.pk}/export/plan.xlsx").content)
    ).active
    assert plan_sheet is not None
    assert plan_sheet.cell(30, 6).value == "中山市公职律师事务所"


def test_editing_split_merge_move_withdraw_and_copy(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    coordinator = demo_data.users["coordinator"]
    first, second = plan.tasks.get(seq=30), plan.tasks.get(seq=31)
    merged = services.merge_tasks([first, second], actor=coordinator)
    second.refresh_from_db()
    assert second.withdrawn_reason == "已合并至任务 30"
    assert "主要负责人" in merged.requirement
    parts = services.split_task(
        plan.tasks.get(seq=32),
        actor=coordinator,
        parts=["对局门户网站实施全面改版", "做好日常监测和绩效评估"],
    )
    assert [t.seq for t in parts] == [33, 34]
    assert parts[0].assignments.get().unit.name == "办公室"
    task = plan.tasks.get(seq=5)
    services.update_task(task, actor=coordinator, deadline_text="年底前")
    assert task.due_on == dt.date(2019, 12, 31)
    before = [t.seq for t in plan.tasks.order_by("sort_order")][:3]
    services.move_task(plan.tasks.get(seq=2), actor=coordinator, up=True)
    after = [t.seq for t in plan.tasks.order_by("sort_order")][:3]
    assert before == [1, 2, 3]
    assert after == [2, 1, 3]
    copy = services.copy_plan_to_year(plan, actor=coordinator, year=2020)
    assert copy.title == "中山市司法局 2020 年政务公开工作要点分工方案"
    assert copy.tasks.count() == plan.tasks.active().count()
    assert copy.tasks.get(seq=5).due_on == dt.date(2020, 12, 31)
    assert not ProgressReport.objects.filter(task__plan=copy).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "workplan.task.updated",
        "workplan.task.withdrawn",
        "workplan.task.moved",
        "workplan.plan.copied",
    } <= actions


def test_reminders_then_escalation(demo_data: DemoContext) -> None:
    from gongkai.core.actors import SYSTEM

    demo_data.users["editor"].email = "wf@example.gov.cn"
    demo_data.users["editor"].save(update_fields=["email"])
    plan = Plan.objects.get()
    cycle = plan.cycles.get(seq=1)  # closes 2019-09-30
    counts = services.send_reminders(today=dt.date(2019, 9, 20), actor=SYSTEM)
    assert counts["reminders"] == 0
    counts = services.send_reminders(today=dt.date(2019, 9, 26), actor=SYSTEM)
    assert counts["reminders"] > 0
    assert Notification.objects.filter(user=demo_data.users["editor"], kind="reminder").exists()
    assert any("wf@example.gov.cn" in m.to for m in mail.outbox)
    again = services.send_reminders(today=dt.date(2019, 9, 27), actor=SYSTEM)
    assert again["reminders"] == 0  # told once
    escalated = services.send_reminders(today=cycle.closes_on + dt.timedelta(days=1), actor=SYSTEM)
    assert escalated["escalations"] > 0
    assert Notification.objects.filter(user=demo_data.users["leader"], kind="escalation").exists()
    page = staff_client("leader").get("/staff/plans/notifications/").content.decode()
    assert "未按时报送" in page


def test_dashboard_query_count_does_not_grow(demo_data: DemoContext) -> None:
    client = staff_client("coordinator")
    client.get("/staff/plans/dashboard/")
    with CaptureQueriesContext(connection) as one_plan:
        client.get("/staff/plans/dashboard/")
    plan = Plan.objects.get()
    services.copy_plan_to_year(plan, actor=demo_data.users["coordinator"], year=2020)
    with CaptureQueriesContext(connection) as two_plans:
        page = client.get("/staff/plans/dashboard/").content.decode()
    assert "已完成 0 / 64 项" in page
    assert len(two_plans) == len(one_plan)


def test_overdue_is_derived_from_the_due_date(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=6)
    services.update_task(
        task, actor=demo_data.users["coordinator"], deadline_text="2019年9月30日前"
    )
    page = staff_client("coordinator").get("/staff/plans/dashboard/").content.decode()
    assert "逾期 1 项" in page
    assert Task.objects.filter(pk=task.pk, due_on=dt.date(2019, 9, 30)).exists()


def test_send_reminders_command_and_indicator_on_the_task_page(demo_data: DemoContext) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_reminders", "--date", "2019-09-26", stdout=out)
    assert "提醒" in out.getvalue()
    assert Notification.objects.filter(kind="reminder").exists()
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=4)
    coordinator = staff_client("coordinator")
    coordinator.post(
        f"/staff/plans/tasks/{task.pk}/action/",
        {"action": "indicator", "key": "workplan.on_time_reporting"},
    )
    page = coordinator.get(f"/staff/plans/tasks/{task.pk}/").content.decode()
    assert "按时报送率" in page
    assert "0 / 2 次按时报送" in page
    assert AuditEvent.objects.filter(action="workplan.task.indicator_added").count() == 1


def test_only_a_coordinator_adds_a_known_indicator(demo_data: DemoContext) -> None:
    task = Plan.objects.get().tasks.get(seq=4)
    editor = staff_client("editor")
    editor.post(
        f"/staff/plans/tasks/{task.pk}/action/",
        {"action": "indicator", "key": "workplan.on_time_reporting"},
    )
    assert not task.indicators.exists()
    with pytest.raises(InvalidInput):
        services.add_task_indicator(
            task, actor=demo_data.users["coordinator"], key="no.such.indicator"
        )
    assert not task.indicators.exists()


def test_merge_from_the_plan_page_and_custom_cycles(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    client = staff_client("coordinator")
    client.post(f"/staff/plans/{plan.pk}/action/", {"action": "merge", "seqs": "25,26"})
    assert plan.tasks.get(seq=26).withdrawn_reason == "已合并至任务 25"
    response = client.post(
        f"/staff/plans/{plan.pk}/action/",
        {
            "action": "cycles",
            "kind": "custom",
            "custom": "年中,2019-08-15,2019-10-31\n年终,2019-11-01,2019-12-31",
        },
    )
    assert response.status_code == 302
    assert list(plan.cycles.values_list("title", flat=True)) == ["年中", "年终"]
    bad = client.post(
        f"/staff/plans/{plan.pk}/action/",
        {"action": "cycles", "kind": "custom", "custom": "年中,2019/08/15"},
        follow=True,
    )
    assert "第 1 行格式应为" in bad.content.decode()


def test_evidence_files_need_a_login_and_the_right_organ(
    demo_data: DemoContext, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    plan = Plan.objects.get()
    task = plan.tasks.get(seq=4)
    unit = demo_data.organ.units.get(name="律师工作管理科")
    report = services.submit_report(
        task,
        actor=demo_data.users["editor"],
        unit=unit,
        cycle=plan.cycles.first(),
        status="done",
        text="完成",
        files=[SimpleUploadedFile("内部材料.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    evidence = report.evidence.get()
    url = f"/staff/plans/evidence/{evidence.pk}/"
    assert Client().get(url).status_code == 302  # to the login page
    response = staff_client("leader").get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(f"/media/{evidence.file.name}").status_code == 404


def test_a_group_task_is_done_only_when_every_member_is(demo_data: DemoContext) -> None:
    from gongkai.core.actors import SYSTEM

    plan = Plan.objects.get()
    task = plan.tasks.get(seq=8)  # 业务科室 (six divisions) lead
    lawyers = demo_data.organ.units.get(name="律师工作管理科")
    report = services.submit_report(
        task,
        actor=demo_data.users["editor"],
        unit=lawyers,
        cycle=plan.cycles.first(),
        status="done",
        text="完成",
    )
    services.review_report(report, actor=demo_data.users["coordinator"], accept=True)
    group = report.assignment
    group.refresh_from_db()
    assert group.accepted_status == "in_progress"  # one member of six is done
    from gongkai.accounts import services as accounts

    public_services = demo_data.organ.units.get(name="公共法律服务管理科")
    colleague = accounts.create_user(
        actor=SYSTEM,
        organ=demo_data.organ,
        username="ggfw",
        password="Gong#fuwu2019",
        role="editor",
        units=[public_services],
    )
    services.send_reminders(today=dt.date(2019, 9, 26), actor=SYSTEM)
    reminded = Notification.objects.filter(kind="reminder", message__contains="任务 8")
    assert reminded.filter(user=colleague).exists()  # a member that has not reported yet
    assert not reminded.filter(user=demo_data.users["editor"]).exists()  # reported already


def test_merge_and_link_refuse_nonsense(demo_data: DemoContext) -> None:
    from gongkai.core.errors import InvalidInput

    plan = Plan.objects.get()
    task = plan.tasks.get(seq=3)
    with pytest.raises(InvalidInput):
        services.merge_tasks([task, task], actor=demo_data.users["coordinator"])
    with pytest.raises(InvalidInput):
        services.link_plan(plan, actor=demo_data.users["coordinator"], parent=plan)
    client = staff_client("coordinator")
    response = client.post(
        f"/staff/plans/tasks/{task.pk}/action/", {"action": "accept", "report": "abc"}
    )
    assert response.status_code == 404
    bad = client.post(
        "/staff/plans/import/", {"file": SimpleUploadedFile("broken.docx", b"PK\x03\x04broken")}
    )
    assert bad.status_code == 400
    assert "损坏" in bad.content.decode()
