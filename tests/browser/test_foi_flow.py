"""An information request in real browsers: the applicant files it and looks it up; staff
confirm receipt and ask for a correction; the applicant supplies it online and the clock restarts;
staff reply; the applicant downloads the reply letter."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from gongkai.foi.tests.test_services import RESIDENT_ID
from tests.browser.test_disclosure_flow import _login
from tests.browser.test_foi_form import answer_challenge


def test_applicant_files_a_request_and_checks_its_status(
    live_server: Any, demo: Any, page: Page, browser: Browser, tmp_path: Any
) -> None:
    from gongkai.accounts.models import Organ

    organ = Organ.objects.order_by("pk").first()
    assert organ is not None
    page.goto(f"{live_server.url}/ysqgk/{organ.pk}/apply/")
    page.get_by_label("姓名或名称").fill("张三")
    page.get_by_label("证件号码").fill(RESIDENT_ID[:-1] + ("0" if RESIDENT_ID[-1] != "0" else "1"))
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("所需信息的名称").fill("2025年行政处罚决定书")
    page.get_by_label(re.compile("验证")).fill(answer_challenge(page))
    page.get_by_role("button", name="提交申请").click()

    # a wrong check digit is reported next to the field; what was typed stays
    expect(page.locator("#id_id_number-error")).to_contain_text("校验位")
    expect(page.get_by_label("所需信息的名称")).to_have_value("2025年行政处罚决定书")

    page.get_by_label("证件号码").fill(RESIDENT_ID)
    expect(page.locator("#challenge-solved")).to_be_visible()  # answered once is enough
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator("#application-number").inner_text()
    code = page.locator("#query-code").inner_text()
    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("申请编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name=re.compile("查询")).click()
    expect(page.locator("main")).to_contain_text("待确认收到")

    # staff confirm receipt and send the one 补正 notice
    import datetime as dt

    from docx import Document

    from gongkai.core.time import today_local
    from gongkai.foi.models import InfoRequest
    from gongkai.workdays.selectors import get_calendar

    today = today_local()
    pk = InfoRequest.objects.get(number=number).pk
    staff = _login(browser, live_server.url, "coordinator")
    staff.goto(f"{live_server.url}/staff/requests/{pk}/")
    staff.get_by_label("确认收到之日").fill(today.isoformat())
    staff.get_by_role("button", name="确认收到").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("办理中")
    staff.get_by_text("补正告知（一次性）").click()  # the less common actions are folded
    staff.get_by_label("需要补正的内容").fill("请写明处罚决定书的文号或作出日期")
    staff.locator("#clarify-due").fill((today + dt.timedelta(days=14)).isoformat())
    staff.get_by_role("button", name="发出补正告知").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("待申请人补正")

    # the applicant sees what to correct, supplies it, and the count starts again today
    page.get_by_role("button", name=re.compile("查询")).click()
    expect(page.locator("main")).to_contain_text("请写明处罚决定书的文号或作出日期")
    page.get_by_label("补正内容").fill("文号：中司罚〔2025〕12号")
    page.get_by_role("button", name="提交补正").click()
    expect(page.locator("main")).to_contain_text("补正已提交")
    due = get_calendar().add_working_days(today, 20).date
    expect(page.locator("main")).to_contain_text(f"{due.year}年{due.month}月{due.day}日")
    expect(page.get_by_role("link", name="政府信息公开申请补正告知书")).to_be_visible()

    # staff reply; the applicant downloads the reply letter
    staff.reload()
    expect(staff.locator("#due-on")).to_contain_text(due.isoformat())
    staff.get_by_label("办理结果").select_option(label="予以公开")
    staff.get_by_label("答复内容").fill("所申请的处罚决定书见附件。")
    staff.get_by_role("button", name="答复", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("答复审签中")
    # 保密审查 and 签发 by two other people before it is sent (条例 第十七条)
    reviewer = _login(browser, live_server.url, "reviewer")
    reviewer.goto(f"{live_server.url}/staff/requests/{pk}/")
    reviewer.get_by_role("button", name="审查通过，提交签发").click()
    expect(reviewer.locator("#reply-draft")).to_contain_text("待签发")
    leader = _login(browser, live_server.url, "leader")
    leader.goto(f"{live_server.url}/staff/requests/{pk}/")
    leader.get_by_role("button", name="签发并答复").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已答复")
    expect(leader.locator("#history")).to_contain_text("保密审查通过，提交签发")

    page.get_by_role("button", name=re.compile("查询")).click()
    expect(page.locator("main")).to_contain_text("予以公开")
    with page.expect_download() as caught:
        page.get_by_role("link", name="政府信息公开申请答复告知书").click()
    download = caught.value
    assert download.suggested_filename.endswith(".docx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert number in text
    assert "所申请的处罚决定书见附件。" in text
    assert "行政复议" in text
