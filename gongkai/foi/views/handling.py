"""The staff handling page of one request, its actions, its letters and
attachments, and the organ's letter templates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongkai.accounts.choices import RemedyMode
from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.remedies import review_bodies
from gongkai.core.audit import record_event
from gongkai.core.errors import DomainError, InvalidInput
from gongkai.core.time import today_local
from gongkai.foi import letters, services
from gongkai.foi.choices import (
    ConsultationKind,
    DeliveryMethod,
    FeeMethod,
    Opinion,
    RequestStatus,
)
from gongkai.foi.forms import (
    LetterSettingsForm,
    LetterTemplateForm,
    ReplyForm,
)
from gongkai.foi.models import Letter, RequestAttachment
from gongkai.foi.selectors import get_request, request_history
from gongkai.foi.views.common import _docx_response
from gongkai.workdays.selectors import get_clock_proof

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
