"""The upload policy decides a file's type by its content and never keeps the user's name."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.uploads import DOCUMENT_POLICY, IMAGE_POLICY, RandomUploadTo, UploadPolicy

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_real_pdf_and_docx_are_accepted() -> None:
    assert DOCUMENT_POLICY.check(SimpleUploadedFile("通知.pdf", PDF)).extension == "pdf"
    detected = DOCUMENT_POLICY.check(SimpleUploadedFile("方案.docx", _docx()))
    assert detected.extension == "docx"
    assert detected.media_type.endswith("wordprocessingml.document")


def test_type_comes_from_content_not_name() -> None:
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        DOCUMENT_POLICY.check(SimpleUploadedFile("report.pdf", PNG))
    assert IMAGE_POLICY.check(SimpleUploadedFile("logo.pdf", PNG)).extension == "png"
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        DOCUMENT_POLICY.check(SimpleUploadedFile("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 20))


def test_chinese_text_in_gb18030_counts_as_text() -> None:
    upload = SimpleUploadedFile("方案.txt", "序号\t工作任务\n1\t深化政务公开\n".encode("gb18030"))
    assert DOCUMENT_POLICY.check(upload).extension == "txt"


def test_size_limit_and_empty_file() -> None:
    small = UploadPolicy(max_bytes=10)
    with pytest.raises(ValidationError, match="文件过大"):
        small.check(SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ValidationError, match="文件为空"):
        DOCUMENT_POLICY.check(SimpleUploadedFile("a.pdf", b""))


def test_stored_names_are_random_and_keep_only_the_real_extension() -> None:
    class Holder:
        _detected_extension = "pdf"

    upload_to = RandomUploadTo("attachments")
    first = upload_to(Holder(), "../../etc/passwd 机密.exe")
    second = upload_to(Holder(), "../../etc/passwd 机密.exe")
    assert first != second
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
