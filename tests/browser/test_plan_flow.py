"""The plan tracker end to end in a browser: import, report with evidence, accept, dashboard."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

PASSWORD = "Zhongshan#2019"
REFERENCE = (
    Path(__file__).resolve().parents[2]
    / "gongkai"
    / "workplan"
    / "demo_data"
    / "zhongshan_2019_plan.txt"
)


@pytest.fixture
def organ_only(transactional_db: Any) -> None:
    from gongkai.accounts import demo as accounts_demo
    from gongkai.core.demo import DemoContext

    accounts_demo.load(DemoContext(stdout=io.StringIO()))


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()


def test_import_report_accept_dashboard(
    live_server: Any, organ_only: None, browser: Browser, tmp_path: Path
) -> None:
    base = live_server.url
    coordinator = browser.new_context().new_page()
    _login(coordinator, base, "coordinator")
    coordinator.get_by_role("navigation", name="模块导航").get_by_role(
        "link", name="分工方案"
    ).click()
    coordinator.get_by_role("link", name="导入方案").click()
    coordinator.get_by_label("方案文件").set_input_files(str(REFERENCE))
    coordinator.get_by_role("button", name="解析并预览").click()
    expect(coordinator.get_by_text("9 个类别，32 项任务")).to_be_visible()
    expect(coordinator.get_by_text("中司办〔2019〕20号")).to_be_visible()
    coordinator.get_by_role("button", name="确认导入").click()
    expect(
        coordinator.get_by_role("heading", name="中山市司法局 2019 年政务公开工作要点分工方案")
    ).to_be_visible()
    expect(coordinator.get_by_role("table", name="任务").get_by_role("row")).to_have_count(33)

    editor = browser.new_context().new_page()
    _login(editor, base, "editor")
    editor.get_by_role("navigation", name="模块导航").get_by_role("link", name="我的任务").click()
    editor.get_by_role("link", name="及时在“信用中山”公布行政处理决定、行政处罚信息。").click()
    editor.get_by_label("进展状态").select_option(label="已完成")
    editor.get_by_label("进展情况").fill("已在“信用中山”公布行政处罚信息 12 条。")
    editor.get_by_label("佐证链接（每行一个）").fill("https://www.example.gov.cn/xyzs/2019/1")
    evidence = tmp_path / "公示截图.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    editor.get_by_label("佐证附件").set_input_files(str(evidence))
    editor.get_by_role("button", name="报送").click()
    expect(editor.get_by_text("进展已报送，等待公开办审核。")).to_be_visible()
    expect(editor.get_by_role("link", name="公示截图.pdf")).to_be_visible()

    coordinator.goto(f"{base}/staff/plans/dashboard/")
    expect(coordinator.get_by_text("已完成 0 / 32 项")).to_be_visible()
    coordinator.goto(editor.url)
    coordinator.get_by_role("button", name="采纳").click()
    expect(coordinator.get_by_text("已采纳", exact=True)).to_be_visible()
    coordinator.goto(f"{base}/staff/plans/dashboard/")
    expect(coordinator.get_by_text("已完成 1 / 32 项（3%）")).to_be_visible()
    expect(
        coordinator.get_by_role("table").get_by_role("row", name="律师工作管理科")
    ).to_contain_text("1/")
