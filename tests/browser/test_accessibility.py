"""Accessibility of the public pages: the Nu HTML checker reports no errors and axe-core in
Chromium no serious or critical violations, on the home, list, item and search pages (the
published files, as visitors get them) and the application form."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

TOOLS = Path(__file__).resolve().parents[2] / ".tools"
VNU, AXE = TOOLS / "vnu.jar", TOOLS / "axe.min.js"


def _require(condition: bool, what: str) -> None:
    if condition:
        return
    if os.environ.get("CI") or os.environ.get("GONGKAI_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is required (make a11y-tools)")
    pytest.skip(f"{what} missing (make a11y-tools)")


def _pages(demo_site: Any) -> list[str]:
    from gongkai.disclosure.models import DisclosureItem

    item = DisclosureItem.objects.get(status="published")
    return [
        "/",
        f"/xxgk/{item.organ_id}/{item.node.code}/",
        item.public_url(),
        "/search/?q=分工方案",
        f"/ysqgk/{item.organ_id}/apply/",
    ]


@pytest.fixture
def demo_site(live_server: Any, demo: Any) -> Any:
    from gongkai.publishing.services import build_site

    build_site(jobs=1)
    return live_server


def test_nu_checker_finds_no_errors(demo_site: Any, tmp_path: Path) -> None:
    import urllib.request

    _require(VNU.exists(), "vnu.jar")
    _require(shutil.which("java") is not None, "java")
    files = []
    for n, url in enumerate(_pages(demo_site)):
        body = urllib.request.urlopen(  # noqa: S310 - the live test server
            demo_site.url + url.replace("分工方案", "%E5%88%86%E5%B7%A5%E6%96%B9%E6%A1%88")
        ).read()
        target = tmp_path / f"page{n}.html"
        target.write_bytes(body)
        files.append(str(target))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert errors == []


def test_axe_finds_no_serious_violations(demo_site: Any, browser: Browser) -> None:
    _require(AXE.exists(), "axe.min.js")
    context = browser.new_context(bypass_csp=True)  # to inject axe itself
    page = context.new_page()
    problems = []
    for url in _pages(demo_site):
        for elder in (False, True):  # the 长者模式 colours must pass too
            page.goto(demo_site.url + url)
            if elder:
                page.get_by_role("button", name="长者模式").click()
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            problems += [
                f"{url}{' (长者模式)' if elder else ''}: {v['id']} {v['impact']}: {v['help']} "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if elder:
                page.get_by_role("button", name="长者模式").click()  # back to normal
    context.close()
    assert problems == []


def test_pages_fit_a_360_px_screen_and_work_by_keyboard(demo_site: Any, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for url in _pages(demo_site):
        page.goto(demo_site.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} scrolls sideways ({width}px)"
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")  # the first stop is the skip link, and it is visible
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()
