"""Imports (plan documents, the 权责清单, holiday notices) with hostile text: what they read is
normalised as every input is, and a text file holding NUL is refused with a clear message."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.accounts.choices import Role
from gongkai.lib.documents import UnreadableDocument, document_text
from gongkai.workplan.parsing.sources import Paragraph, Table, read_blocks

# What a text file can hold (NUL apart, which is refused), and what XML can: DEL, C1
# controls, CR, decomposed characters — a .docx or .xlsx cannot carry C0 controls.
text_file = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from("\x1b\x0b\x08\x0c\r\x7f\x85\x9b\ufffe\u0301\t|"),
    ),
    max_size=60,
)
xml_text = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
        st.sampled_from("\x7f\x85\x9b\u0301\r"),
    ),
    min_size=1,
    max_size=30,
)


def _is_clean(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value) and not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n" for ch in value
    )


def _texts(data: bytes) -> list[str]:
    texts = []
    for block in read_blocks(data):
        if isinstance(block, Paragraph):
            texts.append(block.text)
        else:
            assert isinstance(block, Table)
            texts += [cell for row in block.rows for cell in row]
    return texts


@settings(max_examples=50, deadline=None)
@given(text=text_file, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_a_text_plan_reads_as_clean_text(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    if data.startswith(b"PK\x03\x04"):
        return
    try:
        texts = _texts(data)
    except UnreadableDocument:
        return  # not decodable as either encoding: refused with its message
    assert all(_is_clean(t) for t in texts)
    assert all(_is_clean(line) for line in document_text(data).splitlines())


@settings(max_examples=30, deadline=None)
@given(paragraph=xml_text, cell=xml_text)
def test_a_word_plan_reads_as_clean_text(paragraph: str, cell: str) -> None:
    document = docx.Document()
    document.add_paragraph(paragraph)
    document.add_table(rows=1, cols=2).cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    assert all(_is_clean(t) for t in _texts(out.getvalue()))
    assert _is_clean(document_text(out.getvalue()))


@settings(max_examples=30, deadline=None)
@given(cells=st.lists(xml_text, min_size=2, max_size=4))
def test_a_spreadsheet_plan_reads_as_clean_text(cells: list[str]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(cells)
    sheet.append(["序号", *cells])
    out = io.BytesIO()
    workbook.save(out)
    assert all(_is_clean(t) for t in _texts(out.getvalue()))


def test_a_text_file_with_nul_is_refused_with_a_clear_message() -> None:
    utf16 = "中山市司法局2019年政务公开工作要点".encode("utf-16-le")
    with pytest.raises(UnreadableDocument, match="空字符"):
        read_blocks(utf16)
    with pytest.raises(UnreadableDocument, match="空字符"):
        document_text(b"\xe4\xb8\xad\x00\xe5\xb1\xb1")


@pytest.mark.django_db
def test_a_power_list_with_control_characters_is_stored_clean(world: Any) -> None:
    from gongkai.disclosure.powers import import_power_list
    from gongkai.disclosure.tests.test_powers import HEADER

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(
        [1, "441200-XK-001", "律师事务所\x80设立\x9b许可", "行政许可", "《律师法》\x7f第十八条",
         "律师工作管理科", "受理、审查", "e\u0301"]
    )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    power_list = import_power_list(
        world.organ, actor=world.users[Role.COORDINATOR], data=out.getvalue(), source_name="x"
    )
    item = power_list.items.get()
    assert item.name == "律师事务所设立许可"
    assert item.basis == "《律师法》第十八条"
    assert item.accountability == "\u00e9"


def test_a_holiday_notice_file_reads_as_clean_text() -> None:
    from gongkai.workdays.notice import parse_notice
    from gongkai.workdays.tests.test_notice import _text

    notice = _text(2026).replace("\n", "\r\n").replace("一、元旦", "一、元\x1b旦")
    parsed = parse_notice(document_text(notice.encode("utf-8")))
    assert parsed.year == 2026
    assert all(_is_clean(item.name) for item in parsed.items)
