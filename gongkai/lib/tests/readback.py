"""Read a written .xlsx back as a spreadsheet program would, for the exporters' tests."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from gongkai.lib.spreadsheet import looks_like_formula


def xlsx_texts(content: bytes) -> list[str]:
    """Every text cell of every sheet, after checking that none is or could become a formula:
    no ``<f>`` element anywhere, every text a string cell, formula-like text quote-prefixed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                assert b"<f>" not in xml
                assert b"<f " not in xml
    texts = []
    for sheet in openpyxl.load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    if looks_like_formula(cell.value):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts
