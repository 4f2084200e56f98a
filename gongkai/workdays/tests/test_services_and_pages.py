"""The calendar in the database: seeded data, notice import (CLI and page), corrections,
clocks recomputed when a notice arrives, the API and the public calculator."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent
from gongkai.core.time import today_local
from gongkai.workdays import services
from gongkai.workdays.models import CalendarDay, CalendarYear, Clock
from gongkai.workdays.selectors import get_calendar, get_clock_proof

pytestmark = pytest.mark.django_db
NOTICES = Path(__file__).parent / "notices"
D = dt.date


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_migration_seeds_2004_to_2026_with_chinese_names() -> None:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    assert years[0] == 2004
    assert years[-1] == 2026
    day = CalendarDay.objects.get(date=D(2026, 2, 17))
    assert (day.kind, day.name, day.source) == ("holiday", "春节", "seeded")
    assert get_calendar().day_info(D(2026, 2, 14)).kind == "makeup"


def test_cli_add_between_and_json() -> None:
    assert json.loads(_cli("add", "2026-09-30", "1", "--json")) == {
        "date": "2026-10-08",
        "provisional": False,
    }
    assert json.loads(_cli("add", "2026-12-20", "20", "--json")) == {
        "date": "2027-01-18",
        "provisional": True,
    }
    assert "暂定" in _cli("add", "2026-12-20", "20")
    assert _cli("between", "2026-09-30", "2026-10-12") == "4"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _cli("add", "2026/09/30", "1")


def test_cli_import_dry_run_json_saves_nothing() -> None:
    before = CalendarDay.objects.count()
    data = json.loads(_cli("import_notice", str(NOTICES / "2026.txt"), "--dry-run", "--json"))
    assert data["year"] == 2026
    assert data["makeup_workdays"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert CalendarDay.objects.count() == before
    assert CalendarYear.objects.get(year=2026).source == "seeded"


def test_cli_import_refuses_a_bad_notice_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    bad.write_text(text.replace("共9天", "共10天"), encoding="gb18030")
    with pytest.raises(CommandError, match="第 7 行"):
        _cli("import_notice", str(bad))


def test_cli_imports_a_docx_notice(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in (NOTICES / "2026.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "通知.docx"
    document.save(str(path))
    _cli("import_notice", str(path))
    record = CalendarYear.objects.get(year=2026)
    assert record.source == "notice"
    assert record.notice_title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert AuditEvent.objects.filter(action="workdays.notice.imported").exists()
    assert {d.date for d in CalendarDay.objects.filter(notice_year=2026, kind="makeup")} == {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }


def test_a_2027_deadline_becomes_final_when_the_notice_arrives(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock = services.start_clock(
        world.organ,
        actor=world.users[Role.EDITOR],
        purpose="政府信息公开申请答复",
        start_on=D(2026, 12, 20),
        limit_days=20,
        basis="《政府信息公开条例》第三十三条",
    )
    assert clock.due_on == D(2027, 1, 18)
    assert clock.provisional
    with django_capture_on_commit_callbacks(execute=True):
        _cli("import_notice", str(NOTICES / "2027-example.txt"))
    clock.refresh_from_db()
    assert clock.provisional is False
    assert clock.due_on == D(2027, 1, 18)
    proof = get_clock_proof(clock, today=D(2026, 12, 21))
    assert not any(day.provisional for day in proof.days)
    assert "元旦" in {d.date: d.reason for d in proof.days}[D(2027, 1, 1)]


def test_notice_import_moves_due_dates_of_open_clocks(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock = services.start_clock(
        world.organ, actor=SYSTEM, purpose="答复", start_on=D(2027, 1, 29), limit_days=5
    )
    # provisional: 春节 除夕 02-05 to 初三 02-08, 补假 02-09 and 02-10 for the weekend
    assert clock.due_on == D(2027, 2, 11)
    from gongkai.workdays.notice import parse_notice

    notice = (NOTICES / "2027-example.txt").read_text(encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_notice(parse_notice(notice), actor=SYSTEM, text=notice)
    clock.refresh_from_db()
    assert clock.due_on == D(2027, 2, 15)  # the notice's break runs to 02-12
    assert AuditEvent.objects.filter(action="workdays.clocks.recomputed").exists()


def test_a_calendar_change_is_announced_in_its_transaction_with_the_new_calendar(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gongkai.workdays.signals import calendar_changed

    admin = world.users[Role.ADMIN]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    heard: list[tuple[Any, bool]] = []

    def listen(sender: Any, *, actor: Any, calendar: Any, **kwargs: Any) -> None:
        heard.append((actor, calendar.is_working_day(D(2026, 3, 9))))

    calendar_changed.connect(listen, dispatch_uid="test.listen")
    try:
        with django_capture_on_commit_callbacks(execute=False):
            services.correct_day(
                D(2026, 3, 9), actor=admin, kind="holiday", name="临时放假", reason="测试"
            )
            assert heard == [(admin, False)]  # before the commit, with the corrected day
    finally:
        calendar_changed.disconnect(dispatch_uid="test.listen")


def test_clock_events_are_recorded_and_capped(world: Any) -> None:
    editor = world.users[Role.EDITOR]
    clock = services.start_clock(
        world.organ,
        actor=editor,
        purpose="答复",
        start_on=D(2026, 3, 2),
        limit_days=20,
        max_extension_days=20,
    )
    clock = services.add_clock_event(
        clock, actor=editor, kind="extend", on=D(2026, 3, 20), days=20, label="经负责人同意延长"
    )
    assert clock.due_on == get_calendar().add_working_days(D(2026, 3, 2), 40).date
    from gongkai.workdays.clock import ClockError

    with pytest.raises(ClockError, match="超过上限"):
        services.add_clock_event(clock, actor=editor, kind="extend", on=D(2026, 3, 21), days=1)
    with pytest.raises(ClockError, match="不能早于"):
        services.add_clock_event(clock, actor=editor, kind="stop", on=D(2026, 3, 19))
    clock = services.add_clock_event(clock, actor=editor, kind="stop", on=D(2026, 4, 1))
    assert clock.state == "stopped"
    assert Clock.objects.open().count() == 0
    actions = set(
        AuditEvent.objects.filter(object_type="workdays.clock").values_list("action", flat=True)
    )
    assert actions == {
        "workdays.clock.started",
        "workdays.clock.extended",
        "workdays.clock.stopped",
    }


def test_overdue_queryset_uses_the_stored_due_date(world: Any) -> None:
    clock = services.start_clock(
        world.organ, actor=SYSTEM, purpose="答复", start_on=D(2026, 3, 2), limit_days=20
    )
    assert list(Clock.objects.overdue(today=D(2026, 3, 30))) == []
    assert list(Clock.objects.overdue(today=D(2026, 3, 31))) == [clock]


def test_admin_corrects_a_day_and_the_arithmetic_follows(world: Any, client: Client) -> None:
    admin = world.users[Role.ADMIN]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    assert get_calendar().is_working_day(D(2026, 3, 9))
    response = client.post(
        "/staff/workdays/2026/",
        {"date": "2026-03-09", "kind": "holiday", "name": "临时放假", "reason": "测试更正"},
    )
    assert response.status_code == 302
    assert not get_calendar().is_working_day(D(2026, 3, 9))
    event = AuditEvent.objects.get(action="workdays.day.corrected")
    assert event.changes_data["after"] == ["holiday", "临时放假"]
    bad = client.post(
        "/staff/workdays/2026/", {"date": "2026-03-10", "kind": "makeup", "reason": "x"}
    )
    assert "必须是周六或周日" in bad.content.decode()


def test_year_page_marks_days_and_warns_for_provisional_years(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.EDITOR])
    page = client.get("/staff/workdays/2026/").content.decode()
    assert 'class="day makeup" title="2026-02-14 春节 调休上班"' in page
    assert 'class="day holiday" title="2026-10-01 国庆节"' in page
    assert "更正某一天" not in page
    later = client.get("/staff/workdays/2027/").content.decode()
    assert "尚未导入" in later
    assert client.get("/staff/workdays/import/").status_code == 404


def test_import_page_previews_then_saves(world: Any, client: Client) -> None:
    admin = world.users[Role.ADMIN]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    notice = (NOTICES / "2027-example.txt").read_text(encoding="utf-8")
    bad = client.post(
        "/staff/workdays/import/", {"text": notice.replace("（周五）", "（周一）", 1)}
    )
    assert bad.status_code == 400
    assert "第 3 行" in bad.content.decode()
    assert "测试样例" in bad.content.decode()  # the pasted text is kept
    preview = client.post("/staff/workdays/import/", {"text": notice})
    assert "预览：2027 年" in preview.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    saved = client.post("/staff/workdays/import/", {"text": notice, "confirm": "1"})
    assert saved.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "notice"
    assert not get_calendar().is_provisional(D(2027, 5, 1))


def test_workspace_tells_admins_which_notice_is_missing(world: Any, client: Client) -> None:
    admin = world.users[Role.ADMIN]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    page = client.get("/staff/").content.decode()
    next_year = today_local().year + 1
    assert (f"<strong>{next_year}</strong>" in page) == (
        not CalendarYear.objects.filter(year=next_year).exists()
    )


def test_public_calculator_explains_and_flags_provisional(client: Client) -> None:
    page = client.get("/workdays/", {"start": "2026-09-30", "n": "1"}).content.decode()
    assert "2026年9月30日 起第 1 个工作日是 2026年10月8日" in page
    assert "国庆节（法定节假日），不计入" in page
    assert "暂定" not in page.split("逐日计算过程")[0].split("<h2")[1]
    later = client.get("/workdays/", {"start": "2026-12-20", "n": "20"}).content.decode()
    assert "2027年1月18日" in later
    assert '<span class="badge">暂定</span>' in later
    bad = client.get("/workdays/", {"start": "2026-13-01", "n": "0"})
    assert bad.status_code == 200
    assert "field-error" in bad.content.decode()


def test_api_add_between_and_calendar(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.EDITOR])
    added = client.get("/api/v1/workdays/add", {"start": "2026-12-20", "n": 20}).json()
    assert added["date"] == "2027-01-18"
    assert added["provisional"] is True
    assert added["proof"][0]["reason"].startswith("起算日")
    between = client.get("/api/v1/workdays/between", {"a": "2026-09-30", "b": "2026-10-12"})
    assert between.json() == {"working_days": 4, "provisional": False}
    year = client.get("/api/v1/workdays/calendar/2026").json()
    assert len(year["makeup_workdays"]) == 6
    bad = client.get("/api/v1/workdays/add", {"start": "2026-12-20", "n": 0})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
