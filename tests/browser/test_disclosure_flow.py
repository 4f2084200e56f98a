"""Proactive disclosure in a browser: an editor drafts, the reviewer decides, the leader approves,
the coordinator publishes, the public page shows it with its index number."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

PASSWORD = "Zhongshan#2019"


def _login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()
    return page


def test_draft_review_approve_publish(live_server: Any, demo: Any, browser: Browser) -> None:
    base = live_server.url
    editor = _login(browser, base, "editor")
    editor.get_by_role("navigation", name="模块导航").get_by_role("link", name="主动公开").click()
    editor.get_by_role("link", name="新建信息").click()
    editor.get_by_label("名称").fill("2026年第四季度行政处罚结果公示")
    editor.get_by_label("目录栏目").select_option(label="行政处罚、行政强制")
    editor.get_by_label("正文").fill("依法公示本季度作出的行政处罚决定。")
    editor.get_by_role("button", name="保存草稿").click()
    expect(editor.get_by_text("已保存草稿。")).to_be_visible()
    editor.get_by_role("button", name="提交保密审查").click()
    expect(editor.get_by_text("待保密审查").first).to_be_visible()
    item_url = editor.url

    reviewer = _login(browser, base, "reviewer")
    reviewer.get_by_role("navigation", name="模块导航").get_by_role("link", name="保密审查").click()
    reviewer.get_by_role("link", name="2026年第四季度行政处罚结果公示").click()
    reviewer.get_by_label("保密审查意见").select_option(label="部分公开")
    reviewer.get_by_role("button", name="记录审查意见").click()
    expect(reviewer.get_by_text("部分公开或不予公开时须写明法律依据")).to_be_visible()
    reviewer.get_by_label("保密审查意见").select_option(label="部分公开")
    reviewer.get_by_label("法律依据").fill("条例第十五条（个人隐私）")
    reviewer.get_by_role("button", name="记录审查意见").click()
    expect(reviewer.get_by_text("部分公开（条例第十五条（个人隐私））")).to_be_visible()

    leader = _login(browser, base, "leader")
    leader.goto(item_url)
    leader.get_by_role("button", name="审批通过").click()
    coordinator = _login(browser, base, "coordinator")
    coordinator.goto(item_url)
    coordinator.get_by_role("button", name="发布").click()
    expect(coordinator.get_by_text("已发布").first).to_be_visible()
    coordinator.get_by_role("link", name="查看公开页面").click()
    expect(
        coordinator.get_by_role("heading", name="2026年第四季度行政处罚结果公示")
    ).to_be_visible()
    expect(coordinator.get_by_role("table", name="信息元数据")).to_contain_text("-0000")
