"""ZIP-based files (.docx, .xlsx, .pptx, .ofd, .zip) checked before anything opens them.

A ZIP member is stored compressed: 60 KB can hold 20 MB of repeated XML, which python-docx or
openpyxl then build into a tree of several hundred MB (a decompression bomb; it took a worker
to 500 MB and a 500). ``check_archive`` reads only the central directory — names and declared
sizes, nothing is decompressed — and refuses an archive with too many members, a member or a
total too large once decompressed, or a member compressed beyond any ordinary document
(``max_ratio``; members under ``RATIO_FLOOR`` may compress as they like, a few hundred KB of
styles do). The declared sizes are enough: Python's ``zipfile``, which python-docx and openpyxl
read through, never returns more than a member's declared size, so a lying header only
truncates.

Two sets of limits (``config/settings.py``, ``.env.example``): every archive upload is held to
``ArchiveLimits.from_settings()``; a document the application parses itself (a plan, a
权责清单, a holiday notice) also to ``GONGKAI_PARSE_MAX_MB`` of decompressed content
(``for_parsing``), since its whole XML becomes a tree in memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.lib.documents import UnreadableDocument

MB = 1024 * 1024
RATIO_FLOOR = 1 * MB
ARCHIVE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "ofd", "zip"})


class UnsafeArchive(UnreadableDocument):
    """The archive is refused before it is opened; the message says which limit and why."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 2000
    max_member_bytes: int = 200 * MB
    max_total_bytes: int = 500 * MB
    max_ratio: int = 100

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        """The limits every archive upload is held to (GONGKAI_ARCHIVE_*)."""
        from django.conf import settings

        return cls(
            max_members=settings.GONGKAI_ARCHIVE_MAX_MEMBERS,
            max_member_bytes=settings.GONGKAI_ARCHIVE_MAX_MEMBER_MB * MB,
            max_total_bytes=settings.GONGKAI_ARCHIVE_MAX_TOTAL_MB * MB,
            max_ratio=settings.GONGKAI_ARCHIVE_MAX_RATIO,
        )

    @classmethod
    def for_parsing(cls) -> ArchiveLimits:
        """The limits of a document the application parses: also GONGKAI_PARSE_MAX_MB in all."""
        from django.conf import settings

        limits = cls.from_settings()
        parse = settings.GONGKAI_PARSE_MAX_MB * MB
        return replace(
            limits,
            max_member_bytes=min(limits.max_member_bytes, parse),
            max_total_bytes=min(limits.max_total_bytes, parse),
        )


def check_archive(source: bytes | IO[bytes], limits: ArchiveLimits) -> None:
    """Refuse (``UnsafeArchive``) an archive beyond ``limits``, before anything is unpacked.

    A file handle is left at its start.
    """
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(_("文件已损坏，无法读取。")) from exc
    finally:
        handle.seek(0)
    if len(members) > limits.max_members:
        raise UnsafeArchive(
            _("文件内含 %(n)d 个部件，超过上限 %(limit)d 个，已拒绝。")
            % {"n": len(members), "limit": limits.max_members}
        )
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > RATIO_FLOOR and size > limits.max_ratio * max(member.compress_size, 1):
            raise UnsafeArchive(
                _(
                    "文件内的部件“%(name)s”压缩比异常（%(size)s 压缩为 %(packed)s），"
                    "疑似恶意构造的压缩文件，已拒绝。"
                )
                % {
                    "name": member.filename[:80],
                    "size": filesizeformat(size),
                    "packed": filesizeformat(member.compress_size),
                }
            )
        if size > limits.max_member_bytes:
            raise UnsafeArchive(
                _("文件内的部件“%(name)s”解压后为 %(size)s，超过上限 %(limit)s，已拒绝。")
                % {
                    "name": member.filename[:80],
                    "size": filesizeformat(size),
                    "limit": filesizeformat(limits.max_member_bytes),
                }
            )
    if total > limits.max_total_bytes:
        raise UnsafeArchive(
            _("文件解压后共 %(size)s，超过上限 %(limit)s，已拒绝。")
            % {"size": filesizeformat(total), "limit": filesizeformat(limits.max_total_bytes)}
        )


_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"'
)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def merged_cell_count(data: bytes) -> int:
    """The cells of the merged ranges of an .xlsx's sheets, read from their XML without
    building it (openpyxl makes an object for each such cell as it loads the workbook). Call it
    after ``check_archive``, which bounds the sheets' size."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                for first_col, first_row, last_col, last_row in _MERGE.findall(
                    archive.read(member)
                ):
                    rows = abs(int(last_row) - int(first_row)) + 1
                    columns = abs(_column(last_col) - _column(first_col)) + 1
                    total += rows * columns
    return total
