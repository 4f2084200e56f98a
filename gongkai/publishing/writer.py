"""Writing the site's files: whole or not at all, with a pre-compressed twin.

Every file is written to a temporary name in its own directory, flushed to disk and renamed over
the old one (``os.replace`` is atomic on POSIX), so a reader sees the old page or the new one,
never half of either, and a process killed mid-write leaves the old page in place. HTML, CSS, JS,
XML and text files get a ``.gz`` beside them for nginx's ``gzip_static``.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from zlib_ng import zlib_ng

COMPRESSED = frozenset({".html", ".css", ".js", ".xml", ".txt", ".json", ".svg"})
# Measured on item pages (~6 KB): zlib's level 2 compresses in ~54 µs to 2.7 % more bytes than
# level 6 (~84 µs) — nginx's own gzip_comp_level default is 1; a full build compresses every
# page. zlib-ng compresses as well at level 2 in ~12 µs.
GZIP_LEVEL = 2
GZIP_WBITS = 31  # the gzip format (a header with no name and no time: the same page, same bytes)


@dataclass(frozen=True)
class Written:
    path: str  # relative, with forward slashes
    sha256: str
    size: int


def safe_relative(path: str) -> str:
    """A site path as a relative path (forward slashes, nothing to normalise) that cannot leave
    the site root. Plain string tests: a full build checks a quarter of a million paths."""
    rel = path.lstrip("/")
    probe = f"/{rel}/"
    if not rel or "//" in probe or "/../" in probe or "/./" in probe or "\x00" in rel:
        raise ValueError(f"bad site path: {path!r}")
    return rel


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Whether files created 0644 come out narrower (a strict umask): then each is widened after.
NARROWED = bool(_umask() & 0o644)


def _open_written(path: str, flags: int, data: bytes) -> int:
    """Open ``path`` (making its directory if needed, created 0644), write ``data`` whole and
    return the open descriptor; on failure it is closed and the file removed. Unless the file
    is new (``O_EXCL``), an existing one is overwritten in place and cut to the new length:
    measured, ~10 µs a page against ~110 µs for truncating it to nothing first (ext4 then
    pushes the rewritten file to disk as it is closed) — a full build into a recycled release
    rewrites every file that way."""
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if not flags & os.O_EXCL:
            os.ftruncate(fd, len(data))
        if NARROWED:
            os.fchmod(fd, 0o644)
    except BaseException:
        os.close(fd)
        os.unlink(path)
        raise
    return fd


@dataclass(frozen=True)
class Staged:
    """A file written under a temporary name beside its target, still open, not yet flushed."""

    fd: int
    temp: str
    target: str


_serial = itertools.count()
_process: tuple[int, str] = (0, "")


def _temp_name(target: str) -> str:
    """A temporary name beside ``target`` no other writer uses: a random token drawn once per
    process (process ids repeat across containers sharing a volume) and a counter."""
    global _process
    if _process[0] != os.getpid():
        _process = (os.getpid(), secrets.token_hex(6))
    head, name = os.path.split(target)
    return f"{head}/.{name}.{_process[1]}-{next(_serial)}.tmp"


def _stage_one(target: str, data: bytes) -> Staged:
    temp = _temp_name(target)
    return Staged(_open_written(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, data), temp, target)


def settle(staged: Staged) -> None:
    """Flush a staged file to disk and rename it over its target (the old file stays whole
    until then). Safe to run in another thread: the waits release the interpreter."""
    try:
        os.fsync(staged.fd)
    except BaseException:
        os.close(staged.fd)
        os.unlink(staged.temp)
        raise
    os.close(staged.fd)
    os.replace(staged.temp, staged.target)


def write_atomic(target: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Replace ``target`` with ``data`` atomically (``durable``: flushed to disk first). Not
    ``durable``: overwritten in place, for a release directory nobody reads yet."""
    if durable:
        settle(_stage_one(os.fspath(target), data))
    else:
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW  # rewritten in place: never via a link
        os.close(_open_written(os.fspath(target), flags, data))


def _written(rel: str, data: bytes) -> Written:
    return Written(rel, hashlib.sha256(data).hexdigest(), len(data))


def stage_file(root: Path, path: str, data: bytes) -> tuple[Written, Staged]:
    """Write one site file under a temporary name, unflushed; it becomes the live file when
    ``settle``d. A publication stages its pages as it renders them, then settles them all at
    once in several threads (the disk waits overlap), each followed by its ``.gz``
    (``write_twin``: compression lets go of the interpreter)."""
    rel = safe_relative(path)
    return _written(rel, data), _stage_one(os.path.join(root, rel), data)


def write_twin(root: Path, path: str, data: bytes, *, durable: bool = True) -> Written | None:
    """Write the ``.gz`` of a text file atomically (``None``: it has none)."""
    rel = safe_relative(path)
    if os.path.splitext(rel)[1] not in COMPRESSED:
        return None
    packed = zlib_ng.compress(data, GZIP_LEVEL, GZIP_WBITS)
    write_atomic(os.path.join(root, rel) + ".gz", packed, durable=durable)
    return _written(f"{rel}.gz", packed)


def write_file(root: Path, path: str, data: bytes, *, durable: bool = True) -> list[Written]:
    """Write one site file (and its .gz when it is text); return what was written."""
    rel = safe_relative(path)
    write_atomic(os.path.join(root, rel), data, durable=durable)
    twin = write_twin(root, path, data, durable=durable)
    return [_written(rel, data), *([twin] if twin else [])]


def remove_file(root: Path, path: str) -> list[str]:
    """Remove a site file and its .gz twin; return the paths that were there."""
    rel = safe_relative(path)
    removed = []
    for candidate in (rel, f"{rel}.gz"):
        target = root / candidate
        if target.exists():
            target.unlink()
            removed.append(candidate)
    return removed


# An item's page (/xxgk/items/<id>/) and the file it is published as (xxgk/items/<id>.html):
# item pages are nearly the whole site, and a directory each cost the file system more than
# the page itself (a full build spent most of its time making them). nginx maps the address to
# the file (deploy/nginx.conf), the embedded server through ``file_for_url``.
ITEM_URL = re.compile(r"^/xxgk/items/(\d+)/$")
ITEM_FILE = re.compile(r"^/?xxgk/items/(\d+)\.html$")


def file_for_url(url: str) -> str:
    """The file a URL is published as: ``/a/b/`` → ``a/b/index.html``, an item's page
    ``/xxgk/items/7/`` → ``xxgk/items/7.html``."""
    item = ITEM_URL.match(url)
    if item is not None:
        return f"xxgk/items/{item.group(1)}.html"
    return (url.lstrip("/") + "index.html") if url.endswith("/") else url.lstrip("/")


def url_for_file(path: str) -> str:
    """The URL a site file was published for (``file_for_url`` backwards; a ``.gz`` twin gives
    its page's): ``a/b/index.html`` → ``/a/b/``, ``xxgk/items/7.html`` → ``/xxgk/items/7/``."""
    rel = path.lstrip("/")
    ext = os.path.splitext(rel.removesuffix(".gz"))[1]
    if rel.endswith(".gz") and ext in COMPRESSED:
        rel = rel.removesuffix(".gz")
    item = ITEM_FILE.match(rel)
    if item is not None:
        return f"/xxgk/items/{item.group(1)}/"
    if rel == "index.html" or rel.endswith("/index.html"):
        return "/" + rel.removesuffix("index.html")
    return "/" + rel
