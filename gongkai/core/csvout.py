"""Streaming CSV for exports: UTF-8 with a BOM for spreadsheet programs, and text cells that a
spreadsheet would run as a formula written as text (``gongkai.lib.spreadsheet.csv_cell``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from gongkai.lib.spreadsheet import csv_cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])
