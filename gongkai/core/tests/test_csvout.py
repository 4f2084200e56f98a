"""The CSV exports' writer: text a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.csvout import csv_lines

cell = st.one_of(
    st.integers(),
    st.text(st.characters(codec="utf-8"), max_size=20),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", "=cmd|' /C calc'!A0"]),
        st.text(st.characters(codec="utf-8"), max_size=10),
    ),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cell, min_size=1, max_size=4), max_size=4))
def test_no_cell_of_an_export_starts_like_a_formula(rows: list[list[object]]) -> None:
    text = "".join(csv_lines(["编号", "=header"], rows)).removeprefix("\ufeff")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["编号", "'=header"]
    assert len(read) == len(rows) + 1
    for written_row, row in zip(read[1:], rows, strict=True):
        for written, value in zip(written_row, row, strict=True):
            assert not written.startswith(("=", "+", "-", "@", "\t", "\r")) or (
                isinstance(value, int)  # a number stays a number, negative ones included
            )
