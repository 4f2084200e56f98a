"""Browser tests drive Debian's chromium through Playwright; no browser is downloaded.

Where chromium is missing the tests are skipped on a developer's machine, but fail under CI
(``CI`` or ``GONGKAI_REQUIRE_BROWSER`` set), so a green CI always means they ran.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def _browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("GONGKAI_REQUIRE_BROWSER"))


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if _chromium_available():
        return
    if _browser_required():
        return  # each browser test then fails in browser_type_launch_args
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not _chromium_available():
        pytest.fail(f"chromium is required for browser tests but {CHROMIUM} is missing")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _restore_seeded_data(live_server: Any) -> None:
    """Live-server tests flush the database between tests; put the migrations' seed back."""
    from gongkai.workdays.models import CalendarDay, CalendarYear
    from gongkai.workdays.seed import seed_calendar

    seed_calendar(CalendarYear, CalendarDay)
