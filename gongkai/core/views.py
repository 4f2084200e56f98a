"""Staff views of the core app: the auditor's screen and import-job progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.core.audit import record_event
from gongkai.core.csvout import csv_lines
from gongkai.core.forms import AuditFilterForm
from gongkai.core.selectors import get_import_job, list_audit_events, list_import_jobs

PAGE_SIZE = 50


def _audit_scope(request: HttpRequest) -> tuple[Any, AuditFilterForm]:
    organ = current_organ(request)
    if organ is None or not can(request.user, Action.VIEW_AUDIT, organ=organ):
        raise Http404
    return organ, AuditFilterForm(request.GET or None)


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The auditor's screen: filter the organ's audit records, page through, export."""
    organ, form = _audit_scope(request)
    events = list_audit_events(request.user, organ=organ, flt=form.to_filter())
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(seq__lt=int(before))
    page = list(events[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "organ": organ,
            "form": form,
            "events": page,
            "next_before": page[-1].seq if has_more else None,
            "query": query.urlencode(),
        },
    )


@login_required
def audit_export_view(request: HttpRequest) -> StreamingHttpResponse:
    """Export the filtered audit records as CSV (UTF-8 with BOM for spreadsheet programs)."""
    organ, form = _audit_scope(request)
    flt = form.to_filter()
    with transaction.atomic():
        record_event(
            "core.audit.exported", actor=request.user, organ_id=organ.pk, changes=flt.as_dict()
        )
    events = list_audit_events(request.user, organ=organ, flt=flt)
    header = [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        _("变更内容"),
        _("IP 地址"),
        _("浏览器标识"),
        _("哈希"),
    ]

    def rows() -> Iterator[list[Any]]:
        for event in events.iterator(chunk_size=2000):
            yield (
                [
                    event.seq,
                    timezone.localtime(event.created_at).isoformat(),
                    event.actor_label,
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.changes,
                    event.ip or "",
                    event.user_agent,
                    event.hash,
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_lines(header, rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
def import_jobs_view(request: HttpRequest) -> HttpResponse:
    """Import jobs of the organ with their progress."""
    organ = current_organ(request)
    if organ is None:
        raise Http404
    jobs = list_import_jobs(request.user, organ=organ)[:100]
    return render(request, "core/import_jobs.html", {"organ": organ, "jobs": jobs})


@login_required
def import_job_status_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Progress of one import as JSON, polled by the jobs page."""
    job = get_import_job(request.user, pk)
    if job is None:
        raise Http404
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "errors": job.row_errors.count(),
            "message": job.message,
        }
    )
