"""What the foi pages share: letters as .docx downloads."""

from __future__ import annotations

from django.http import FileResponse

from gongkai.foi.models import Letter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_response(letter: Letter) -> FileResponse:
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter.filename,
        content_type=DOCX,
    )
    response["Cache-Control"] = "private, no-store"
    return response
