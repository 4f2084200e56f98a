"""Path traversal: the same hostile addresses against the embedded server (the application over
HTTP) and against deploy/nginx.conf (a real nginx in front of that application). Only the
public uploads (organ logos) are served by URL; applicants' files, letters, evidence and
unpublished attachments never are, however the path is spelt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongkai.publishing.nginx import NGINX, raw_get, running_nginx
from tests.serving import running_app

SECRET = b"SECRET-ID-COPY-440102199001011234"
LOGO = b"\x89PNG\r\n\x1a\nLOGO"
ID_COPY = "foi/2026/03/0123456789abcdef0123456789abcdef.png"
LETTER = "foi-letters/2026/03/fedcba9876543210fedcba9876543210.docx"
PRIVATE = (
    ID_COPY,
    LETTER,
    "workplan-evidence/2026/03/aaaabbbbccccddddeeeeffff00001111.pdf",
    "disclosure/2026/03/11112222333344445555666677778888.pdf",
)
LOGO_PATH = "organ-logos/2026/03/99998888777766665555444433332222.png"

# Each spelling of "up one level", "slash" and "backslash" that a server or a filesystem
# might decode: raw, percent-encoded (both cases), double-encoded, overlong UTF-8, mixed.
ESCAPES = (
    "organ-logos/../{p}",
    "organ-logos/%2e%2e/{p}",
    "organ-logos/%2E%2E/{p}",
    "organ-logos/.%2e/{p}",
    "organ-logos/%2e./{p}",
    "organ-logos/..%2f{p}",
    "organ-logos/..%2F{p}",
    "organ-logos%2f..%2f{p}",
    "organ-logos/%2e%2e%2f{p}",
    "organ-logos/..%5c{p}",
    "organ-logos/..%5C{p}",
    "organ-logos/..\\{p}",
    "organ-logos\\..\\{p}",
    "organ-logos/%252e%252e/{p}",
    "organ-logos/%252e%252e%252f{p}",
    "organ-logos/..%252f{p}",
    "organ-logos/%c0%ae%c0%ae/{p}",
    "organ-logos/%c0%ae%c0%ae%c0%af{p}",
    "organ-logos/./../{p}",
    "organ-logos//../{p}",
    "organ-logos/2026/../../{p}",
    "organ-logos/2026/03/../../../{p}",
    "organ-logos/..;/{p}",
    "organ-logos/%2e%2e%3b/{p}",
    "{p}",
    "./{p}",
    "%2e/{p}",
    "/{p}",
)


def probes() -> list[str]:
    """Every hostile address: each escape towards each private file, and beyond the upload
    root (the site root and the media root are siblings here)."""
    out = [f"/media/{escape.format(p=p)}" for p in PRIVATE for escape in ESCAPES]
    out += [f"/media/{escape.format(p='../outside.txt')}" for escape in ESCAPES[:12]]
    out += [
        f"/../media/{ID_COPY}",
        f"/%2e%2e/media/{ID_COPY}",
        f"/xxgk/../../media/{ID_COPY}",
        f"/xxgk/%2e%2e/%2e%2e/media/{ID_COPY}",
        f"/static/../media/{ID_COPY}",
        f"/static/%2e%2e/media/{ID_COPY}",
        f"/static/..%2f..%2fmedia/{ID_COPY}",
        f"/static/..%5c..%5cmedia%5c{ID_COPY}",
        "/static/../../outside.txt",
        "/%2e%2e/outside.txt",
        "/..%2foutside.txt",
        "/..%5coutside.txt",
    ]
    return out


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """A media root (``<var>/media``) with one file of each private kind and one logo, a file
    beside it, and a site root beside that."""
    media = tmp_path / "media"
    for path in PRIVATE:
        target = media / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(SECRET)
    (media / LOGO_PATH).parent.mkdir(parents=True)
    (media / LOGO_PATH).write_bytes(LOGO)
    (tmp_path / "outside.txt").write_bytes(SECRET)
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    return media


def _leaks(port: int) -> list[str]:
    status, _headers, body = raw_get(port, f"/media/{LOGO_PATH}")
    assert (status, body) == (200, LOGO)  # the public upload is served
    leaked = []
    for probe in probes():
        status, _headers, body = raw_get(port, probe)
        if status == 200 or SECRET in body:
            leaked.append(f"{probe} → {status}")
    return leaked


def test_embedded_server_serves_no_private_upload_by_any_spelling(uploads: Path) -> None:
    with running_app(uploads.parent, GONGKAI_SITE_ROOT=str(uploads.parent / "site")) as port:
        assert _leaks(port) == []


@pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"), reason="nginx not installed (make test installs it)"
)
def test_nginx_serves_no_private_upload_by_any_spelling(uploads: Path) -> None:
    """deploy/nginx.conf in front of the embedded server: what nginx passes on reaches it."""
    var, site = uploads.parent, uploads.parent / "site"
    with (
        running_app(var, GONGKAI_SITE_ROOT=str(site), GONGKAI_SERVE_MEDIA="false") as app_port,
        running_nginx(var / "nginx", site, app_port=app_port, media=uploads) as port,
    ):
        assert _leaks(port) == []


def test_probe_set_spells_each_escape() -> None:
    every = probes()
    assert len(every) == len(set(every)) > 100
    for fragment in ("%2e%2e", "%2f", "%5c", "\\", "%252e", "%c0%ae", "/../"):
        assert any(fragment in p for p in every), fragment
