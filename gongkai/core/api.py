"""API of the core app: the base of every input schema, and the progress of import jobs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from gongkai.core.apitypes import Id
from gongkai.core.errors import NotFound
from gongkai.core.selectors import get_import_job
from gongkai.lib.text import clean_text, has_nul

router = Router(tags=["core"])


def _clean(value: Any, *, nested: bool = False) -> Any:
    """``value`` with its text through ``clean_text``; NUL in a field's own text, or in a list
    of texts, is refused. A nested object keeps NUL for its own schema (an ``InSchema`` too) to
    refuse at the field that holds it."""
    if isinstance(value, str):
        if has_nul(value) and not nested:
            raise PydanticCustomError("nul_character", _("不能包含空字符。"))
        return clean_text(value, keep_nul=nested)
    if isinstance(value, list):
        return [_clean(v, nested=nested) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v, nested=True) for k, v in value.items()}
    return value


class InSchema(Schema):
    """The base of every schema the API reads (a test checks each operation's body): text is
    normalised before validation (``gongkai.lib.text.clean_text``: control characters other
    than tab and newline removed, NFC), and a field holding NUL is refused with 422 and
    不能包含空字符, the same on SQLite and PostgreSQL (which cannot store NUL). Query strings
    and form posts are already normalised by ``CleanTextMiddleware``."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        return _clean(value)


class ImportJobOut(Schema):
    id: int
    organ_id: Id
    kind: str
    source_name: str
    status: str
    processed: int
    total: int
    percent: int
    message: str
    error_count: int


@router.get("/import-jobs/{job_id}", response=ImportJobOut, summary="导入任务进度")
def import_job(request: HttpRequest, job_id: Id) -> ImportJobOut:
    job = get_import_job(request.user, job_id)
    if job is None:
        raise NotFound
    return ImportJobOut(
        id=job.pk,
        organ_id=job.organ_id,
        kind=job.kind,
        source_name=job.source_name,
        status=job.status,
        processed=job.processed,
        total=job.total,
        percent=job.percent,
        message=job.message,
        error_count=job.row_errors.count(),
    )
