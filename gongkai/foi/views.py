"""Public application and status lookup; the staff queue and the handling page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Organ
from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.core.audit import record_event
from gongkai.core.errors import DomainError
from gongkai.core.middleware import client_ip
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.forms import ApplicationForm, IntakeForm, LookupForm, ReplyForm
from gongkai.foi.selectors import get_request, list_requests, lookup
from gongkai.workdays.selectors import get_clock_proof

QUEUE_VIEWS = {
    "open": _("办理中"),
    "due_soon": _("即将到期"),
    "overdue": _("已超期"),
    "paused": _("中止计时"),
    "provisional": _("期限暂定"),
    "closed": _("已办结"),
}
SESSION_RESULT = "gongkai_foi_last"
QUEUE_PAGE_SIZE = 50


def apply_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """The public application form; errors beside fields, everything typed kept."""
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in services.APPLICANT_FIELDS}
        try:
            application, code = services.submit_online(
                organ, submit_token=data["submit_token"], ip=client_ip(request) or "", **fields
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if code is not None:
                request.session[SESSION_RESULT] = {"number": application.number, "code": code}
            return redirect("portal:foi_submitted", organ_id=organ.pk)
    return render(
        request,
        "foi/apply.html",
        {"organ": organ, "form": form},
        status=400 if form.errors else 200,
    )


def submitted_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    result = request.session.get(SESSION_RESULT)
    return render(request, "foi/submitted.html", {"organ": organ, "result": result})


def status_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """Number + query code → status, due date with its proof; clarify or withdraw online."""
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    form = LookupForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = lookup(form.cleaned_data["number"], form.cleaned_data["code"])
        if found is None or found.organ_id != organ.pk:
            form.add_error(None, _("申请编号或查询码不正确。"))
            found = None
        else:
            action = request.POST.get("action", "")
            try:
                if action == "withdraw":
                    found = services.withdraw_by_applicant(found, code=form.cleaned_data["code"])
                    messages.success(request, _("申请已撤回。"))
                elif action == "clarify":
                    found = services.clarify_by_applicant(
                        found,
                        code=form.cleaned_data["code"],
                        text=request.POST.get("clarification", ""),
                    )
                    messages.success(request, _("补正已提交，答复期限自今日起重新计算。"))
            except DomainError as error:
                form.add_error(None, error.message)
    proof = get_clock_proof(found.clock) if found is not None and found.clock else None
    return render(
        request, "foi/status.html", {"organ": organ, "form": form, "found": found, "proof": proof}
    )


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


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The handling page. Opening it shows the applicant's identity, so the view is logged."""
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    record_event(
        "foi.identity.viewed",
        actor=request.user,
        obj=application,
        changes={"number": application.number},
    )
    proof = get_clock_proof(application.clock) if application.clock else None
    return render(
        request,
        "foi/detail.html",
        {
            "application": application,
            "proof": proof,
            "reply_form": ReplyForm(),
            "units": application.organ.units.filter(is_active=True),
            "may_coordinate": can(request.user, Action.COORDINATE, organ=application.organ),
            "may_approve": can(request.user, Action.APPROVE, organ=application.organ),
        },
    )


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return today_local()


@login_required
@require_POST
def action_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    post, user = request.POST, request.user
    on = _date(post.get("on"))
    action = post.get("action", "")
    try:
        if action == "confirm":
            services.confirm_receipt(application, actor=user, confirmed_on=on)
        elif action == "assign":
            unit = application.organ.units.filter(pk=post.get("unit") or 0).first()
            if unit is None:
                raise Http404
            services.assign(application, actor=user, unit=unit)
        elif action == "clarify":
            services.request_clarification(
                application,
                actor=user,
                on=on,
                what=post.get("what", ""),
                due_on=_date(post.get("due_on")),
            )
        elif action == "clarified":
            services.receive_clarification(
                application, actor=user, on=on, text=post.get("text", "")
            )
        elif action == "consult":
            services.start_consultation(
                application, actor=user, on=on, party=post.get("party", "") or _("第三方")
            )
        elif action == "consulted":
            services.end_consultation(application, actor=user, on=on)
        elif action == "extend":
            days = int(post.get("days", "0")) if post.get("days", "").isdigit() else 0
            services.extend(
                application, actor=user, on=on, days=days, reason=post.get("reason", "")
            )
        elif action == "reply":
            form = ReplyForm(post)
            if not form.is_valid():
                raise Http404
            services.reply(
                application,
                actor=user,
                on=on,
                outcome=form.cleaned_data["outcome"],
                text=form.cleaned_data["text"],
            )
        elif action == "abandon":
            services.close_unclarified(application, actor=user, on=on)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已完成。"))
    return redirect("foi:detail", pk=application.pk)
