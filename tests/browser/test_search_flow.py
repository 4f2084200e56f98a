"""The public site in a browser: search finds the demo notice with a highlighted snippet; after
the coordinator withdraws it, it is gone from the results and its page shows the banner."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_disclosure_flow import _login


def test_search_then_withdrawal(live_server: Any, demo: Any, page: Page, browser: Browser) -> None:
    from gongkai.disclosure.models import DisclosureItem

    item = DisclosureItem.objects.get(status="published")
    base = live_server.url
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name=item.title)).to_be_visible()  # the home page lists it
    page.goto(f"{base}/search/")
    page.get_by_label("关键词").fill("分工方案")
    page.get_by_role("button", name="搜索").click()
    result = page.locator("ol.hits li").first
    expect(result.get_by_role("link")).to_have_text(item.title)
    expect(result.locator("mark").first).to_have_text("分工方案")

    staff = _login(browser, base, "coordinator")
    staff.goto(f"{base}/staff/disclosure/{item.pk}/")
    staff.get_by_placeholder("撤回原因（必填）").fill("方案已调整")
    staff.get_by_role("button", name="撤回").click()
    expect(staff.locator("main")).to_contain_text("已撤回")

    page.get_by_role("button", name="搜索").click()
    expect(page.locator("main")).to_contain_text("没有找到")
    page.goto(f"{base}{item.public_url()}")
    expect(page.locator("main")).to_contain_text("本信息已撤回")
    expect(page.locator("main")).to_contain_text("方案已调整")
