"""Read a plan document into blocks: paragraphs and tables, whatever the file format.

Formats: plain text / TSV (tab-separated table rows among paragraphs), Markdown (pipe tables,
``#`` headings), ``.docx`` (paragraphs and tables in document order; vertically merged cells
repeat their text), ``.xlsx`` (every sheet a table; merged ranges filled from their top-left).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from gongkai.lib.archives import ArchiveLimits, check_archive, merged_cell_count
from gongkai.lib.documents import UnreadableDocument, decode_text, docx_table_rows, open_docx
from gongkai.lib.text import clean_text


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)
    # Where each row was in the source (spreadsheet row or text line), for error messages.
    source_rows: list[int] = field(default_factory=list)

    def add(self, cells: list[str], source_row: int) -> None:
        self.rows.append(cells)
        self.source_rows.append(source_row)


@dataclass
class Paragraph:
    text: str


Block = Paragraph | Table

# The cells of one sheet read at most (used rectangle, and merged cells): 20,000 rows of ten
# columns; a 权责清单 or a plan is far smaller, a 10 KB file claiming XFD1048576 is not.
MAX_SHEET_CELLS = 200_000


def normalise(text: str) -> str:
    """Fold full-width ASCII (，excepted) and odd spaces; keep Chinese punctuation as it is.

    Every paragraph and cell of every format passes here, so here the text is also normalised
    as all input is (``clean_text``: no control characters but tab and newline, NFC).
    """
    text = clean_text(text).replace("\u3000", " ").replace("\xa0", " ")
    folded = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in "，：；（）！？":
            folded.append(unicodedata.normalize("NFKC", ch))
        else:
            folded.append(ch)
    return "".join(folded).strip()


_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [normalise(cell) for cell in inner.split("|")]


def text_blocks(text: str) -> list[Block]:
    """Split text into paragraphs and tables (tab-separated or Markdown pipe rows)."""
    blocks: list[Block] = []
    table: Table | None = None
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        is_pipe = (stripped.startswith("|") and stripped.count("|") >= 2) or stripped.count(
            "|"
        ) >= 3
        if is_pipe and _PIPE_SEPARATOR.match(stripped):
            continue
        if "\t" in line or is_pipe:
            cells = _pipe_cells(stripped) if is_pipe else [normalise(c) for c in line.split("\t")]
            if table is None:
                table = Table()
                blocks.append(table)
            table.add(cells, line_number)
            continue
        if not stripped:
            continue  # blank lines do not end a table: the reference repeats headers between groups
        table = None
        blocks.append(Paragraph(normalise(re.sub(r"^#+\s*", "", stripped))))
    return blocks


def _docx_blocks(data: bytes) -> list[Block]:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    document = open_docx(data)
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if item.text.strip():
                blocks.append(Paragraph(normalise(item.text)))
        elif isinstance(item, DocxTable):
            table = Table()
            for number, cells in enumerate(docx_table_rows(item), start=1):
                table.add([normalise(cell) for cell in cells], number)
            blocks.append(table)
    return blocks


def _xlsx_blocks(data: bytes) -> list[Block]:
    import openpyxl

    # openpyxl makes an object for every cell of a merged range as it loads the workbook, and
    # iter_rows one for every cell of the used rectangle: both are counted before either runs.
    if merged_cell_count(data) > MAX_SHEET_CELLS:
        raise UnreadableDocument(
            f"Excel 文件中合并的单元格过多（超过 {MAX_SHEET_CELLS} 个），请取消合并后再上传"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocument("无法读取该 Excel 文件（.xlsx）") from exc
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        if sheet.max_row * sheet.max_column > MAX_SHEET_CELLS:
            raise UnreadableDocument(
                f"Excel 工作表“{sheet.title}”过大（{sheet.max_row} 行 × {sheet.max_column} 列），"
                "请删除多余的行列或拆分后再上传"
            )
        values: dict[tuple[int, int], str] = {}
        for row in sheet.iter_rows():
            for cell in row:
                value, key = cell.value, (int(cell.row or 0), int(cell.column or 0))
                if isinstance(value, dt.datetime | dt.date):
                    values[key] = f"{value.year}年{value.month}月{value.day}日"
                elif value is not None:
                    values[key] = normalise(str(value))
        for merged in sheet.merged_cells.ranges:
            top_left = values.get((merged.min_row, merged.min_col), "")
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    values[(r, c)] = top_left
        if not values:
            continue
        max_col = max(c for _r, c in values)
        table = Table()
        for r in range(1, max(r for r, _c in values) + 1):
            cells = [values.get((r, c), "") for c in range(1, max_col + 1)]
            if not any(cells):
                continue
            non_empty = {c for c in cells if c}
            if (
                len(non_empty) == 1
                and (
                    cells.count(next(iter(non_empty))) == max_col or sum(1 for c in cells if c) == 1
                )
                and not table.rows
            ):
                blocks.append(Paragraph(next(iter(non_empty))))  # a title row above the table
                continue
            table.add(cells, r)
        if table.rows:
            blocks.append(table)
    return blocks


def read_blocks(data: bytes) -> list[Block]:
    """Return the blocks of a .txt/.md/.docx/.xlsx document, told apart by content."""
    if data.startswith(b"PK\x03\x04"):
        check_archive(data, ArchiveLimits.for_parsing())  # before anything is decompressed
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument("文件已损坏，无法读取") from exc
        if any(n.startswith("xl/") for n in names):
            return _xlsx_blocks(data)
        if any(n.startswith("word/") for n in names):
            return _docx_blocks(data)
        raise UnreadableDocument("不支持的文件：请上传 .docx、.xlsx、.txt 或 .md")
    return text_blocks(decode_text(data))


def blocks_text(blocks: list[Block]) -> str:
    """Return the blocks as plain text (table cells tab-separated), for the plan's archive."""
    lines = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend("\t".join(row) for row in block.rows)
    return "\n".join(lines)
