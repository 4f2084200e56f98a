"""Plain text out of the documents offices exchange (txt in UTF-8 or GB18030, docx).

What comes out is normalised as every text input is (``gongkai.lib.text.clean_text``); a text
file holding NUL — most often a UTF-16 file, or not text at all — is refused. A Word document is
checked before it is opened (``gongkai.lib.archives``: decompression bombs), and its tables are
read within limits (``docx_table_rows``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from docx.table import Table

from gongkai.lib.text import clean_text, has_nul

# Word itself makes tables of at most 63 columns; a cell's declared span (w:gridSpan) is
# otherwise repeated that many times by python-docx's row.cells: 10^9 from a 1 KB file.
MAX_TABLE_COLUMNS = 1000


class UnreadableDocument(ValueError):
    """The bytes are neither text in a known encoding nor a Word document."""


def decode_text(data: bytes) -> str:
    """Decode text saved as UTF-8 (with or without BOM) or GB18030 (GBK), normalised."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if has_nul(text):
            raise UnreadableDocument(
                "文件中含有空字符，不是纯文本：请另存为 UTF-8 或 GBK 编码的文本"
            )
        return clean_text(text)
    raise UnreadableDocument("文本编码无法识别，请另存为 UTF-8 或 GBK 编码")


def open_docx(data: bytes) -> Any:
    """Open a .docx to parse it, once ``check_archive`` has let it through."""
    from gongkai.lib.archives import ArchiveLimits, check_archive

    check_archive(data, ArchiveLimits.for_parsing())
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument("无法读取该 Word 文档（.docx）") from exc


def docx_table_rows(table: Table) -> list[list[str]]:
    """The text of each cell of each row (a merged cell repeated over its span), refusing a
    row that spans more than MAX_TABLE_COLUMNS or a vertical merge too deep to follow."""
    rows = []
    try:
        for row in table.rows:
            # python-docx has no public view of a row's spans before it repeats its cells.
            span = sum(tc.grid_span for tc in row._tr.tc_lst)
            if span > MAX_TABLE_COLUMNS:
                raise UnreadableDocument(
                    f"Word 文档中的表格列数过多（{span} 列），无法读取；请检查表格后再上传"
                )
            rows.append([cell.text for cell in row.cells])
    except RecursionError:  # python-docx follows a vertical merge up one call per row
        raise UnreadableDocument(
            "Word 文档中的表格纵向合并的单元格过多，无法读取；请取消合并后再上传"
        ) from None
    return rows


def docx_text(data: bytes) -> str:
    """Return a .docx's paragraphs and table rows as lines (cells joined by tabs)."""
    document = open_docx(data)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cells in docx_table_rows(table):
            lines.append("\t".join(cell.strip() for cell in cells))
    return clean_text("\n".join(lines))


def document_text(data: bytes, *, name: str = "") -> str:
    """Return the text of an uploaded .txt or .docx (decided by content, not by name)."""
    if data.startswith(b"PK\x03\x04"):
        return docx_text(data)
    return decode_text(data)
