"""Cells of the spreadsheets we write (.xlsx and CSV): text stays text, never a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or CR
before one) as a formula: an applicant's name ``=HYPERLINK(…)`` in an export would run on the
coordinator's machine (CSV/formula injection, OWASP). Every writer goes through this module:

* ``.xlsx`` (``append_row``): text is written as a string cell (``data_type = "s"``), never as
  a formula, whatever it starts with; text that looks like a formula also gets the cell style's
  ``quotePrefix``, so it stays text when someone edits the cell. This keeps the value exactly as
  stored (no apostrophe in it), which a prefix could not. Text is also cleaned of what XML
  cannot carry (openpyxl refuses it). Numbers and dates stay numbers and dates.
* CSV (``csv_cell``): CSV has no types, so text that looks like a formula gets a leading
  apostrophe, which spreadsheet programs show as marking text (OWASP's advice).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from gongkai.lib.text import xml_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet program would take ``value`` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV file: formula-like text behind an apostrophe, anything else as is."""
    if looks_like_formula(value):
        return "'" + value
    return value


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append ``values`` to ``sheet`` as a row, text as string cells (see the module)."""
    row = [xml_text(v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True
