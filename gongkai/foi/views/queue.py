"""The staff queue of requests, its export, and staff intake by channel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.core.audit import record_event
from gongkai.core.csvout import csv_lines
from gongkai.core.errors import DomainError
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.forms import (
    IntakeForm,
)
from gongkai.foi.selectors import list_requests

QUEUE_VIEWS = {
    "open": _("办理中"),
    "due_soon": _("即将到期"),
    "overdue": _("已超期"),
    "paused": _("中止计时"),
    "reviewing": _("答复审签中"),
    "provisional": _("期限暂定"),
    "closed": _("已办结"),
}


QUEUE_PAGE_SIZE = 50


@never_cache
@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    organ = current_organ(request)
    if organ is None:
        raise Http404
    view = request.GET.get("view", "open")
    if view not in QUEUE_VIEWS:
        view = "open"
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    page = max(1, min(page, 10_000))
    start = (page - 1) * QUEUE_PAGE_SIZE
    rows = list(
        list_requests(request.user, organ=organ, view=view, today=today_local())[
            start : start + QUEUE_PAGE_SIZE + 1
        ]
    )  # one more than a page tells whether there is a next page, without counting them all
    return render(
        request,
        "foi/queue.html",
        {
            "organ": organ,
            "requests": rows[:QUEUE_PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > QUEUE_PAGE_SIZE,
            "views": QUEUE_VIEWS,
            "view": view,
            "may_intake": can(request.user, Action.COORDINATE, organ=organ),
        },
    )


@never_cache
@login_required
def export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The queue view as CSV, names and ID numbers masked as in the lists; the export is audited."""
    organ = current_organ(request)
    if organ is None:
        raise Http404
    view = request.GET.get("view", "open")
    if view not in QUEUE_VIEWS:
        view = "open"
    with transaction.atomic():
        record_event(
            "foi.queue.exported", actor=request.user, organ_id=organ.pk, changes={"view": view}
        )
    requests = list_requests(request.user, organ=organ, view=view, today=today_local())
    header = [
        _("申请编号"),
        _("申请人"),
        _("申请人类型"),
        _("证件号码"),
        _("所需信息"),
        _("申请渠道"),
        _("收到申请之日"),
        _("答复期限"),
        _("状态"),
        _("承办单位"),
        _("办理结果"),
        _("答复日期"),
    ]
    rows = (
        [
            r.number,
            r.masked_name,
            r.get_applicant_type_display(),
            r.masked_id,
            r.info_title,
            r.get_channel_display(),
            r.receipt_on or "",
            r.due_on or "",
            r.get_status_display(),
            r.handling_unit.name if r.handling_unit else "",
            r.get_outcome_display() if r.outcome else "",
            r.replied_on or "",
        ]
        for r in requests.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        csv_lines([str(h) for h in header], rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="foi-{view}-{stamp}.csv"'
    return response


@never_cache
@login_required
def intake_view(request: HttpRequest) -> HttpResponse:
    organ = current_organ(request)
    if organ is None or not can(request.user, Action.COORDINATE, organ=organ):
        raise Http404
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            application, code = services.intake(
                organ,
                actor=request.user,
                channel=data.pop("channel"),
                arrived_on=data.pop("arrived_on"),
                receipt_on=data.pop("receipt_on"),
                receipt_reason=data.pop("receipt_reason"),
                **data,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("已登记，编号 %(n)s，查询码 %(c)s（请告知申请人）。")
                % {"n": application.number, "c": code},
            )
            return redirect("foi:detail", pk=application.pk)
    return render(request, "foi/intake.html", {"form": form}, status=400 if form.errors else 200)
