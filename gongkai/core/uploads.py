"""Upload policy shared by every module: size limit, type by content, archives checked before
anyone opens them (``gongkai.lib.archives``), random stored names.

A file's type is decided from its first bytes, never from the name the user gave it: a
``report.pdf`` that is really an executable is refused. Stored names are random, so an uploaded
name can neither collide, nor traverse paths, nor reveal anything on disk.
"""

from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.lib.archives import ARCHIVE_EXTENSIONS, ArchiveLimits, check_archive
from gongkai.lib.documents import UnreadableDocument

# Canonical extension → media type. Office Open XML files are ZIPs told apart by their contents.
DOCUMENT_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ofd": "application/ofd",
    "zip": "application/zip",
    "txt": "text/plain",
    "csv": "text/csv",
}
IMAGE_TYPES: Mapping[str, str] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
MEDIA_TYPES: Mapping[str, str] = {"mp4": "video/mp4", "mp3": "audio/mpeg"}

_OOXML_MARKERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class DetectedFile:
    extension: str
    media_type: str
    size: int


def _sniff_zip(handle: IO[bytes]) -> str:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return ""
    finally:
        handle.seek(0)
    if "mimetype" in names:
        return "ofd" if any(n.lower().startswith("doc_0/") for n in names) else "zip"
    for name in names:
        for prefix, ext in _OOXML_MARKERS.items():
            if name.startswith(prefix):
                return ext
    if any(n.lower().startswith("doc_0/") or n.upper() == "OFD.XML" for n in names):
        return "ofd"
    return "zip"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # The sniffed head may end inside a multi-byte character.
            try:
                head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        return True
    return False


def detect_extension(handle: IO[bytes]) -> str:
    """Return the canonical extension of the file's content, or ``""`` if unknown."""
    handle.seek(0)
    head = handle.read(_SNIFF_BYTES)
    handle.seek(0)
    if not head:
        return ""
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(handle)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE compound file: .doc or .xls; refined by the declared name below
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        ext = str(match.extension).lstrip(".").lower()
        ext = {"jpeg": "jpg", "mpga": "mp3"}.get(ext, ext)
        if ext in IMAGE_TYPES or ext in MEDIA_TYPES:
            return ext
    if _looks_like_text(head):
        return "txt"
    return ""


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload accepts. ``max_bytes=None`` takes GONGKAI_UPLOAD_MAX_MB."""

    allowed: Mapping[str, str] = field(default_factory=lambda: dict(DOCUMENT_TYPES))
    max_bytes: int | None = None

    @property
    def limit(self) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        return int(settings.GONGKAI_UPLOAD_MAX_MB) * 1024 * 1024

    def check(self, upload: UploadedFile[Any]) -> DetectedFile:
        """Return the file's real type, or raise ``ValidationError`` in Chinese."""
        size = upload.size or 0
        if size == 0:
            raise ValidationError(_("文件为空，请重新选择。"), code="empty")
        if size > self.limit:
            raise ValidationError(
                _("文件过大（%(size)s），上限为 %(limit)s。")
                % {"size": filesizeformat(size), "limit": filesizeformat(self.limit)},
                code="too_large",
            )
        if upload.file is None:
            raise ValidationError(_("文件为空，请重新选择。"), code="empty")
        ext = detect_extension(upload.file)
        declared = PurePosixPath(upload.name or "").suffix.lstrip(".").lower()
        if ext == "doc" and declared == "xls":
            ext = "xls"
        if ext == "txt" and declared == "csv":
            ext = "csv"
        if ext == "zip" and declared == "ofd":
            ext = "ofd"
        if not ext or ext not in self.allowed:
            allowed = "、".join(sorted(self.allowed))
            raise ValidationError(
                _("不支持的文件类型（按文件内容识别）。允许的类型：%(allowed)s。")
                % {"allowed": allowed},
                code="bad_type",
            )
        if ext in ARCHIVE_EXTENSIONS:  # before anyone opens it: decompression bombs
            try:
                check_archive(upload.file, ArchiveLimits.from_settings())
            except UnreadableDocument as exc:
                raise ValidationError(str(exc), code="unsafe_archive") from None
        return DetectedFile(ext, self.allowed[ext], size)


DOCUMENT_POLICY = UploadPolicy()
IMAGE_POLICY = UploadPolicy(allowed=dict(IMAGE_TYPES), max_bytes=5 * 1024 * 1024)


def extension_for(media_type: str) -> str:
    """The canonical extension of a media type the upload policies accept ("bin" otherwise)."""
    for table in (DOCUMENT_TYPES, IMAGE_TYPES, MEDIA_TYPES):
        for ext, known in table.items():
            if known == media_type:
                return ext
    return "bin"


def random_name(extension: str) -> str:
    """Return a random file name with ``extension``: 32 hex characters, nothing from the user."""
    return f"{secrets.token_hex(16)}.{extension}"


class RandomUploadTo:
    """``upload_to`` for FileFields: ``<prefix>/<yyyy>/<mm>/<random>.<real extension>``.

    The real extension is the one the policy detected (``instance._detected_extension``), else
    the lower-cased declared one; either way the user's name never reaches the disk.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        ext = getattr(instance, "_detected_extension", "") or (
            PurePosixPath(filename).suffix.lstrip(".").lower() or "bin"
        )
        ext = "".join(ch for ch in ext if ch.isalnum())[:10] or "bin"
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y}/{today:%m}/{random_name(ext)}"

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("gongkai.core.uploads.RandomUploadTo", (self.prefix,), {})


# Uploads that are public by nature; everything else (applicants' files under foi/, letters under
# foi-letters/, evidence, unpublished attachments) is served only by views that check permission.
PUBLIC_MEDIA_PREFIXES = ("organ-logos",)
# One segment of a stored upload's name (RandomUploadTo: <prefix>/<yyyy>/<mm>/<hex>.<ext>). Not
# "." or "..", no backslash, no percent sign (left by a double encoding), nothing that a
# filesystem or another decoder could read as a separator.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


def public_media_file(root: Path, path: str) -> Path | None:
    """The file under ``root`` that ``/media/<path>`` may serve, or ``None``.

    ``path`` is taken as it is, never normalised: every segment must be a plain name, the first
    a public prefix, and the file, with links resolved, must still lie inside that prefix.
    """
    segments = path.split("/")
    if len(segments) < 2 or segments[0] not in PUBLIC_MEDIA_PREFIXES:
        return None
    if not all(_SEGMENT.fullmatch(segment) for segment in segments[1:]):
        return None
    base = (root / segments[0]).resolve()
    try:
        target = root.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


class SizeLimitedUpload(FileUploadHandler):
    """Stop taking in a file once it passes ``limit`` bytes: the rest of it is skipped, never
    stored, and the parsing goes on, so the other fields of the form still arrive. The field's
    name is added to ``request.too_large_uploads`` for the form to say so beside it.

    Install it first, before ``request.POST`` is read (the view must be ``csrf_exempt`` and
    check the token itself: the CSRF middleware would read the body first)."""

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        request.too_large_uploads = []  # type: ignore[attr-defined]

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.too_large_uploads.append(self.field_name)  # type: ignore[union-attr]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
