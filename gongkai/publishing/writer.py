"""Writing the site's files: whole or not at all, with a pre-compressed twin.

Every file is written to a temporary name in its own directory, flushed to disk and renamed over
the old one (``os.replace`` is atomic on POSIX), so a reader sees the old page or the new one,
never half of either, and a process killed mid-write leaves the old page in place. HTML, CSS, JS,
XML and text files get a ``.gz`` beside them for nginx's ``gzip_static``.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

COMPRESSED = frozenset({".html", ".css", ".js", ".xml", ".txt", ".json", ".svg"})


@dataclass(frozen=True)
class Written:
    path: str  # relative, with forward slashes
    sha256: str
    size: int


def safe_relative(path: str) -> PurePosixPath:
    """A site path as a relative path that cannot leave the site root."""
    rel = PurePosixPath(path.lstrip("/"))
    if rel.is_absolute() or any(part in ("", "..") for part in rel.parts) or not rel.parts:
        raise ValueError(f"bad site path: {path!r}")
    return rel


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Whether files created 0644 come out narrower (a strict umask): then each is widened after.
NARROWED = bool(_umask() & 0o644)


def _write_new(target: str, data: bytes) -> None:
    """Write ``target`` in place (created 0644, or truncated), making its directory if needed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(target, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if NARROWED:
            os.fchmod(fd, 0o644)
    finally:
        os.close(fd)


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
    head = os.path.dirname(target)
    temp = _temp_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(temp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(head, exist_ok=True)
        fd = os.open(temp, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if NARROWED:
            os.fchmod(fd, 0o644)
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise
    return Staged(fd, temp, target)


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


def write_atomic(target: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``target`` with ``data`` atomically (``durable``: flushed to disk first). Not
    ``durable``: written in place, for a release directory nobody reads yet."""
    if not durable:
        _write_new(str(target), data)
        return
    settle(_stage_one(str(target), data))


def _twin(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def stage_file(root: Path, path: str, data: bytes) -> tuple[Written, Staged]:
    """Write one site file under a temporary name, unflushed; it becomes the live file when
    ``settle``d. A publication stages its pages as it renders them, then settles them all at
    once in several threads (the disk waits overlap), each followed by its ``.gz``
    (``write_twin``: compression lets go of the interpreter)."""
    rel = str(safe_relative(path))
    staged = _stage_one(os.path.join(root, rel), data)
    return Written(rel, hashlib.sha256(data).hexdigest(), len(data)), staged


def write_twin(root: Path, path: str, data: bytes) -> Written | None:
    """Write the ``.gz`` of a text file atomically and durably (``None``: it has none)."""
    rel = str(safe_relative(path))
    if os.path.splitext(rel)[1] not in COMPRESSED:
        return None
    packed = _twin(data)
    settle(_stage_one(os.path.join(root, rel) + ".gz", packed))
    return Written(f"{rel}.gz", hashlib.sha256(packed).hexdigest(), len(packed))


def write_file(root: Path, path: str, data: bytes, *, durable: bool = True) -> list[Written]:
    """Write one site file (and its .gz when it is text); return what was written."""
    rel = safe_relative(path)
    target = root.joinpath(*rel.parts)
    write_atomic(target, data, durable=durable)
    written = [Written(str(rel), hashlib.sha256(data).hexdigest(), len(data))]
    if target.suffix in COMPRESSED:
        packed = _twin(data)
        write_atomic(target.with_name(target.name + ".gz"), packed, durable=durable)
        written.append(Written(f"{rel}.gz", hashlib.sha256(packed).hexdigest(), len(packed)))
    return written


def remove_file(root: Path, path: str) -> list[str]:
    """Remove a site file and its .gz twin; return the paths that were there."""
    rel = safe_relative(path)
    removed = []
    for candidate in (str(rel), f"{rel}.gz"):
        target = root.joinpath(*PurePosixPath(candidate).parts)
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
