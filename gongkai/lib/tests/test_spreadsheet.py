"""Spreadsheet cells: text is never a formula (xlsx: string cells; CSV: an apostrophe)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.lib.spreadsheet import append_row, csv_cell
from gongkai.lib.tests.readback import xlsx_texts
from gongkai.lib.text import xml_text

cell_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", "=HYPERLINK(", "=cmd|' /C calc'!A0"]),
        st.text(st.characters(codec="utf-8"), max_size=20),
    ),
)
EXAMPLES = settings(max_examples=100, deadline=None)


@EXAMPLES
@given(st.lists(cell_text, min_size=1, max_size=5))
def test_xlsx_text_reads_back_as_text_never_a_formula(values: list[str]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, ["标题"])
    append_row(sheet, values)
    out = io.BytesIO()
    workbook.save(out)
    texts = xlsx_texts(out.getvalue())
    assert texts[1:] == [t for v in values if (t := xml_text(v))]  # empty cells are not kept


def test_numbers_and_dates_stay_numbers_and_dates() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, [-5, 2.5, dt.date(2026, 3, 2), "-5", None])
    out = io.BytesIO()
    workbook.save(out)
    row = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())  # type: ignore[union-attr]
    assert [c.data_type for c in row[:4]] == ["n", "n", "d", "s"]
    assert row[0].value == -5
    assert row[3].value == "-5"
    assert row[3].quotePrefix


@EXAMPLES
@given(st.lists(st.one_of(cell_text, st.integers(), st.floats(allow_nan=False)), max_size=5))
def test_csv_text_never_starts_like_a_formula(values: list[object]) -> None:
    line = io.StringIO()
    csv.writer(line).writerow([csv_cell(v) for v in values])
    [read] = list(csv.reader(io.StringIO(line.getvalue()))) or [[]]
    for written, value in zip(read, values, strict=True):
        if isinstance(value, str):
            assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert written == csv_cell(value)
            assert written in (value, "'" + value)
        else:
            assert written == str(value)  # numbers stay numbers
