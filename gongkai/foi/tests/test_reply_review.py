"""A reply that discloses information is reviewed (保密审查) and signed (签发) before it is sent
(条例 第十七条; RULES §2.2), by people other than its drafter; the handling page shows the 流转."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from gongkai.accounts import services as accounts_services
from gongkai.accounts.choices import Role
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.tests.test_services import APPLICANT, _received

pytestmark = pytest.mark.django_db
D = dt.date


def _drafted(world: Any, outcome: str = "1") -> Any:
    request = _received(world, D(2026, 3, 2))
    return services.reply(
        request,
        actor=world.users[Role.COORDINATOR],
        on=D(2026, 3, 10),
        outcome=outcome,
        text="所申请的信息见附件。",
    )


def test_a_disclosing_reply_waits_for_review_and_the_clock_runs_on(world: Any) -> None:
    request = _drafted(world)
    assert request.status == "reviewing"
    assert request.is_open
    assert request.due_on == D(2026, 3, 30)  # the clock still counts
    assert not request.letters.filter(kind="reply").exists()
    assert request.outcome == ""
    draft = request.drafts.get()
    assert (draft.stage, draft.outcome) == ("review", "1")


def test_reviewed_and_signed_it_is_sent_on_the_day_of_signing(world: Any) -> None:
    request = _drafted(world, outcome="2")
    services.review_reply(request, actor=world.users[Role.REVIEWER], opinion="不涉及国家秘密")
    with pytest.raises(WrongRequestState):  # not twice
        services.review_reply(request, actor=world.users[Role.REVIEWER], opinion="再审")
    with pytest.raises(InvalidInput, match="拟稿日期"):
        services.sign_reply(request, actor=world.users[Role.LEADER], on=D(2026, 3, 9))
    done = services.sign_reply(request, actor=world.users[Role.LEADER], on=D(2026, 3, 12))
    assert (done.status, done.outcome, done.replied_on) == ("replied", "2", D(2026, 3, 12))
    assert done.clock.state == "stopped"
    letter = done.letters.get(kind="reply")
    assert letter.issued_on == D(2026, 3, 12)
    assert letter.created_by == world.users[Role.LEADER]
    draft = done.drafts.get()
    assert draft.stage == "sent"
    assert draft.reviewed_by == world.users[Role.REVIEWER]
    assert draft.signed_by == world.users[Role.LEADER]


def test_other_outcomes_are_sent_at_once(world: Any) -> None:
    request = _drafted(world, outcome="3.5")
    assert request.status == "replied"
    assert not request.drafts.exists()


def test_only_a_reviewer_reviews_and_only_a_leader_signs(world: Any) -> None:
    request = _drafted(world)
    for role in (Role.EDITOR, Role.COORDINATOR, Role.LEADER):
        with pytest.raises(NotPermitted):
            services.review_reply(request, actor=world.users[role], opinion="同意")
    with pytest.raises(InvalidInput, match="审查意见"):
        services.review_reply(request, actor=world.users[Role.REVIEWER], opinion=" ")
    with pytest.raises(WrongRequestState):  # not before review
        services.sign_reply(request, actor=world.users[Role.LEADER], on=D(2026, 3, 10))
    services.review_reply(request, actor=world.users[Role.REVIEWER], opinion="同意")
    with pytest.raises(NotPermitted):
        services.sign_reply(request, actor=world.users[Role.REVIEWER], on=D(2026, 3, 10))


def test_the_drafter_does_not_review_and_the_reviewer_does_not_sign(world: Any) -> None:
    """One person holding several roles still cannot check their own work."""
    coordinator = world.users[Role.COORDINATOR]
    for role in (Role.REVIEWER, Role.LEADER):
        accounts_services.grant_role(coordinator, actor=SYSTEM, organ=world.organ, role=role)
    request = _drafted(world)
    with pytest.raises(NotPermitted, match="不同的人"):
        services.review_reply(request, actor=coordinator, opinion="同意")
    reviewer = world.users[Role.REVIEWER]
    accounts_services.grant_role(reviewer, actor=SYSTEM, organ=world.organ, role=Role.LEADER)
    services.review_reply(request, actor=reviewer, opinion="同意")
    with pytest.raises(NotPermitted, match="不同的人"):
        services.sign_reply(request, actor=reviewer, on=D(2026, 3, 10))
    with pytest.raises(NotPermitted, match="不同的人"):
        services.sign_reply(request, actor=coordinator, on=D(2026, 3, 10))
    services.sign_reply(request, actor=world.users[Role.LEADER], on=D(2026, 3, 10))


def test_a_returned_draft_is_kept_and_the_handler_answers_again(world: Any) -> None:
    request = _drafted(world)
    with pytest.raises(InvalidInput, match="退回理由"):
        services.return_reply(request, actor=world.users[Role.REVIEWER], reason="")
    back = services.return_reply(request, actor=world.users[Role.REVIEWER], reason="含个人信息")
    assert back.status == "processing"
    again = services.reply(
        back, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 11), outcome="2", text="已遮盖"
    )
    services.review_reply(again, actor=world.users[Role.REVIEWER], opinion="同意")
    with pytest.raises(NotPermitted):  # at 签发 only a leader returns it
        services.return_reply(again, actor=world.users[Role.REVIEWER], reason="再看看")
    services.return_reply(again, actor=world.users[Role.LEADER], reason="理由写清楚")
    stages = list(again.drafts.values_list("stage", "return_reason"))
    assert stages == [("returned", "含个人信息"), ("returned", "理由写清楚")]


def test_withdrawal_during_review_ends_the_draft(world: Any) -> None:
    request, code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=today_local() - dt.timedelta(days=3),
        **APPLICANT,
    )
    services.reply(
        request,
        actor=world.users[Role.COORDINATOR],
        on=request.receipt_on,
        outcome="1",
        text="见附件",
    )
    services.withdraw_by_applicant(request, code=code)
    assert request.drafts.get().stage == "returned"


def test_the_handling_page_shows_the_flow_in_words(world: Any) -> None:
    request = _drafted(world)
    services.review_reply(request, actor=world.users[Role.REVIEWER], opinion="不涉密")
    client = Client()
    client.force_login(world.users[Role.LEADER])
    page = client.get(f"/staff/requests/{request.pk}/").content.decode()
    for sentence in ("登记申请", "拟写答复，提交保密审查", "保密审查通过，提交签发", "不涉密"):
        assert sentence in page
    assert 'id="sign-reply-form"' in page
    assert "foi.reply" not in page  # no action codes on the page


def test_another_organs_reviewer_gets_404(world: Any) -> None:
    request = _drafted(world)
    outsider = accounts_services.create_user(
        actor=SYSTEM, organ=world.other_organ, username="o_rev", password=PASSWORD
    )
    accounts_services.grant_role(outsider, actor=SYSTEM, organ=world.other_organ, role="reviewer")
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/staff/requests/{request.pk}/").status_code == 404
    response = client.post(
        f"/staff/requests/{request.pk}/action/", {"action": "review_reply", "opinion": "同意"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.drafts.get().stage == "review"
