"""Calendar pages for staff (year grids, corrections, notice import) and the public calculator."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.core.errors import DomainError
from gongkai.core.time import today_local
from gongkai.lib.documents import UnreadableDocument, document_text
from gongkai.workdays import services
from gongkai.workdays.calendar import OutOfRange
from gongkai.workdays.clock import ClockEventData, explain_clock
from gongkai.workdays.forms import CalculatorForm, CorrectDayForm, NoticeForm
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.notice import NoticeError, parse_notice
from gongkai.workdays.selectors import (
    count_start_day,
    get_calendar,
    get_year_grid,
    list_missing_notice_years,
)


@login_required
def year_view(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """A year as month grids: holidays, make-up working days and weekends marked."""
    year = year or today_local().year
    calendar = get_calendar()
    if not calendar.first_year <= year <= calendar.last_year:
        raise Http404
    form = CorrectDayForm(request.POST or None) if request.user.is_superuser else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_day(
                data["date"],
                actor=request.user,
                kind=data["kind"] or None,
                name=data["name"],
                reason=data["reason"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已更正 %(date)s。") % {"date": data["date"]})
            return redirect("workdays:year", year=data["date"].year)
    record = CalendarYear.objects.filter(year=year).first()
    context = {
        "year": year,
        "months": get_year_grid(year),
        "record": record,
        "provisional": calendar.is_provisional(dt.date(year, 1, 1)),
        "years": range(max(calendar.first_year, year - 3), min(calendar.last_year, year + 3) + 1),
        "form": form,
    }
    return render(
        request,
        "workdays/year.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    """Paste or upload a holiday notice, check it, preview it, then save on confirmation."""
    if not request.user.is_superuser:
        raise Http404
    form = NoticeForm(request.POST or None, request.FILES or None)
    notice = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            text = document_text(upload.read()) if upload else form.cleaned_data["text"]
            notice = parse_notice(text, year=form.cleaned_data.get("year"))
        except UnreadableDocument as exc:
            form.add_error("file", str(exc))
        except NoticeError as exc:
            form.add_error("text", str(exc))
        else:
            if request.POST.get("confirm") == "1":
                services.import_notice(notice, actor=request.user, text=text)
                messages.success(
                    request,
                    _("已导入 %(year)d 年节假日安排；未结期限将重新计算。") % {"year": notice.year},
                )
                return redirect("workdays:year", year=notice.year)
            # Show the preview with the text in the form, so confirming sends the same text.
            form = NoticeForm(initial={"text": text, "year": notice.year})
    return render(
        request,
        "workdays/import.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


def calculator_view(request: HttpRequest) -> HttpResponse:
    """Public working-day calculator: start date + N working days → due date, with the proof."""
    form = CalculatorForm(request.GET or None)
    proof = None
    if form.is_valid():
        start, n = form.cleaned_data["start"], form.cleaned_data["n"]
        try:
            proof = explain_clock(
                [ClockEventData("start", start, label=_("所填日期"))],
                limit_days=n,
                calendar=get_calendar(),
                today=start,
                count_start_day=count_start_day(),
            )
        except OutOfRange as exc:
            form.add_error("start", exc.message)
    organ = Organ.objects.filter(is_active=True).order_by("supervisor_id", "name").first()
    return render(
        request,
        "workdays/calculator.html",
        {
            "form": form,
            "proof": proof,
            "start_day_counts": count_start_day(),
            "organ": organ,
            "missing": list_missing_notice_years(),
        },
    )
