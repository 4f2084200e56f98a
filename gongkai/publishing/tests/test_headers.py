"""The published site's headers are the same whoever serves the file: the application in
embedded mode (gunicorn, as `gongkai serve` runs it) or nginx with deploy/nginx.conf; and
through nginx no header comes twice."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from gongkai.accounts.models import Organ
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.publishing.nginx import NGINX, raw_get, running_nginx
from gongkai.publishing.services import build_site
from tests.serving import running_app

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"),
        reason="nginx not installed (make test installs it)",
    ),
]

# What a browser acts on; the rest (Date, Server, ETag, Content-Length) may differ.
COMPARED = (
    "content-security-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cache-control",
    "content-type",
    "content-encoding",
    "vary",
    "access-control-allow-origin",
)
# Headers whose repeated lines add up to one list (RFC 9110 §5.3): nginx's gzip may add
# Accept-Encoding to the application's Vary.
LISTS = frozenset({"vary"})
LOGO = "organ-logos/2026/03/0123456789abcdef0123456789abcdef.png"
STATIC = [
    Path(__file__).resolve().parents[2] / "portal" / "static" / "portal" / name
    for name in ("site.css", "site.js")
]


@pytest.fixture
def served(settings: Any, tmp_path: Path, world: Any) -> dict[str, Any]:
    """A published site, and the same static file under both servers' static roots."""
    settings.GONGKAI_SITE_ROOT = tmp_path / "site"
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    item = _through(_draft(world, nodes, title="关于公布2026年权责清单的通知"), world)
    build_site(jobs=1)
    for root in (tmp_path / "site" / "static", tmp_path / "static"):  # as collectstatic does
        (root / "portal").mkdir(parents=True, exist_ok=True)
        for asset in STATIC:
            target = root / "portal" / asset.name
            shutil.copy(asset, target)
            target.with_name(asset.name + ".gz").write_bytes(gzip.compress(asset.read_bytes()))
    logo = tmp_path / "media" / LOGO
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    organ: Organ = world.organ
    return {
        "var": tmp_path,
        "site": tmp_path / "site",
        "item": item.pk,
        "paths": [
            "/",
            f"/xxgk/{organ.pk}/",
            f"/xxgk/{organ.pk}/s01/",
            item.public_url(),
            "/feed.xml",
            f"/xxgk/{organ.pk}/s01/feed.xml",
            "/sitemap.xml",
            "/robots.txt",
            "/static/portal/site.css",
            "/static/portal/site.js",
            f"/media/{LOGO}",
        ],
    }


def _headers(port: int, path: str, **extra: str) -> dict[str, str]:
    status, headers, _body = raw_get(port, path, **extra)
    assert status == 200, path
    seen = {name: headers.get(name, "") for name in COMPARED}
    seen["content-type"] = seen["content-type"].replace('"', "")  # charset="utf-8" is utf-8
    return seen


def _security(port: int, path: str) -> dict[str, str]:
    status, headers, _body = raw_get(port, path)
    assert status == 404, path
    return {name: headers.get(name, "") for name in COMPARED[:6]}


def test_nginx_and_the_embedded_server_send_the_same_headers(served: dict[str, Any]) -> None:
    var, site = served["var"], served["site"]
    with (
        running_app(var, GONGKAI_SITE_ROOT=str(site)) as app_port,
        running_nginx(
            var / "nginx", site, app_port=app_port + 1, media=var / "media"
        ) as nginx_port,
    ):
        for path in served["paths"]:
            for extra in ({}, {"Accept-Encoding": "gzip"}):
                embedded = _headers(app_port, path, **extra)
                nginx = _headers(nginx_port, path, **extra)
                assert nginx == embedded, (path, extra)
                assert embedded["content-security-policy"], path
        missing = f"/xxgk/items/{served['item']}.html"  # a page by its file name: not found
        assert _security(app_port, missing) == _security(nginx_port, missing)


def test_through_nginx_no_header_comes_twice(served: dict[str, Any]) -> None:
    """Files nginx serves itself, and pages it passes on from the application."""
    var, site = served["var"], served["site"]
    with (
        running_app(var, GONGKAI_SITE_ROOT=str(site)) as app_port,
        running_nginx(var / "nginx", site, app_port=app_port) as nginx_port,
    ):
        for path in [*served["paths"], "/staff/login/", "/no-such-page/"]:
            _status, headers, _body = raw_get(nginx_port, path)
            twice = {
                name: value
                for name, value in headers.items()
                if "\n" in value and name not in LISTS
            }
            assert twice == {}, path
            assert headers.get("content-security-policy"), path
