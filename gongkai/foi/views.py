"""Public application and status lookup; the staff queue and the handling page."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from gongkai.accounts.choices import RemedyMode
from gongkai.accounts.models import Organ
from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.remedies import review_bodies
from gongkai.core.audit import record_event
from gongkai.core.csvout import csv_lines
from gongkai.core.errors import DomainError, InvalidInput
from gongkai.core.middleware import client_ip
from gongkai.core.time import today_local
from gongkai.core.uploads import SizeLimitedUpload
from gongkai.foi import challenge, letters, services
from gongkai.foi.choices import (
    AttachmentPurpose,
    ConsultationKind,
    DeliveryMethod,
    FeeMethod,
    Opinion,
    Recipient,
    RequestStatus,
)
from gongkai.foi.forms import (
    ApplicationForm,
    IntakeForm,
    LetterSettingsForm,
    LetterTemplateForm,
    LookupForm,
    ReplyForm,
)
from gongkai.foi.models import Letter, RequestAttachment
from gongkai.foi.selectors import get_request, list_requests, request_history
from gongkai.workdays.selectors import get_clock_proof

QUEUE_VIEWS = {
    "open": _("办理中"),
    "due_soon": _("即将到期"),
    "overdue": _("已超期"),
    "paused": _("中止计时"),
    "reviewing": _("答复审签中"),
    "provisional": _("期限暂定"),
    "closed": _("已办结"),
}
SESSION_RESULT = "gongkai_foi_last"
SESSION_LOOKUPS = "gongkai_foi_lookups"  # request → when this browser proved it may see it
SESSION_FORMS = "gongkai_foi_forms"  # submit tokens of the application forms this browser got
SESSION_SUBMITTED = "gongkai_foi_submitted"  # submit tokens that became applications
LOOKUP_SECONDS = 30 * 60
# Fields of the handling forms that show their own error; any other error shows under the button.
NAMED_FIELDS = (
    "what",
    "due_on",
    "party",
    "pages",
    "method",
    "opinion",
    "text",
    "days",
    "reason",
)  # letters stay downloadable this long after a lookup
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUEUE_PAGE_SIZE = 50


@csrf_exempt  # checked in _apply, once the size-limited upload handler is in place
@never_cache
def apply_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """The public application form; errors beside fields, everything typed or uploaded kept
    (files are staged against the form's submit token and listed again).

    A file over the size limit is skipped as it arrives and reported beside its field, the
    rest of the form still read; a body whose text alone is over the limit cannot be read at
    all and gets the form again with a notice."""
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    if request.method == "POST":
        limit = services.ATTACHMENT_POLICY.limit
        request.upload_handlers.insert(0, SizeLimitedUpload(request, limit=limit))
        try:
            request.POST  # noqa: B018 - parsed here, under the size-limited handler
        except RequestDataTooBig:
            token = _issue_form(request)
            notice = _("提交的内容超过大小上限，未能接收。请缩短文字后重新填写。")
            return _render_application(
                request,
                organ,
                ApplicationForm(initial={"submit_token": token}),
                token,
                notice=notice,
                status=413,
            )
    return _apply(request, organ)


@csrf_protect
def _apply(request: HttpRequest, organ: Organ) -> HttpResponse:
    if request.method != "POST":
        token = _issue_form(request)
        form = ApplicationForm(initial={"submit_token": token})
        return _render_application(request, organ, form, token)
    session = request.session
    posted = str(request.POST.get("submit_token", ""))
    if posted and posted in session.get(SESSION_SUBMITTED, []):
        return redirect("portal:foi_submitted", organ_id=organ.pk)  # the same form sent twice
    issued = posted in session.get(SESSION_FORMS, [])
    token = posted if issued else _issue_form(request)
    notes = _stage(request, token) if issued else _unsaved_files(request)
    if request.POST.get("another_question"):  # 换一道题: nothing is checked yet
        challenge.switch(session, token)
        form = _refilled(request.POST, token)
        return _render_application(request, organ, form, token, notes=notes)
    answer = request.POST.get("challenge_answer", "")
    before = challenge.current(session, token)
    if challenge.check(session, token, answer):
        challenge_error = ""
    elif before is None:
        challenge_error = _("验证已过期，已换成上面的新题，请作答。")
    elif not challenge.normalise(answer):
        challenge_error = _("请回答验证问题。")
    else:
        challenge_error = _("回答不正确，已换成上面的新题，请重新作答。")
    data = request.POST.copy()
    data["submit_token"] = token
    form = ApplicationForm(
        data,
        request.FILES,
        challenge_error=challenge_error,
        too_large=getattr(request, "too_large_uploads", []),
    )
    if form.is_valid() and not notes:
        cleaned = form.cleaned_data
        fields = {k: cleaned[k] for k in services.APPLICANT_FIELDS}
        try:
            application, code = services.submit_online(
                organ, submit_token=token, ip=client_ip(request) or "", **fields
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            challenge.consume(session, token)
            session[SESSION_SUBMITTED] = [*session.get(SESSION_SUBMITTED, []), token][-10:]
            if code is not None:
                session[SESSION_RESULT] = {"number": application.number, "code": code}
            return redirect("portal:foi_submitted", organ_id=organ.pk)
    return _render_application(request, organ, form, token, notes=notes, status=400)


def expired_application_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """The application form after a failed CSRF check (页面已过期): what was typed is filled
    in again (never a file's content; the files staged before are still listed), with a fresh
    token and challenge, to be checked and sent again."""
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    posted = str(request.POST.get("submit_token", ""))
    token = posted if posted in request.session.get(SESSION_FORMS, []) else _issue_form(request)
    return _render_application(
        request,
        organ,
        _refilled(request.POST, token),
        token,
        notes=_unsaved_files(request),
        notice=_("页面已过期，请核对后重新提交。"),
        status=403,
    )


def _issue_form(request: HttpRequest) -> str:
    """A new submit token for a form given to this browser: only such forms take files."""
    token = secrets.token_urlsafe(24)
    issued = list(request.session.get(SESSION_FORMS, []))
    request.session[SESSION_FORMS] = [*issued, token][-10:]
    return token


def _stage(request: HttpRequest, token: str) -> dict[str, list[str]]:
    """Keep the files of this post against the form's token; the refused ones' messages."""
    notes: dict[str, list[str]] = {}
    for purpose in AttachmentPurpose.values:
        upload = request.FILES.get(purpose)
        if upload is None:
            continue
        try:
            services.stage_attachment(
                submit_token=token, purpose=purpose, upload=upload, ip=client_ip(request) or ""
            )
        except DomainError as error:
            notes.setdefault(purpose, []).append(error.message)
    return notes


def _unsaved_files(request: HttpRequest) -> dict[str, list[str]]:
    """Files posted with a form this browser was not given (or no longer holds): not kept."""
    message = _("页面已过期，文件未保存，请重新选择。")
    names = {*request.FILES.keys(), *getattr(request, "too_large_uploads", [])}
    return {name: [message] for name in names if name in AttachmentPurpose.values}


def _refilled(values: Any, token: str) -> ApplicationForm:
    """The form again, unchecked, with what was typed (no files, no answer)."""
    initial = {
        name: values.get(name, "")
        for name in services.APPLICANT_FIELDS
        if values.get(name) is not None
    }
    return ApplicationForm(initial={**initial, "submit_token": token})


def _render_application(
    request: HttpRequest,
    organ: Organ,
    form: ApplicationForm,
    token: str,
    *,
    notes: dict[str, list[str]] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The form with the challenge stored for ``token`` — the one its answer is checked
    against — and the files staged for it."""
    staged = {a.purpose: a for a in services.staged_attachments(token)}
    context = {
        "organ": organ,
        "form": form,
        "staged": staged,
        "challenge": challenge.shown(request.session, token),
        "notes": notes or {},
        "notice": notice,
    }
    return render(request, "foi/apply.html", context, status=status)


@never_cache
def submitted_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    result = request.session.get(SESSION_RESULT)
    return render(request, "foi/submitted.html", {"organ": organ, "result": result})


@never_cache
def status_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    """Number + query code → status, due date with its proof, the letters sent to the applicant
    (downloadable); clarify or withdraw online."""
    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    form = LookupForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            found = services.check_lookup(
                form.cleaned_data["number"],
                form.cleaned_data["code"],
                organ_id=organ.pk,
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if found is None:
                form.add_error(None, _("申请编号或查询码不正确。"))
        if found is not None:
            looked_up = dict(request.session.get(SESSION_LOOKUPS, {}))
            looked_up[str(found.pk)] = int(time.time())
            request.session[SESSION_LOOKUPS] = dict(list(looked_up.items())[-20:])
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
    sent = list(found.letters.filter(recipient=Recipient.APPLICANT)) if found is not None else []
    return render(
        request,
        "foi/status.html",
        {"organ": organ, "form": form, "found": found, "proof": proof, "letters": sent},
    )


@never_cache
def public_letter_view(request: HttpRequest, organ_id: int, letter_id: int) -> FileResponse:
    """A letter to the applicant, for the browser that looked the request up with its code."""
    letter = get_object_or_404(
        Letter.objects.select_related("request"),
        pk=letter_id,
        request__organ_id=organ_id,
        recipient=Recipient.APPLICANT,
    )
    seen = request.session.get(SESSION_LOOKUPS, {}).get(str(letter.request_id))
    if not isinstance(seen, int) or time.time() - seen > LOOKUP_SECONDS:
        raise Http404
    return _docx_response(letter)


def _docx_response(letter: Letter) -> FileResponse:
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter.filename,
        content_type=DOCX,
    )
    response["Cache-Control"] = "private, no-store"
    return response


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


def _render_detail(
    request: HttpRequest,
    application: Any,
    *,
    failed: str = "",
    error: DomainError | None = None,
) -> HttpResponse:
    """The handling page. It shows the applicant's identity, so every view is logged. After a
    refused action the page comes back with what was typed and the message beside the field."""
    record_event(
        "foi.identity.viewed",
        actor=request.user,
        obj=application,
        changes={"number": application.number},
    )
    proof = get_clock_proof(application.clock) if application.clock else None
    quote = None
    if application.status == RequestStatus.PROCESSING:
        quote, _count = services.quote_fee(application, method=FeeMethod.PER_ITEM)
    reply_form = ReplyForm(request.POST if failed == "reply" else None)
    if failed == "reply" and reply_form.is_valid() and error is not None:
        reply_form.add_domain_error(error)  # the form was fine: the service refused it
    return render(
        request,
        "foi/detail.html",
        {
            "application": application,
            "proof": proof,
            "reply_form": reply_form,
            "units": application.organ.units.filter(is_active=True),
            "may_coordinate": can(request.user, Action.COORDINATE, organ=application.organ),
            "may_approve": can(request.user, Action.APPROVE, organ=application.organ),
            "may_review": can(request.user, Action.REVIEW, organ=application.organ),
            "draft": application.drafts.filter(stage__in=["review", "sign"])
            .select_related("drafted_by", "reviewed_by")
            .last(),
            "history": request_history(application),
            "letters": application.letters.all(),
            "attachments": application.attachments.all(),
            "consultations": application.consultations.all(),
            "fees": application.fees.all(),
            "quote": quote,
            "consultation_kinds": ConsultationKind.choices,
            "opinions": [(k, v) for k, v in Opinion.choices if k in ("agree", "object")],
            "fee_methods": FeeMethod.choices,
            "delivery_methods": DeliveryMethod.choices,
            "failed": failed,
            "posted": request.POST if failed else {},
            "error": error.message if error is not None else "",
            "error_field": (error.details or {}).get("field", "") if error is not None else "",
            "today": today_local(),
            "named_fields": NAMED_FIELDS,
        },
        status=400 if failed else 200,
    )


@never_cache
@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    return _render_detail(request, application)


def _date(value: str | None, field: str = "on") -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise InvalidInput(_("请填写有效的日期。"), details={"field": field}) from None


def _int(value: str | None, field: str) -> int:
    text = (value or "").strip()
    if not text.isdigit():
        raise InvalidInput(_("请填写整数。"), details={"field": field})
    return int(text)


@never_cache
@login_required
@require_POST
def action_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    post, user = request.POST, request.user
    action = post.get("action", "")
    try:
        _act(application, action, post, user)
    except DomainError as error:
        fresh = get_request(request.user, pk)
        return _render_detail(request, fresh or application, failed=action, error=error)
    messages.success(request, _("已完成。"))
    return redirect("foi:detail", pk=application.pk)


def _act(application: Any, action: str, post: Any, user: Any) -> None:
    """Run one handling action from the page's forms."""
    if action == "assign":
        unit = application.organ.units.filter(pk=post.get("unit") or 0).first()
        if unit is None:
            raise InvalidInput(_("请选择承办单位。"), details={"field": "unit"})
        services.assign(application, actor=user, unit=unit)
        return
    if action == "delivery":
        letter = application.letters.filter(pk=post.get("letter") or 0).first()
        if letter is None:
            raise Http404
        delivered = post.get("delivered_on", "")
        services.record_delivery(
            letter,
            actor=user,
            method=post.get("method", ""),
            sent_on=_date(post.get("sent_on"), "sent_on"),
            delivered_on=_date(delivered, "delivered_on") if delivered else None,
            reference=post.get("reference", ""),
        )
        return
    if action == "reply":
        form = ReplyForm(post)
        if not form.is_valid():
            field = next(iter(form.errors))
            raise InvalidInput(form.errors[field][0], details={"field": field})
        services.reply(
            application,
            actor=user,
            on=_date(post.get("on")),
            outcome=form.cleaned_data["outcome"],
            text=form.cleaned_data["text"],
        )
        return
    if action == "review_reply":
        services.review_reply(application, actor=user, opinion=post.get("opinion", ""))
        return
    if action == "return_reply":
        services.return_reply(application, actor=user, reason=post.get("reason", ""))
        return
    on = _date(post.get("on"))
    if action == "sign_reply":
        services.sign_reply(application, actor=user, on=on)
        return
    if action == "confirm":
        services.confirm_receipt(
            application, actor=user, confirmed_on=on, reason=post.get("reason", "")
        )
    elif action == "clarify":
        due, days = post.get("due_on", ""), post.get("days", "").strip()
        services.request_clarification(
            application,
            actor=user,
            on=on,
            what=post.get("what", ""),
            due_on=_date(due, "due_on") if due else None,
            days=_int(days, "days") if days else None,
        )
    elif action == "clarified":
        services.receive_clarification(application, actor=user, on=on, text=post.get("text", ""))
    elif action == "consult":
        services.start_consultation(
            application,
            actor=user,
            on=on,
            kind=post.get("kind", ""),
            party=post.get("party", ""),
            question=post.get("question", ""),
            party_address=post.get("party_address", ""),
        )
    elif action == "consulted":
        services.end_consultation(
            application,
            actor=user,
            on=on,
            opinion=post.get("opinion", ""),
            text=post.get("opinion_text", ""),
        )
    elif action == "extend":
        services.extend(
            application,
            actor=user,
            on=on,
            days=_int(post.get("days"), "days"),
            reason=post.get("reason", ""),
        )
    elif action == "fee":
        method = post.get("method", "")
        pages = _int(post.get("pages"), "pages") if method == FeeMethod.PER_VOLUME else 0
        services.issue_fee_notice(application, actor=user, on=on, method=method, pages=pages)
    elif action == "paid":
        services.record_payment(application, actor=user, on=on)
    elif action == "unpaid":
        services.close_unpaid(application, actor=user, on=on)
    elif action == "abandon":
        services.close_unclarified(application, actor=user, on=on)
    else:
        raise Http404


@never_cache
@login_required
def letter_view(request: HttpRequest, pk: int, letter_id: int) -> FileResponse:
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    letter = get_object_or_404(Letter, pk=letter_id, request=application)
    return _docx_response(letter)


@never_cache
@login_required
def attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """An applicant's file (an ID copy is identity data: the view is logged)."""
    application = get_request(request.user, pk)
    if application is None:
        raise Http404
    attachment = get_object_or_404(RequestAttachment, pk=attachment_id, request=application)
    record_event(
        "foi.identity.viewed",
        actor=request.user,
        obj=application,
        changes={"number": application.number, "attachment": attachment.pk},
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or f"{attachment.purpose}",
        content_type=attachment.media_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def templates_view(request: HttpRequest) -> HttpResponse:
    """The organ's letter templates and the details every letter names; coordinators edit."""
    organ = current_organ(request)
    if organ is None or not can(request.user, Action.VIEW, organ=organ):
        raise Http404
    may_edit = can(request.user, Action.COORDINATE, organ=organ)
    keys = letters.template_keys()
    key = request.GET.get("key") or request.POST.get("key") or keys[0][0]
    if key not in dict(keys):
        raise Http404
    title, body = letters.get_template(organ.pk, key)
    template_form = LetterTemplateForm(initial={"title": title, "body": body})
    options = letters.letter_settings(organ.pk)
    settings_form = LetterSettingsForm(instance=options)
    remedy_error = ""
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if request.POST.get("form") == "remedy" and key.startswith("reply:"):
            try:
                services.set_remedy_mode(
                    organ,
                    actor=request.user,
                    outcome=key[6:],
                    mode=request.POST.get("mode", ""),
                )
            except DomainError as error:
                remedy_error = error.message
            else:
                messages.success(request, _("已保存。"))
                return redirect(f"{request.path}?key={key}")
        elif request.POST.get("form") == "settings":
            settings_form = LetterSettingsForm(
                request.POST, instance=letters.letter_settings(organ.pk)
            )
            if settings_form.is_valid():
                services.save_letter_settings(
                    organ, actor=request.user, **settings_form.cleaned_data
                )
                messages.success(request, _("已保存。"))
                return redirect(f"{request.path}?key={key}")
        else:
            template_form = LetterTemplateForm(request.POST)
            if template_form.is_valid():
                data = template_form.cleaned_data
                try:
                    services.save_letter_template(
                        organ, actor=request.user, key=key, title=data["title"], body=data["body"]
                    )
                except DomainError as error:
                    template_form.add_domain_error(error)
                else:
                    messages.success(request, _("模板已保存。"))
                    return redirect(f"{request.path}?key={key}")
        status = 400
    return render(
        request,
        "foi/templates.html",
        {
            "keys": keys,
            "key": key,
            "template_form": template_form,
            "settings_form": settings_form,
            "placeholders": letters.PLACEHOLDERS,
            "may_edit": may_edit,
            "default": letters.default_template(key),
            "remedy_modes": RemedyMode.choices,
            "remedy_mode": letters.remedy_mode(key, options) if key.startswith("reply:") else "",
            "remedy_default": letters.DEFAULT_REMEDY_MODES.get(key[6:], ""),
            "remedy_error": remedy_error,
            "remedy_text": letters.remedies(organ, options, key=key),
            "review_bodies": review_bodies(organ),
        },
        status=status,
    )
