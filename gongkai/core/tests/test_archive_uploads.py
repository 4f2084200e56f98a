"""Decompression bombs at every archive upload: refused with a Chinese message beside the file
field before anything parses them; an ordinary file still goes through."""

from __future__ import annotations

import functools
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core.uploads import DOCUMENT_POLICY
from gongkai.lib.documents import UnreadableDocument, document_text
from gongkai.lib.tests.bombs import MB, docx_bomb, xlsx_bomb, zip_of
from gongkai.workplan.parsing.sources import read_blocks


@functools.cache
def _bombs() -> tuple[bytes, bytes]:
    return docx_bomb(), xlsx_bomb()


@pytest.fixture
def no_parsing(monkeypatch: Any) -> None:
    """The refusal must come before python-docx or openpyxl see the file (both are replaced
    where the parsers reach them: gongkai.lib.documents' docx, the openpyxl module)."""
    import types

    import openpyxl

    import gongkai.lib.documents

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a bomb reached the parser")

    _bombs()  # built with python-docx and openpyxl before they are taken away
    monkeypatch.setattr(gongkai.lib.documents, "docx", types.SimpleNamespace(Document=refuse))
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _plain_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("中山市司法局2019年政务公开工作要点分工方案")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.usefixtures("no_parsing")
def test_the_parsers_refuse_a_bomb_before_parsing() -> None:
    for bomb in _bombs():
        with pytest.raises(UnreadableDocument, match="压缩比异常"):
            read_blocks(bomb)
    with pytest.raises(UnreadableDocument, match="压缩比异常"):
        document_text(_bombs()[0])


def test_an_ordinary_document_is_still_read() -> None:
    assert "政务公开" in document_text(_plain_docx())


def test_a_document_too_large_to_parse_is_refused(settings: Any) -> None:
    """Not a bomb by its ratio, but more than GONGKAI_PARSE_MAX_MB once unpacked."""
    import os

    settings.GONGKAI_PARSE_MAX_MB = 1
    text = zip_of({"word/document.xml": os.urandom(MB).hex().encode()})  # ~2:1
    with pytest.raises(UnreadableDocument, match=r"超过上限 1\.0"):
        read_blocks(text)


@pytest.mark.parametrize(
    ("name", "bomb"), [("方案.docx", docx_bomb), ("清单.xlsx", xlsx_bomb), ("附件.ofd", None)]
)
def test_the_upload_policy_refuses_a_bomb(name: str, bomb: Any) -> None:
    data = bomb() if bomb else zip_of({"Doc_0/Content.xml": bytes(21 * MB), "OFD.xml": b"<a/>"})
    upload = SimpleUploadedFile(name, data)
    with pytest.raises(ValidationError, match="压缩比异常") as refused:
        DOCUMENT_POLICY.check(upload)
    assert refused.value.code == "unsafe_archive"
    assert DOCUMENT_POLICY.check(SimpleUploadedFile("方案.docx", _plain_docx())).extension == "docx"


def test_the_upload_policy_counts_members(settings: Any) -> None:
    settings.GONGKAI_ARCHIVE_MAX_MEMBERS = 5
    upload = SimpleUploadedFile("材料.zip", zip_of({f"{n}.txt": b"x" for n in range(6)}))
    with pytest.raises(ValidationError, match="6 个部件"):
        DOCUMENT_POLICY.check(upload)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_parsing")
def test_each_import_page_shows_the_refusal_beside_its_file_field(world: Any) -> None:
    coordinator, admin = Client(), Client()
    coordinator.force_login(world.users[Role.COORDINATOR])
    superuser = world.users[Role.ADMIN]
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    admin.force_login(superuser)
    docx, xlsx = _bombs()
    for client, url, bomb in (
        (coordinator, "/staff/plans/import/", docx),
        (coordinator, "/staff/disclosure/powers/", xlsx),
        (admin, "/staff/workdays/import/", docx),
    ):
        response = client.post(url, {"file": SimpleUploadedFile("bomb.docx", bomb)})
        assert response.status_code in (200, 400), url
        assert "压缩比异常" in " ".join(response.context["form"].errors["file"]), url
        assert "压缩比异常" in response.content.decode(), url


def test_a_word_table_spanning_a_billion_columns_is_refused() -> None:
    """A 1 KB file: python-docx would repeat the cell once per spanned column."""
    import docx

    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell._tc.grid_span = 10**9
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(UnreadableDocument, match="列数过多"):
        read_blocks(out.getvalue())
    with pytest.raises(UnreadableDocument, match="列数过多"):
        document_text(out.getvalue())


def _xlsx_with(extra: bytes = b"", cell: str | None = None) -> bytes:
    import openpyxl

    from gongkai.lib.tests.bombs import _rewrite

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["事项名称", "职权类别"])
    if cell:
        sheet[cell] = "远处的单元格"
    out = io.BytesIO()
    workbook.save(out)
    return _rewrite(out.getvalue(), "xl/worksheets/sheet1.xml", extra, b"</sheetData>")


def test_a_sheet_too_large_to_read_is_refused_before_its_cells_are_made() -> None:
    merged = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    with pytest.raises(UnreadableDocument, match="合并的单元格过多"):
        read_blocks(_xlsx_with(merged))
    with pytest.raises(UnreadableDocument, match="过大"):
        read_blocks(_xlsx_with(cell="XFD1048576"))
    assert read_blocks(_xlsx_with(b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'))
