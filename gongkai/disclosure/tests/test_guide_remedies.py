"""The 公开指南 names the organ's 行政复议机关 and reconsideration first against 不予公开
(行政复议法 第二十条第三款、第二十三条; RULES §2.5), and asks for an update when it does not."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.accounts import services as accounts_services
from gongkai.accounts.choices import Role
from gongkai.disclosure import guide

pytestmark = pytest.mark.django_db


def _save(world: Any, **changes: str) -> Any:
    fields = guide.draft_fields(world.organ) | {
        "address": "中山市东区",
        "office_hours": "工作日",
        "phone": "0760-1",
    }
    return guide.save_guide(world.organ, actor=world.users[Role.COORDINATOR], **(fields | changes))


def test_a_new_guide_names_the_review_bodies(world: Any) -> None:
    accounts_services.update_organ(
        world.organ,
        actor=world.users[Role.ADMIN],
        review_kind="justice",
        level_government="中山市人民政府",
        superior_body="广东省司法厅",
    )
    remedies = guide.draft_fields(world.organ)["remedies"]
    assert "中山市人民政府或者广东省司法厅" in remedies
    assert "应当先申请行政复议" in remedies


def test_a_guide_that_does_not_name_the_review_body_is_flagged(world: Any) -> None:
    accounts_services.update_organ(
        world.organ, actor=world.users[Role.ADMIN], level_government="中山市人民政府"
    )
    _save(world, remedies="可以依法申请行政复议或者提起行政诉讼。")
    reasons = guide.guide_reminders(world.organ)
    assert any("中山市人民政府" in r and "行政复议机关" in r for r in reasons)
    _save(world)  # the drafted text names it
    assert not any("行政复议机关" in r for r in guide.guide_reminders(world.organ))
