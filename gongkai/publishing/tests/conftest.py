"""Fixtures of the publisher's tests: a site root of the test's own, the organ's catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def site(settings: Any, tmp_path: Path) -> Path:
    settings.GONGKAI_SITE_ROOT = tmp_path / "site"
    settings.GONGKAI_SITE_PAGE_SIZE = 3
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    return Path(settings.GONGKAI_SITE_ROOT)


@pytest.fixture
def nodes(world: Any) -> dict[str, Any]:
    from gongkai.disclosure.catalogue import ensure_catalogue

    return {n.code: n for n in ensure_catalogue(world.organ)}
