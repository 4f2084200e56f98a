"""API of the core app: progress of import jobs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from gongkai.core.apitypes import Id
from gongkai.core.errors import NotFound
from gongkai.core.selectors import get_import_job

router = Router(tags=["core"])


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
