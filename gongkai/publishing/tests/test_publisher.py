"""The publisher: one publication rewrites exactly its pages (the same bytes a full rebuild
writes), check_site finds edited, deleted and extra files, a killed writer leaves pages whole,
and the published files are readable with no application running."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import http.client
import multiprocessing
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.disclosure import services as disclosure
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.publishing import pages, selectors
from gongkai.publishing.check import check_site
from gongkai.publishing.nginx import local_conf
from gongkai.publishing.services import build_site, live_dir, publish_item
from gongkai.publishing.writer import file_for_url, safe_relative, write_atomic, write_file

pytestmark = pytest.mark.django_db


def _files(root: Path) -> dict[str, str]:
    root = root.resolve()
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _published(world: Any, nodes: dict[str, Any], title: str) -> Any:
    return _through(_draft(world, nodes, title=title), world)


def test_one_publication_changes_exactly_its_pages(site: Path, world: Any, nodes: Any) -> None:
    made = [_published(world, nodes, f"规范性文件第{n}号") for n in range(6)]
    first = made[0]
    build_site(jobs=1)  # two full numbered pages in 行政法规、规章和规范性文件 (s01)
    before = _files(site)
    assert f"xxgk/items/{first.pk}.html" in before
    assert f"xxgk/items/{first.pk}.html.gz" in before

    item = _published(world, nodes, "关于公布2026年权责清单的通知")
    expected = {file_for_url(u) for u in pages.urls_for_item(item)}
    assert f"xxgk/{world.organ.pk}/s01/p3.html" in expected  # a new page was opened …
    assert f"xxgk/{world.organ.pk}/s01/p2.html" in expected  # … so p2 gains its link
    publish_item(item.pk)
    after = _files(site)
    changed = {p.removesuffix(".gz") for p in after if before.get(p) != after[p]}
    assert changed <= expected
    assert file_for_url(item.public_url()) in changed
    assert f"xxgk/{world.organ.pk}/s01/p1.html" not in changed  # older pages untouched

    build_site(jobs=1)  # the incremental result is byte for byte what a full build writes
    assert _files(site) == after
    assert check_site().ok


def test_the_sitemap_index_changes_only_with_a_new_chunk(
    site: Path, world: Any, nodes: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "SITEMAP_CHUNK", 3)
    build_site(jobs=1)
    chunks: set[int] = set()
    for n in range(7):
        item = _published(world, nodes, f"文件{n}")
        chunk = selectors.chunk_of(item.pk)
        assert ("/sitemap.xml" in pages.urls_for_item(item)) == (chunk not in chunks)
        chunks.add(chunk)
        publish_item(item.pk)
    assert len(chunks) >= 3
    # Two items of a new chunk, both published before either's files are written (a queue
    # behind): each publication still sees the chunk's file missing and writes the index.
    made = [_published(world, nodes, "甲")]
    fresh = made[-1:]
    while selectors.chunk_of(fresh[0].pk) in chunks or len(fresh) < 2:
        made.append(_published(world, nodes, f"乙{len(made)}"))
        same = selectors.chunk_of(made[-1].pk) == selectors.chunk_of(fresh[0].pk)
        fresh = [*fresh, made[-1]] if same else made[-1:]
    assert all("/sitemap.xml" in pages.urls_for_item(item) for item in fresh)
    for item in made:
        publish_item(item.pk)
    incremental = _files(site)
    build_site(jobs=1)
    assert _files(site) == incremental  # the index written only when a chunk opened is right


def test_a_publication_during_a_build_is_in_the_new_release(
    site: Path, world: Any, nodes: Any
) -> None:
    _published(world, nodes, "较早的文件")
    build_site(jobs=1)
    during: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not during:  # mid-build: published and written (into the release being replaced)
            during.append(_published(world, nodes, "重建期间发布的文件"))
            publish_item(during[0].pk)

    build_site(jobs=1, progress=progress)
    page = live_dir() / file_for_url(during[0].public_url())
    assert "重建期间发布的文件" in page.read_text()
    assert "重建期间发布的文件" in (live_dir() / "index.html").read_text()
    assert check_site().ok


def test_withdrawal_marks_the_page_and_the_list(site: Path, world: Any, nodes: Any) -> None:
    item = _published(world, nodes, "关于印发某某办法的通知")
    build_site(jobs=1)
    disclosure.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="内容有误")
    publish_item(item.pk)
    page = (live_dir() / file_for_url(item.public_url())).read_text()
    assert "本信息已撤回" in page
    assert "内容有误" in page
    listing = (live_dir() / f"xxgk/{world.organ.pk}/s01/index.html").read_text()
    assert "已撤回" in listing
    feed = (live_dir() / "feed.xml").read_text()
    assert "关于印发某某办法的通知" not in feed


def test_a_publication_shows_the_catalogue_and_organ_as_they_are_now(
    site: Path, world: Any, nodes: Any
) -> None:
    """The process keeps the catalogue and organ objects between publications only while their
    rows are unchanged — however they were changed (here: plain updates, no service)."""
    from gongkai.accounts.models import Organ
    from gongkai.disclosure.models import CatalogueNode

    _published(world, nodes, "第一份文件")
    build_site(jobs=1)
    with selectors.build_cache(full=False):
        first = selectors.node_by_code(world.organ.pk, "s01")
    with selectors.build_cache(full=False):
        assert selectors.node_by_code(world.organ.pk, "s01") is first  # the rows are unchanged
    CatalogueNode.objects.filter(pk=nodes["s01"].pk).update(name="改名后的栏目")
    Organ.objects.filter(pk=world.organ.pk).update(name="改名后的机关")
    second = _published(world, nodes, "第二份文件")
    publish_item(second.pk)
    listing = (live_dir() / f"xxgk/{world.organ.pk}/s01/index.html").read_text()
    assert "改名后的栏目" in listing
    assert "改名后的机关" in listing
    home = (live_dir() / "index.html").read_text()
    assert "改名后的机关" in home


def test_check_site_finds_edited_deleted_and_extra_files(
    site: Path, world: Any, nodes: Any
) -> None:
    item = _published(world, nodes, "关于公布2026年权责清单的通知")
    build_site(jobs=2)
    assert check_site().ok
    root = live_dir()
    (root / f"xxgk/items/{item.pk}.html").write_text("<p>篡改</p>")
    (root / "robots.txt").unlink()
    (root / "evil.html").write_text("<script></script>")
    result = check_site()
    assert result.altered == [f"xxgk/items/{item.pk}.html"]
    assert result.missing == ["robots.txt"]
    assert result.extra == ["evil.html"]
    with pytest.raises(Exception, match="缺失 1，多余 1，被改动 1"):
        call_command("check_site")


def _write_big(target: str) -> None:
    write_atomic(Path(target), b"x" * (400 * 1024 * 1024))


@pytest.mark.parametrize(
    "path", ["", "/", "../etc/passwd", "/xxgk/../../x", "a//b", "a/./b", "a/..", "a\x00b"]
)
def test_a_site_path_cannot_leave_the_root(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="bad site path"):
        safe_relative(path)
    with pytest.raises(ValueError, match="bad site path"):
        write_file(tmp_path / "site", path, b"x")
    assert not tmp_path.joinpath("site").exists()


@pytest.mark.parametrize("pk", [1, 7, 1000, 1_234_567])
def test_nginx_maps_item_addresses_to_the_files_the_writer_writes(pk: int) -> None:
    """deploy/nginx.conf's item location gives the file ``file_for_url`` names, and the file
    itself is not served under its own name."""
    import re

    from gongkai.publishing.nginx import DEPLOY_CONF

    conf = DEPLOY_CONF.read_text(encoding="utf-8")
    locations = re.findall(r"location ~ (\^/xxgk/items/\S+) \{\s*try_files (\S+) @app;", conf)
    assert len(locations) == 1
    (pattern, target), url = locations[0], f"/xxgk/items/{pk}/"
    found = re.match(pattern, url)
    assert found is not None
    mapped = target
    for n, value in enumerate(found.groups(), start=1):
        mapped = mapped.replace(f"${n}", value)
    assert mapped == f"/{file_for_url(url)}"
    internal = re.search(r"location ~ (\S+) \{ internal; \}", conf)
    assert internal is not None
    assert re.match(internal.group(1), mapped)


def test_site_paths_are_relative_with_forward_slashes() -> None:
    assert safe_relative("/xxgk/items/7.html") == "xxgk/items/7.html"
    assert safe_relative("feed.xml") == "feed.xml"


def test_a_build_overwrites_a_longer_file_exactly(tmp_path: Path) -> None:
    """A build rewrites a recycled release's files in place: what was longer is cut short."""
    write_file(tmp_path, "a/page.html", "<p>旧的、更长的一页</p>".encode() * 50, durable=False)
    short = "<p>新</p>".encode()
    written = write_file(tmp_path, "a/page.html", short, durable=False)
    assert (tmp_path / "a/page.html").read_bytes() == short
    assert gzip.decompress((tmp_path / "a/page.html.gz").read_bytes()) == short
    for one in written:
        assert hashlib.sha256((tmp_path / one.path).read_bytes()).hexdigest() == one.sha256
        assert (tmp_path / one.path).stat().st_size == one.size


def test_a_killed_writer_leaves_the_old_page_whole(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"<p>old</p>")
    child = multiprocessing.get_context("spawn").Process(target=_write_big, args=(str(target),))
    child.start()
    deadline = time.time() + 20
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        time.sleep(0.005)
    os.kill(child.pid or 0, 9)
    child.join()
    assert target.read_bytes() == b"<p>old</p>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def _get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"), reason="nginx not installed (make test installs it)"
)
def test_published_pages_need_no_application(site: Path, world: Any, nodes: Any) -> None:
    """deploy/nginx.conf serves the published site with the application down (nothing listens
    on its port): an item's page from its flat file, gzipped, with the security headers."""
    item = _published(world, nodes, "关于公布2026年权责清单的通知")
    build_site(jobs=1)
    work = site.parent / "nginx"
    work.mkdir()
    port, dead_app = _free_port(), _free_port()
    conf = local_conf(work, site, port=port, app_port=dead_app)
    server = subprocess.Popen(
        [NGINX or "nginx", "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            try:
                status, headers, body = _get(port, item.public_url())
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert "关于公布2026年权责清单的通知" in body.decode()
        assert headers["x-content-type-options"] == "nosniff"
        assert "must-revalidate" in headers["cache-control"]
        status, headers, body = _get(port, item.public_url(), **{"Accept-Encoding": "gzip"})
        assert headers["content-encoding"] == "gzip"
        assert "关于公布2026年权责清单的通知" in gzip.decompress(body).decode()
        assert _get(port, f"/xxgk/{world.organ.pk}/")[0] == 200
        for feed in ("/feed.xml", f"/xxgk/{world.organ.pk}/s01/feed.xml"):
            assert _get(port, feed)[1]["content-type"].startswith("application/atom+xml")
        assert _get(port, "/sitemap.xml")[1]["content-type"].startswith("application/xml")
        assert _get(port, f"/xxgk/items/{item.pk}.html")[0] == 404  # one address per page
        assert _get(port, "/search/?q=x")[0] == 502  # dynamic: the application is down
    finally:
        server.terminate()
        server.wait()


def test_embedded_mode_serves_the_files_first(site: Path, world: Any, nodes: Any) -> None:
    item = _published(world, nodes, "关于公布2026年权责清单的通知")
    build_site(jobs=1)
    page = live_dir() / file_for_url(item.public_url())
    page.write_text("<p>served from the site root</p>")
    client = Client()
    served = client.get(item.public_url())
    assert b"".join(served.streaming_content) == b"<p>served from the site root</p>"
    zipped = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert client.get("/staff/login/").status_code == 200  # dynamic paths are never files
    assert client.get(f"/xxgk/items/{item.pk}.html").status_code == 404  # one address a page
    assert client.get("/feed.xml")["Content-Type"] == "application/atom+xml; charset=utf-8"
    live_dir().parent.joinpath("outside.txt").write_text("not a site file")
    for escape in ("/../outside.txt", "/xxgk/../../outside.txt", "/xxgk//../../outside.txt"):
        assert b"not a site file" not in client.get(escape).content


def test_list_pages_number_from_the_oldest(site: Path, world: Any, nodes: Any) -> None:
    items = [_published(world, nodes, f"文件{n}") for n in range(7)]
    node = nodes["s01"]
    assert selectors.page_count(selectors.node_items(node).count()) == 3
    assert [i.pk for i in selectors.numbered_page(node, 1)] == [i.pk for i in items[:3]]
    assert [selectors.page_of(i, node) for i in items] == [1, 1, 1, 2, 2, 2, 3]
    client = Client()
    index = client.get(f"/xxgk/{world.organ.pk}/s01/").content.decode()
    assert index.index("文件6") < index.index("文件4")  # newest first on the index page
    parent = client.get(f"/xxgk/{world.organ.pk}/statutory/").content.decode()
    assert "文件6" in parent  # a parent column lists its children's items
    feed = client.get(f"/xxgk/{world.organ.pk}/s01/feed.xml")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "https://gk.example.gov.cn/xxgk/items/" in feed.content.decode()
    sitemap = client.get("/sitemaps/items-1.xml").content.decode()
    assert sitemap.count("<url>") == 7


def test_feeds_are_atom_newest_first_and_stable(site: Path, world: Any, nodes: Any) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    client = Client()
    empty = client.get(f"/xxgk/{world.organ.pk}/s02/feed.xml").content
    stamp = ElementTree.fromstring(empty).find(f"{atom}updated")  # noqa: S314 - our own feed
    assert stamp.text == "1970-01-01T00:00:00+00:00"
    items = [_published(world, nodes, f"关于<第{n}号>文件&解读") for n in range(3)]
    disclosure.withdraw_item(items[1], actor=world.users[Role.COORDINATOR], reason="已失效")
    body = client.get(f"/xxgk/{world.organ.pk}/s01/feed.xml").content
    feed = ElementTree.fromstring(body)  # noqa: S314 - well-formed, titles escaped
    assert feed.find(f"{atom}author/{atom}name").text == world.organ.name
    entries = feed.findall(f"{atom}entry")
    titles = [e.find(f"{atom}title").text for e in entries]
    assert titles == ["关于<第2号>文件&解读", "关于<第0号>文件&解读"]  # no withdrawn item
    url = f"https://gk.example.gov.cn{items[2].public_url()}"
    assert entries[0].find(f"{atom}link").get("href") == url
    assert entries[0].find(f"{atom}id").text == url
    assert feed.find(f"{atom}updated").text == entries[0].find(f"{atom}published").text
    assert client.get(f"/xxgk/{world.organ.pk}/s01/feed.xml").content == body  # same bytes
    DisclosureItem.objects.filter(pk=items[0].pk).update(published_at=None)  # e.g. an import
    undated = ElementTree.fromstring(client.get(f"/xxgk/{world.organ.pk}/s01/feed.xml").content)  # noqa: S314
    stamps = [e.find(f"{atom}published").text for e in undated.findall(f"{atom}entry")]
    assert stamps[1] == "1970-01-01T00:00:00+00:00"


@pytest.mark.django_db(transaction=True)
def test_a_publication_reads_its_pages_from_one_snapshot(
    site: Path, world: Any, nodes: Any
) -> None:
    """A numbered page is placed by its node's count: the count and the page must come from the
    same state of the database even while another publication commits."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database has no concurrent readers and writers")
    _published(world, nodes, "文件0")
    node = nodes["s01"]

    def another() -> None:
        _published(world, nodes, "文件1")
        connection.close()

    with selectors.snapshot():
        before = selectors.listed_count(node)
        thread = threading.Thread(target=another)
        thread.start()
        thread.join()
        assert selectors.listed_count(node) == before
    assert selectors.listed_count(node) == before + 1


def test_a_publication_reaches_the_disk_after_its_commit(
    site: Path, world: Any, nodes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    build_site(jobs=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        item = _published(world, nodes, "关于公布2026年权责清单的通知")
    assert callbacks  # nothing was written before the commit
    page = live_dir() / file_for_url(item.public_url())
    assert "关于公布2026年权责清单的通知" in page.read_text()
    assert check_site().ok


def test_build_site_command_reports_progress(site: Path, world: Any, nodes: Any) -> None:
    import io

    item = _published(world, nodes, "关于公布2026年权责清单的通知")
    out, err = io.StringIO(), io.StringIO()
    call_command("build_site", "--jobs", "2", stdout=out, stderr=err)
    assert "生成页面 [" in err.getvalue()
    assert "已生成" in out.getvalue()
    assert (site / file_for_url(item.public_url())).is_file()  # the root points at the release
    assert site.is_symlink()


def test_attachments_are_published_and_withdrawn_with_their_item(
    site: Path, world: Any, nodes: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.core.tests.test_uploads import PDF

    draft = _draft(world, nodes, title="关于公布2026年权责清单的通知")
    attachment = disclosure.add_attachment(
        draft, actor=world.users[Role.EDITOR], upload=SimpleUploadedFile("清单.pdf", PDF)
    )
    item = _through(draft, world)
    build_site(jobs=1)
    copy = live_dir() / f"xxgk/files/{attachment.pk}/file.pdf"
    assert copy.read_bytes() == PDF
    assert (
        f'href="/xxgk/files/{attachment.pk}/file.pdf" download="清单.pdf"'
        in (live_dir() / file_for_url(item.public_url())).read_text()
    )
    disclosure.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="有误")
    publish_item(item.pk)
    assert not copy.exists()
    assert check_site().ok


def test_batch_rendered_item_pages_are_the_views_bytes(site: Path, world: Any, nodes: Any) -> None:
    """A full build renders item pages in batches; each must be what the item view returns —
    for a policy with its interpretation, a repealed one with its successor, a withdrawn one."""
    from gongkai.publishing.render import render_items, render_url

    policy = _through(_draft(world, nodes, kind="policy", title="关于印发某某办法的通知"), world)
    reading = _through(
        _draft(world, nodes, kind="interpretation", interprets=policy, title="某某办法解读"), world
    )
    newer = _published(world, nodes, "关于印发某某办法（修订）的通知")
    disclosure.set_validity(
        policy, actor=world.users[Role.COORDINATOR], validity="repealed", replaced_by=newer
    )
    gone = _published(world, nodes, "将被撤回的信息")
    disclosure.withdraw_item(gone, actor=world.users[Role.COORDINATOR], reason="内容有误")
    ids = [policy.pk, reading.pk, newer.pk, gone.pk, 999_999]
    bodies = render_items(ids)
    assert set(bodies) == {policy.pk, reading.pk, newer.pk, gone.pk}  # none for an unknown id
    for pk, body in bodies.items():
        assert body == render_url(f"/xxgk/items/{pk}/")
    assert "某某办法解读".encode() in bodies[policy.pk]
    assert "关于印发某某办法（修订）的通知".encode() in bodies[policy.pk]
    assert "内容有误".encode() in bodies[gone.pk]


def test_batch_rendered_list_pages_are_the_views_bytes(site: Path, world: Any, nodes: Any) -> None:
    from gongkai.publishing.render import render_node_pages, render_url

    for n in range(7):  # three numbered pages of three
        _published(world, nodes, f"规范性文件第{n}号")
    organ = world.organ.pk
    for full in (False, True):  # one page at a time, and from the build's ordered ids
        with selectors.build_cache(full=full):
            bodies = render_node_pages(organ, "s01", [1, 2, 3, 4])
        assert set(bodies) == {1, 2, 3}  # there is no fourth page
        for number, body in bodies.items():
            assert body == render_url(f"/xxgk/{organ}/s01/p{number}.html")
        assert "规范性文件第6号".encode() in bodies[3]
        assert "规范性文件第6号".encode() not in bodies[2]


def test_a_parent_list_reads_its_childrens_newest_in_parts(
    site: Path, world: Any, nodes: Any, monkeypatch: Any
) -> None:
    """A parent column's newest items come from one query per UNION_PARTS children: the page
    is the same however they are split, and the same as a page rendered without the cache."""
    from gongkai.publishing.render import render_url

    for n, code in enumerate(["s01", "s02", "s03", "s04", "s05", "s01", "s03"]):
        draft = disclosure.create_draft(
            world.organ,
            actor=world.users[Role.EDITOR],
            unit=world.own_unit,
            node=nodes[code],
            title=f"第{n}号文件",
            formed_on=dt.date(2026, 3, 2),
            body="<p>正文</p>",
        )
        _through(draft, world)
    url = f"/xxgk/{world.organ.pk}/statutory/"
    alone = render_url(url)
    bodies = []
    for parts in (200, 2, 1):
        monkeypatch.setattr(selectors, "UNION_PARTS", parts)
        with selectors.build_cache(full=False):
            bodies.append(render_url(url))
    assert bodies == [alone, alone, alone]
    newest = [f"第{n}号文件".encode() in alone for n in range(7)]
    assert newest == [False, False, False, False, True, True, True]  # the page size is 3
    assert alone.index("第6号文件".encode()) < alone.index("第4号文件".encode())


def test_a_recycled_release_keeps_no_page_that_went_away(
    site: Path, settings: Any, world: Any, nodes: Any
) -> None:
    for n in range(7):
        _published(world, nodes, f"规范性文件第{n}号")
    build_site(jobs=1)
    build_site(jobs=1)  # the live release and the one before it
    gone = f"xxgk/{world.organ.pk}/s01/p3.html"
    assert (live_dir() / gone).exists()
    settings.GONGKAI_SITE_PAGE_SIZE = 10  # one numbered page now
    built = build_site(jobs=1)  # written into the oldest release, recycled
    assert len([p for p in built.release.parent.iterdir() if p.is_dir()]) == 2
    assert not (live_dir() / gone).exists()
    assert not (live_dir() / f"{gone}.gz").exists()
    assert (live_dir() / f"xxgk/{world.organ.pk}/s01/p1.html").exists()
    assert check_site().ok


def test_one_full_build_at_a_time(site: Path, world: Any, nodes: Any) -> None:
    import fcntl

    from gongkai.core.errors import Conflict
    from gongkai.publishing.services import releases_dir

    releases_dir().mkdir(parents=True, exist_ok=True)
    with open(releases_dir() / ".build.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another build is running
        with pytest.raises(Conflict, match="另一次全站重建正在进行"):
            build_site(jobs=1)
        fcntl.flock(held, fcntl.LOCK_UN)
    assert build_site(jobs=1).pages > 0


def test_a_site_root_from_an_older_install_is_kept_as_a_release(
    site: Path, world: Any, nodes: Any
) -> None:
    site.mkdir(parents=True)  # a plain directory, not a link to a release
    (site / "old.html").write_text("旧页面", encoding="utf-8")
    _published(world, nodes, "规范性文件")
    build_site(jobs=1)
    assert site.is_symlink()
    assert (site / "index.html").exists()
    assert not (site / "old.html").exists()
    assert check_site().ok
