"""Decompression bombs for the tests: small files whose XML is tens of MB once unpacked."""

from __future__ import annotations

import io
import zipfile

MB = 1024 * 1024


def _rewrite(data: bytes, member: str, grow: bytes, anchor: bytes) -> bytes:
    """``data`` with ``grow`` inserted after ``anchor`` in ``member``, highly compressed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = content.replace(anchor, anchor + grow, 1)
            target.writestr(info.filename, content)
    return out.getvalue()


def docx_bomb(megabytes: int = 21) -> bytes:
    """A .docx whose document.xml holds ``megabytes`` MB of empty paragraphs (≈ 1000:1)."""
    import docx

    document = docx.Document()
    document.add_paragraph("中山市司法局2019年政务公开工作要点分工方案")
    out = io.BytesIO()
    document.save(out)
    empty = b"<w:p/>"
    return _rewrite(
        out.getvalue(), "word/document.xml", empty * (megabytes * MB // len(empty)), b"<w:body>"
    )


def xlsx_bomb(megabytes: int = 21) -> bytes:
    """An .xlsx whose first sheet holds ``megabytes`` MB of one repeated byte (in a comment)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["事项名称", "职权类别"])
    out = io.BytesIO()
    workbook.save(out)
    padding = b"<!--" + b"A" * (megabytes * MB) + b"-->"
    return _rewrite(out.getvalue(), "xl/worksheets/sheet1.xml", padding, b"</row>")


def zip_of(members: dict[str, bytes], *, stored: bool = False) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()
