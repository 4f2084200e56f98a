"""The public application form under unlucky input, in a real browser: a wrong answer to the
challenge, then the right one; a file too large for the form."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from gongkai.foi.tests.test_letters import PNG
from gongkai.foi.tests.test_services import RESIDENT_ID

NUMERALS = "〇一二三四五六七八九"


def answer_challenge(page: Page) -> str:
    """Read the question from the label of the answer field, as a screen reader would, and
    answer it: a sum, or digits written in Chinese."""
    field = page.get_by_label(re.compile("验证"))
    text = field.evaluate("e => e.labels[0].textContent")
    found = re.search(r"(\d+) (?:\+|加) (\d+)", text)
    if found is not None:
        return str(int(found.group(1)) + int(found.group(2)))
    words = re.findall(f"[{NUMERALS}]", text)
    assert len(words) == 4, text
    return "".join(str(NUMERALS.index(w)) for w in words)


def _organ() -> Any:
    from gongkai.accounts.models import Organ

    organ = Organ.objects.order_by("pk").first()
    assert organ is not None
    return organ


def _fill(page: Page) -> None:
    page.get_by_label("姓名或名称").fill("张三")
    page.get_by_label("证件号码").fill(RESIDENT_ID)
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("所需信息的名称").fill("2025年行政处罚决定书")


def test_a_wrong_answer_then_the_right_one_is_accepted(
    live_server: Any, demo: Any, page: Page, tmp_path: Any
) -> None:
    from gongkai.foi.models import InfoRequest

    scan = tmp_path / "身份证.png"
    scan.write_bytes(PNG)
    page.goto(f"{live_server.url}/ysqgk/{_organ().pk}/apply/")
    _fill(page)
    page.get_by_label("身份证明").set_input_files(str(scan))
    right = answer_challenge(page)
    page.get_by_label(re.compile("验证")).fill(str(int(right) + 1))
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator("#id_challenge_answer-error")).to_be_visible()
    expect(page.get_by_label("所需信息的名称")).to_have_value("2025年行政处罚决定书")
    expect(page.locator("#id_id_copy-kept")).to_contain_text("身份证.png")
    page.get_by_label(re.compile("验证")).fill(answer_challenge(page))
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    application = InfoRequest.objects.get(number=page.locator("#application-number").inner_text())
    assert [a.original_name for a in application.attachments.all()] == ["身份证.png"]


def test_a_file_over_the_limit_is_refused_before_it_is_uploaded(
    live_server: Any, demo: Any, page: Page, tmp_path: Any
) -> None:
    from gongkai.foi.services import ATTACHMENT_POLICY

    big = tmp_path / "扫描件.png"
    big.write_bytes(PNG + b"\0" * ATTACHMENT_POLICY.limit)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/ysqgk/{_organ().pk}/apply/")
    _fill(page)
    page.get_by_label("身份证明").set_input_files(str(big))

    note = page.locator("#id_id_copy-size")
    expect(note).to_be_visible()
    expect(note).to_contain_text("文件超过 10.0")
    expect(page.get_by_label("身份证明")).to_have_attribute("aria-invalid", "true")
    assert page.get_by_label("身份证明").evaluate("e => e.files.length") == 0
    assert posts == []  # nothing was sent
    expect(page.get_by_label("所需信息的名称")).to_have_value("2025年行政处罚决定书")


def test_a_large_file_goes_up_with_a_progress_bar_and_is_kept(
    live_server: Any, demo: Any, page: Page, tmp_path: Any
) -> None:
    from gongkai.foi.models import InfoRequest

    scan = tmp_path / "扫描件.png"
    scan.write_bytes(PNG + b"\0" * (3 * 1024 * 1024))
    kinds: list[str] = []
    page.on("request", lambda r: kinds.append(r.resource_type) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/ysqgk/{_organ().pk}/apply/")
    _fill(page)
    page.get_by_label("身份证明").set_input_files(str(scan))
    page.get_by_label(re.compile("验证")).fill("0")  # wrong: the form comes back
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator("#id_challenge_answer-error")).to_be_visible()
    expect(page.locator("#id_id_copy-kept")).to_contain_text("扫描件.png")
    assert kinds == ["xhr"]  # sent by the script, with the bar
    expect(page.get_by_label("所需信息的名称")).to_have_value("2025年行政处罚决定书")
    page.get_by_label(re.compile("验证")).fill(answer_challenge(page))
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator("#application-number").inner_text()
    assert InfoRequest.objects.get(number=number).attachments.get().size > 3 * 1024 * 1024
