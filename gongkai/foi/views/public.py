"""The applicant's pages: the application form (challenge, staged files, size
limits, an expired form refilled), the status lookup, the letters addressed to
the applicant.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from gongkai.accounts.models import Organ
from gongkai.core.errors import DomainError
from gongkai.core.middleware import client_ip
from gongkai.core.uploads import SizeLimitedUpload
from gongkai.foi import challenge, services
from gongkai.foi.choices import (
    AttachmentPurpose,
    Recipient,
)
from gongkai.foi.forms import (
    ApplicationForm,
    LookupForm,
)
from gongkai.foi.models import Letter
from gongkai.foi.views.common import _docx_response
from gongkai.workdays.selectors import get_clock_proof

SESSION_RESULT = "gongkai_foi_last"


SESSION_LOOKUPS = "gongkai_foi_lookups"  # request → when this browser proved it may see it


SESSION_FORMS = "gongkai_foi_forms"  # submit tokens of the application forms this browser got


SESSION_SUBMITTED = "gongkai_foi_submitted"  # submit tokens that became applications


LOOKUP_SECONDS = 30 * 60


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
