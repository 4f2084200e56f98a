"""The reply: one outcome from the national list; a reply that discloses goes
through 保密审查 and 签发 by other people first (条例 第十七条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.permissions import Action, require, require_different_person
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.foi import letters
from gongkai.foi.choices import (
    LetterKind,
    Outcome,
    ReplyStage,
    RequestStatus,
)
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.models import (
    InfoRequest,
    ReplyDraft,
)
from gongkai.foi.services.common import (
    BASIS_REPLY,
    _clock_event,
    _locked,
    _may_handle,
    _user_or_none,
    save_request,
)

# 条例 第十七条: information is reviewed (保密审查) before it is disclosed. A reply that discloses
# goes through review and the leader's sign-off (审核/签发), as proactive items do (RULES §2.2).
REVIEWED_OUTCOMES = frozenset({Outcome.DISCLOSED, Outcome.PARTIAL})


@transaction.atomic
def reply(request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, text: str) -> InfoRequest:
    """Answer with exactly one outcome from the national list.

    A reply that discloses information (公开, 部分公开) becomes a draft for 保密审查 and 签发
    (条例 第十七条; ``review_reply``, ``sign_reply``): the clock runs on until it is signed. Any
    other outcome stops the clock now and its 答复告知书 is generated.
    """
    request = _locked(request)
    _may_handle(actor, request)
    if request.status != RequestStatus.PROCESSING:
        raise WrongRequestState(_("请先结束征求意见（或补正、缴费）再答复。"))
    if outcome not in Outcome.values:
        raise InvalidInput(_("办理结果无效。"), details={"field": "outcome"})
    if outcome in (Outcome.OTHER_NO_CLARIFICATION, Outcome.OTHER_FEE_UNPAID):
        raise InvalidInput(
            _("此结果由“逾期未补正”或“逾期未缴费”的终止办理记录。"), details={"field": "outcome"}
        )
    if not text.strip():
        raise InvalidInput(_("请填写答复内容。"), details={"field": "text"})
    if request.receipt_on is not None and on < request.receipt_on:
        raise InvalidInput(_("答复日期不能早于收到申请之日。"), details={"field": "on"})
    if outcome in REVIEWED_OUTCOMES:
        draft = ReplyDraft.objects.create(
            request=request,
            outcome=outcome,
            text=text.strip(),
            drafted_by=_user_or_none(actor),
            drafted_on=on,
        )
        request.status = RequestStatus.REVIEWING
        save_request(request, ["status"])
        record_event(
            "foi.reply.submitted",
            actor=actor,
            obj=request,
            changes={"draft": draft.pk, "outcome": outcome, "on": on},
        )
        return request
    return _send_reply(request, actor=actor, on=on, outcome=outcome, text=text.strip())


def _send_reply(
    request: InfoRequest, *, actor: Any, on: dt.date, outcome: str, text: str
) -> InfoRequest:
    """Stop the clock, record the outcome and generate its 答复告知书 (the request is locked)."""
    _clock_event(request, actor=actor, kind="stop", on=on, label=_("答复"), basis=BASIS_REPLY)
    request.outcome, request.reply_text, request.replied_on = outcome, text, on
    request.status = RequestStatus.REPLIED
    save_request(request, ["outcome", "reply_text", "replied_on", "status"])
    record_event(
        "foi.request.replied", actor=actor, obj=request, changes={"outcome": outcome, "on": on}
    )
    letters.issue(request, actor=actor, kind=LetterKind.REPLY, key=f"reply:{outcome}", on=on)
    return request


def _pending_draft(request: InfoRequest, stage: str) -> ReplyDraft:
    draft = request.drafts.filter(stage__in=[ReplyStage.REVIEW, ReplyStage.SIGN]).last()
    if request.status != RequestStatus.REVIEWING or draft is None or draft.stage != stage:
        raise WrongRequestState(
            _("该申请没有处于“%(s)s”环节的答复。") % {"s": ReplyStage(stage).label}
        )
    return draft


def _not_the_same(actor: Any, *user_ids: int | None) -> None:
    """Separation of duties: whoever drafted (or reviewed) a reply does not check it again."""
    require_different_person(actor, *user_ids, message=_("拟稿、保密审查和签发应由不同的人完成。"))


@transaction.atomic
def review_reply(request: InfoRequest, *, actor: Any, opinion: str) -> ReplyDraft:
    """保密审查 of a reply that discloses (条例 第十七条): a reviewer other than its drafter finds
    nothing in it that may not be disclosed; the draft goes to the leader for 签发."""
    request = _locked(request)
    require(actor, Action.REVIEW, organ=request.organ)
    draft = _pending_draft(request, ReplyStage.REVIEW)
    _not_the_same(actor, draft.drafted_by_id)
    if not opinion.strip():
        raise InvalidInput(_("请填写保密审查意见。"), details={"field": "opinion"})
    draft.stage, draft.reviewed_by = ReplyStage.SIGN, _user_or_none(actor)
    draft.reviewed_at, draft.review_opinion = timezone.now(), opinion.strip()
    draft.save(update_fields=["stage", "reviewed_by", "reviewed_at", "review_opinion"])
    record_event(
        "foi.reply.reviewed",
        actor=actor,
        obj=request,
        changes={"draft": draft.pk, "opinion": draft.review_opinion},
    )
    return draft


@transaction.atomic
def sign_reply(request: InfoRequest, *, actor: Any, on: dt.date) -> InfoRequest:
    """签发: a leader other than the drafter and the reviewer signs the reviewed reply; it is
    sent with its letter dated ``on`` and the clock stops that day (条例 第十七条、第三十三条)."""
    request = _locked(request)
    require(actor, Action.APPROVE, organ=request.organ)
    draft = _pending_draft(request, ReplyStage.SIGN)
    _not_the_same(actor, draft.drafted_by_id, draft.reviewed_by_id)
    if on < draft.drafted_on:
        raise InvalidInput(
            _("签发日期不能早于拟稿日期（%(d)s）。") % {"d": draft.drafted_on.isoformat()},
            details={"field": "on"},
        )
    draft.stage, draft.signed_by, draft.signed_at = (
        ReplyStage.SENT,
        _user_or_none(actor),
        timezone.now(),
    )
    draft.save(update_fields=["stage", "signed_by", "signed_at"])
    record_event("foi.reply.signed", actor=actor, obj=request, changes={"draft": draft.pk})
    return _send_reply(request, actor=actor, on=on, outcome=draft.outcome, text=draft.text)


@transaction.atomic
def return_reply(request: InfoRequest, *, actor: Any, reason: str) -> InfoRequest:
    """Return a draft reply with a reason — the reviewer at 保密审查, the leader at 签发; the
    handler answers again, and the returned draft is kept."""
    request = _locked(request)
    draft = request.drafts.filter(stage__in=[ReplyStage.REVIEW, ReplyStage.SIGN]).last()
    if request.status != RequestStatus.REVIEWING or draft is None:
        raise WrongRequestState
    needed = Action.REVIEW if draft.stage == ReplyStage.REVIEW else Action.APPROVE
    require(actor, needed, organ=request.organ)
    if not reason.strip():
        raise InvalidInput(_("请填写退回理由。"), details={"field": "reason"})
    at = draft.stage
    draft.stage, draft.returned_by = ReplyStage.RETURNED, _user_or_none(actor)
    draft.return_reason = reason.strip()
    draft.save(update_fields=["stage", "returned_by", "return_reason"])
    request.status = RequestStatus.PROCESSING
    save_request(request, ["status"])
    record_event(
        "foi.reply.returned",
        actor=actor,
        obj=request,
        changes={"draft": draft.pk, "stage": at, "reason": draft.return_reason},
    )
    return request
