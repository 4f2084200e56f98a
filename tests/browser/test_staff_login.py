"""Staff flows in a real browser: login to the workspace, and lock-out after five failures."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

PASSWORD = "Zhongshan#2019"


def _login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_coordinator_logs_in_and_sees_the_workspace(
    live_server: Any, demo: Any, page: Page
) -> None:
    _login(page, live_server.url, "coordinator", PASSWORD)
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="中山市司法局")).to_be_visible()
    expect(page.get_by_text("公开办（统筹协调）").first).to_be_visible()
    nav = page.get_by_role("navigation", name="模块导航")
    expect(nav.get_by_role("link", name="单位管理")).to_be_visible()
    expect(nav.get_by_role("link", name="审计日志")).to_have_count(0)
    nav.get_by_role("link", name="单位管理").click()
    expect(page.get_by_role("cell", name="律师工作管理科", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_five_wrong_passwords_lock_the_account(live_server: Any, demo: Any, page: Page) -> None:
    for _ in range(4):
        _login(page, live_server.url, "editor", "Wrong#password1")
        expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    _login(page, live_server.url, "editor", "Wrong#password1")
    expect(page.get_by_role("alert")).to_contain_text("账户已被锁定")
    _login(page, live_server.url, "editor", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("账户已被锁定")
    expect(page).to_have_url(f"{live_server.url}/staff/login/")


def test_workspace_fits_a_phone_screen(live_server: Any, demo: Any, page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    _login(page, live_server.url, "editor", PASSWORD)
    expect(page.get_by_role("heading", name="工作台", exact=True)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
