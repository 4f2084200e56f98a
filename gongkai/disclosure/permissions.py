"""Separation of duties in 保密审查 and approval (条例 第十七条, RULES §2.2; 等保 2.0).

Who may act at all is ``accounts.permissions`` (one rule per action). On top of it, for one item:
its authors (``DisclosureItem.authors``: whoever created, edited, attached to or submitted the
current draft or revision) do not review or approve it, and — where the platform requires three
people (``GONGKAI_DISCLOSURE_DISTINCT_PEOPLE``, default 3) — its reviewer does not approve it.
The 公开办's publication of an approved item is not a check of its content and is not limited.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongkai.accounts.permissions import require_different_person
from gongkai.core.errors import NotPermitted
from gongkai.disclosure.models import DisclosureItem


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
