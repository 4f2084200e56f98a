"""check_archive: members, sizes and ratios read from the central directory, nothing unpacked."""

from __future__ import annotations

import io
import os

import pytest

from gongkai.lib.archives import ArchiveLimits, UnsafeArchive, check_archive, merged_cell_count
from gongkai.lib.documents import UnreadableDocument
from gongkai.lib.tests.bombs import MB, docx_bomb, xlsx_bomb, zip_of

SMALL = ArchiveLimits(max_members=3, max_member_bytes=2 * MB, max_total_bytes=3 * MB, max_ratio=10)


@pytest.mark.parametrize("bomb", [docx_bomb, xlsx_bomb])
def test_a_bomb_is_refused_by_its_ratio(bomb: object) -> None:
    data = bomb()  # type: ignore[operator]
    assert len(data) < 100_000
    with pytest.raises(UnsafeArchive, match="压缩比异常"):
        check_archive(data, ArchiveLimits())


def test_each_limit_is_its_own_refusal() -> None:
    noise = os.urandom(MB // 2)
    check_archive(zip_of({"a": noise, "b": noise, "c": b"x" * 1000}), SMALL)
    with pytest.raises(UnsafeArchive, match="4 个部件"):
        check_archive(zip_of({str(n): b"" for n in range(4)}), SMALL)
    with pytest.raises(UnsafeArchive, match="解压后为"):
        check_archive(zip_of({"big": os.urandom(2 * MB + 1)}, stored=True), SMALL)
    with pytest.raises(UnsafeArchive, match="解压后共"):
        check_archive(zip_of({"a": os.urandom(2 * MB), "b": os.urandom(2 * MB)}), SMALL)
    with pytest.raises(UnsafeArchive, match="压缩比异常"):
        check_archive(zip_of({"zeros": bytes(2 * MB)}), SMALL)
    check_archive(zip_of({"zeros": bytes(MB)}), SMALL)  # small members may compress as they like


def test_a_handle_is_left_at_its_start_and_a_broken_file_is_unreadable() -> None:
    handle = io.BytesIO(zip_of({"a": b"abc"}))
    handle.seek(5)
    check_archive(handle, SMALL)
    assert handle.tell() == 0
    with pytest.raises(UnreadableDocument, match="损坏"):
        check_archive(b"PK\x03\x04broken", SMALL)


def test_merged_cells_are_counted_from_the_sheet_xml() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("A1:C2")
    sheet.merge_cells("AA10:AB20")
    out = io.BytesIO()
    workbook.save(out)
    assert merged_cell_count(out.getvalue()) == 6 + 22
