"""Per-outcome remedies and bases in reply letters (行政复议法 第二十三条; 条例 第三十六条;
RULES §2.5), the organ's own contacts in letters, and the annual row of split outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts import services as accounts_services
from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.foi import counting, services
from gongkai.foi.choices import annual_row
from gongkai.foi.tests.test_letters import _docx_text
from gongkai.foi.tests.test_services import _received

pytestmark = pytest.mark.django_db
D = dt.date


def test_letters_carry_the_organs_own_address_and_phone(world: Any) -> None:
    accounts_services.update_organ(
        world.organ, actor=world.users[Role.ADMIN], address="中山市东区示例路 1 号", phone="0760-8"
    )
    request = _received(world, D(2026, 3, 2))
    text = _docx_text(request.letters.get(kind="receipt"))
    assert "电话：0760-8，地址：中山市东区示例路 1 号" in text
    assert "—" not in text


def test_not_held_and_not_ours_are_different_decisions(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    none = _received(world, D(2026, 3, 2))
    services.reply(none, actor=coordinator, on=D(2026, 3, 10), outcome="4.1", text="经检索未找到")
    ours = _received(world, D(2026, 3, 2))
    services.reply(
        ours, actor=coordinator, on=D(2026, 3, 10), outcome="4.1-5", text="请向市财政局申请"
    )
    none_text = _docx_text(none.letters.get(kind="reply"))
    ours_text = _docx_text(ours.letters.get(kind="reply"))
    assert "该政府信息不存在" in none_text
    assert "第三十六条第（四）项" in none_text
    assert "第（五）项" not in none_text
    assert "不属于本机关负责公开" in ours_text
    assert "第三十六条第（五）项" in ours_text
    assert "第（四）项" not in ours_text
    table = counting.annual_table(world.organ, 2026)
    assert table.outcomes["4.1"]["total"] == 2  # both count as 本机关不掌握相关政府信息
    assert "4.1-5" not in table.outcomes
    assert annual_row("1-1") == "1"


def test_an_organ_may_put_reconsideration_first_for_another_outcome(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    services.set_remedy_mode(world.organ, actor=coordinator, outcome="4.1", mode="review_first")
    request = _received(world, D(2026, 3, 2))
    services.reply(request, actor=coordinator, on=D(2026, 3, 10), outcome="4.1", text="未找到")
    assert "应当先申请行政复议" in _docx_text(request.letters.get(kind="reply"))
    with pytest.raises(InvalidInput):
        services.set_remedy_mode(world.organ, actor=coordinator, outcome="4.1", mode="sometimes")
    with pytest.raises(NotPermitted):
        services.set_remedy_mode(world.other_organ, actor=coordinator, outcome="4.1", mode="choice")
