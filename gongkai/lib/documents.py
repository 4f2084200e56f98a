"""Plain text out of the documents offices exchange (txt in UTF-8 or GB18030, docx).

What comes out is normalised as every text input is (``gongkai.lib.text.clean_text``); a text
file holding NUL — most often a UTF-16 file, or not text at all — is refused.
"""

from __future__ import annotations

import io
import zipfile

import docx

from gongkai.lib.text import clean_text, has_nul


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


def docx_text(data: bytes) -> str:
    """Return a .docx's paragraphs and table rows as lines (cells joined by tabs)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument("无法读取该 Word 文档（.docx）") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return clean_text("\n".join(lines))


def document_text(data: bytes, *, name: str = "") -> str:
    """Return the text of an uploaded .txt or .docx (decided by content, not by name)."""
    if data.startswith(b"PK\x03\x04"):
        return docx_text(data)
    return decode_text(data)
