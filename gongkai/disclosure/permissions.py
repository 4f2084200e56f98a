"""Separation of duties in 保密审查 and approval (条例 第十七条, RULES §2.2; 等保 2.0).

Who may act at all is ``accounts.permissions`` (one rule per action). On top of it, for one item:
its authors (``DisclosureItem.authors``: whoever created, edited, attached to or submitted the
current draft or revision) do not review or approve it, and — where the platform requires three
people (``GONGKAI_DISCLOSURE_DISTINCT_PEOPLE``, default 3) — its reviewer does not approve it.
The 公开办's publication of an approved item is not a check of its content and is not limited.

Before publication an item goes back to draft (``return_item``) by whoever acts on it at its
stage: the reviewer while it waits for 保密审查, the leader while it waits for approval, the 公开办
or the leader once approved (``RETURNED_BY``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongkai.accounts.permissions import Action, can, require, require_different_person
from gongkai.core.errors import NotPermitted
from gongkai.disclosure.choices import ItemStatus
from gongkai.disclosure.errors import WrongState
from gongkai.disclosure.models import DisclosureItem

# status → the actions, any one of which may return an item at that status to its unit.
RETURNED_BY: dict[str, tuple[Action, ...]] = {
    ItemStatus.SUBMITTED: (Action.REVIEW,),
    ItemStatus.REVIEWED: (Action.APPROVE,),
    ItemStatus.APPROVED: (Action.COORDINATE, Action.APPROVE),
}


class Step(StrEnum):
    REVIEW = "review"  # 保密审查
    APPROVE = "approve"  # 审批


def author_ids(item: DisclosureItem) -> set[int]:
    """Return the ids of the item's authors in its current round (draft or revision)."""
    return set(item.authors.values_list("pk", flat=True))


def require_separation(item: DisclosureItem, actor: Any, step: Step) -> None:
    """Raise ``NotPermitted`` (a message in Chinese) if ``actor`` wrote the item, or — for the
    approval where three people are required — reviewed it."""
    authors = author_ids(item)
    if step == Step.REVIEW:
        require_different_person(
            actor,
            *authors,
            message=_(
                "您参与了该信息的拟稿或修改，不能对其进行保密审查：拟稿、保密审查和审批应由不同的人完成。"
            ),
        )
        return
    require_different_person(
        actor,
        *authors,
        message=_(
            "您参与了该信息的拟稿或修改，不能审批该信息：拟稿、保密审查和审批应由不同的人完成。"
        ),
    )
    if int(settings.GONGKAI_DISCLOSURE_DISTINCT_PEOPLE) >= 3:
        require_different_person(
            actor,
            item.reviewed_by_id,
            message=_(
                "您已对该信息进行保密审查，不能再审批该信息：保密审查和审批应由不同的人完成。"
            ),
        )


def separation_problem(item: DisclosureItem, actor: Any, step: Step) -> str:
    """Return why ``actor`` may not take ``step`` on the item by separation of duties, or ""."""
    try:
        require_separation(item, actor, step)
    except NotPermitted as refused:
        return refused.message
    return ""


def may_return(item: DisclosureItem, user: Any) -> bool:
    """Return whether ``user`` may send the item back to draft at its present status."""
    actions = RETURNED_BY.get(item.status, ())
    return any(can(user, action, organ=item.organ) for action in actions)


def require_may_return(item: DisclosureItem, actor: Any) -> None:
    """Raise ``WrongState`` unless the item waits for review, approval or publication, and
    ``NotPermitted`` unless ``actor`` acts on it at that stage."""
    actions = RETURNED_BY.get(item.status)
    if actions is None:
        raise WrongState(
            _("只有待审查、待审批或待发布的信息可以退回；已发布的信息请“修订”或撤回。")
        )
    if not may_return(item, actor):
        require(actor, actions[0], organ=item.organ)
