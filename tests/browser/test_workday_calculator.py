"""The public working-day calculator in a real browser, and the staff calendar page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect


def test_applicant_checks_a_deadline_over_national_day(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/workdays/")
    page.get_by_label("起算日（如收到申请之日）").fill("2026-09-30")
    page.get_by_label("工作日数").fill("1")
    page.get_by_role("button", name="计算").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2026年10月8日")
    table = page.get_by_role("table", name="逐日计算过程")
    expect(table.get_by_role("row")).to_have_count(1 + 9)
    expect(table).to_contain_text("国庆节（法定节假日），不计入")


def test_staff_calendar_marks_make_up_days(live_server: Any, demo: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("Zhongshan#2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="模块导航").get_by_role("link", name="工作日历").click()
    page.goto(f"{live_server.url}/staff/workdays/2026/")
    expect(page.locator('td[title="2026-02-14 春节 调休上班"]')).to_have_class("day makeup")
    expect(page.get_by_role("heading", name="2026 年工作日历")).to_be_visible()
