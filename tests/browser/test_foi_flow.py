"""An applicant files an information request in a real browser, then looks it up."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from gongkai.foi.tests.test_services import RESIDENT_ID


def test_applicant_files_a_request_and_checks_its_status(
    live_server: Any, demo: Any, page: Page
) -> None:
    from gongkai.accounts.models import Organ

    organ = Organ.objects.order_by("pk").first()
    assert organ is not None
    page.goto(f"{live_server.url}/ysqgk/{organ.pk}/apply/")
    page.get_by_label("姓名或名称").fill("张三")
    page.get_by_label("证件号码").fill(RESIDENT_ID[:-1] + ("0" if RESIDENT_ID[-1] != "0" else "1"))
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("所需信息的名称").fill("2025年行政处罚决定书")
    challenge = page.get_by_label(re.compile("验证：请计算"))
    question = re.search(r"(\d) \+ (\d)", challenge.evaluate("e => e.labels[0].textContent"))
    assert question is not None
    challenge.fill(str(int(question.group(1)) + int(question.group(2))))
    page.get_by_role("button", name="提交申请").click()

    # a wrong check digit is reported next to the field; what was typed stays
    expect(page.locator("#id_id_number-error")).to_contain_text("校验位")
    expect(page.get_by_label("所需信息的名称")).to_have_value("2025年行政处罚决定书")

    page.get_by_label("证件号码").fill(RESIDENT_ID)
    challenge = page.get_by_label(re.compile("验证：请计算"))
    question = re.search(r"(\d) \+ (\d)", challenge.evaluate("e => e.labels[0].textContent"))
    assert question is not None
    challenge.fill(str(int(question.group(1)) + int(question.group(2))))
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator("#application-number").inner_text()
    code = page.locator("#query-code").inner_text()
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("申请编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name=re.compile("查询")).click()
    expect(page.locator("main")).to_contain_text("待确认收到")
