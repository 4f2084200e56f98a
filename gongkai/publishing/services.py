"""The publisher: render pages to files under the site root, keep the manifest, check the site.

The site root (``GONGKAI_SITE_ROOT``) is a symbolic link to the live release directory. An
incremental publication rewrites the affected files inside the live release, each atomically. A
full build renders everything into a new release directory and then swaps the link in one
``rename``, so visitors see the old site or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.errors import Conflict
from gongkai.publishing import pages, selectors
from gongkai.publishing.models import PublishedFile
from gongkai.publishing.render import render_many

if TYPE_CHECKING:
    from gongkai.disclosure.models import DisclosureItem

from gongkai.publishing.writer import (
    Staged,
    Written,
    file_for_url,
    remove_file,
    settle,
    stage_file,
    write_file,
    write_twin,
)

# Static assets the public pages use, copied into the site so it needs nothing else.
SITE_ASSETS = ("portal/site.css", "portal/site.js")
BUILD_CHUNK = 500  # pages per unit of work in a full build (item pages: one batch of queries)
Progress = Callable[[int, int], None]


def site_root() -> Path:
    return Path(settings.GONGKAI_SITE_ROOT)


def releases_dir() -> Path:
    root = site_root()
    return root.with_name(root.name + "-releases")


def live_dir() -> Path:
    """The live release directory, created (empty) on first use."""
    root = site_root()
    if root.is_symlink() or root.is_dir():
        return root.resolve()
    first = releases_dir() / "initial"
    first.mkdir(parents=True, exist_ok=True)
    _point(root, first)
    return first


def _point(link: Path, target: Path) -> None:
    """Make ``link`` point at ``target`` in one atomic rename."""
    temp = link.with_name(f".{link.name}.{os.getpid()}.link")
    if temp.is_symlink():
        temp.unlink()
    temp.symlink_to(target)
    if link.is_dir() and not link.is_symlink():  # a plain directory from an older install
        link.rename(releases_dir() / f"legacy-{timezone.now():%Y%m%d%H%M%S}")
    os.replace(temp, link)


@dataclass
class Published:
    written: list[Written] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files of pages that are gone
    gone: list[str] = field(default_factory=list)  # the URLs of those pages

    def add(self, other: Published) -> None:
        self.written += other.written
        self.removed += other.removed
        self.gone += other.gone


CATCH_UP_BATCH = 200  # pages rendered (and their files held open) at a time
SETTLERS = 8  # threads flushing a publication's files: their waits overlap (ext4 joins them)
_settlers: tuple[int, ThreadPoolExecutor] | None = None


def _settler_pool() -> ThreadPoolExecutor:
    """This process's settling threads (made on first use; a forked child makes its own)."""
    global _settlers
    if _settlers is None or _settlers[0] != os.getpid():
        _settlers = (os.getpid(), ThreadPoolExecutor(SETTLERS, thread_name_prefix="settle"))
    return _settlers[1]


def _render_to(
    root: Path,
    urls: Iterable[str],
    *,
    durable: bool = True,
    loaded: dict[int, DisclosureItem] | None = None,
) -> Published:
    """Render ``urls`` into ``root``; a page that no longer exists loses its file. Durable
    files (a publication) are written under temporary names as they render; then threads flush
    each and rename it into place and write its ``.gz``, all at once, so the waits for the disk
    overlap (ext4 joins concurrent flushes into one journal commit). Not while rendering: the
    threads would take the processor and the interpreter from it (measured: 23 ms against 18
    for a publication). A build writes in place (its processes keep every core busy, and nobody
    reads its release yet)."""
    result = Published()
    staged: list[tuple[Staged, str, bytes]] = []
    settling: list[Future[Written | None]] = []
    try:
        for url, body in render_many(urls, loaded=loaded):
            path = file_for_url(url)
            if body is None:
                result.removed += remove_file(root, path)
                result.gone.append(url)
            elif durable:
                written, one = stage_file(root, path, body)
                result.written.append(written)
                staged.append((one, path, body))
            else:
                result.written += write_file(root, path, body, durable=False)
    finally:
        if staged:
            pool = _settler_pool()
            settling = [pool.submit(_settle, root, *one) for one in staged]
        wait(settling)  # every file settled (or failed) before anything else happens
    result.written += [twin for twin in (done.result() for done in settling) if twin]
    return result


def _settle(root: Path, staged: Staged, path: str, body: bytes) -> Written | None:
    """Put a staged file in place, then its ``.gz`` (only once the page itself is there)."""
    settle(staged)
    return write_twin(root, path, body)


def _record(
    written: Iterable[Written],
    *,
    source: str,
    as_of: dt.datetime,
    version: int = 0,
    fresh: bool = False,
) -> None:
    """Enter written files in the manifest (``fresh``: into an empty one: plain inserts; else
    each replaces the row of its path). Plain SQL: a build enters hundreds of thousands of
    rows, a publication two dozen on its critical path.

    ``written_at`` is ``as_of``: a moment before the database was read for these files, so a
    source changed after it (``updated_at`` later than it) is newer than its page — what
    ``check_site`` reports as stale."""
    at = connection.ops.adapt_datetimefield_value(as_of)
    quote = connection.ops.quote_name
    fields = ("path", "sha256", "size", "source", "version", "written_at")
    columns = ", ".join(quote(c) for c in fields)
    table = quote(PublishedFile._meta.db_table)
    rows = [(w.path, w.sha256, w.size, source, version, at) for w in written]
    with connection.cursor() as cursor:
        if fresh:  # a full build
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
            cursor.executemany(sql, rows)
            return
        update = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in fields[1:])
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({quote('path')}) DO UPDATE SET {update}",
                [value for row in part for value in row],
            )


def _enter(result: Published, *, source: str, version: int, as_of: dt.datetime) -> None:
    """Enter what a publication wrote and removed in the manifest."""
    with transaction.atomic():
        _record(result.written, source=source, version=version, as_of=as_of)
        if result.removed:
            PublishedFile.objects.filter(path__in=result.removed).delete()


def _copy_files(root: Path, files: dict[str, int]) -> list[Written]:
    from gongkai.disclosure.models import Attachment

    written: list[Written] = []
    path_of = {pk: path for path, pk in files.items()}
    for attachment in Attachment.objects.filter(pk__in=path_of):
        path = path_of[attachment.pk]
        with attachment.file.open("rb") as handle:
            written += write_file(root, path, handle.read())
    return written


def publish_item(item_id: int) -> Published:
    """Rewrite the files one item's publication, revision or withdrawal changes: its pages
    and its attachments (copied while it is published, removed once withdrawn)."""
    return _publish([item_id])


def _publish(item_ids: list[int]) -> Published:
    """Rewrite the files of items' publications: the pages they change, once each however
    many share them (``CATCH_UP_BATCH`` at a time: a batch's files are open until settled),
    and their attachments. One item, or the items changed while a build ran."""
    from gongkai.disclosure.models import DisclosureItem

    result = Published()
    as_of = timezone.now()  # before the snapshot: what it reads is at least this new
    # One snapshot for the pages it changes and for what they show: the count that places an
    # item's numbered page is the count its lists are rendered with.
    with selectors.snapshot(), selectors.build_cache(full=False):
        items = list(
            DisclosureItem.objects.select_related("organ", "unit", "node")
            .filter(pk__in=item_ids)
            .order_by("pk")
        )
        if not items:
            return result
        urls = list(dict.fromkeys(url for item in items for url in pages.urls_for_item(item)))
        root = live_dir()
        loaded = {item.pk: item for item in items}
        for batch in _chunks(urls, CATCH_UP_BATCH):
            result.add(_render_to(root, batch, loaded=loaded))
    for item in items:
        keep, drop = pages.public_files(item)
        result.written += _copy_files(root, keep)
        result.removed += [gone for path in drop for gone in remove_file(root, path)]
    one = items[0] if len(items) == 1 else None
    _enter(
        result,
        source=f"disclosure.item:{one.pk}" if one else "build",
        version=one.version if one else 0,
        as_of=as_of,
    )
    return result


def publish_urls(urls: list[str], *, source: str) -> Published:
    """Rewrite the pages at ``urls`` (a page that no longer exists loses its file) from one
    snapshot, and enter them in the manifest: the organ's pages after its 权责清单 or 公开指南
    changed, and the pages ``repair_site`` rewrites."""
    as_of = timezone.now()
    result = Published()
    with selectors.snapshot(), selectors.build_cache(full=False):
        root = live_dir()
        for batch in _chunks(urls, CATCH_UP_BATCH):
            result.add(_render_to(root, batch))
    _enter(result, source=source, version=0, as_of=as_of)
    return result


def publish_organ_pages(organ_id: int) -> Published:
    """Rewrite an organ's own pages — its column page, 公开指南 and 权责清单 — which no item's
    publication writes: after a new guide version or an imported list."""
    return publish_urls(pages.organ_pages(organ_id), source=f"accounts.organ:{organ_id}")


def copy_assets() -> Published:
    """Copy the public CSS and JS into the live site again, and enter them."""
    result = Published(written=_copy_assets(live_dir()))
    _enter(result, source="assets", version=0, as_of=timezone.now())
    return result


# --- full build ------------------------------------------------------------------------------


_build_memo: tuple[str, dict[object, Any]] | None = None


def _memo_for(release: str) -> dict[object, Any]:
    """What a process remembers across the chunks it renders of one build (each node's ordered
    ids: its numbered pages span many chunks)."""
    global _build_memo
    if _build_memo is None or _build_memo[0] != release:
        _build_memo = (release, {})
    return _build_memo[1]


def _render_chunk(args: tuple[str, list[str]]) -> tuple[list[Written], list[str], int]:
    """Render a chunk of a full build into the new release (which nobody reads yet: its files
    are written straight, and flushed to disk once, before the switch)."""
    root, urls = args
    with selectors.build_cache(memo=_memo_for(root)):
        rendered = _render_to(Path(root), urls, durable=False)
    return rendered.written, rendered.gone, len(urls)


def _chunks(urls: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(urls), size):
        yield urls[start : start + size]


def _copy_assets(root: Path) -> list[Written]:
    written: list[Written] = []
    for asset in SITE_ASSETS:
        found = finders.find(asset)
        if found:
            written += write_file(root, f"static/{asset}", Path(str(found)).read_bytes())
    return written


@dataclass
class Built:
    release: Path
    pages: int
    files: int
    seconds: float
    failed: list[str]


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """One full build at a time: a second one would take the first one's directory for an old
    release to recycle."""
    releases_dir().mkdir(parents=True, exist_ok=True)
    with open(releases_dir() / ".build.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(_("另一次全站重建正在进行，请等它结束后再试。")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_site(*, jobs: int = 1, progress: Progress | None = None) -> Built:
    """Render every page into a new release, then switch the site to it at once."""
    global _build_memo
    with _build_lock():
        try:
            return _build(jobs, progress)
        finally:
            _build_memo = None  # rendered here (one process): not kept past the build


def _build(jobs: int, progress: Progress | None) -> Built:
    started = timezone.now()
    release, recycled = _new_release(releases_dir() / f"{started:%Y%m%d-%H%M%S-%f}")
    urls = list(pages.site_urls())
    total, done = len(urls), 0
    written = _copy_assets(release)
    for with_files in pages.items_with_files():
        written += _copy_files(release, pages.public_files(with_files)[0])
    failed: list[str] = []
    work = [(str(release), chunk) for chunk in _chunks(urls, BUILD_CHUNK)]
    with contextlib.ExitStack() as stack:
        chunks: Iterable[tuple[list[Written], list[str], int]] = map(_render_chunk, work)
        if jobs > 1 and _can_fork():
            connections.close_all()  # each process opens its own
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(jobs))
            chunks = pool.imap_unordered(_render_chunk, work)
        for chunk_written, chunk_failed, count in chunks:
            written += chunk_written
            failed += chunk_failed
            done += count
            if progress:
                progress(done, total)
    if recycled:
        _remove_stale(release, {w.path for w in written})
    # Every file of the release on disk before it goes live; the flush (which waits for the
    # disk, not the processor) runs while the manifest is written.
    with ThreadPoolExecutor(max_workers=1) as flusher:
        flushed = flusher.submit(os.sync)
        with transaction.atomic():
            PublishedFile.objects.all().delete()  # the index of files, rebuilt with the release
            _record(written, source="build", fresh=True, as_of=started)
        flushed.result()
    _point(site_root(), release)
    # Publications made while the build ran wrote into the release it has just replaced, or
    # were read by the build before they were made: publish them again.
    # (By the application's clock: a transaction that saved an item before the build started
    # and committed after the build read it — milliseconds — is not caught.)
    changed = pages.changed_since(started)
    if changed:
        _publish(changed)
    seconds = (timezone.now() - started).total_seconds()
    return Built(release, total - len(failed), len(written), seconds, failed)


def _can_fork() -> bool:
    """Worker processes need the data committed and a database they can open themselves."""
    connection = connections["default"]
    if connection.in_atomic_block:
        return False
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    return not (connection.vendor == "sqlite" and in_memory)


def _new_release(path: Path) -> tuple[Path, bool]:
    """The directory of a new release, and whether it is a recycled one. The site keeps the
    live release and the one before it (to roll back to); an older one is recycled — renamed
    and overwritten, its leftover files removed at the end — which costs far less than
    deleting a whole tree and writing another."""
    live = live_dir().resolve()
    releases_dir().mkdir(parents=True, exist_ok=True)  # an older install: a plain directory
    olds = sorted(
        (p for p in releases_dir().iterdir() if p.is_dir() and p.resolve() != live),
        key=lambda p: p.stat().st_mtime,
    )
    for extra in olds[:-1]:
        shutil.rmtree(extra, ignore_errors=True)
    if olds:
        olds[-1].rename(path)  # the newest of the old ones: the fewest files to replace
        with os.scandir(path) as entries:
            return path, any(True for _ in entries)  # an empty one leaves nothing stale
    path.mkdir(parents=True)
    return path, False


def _remove_stale(release: Path, keep: set[str]) -> None:
    """Remove what a recycled release holds beyond the files just written."""
    top = str(release)
    for directory, _subdirs, files in os.walk(top, topdown=False):
        rel = directory[len(top) + 1 :]
        removed = 0
        for name in files:
            if (f"{rel}/{name}" if rel else name) not in keep:
                os.unlink(os.path.join(directory, name))
                removed += 1
        if rel and removed == len(files):
            with contextlib.suppress(OSError):  # not empty: a directory below it stays
                os.rmdir(directory)


def last_build_age() -> dt.timedelta | None:
    newest = (
        PublishedFile.objects.order_by("-written_at").values_list("written_at", flat=True).first()
    )
    return timezone.now() - newest if newest else None
