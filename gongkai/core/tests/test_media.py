"""Public uploads by URL (embedded mode): organ logos only, each name taken as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.core.uploads import public_media_file

LOGO = "organ-logos/2026/03/0123456789abcdef0123456789abcdef.png"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    media = tmp_path / "media"
    (media / LOGO).parent.mkdir(parents=True)
    (media / LOGO).write_bytes(b"logo")
    (media / "foi").mkdir()
    (media / "foi" / "id.png").write_bytes(b"secret")
    return media


def test_a_logo_is_served_by_its_stored_name(root: Path) -> None:
    assert public_media_file(root, LOGO) == (root / LOGO).resolve()


@pytest.mark.parametrize(
    "path",
    [
        "foi/id.png",
        "organ-logos/../foi/id.png",
        "organ-logos/./../foi/id.png",
        "organ-logos//foi/id.png",
        "organ-logos/..\\foi\\id.png",
        "organ-logos/%2e%2e/foi/id.png",
        "organ-logos/.hidden",
        "organ-logos",
        "organ-logos/",
        "organ-logos/2026/03",
        "organ-logos/2026/03/x.png\x00",
        "./organ-logos/2026/03/0123456789abcdef0123456789abcdef.png",
    ],
)
def test_anything_but_a_plain_public_name_is_refused(root: Path, path: str) -> None:
    assert public_media_file(root, path) is None


def test_a_link_out_of_the_public_folder_is_refused(root: Path) -> None:
    (root / "organ-logos" / "2026" / "link.png").symlink_to(root / "foi" / "id.png")
    (root / "organ-logos" / "up").symlink_to(root / "foi")
    assert public_media_file(root, "organ-logos/2026/link.png") is None
    assert public_media_file(root, "organ-logos/up/id.png") is None
