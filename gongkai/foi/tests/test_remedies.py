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
from gongkai.foi.tests.test_services import _received, answer, on_day

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


# Each outcome's legal basis and remedies, typed from the 条例 and 行政复议法 (RULES §2.5), not
# read from the code: "first" = reconsideration first (第二十三条), "choice" = reconsideration or
# court, "mixed" = first for the withheld part.
EXPECTED: dict[str, tuple[str, str]] = {
    "1": ("第三十六条第（二）项", "choice"),
    "1-1": ("第三十六条第（一）项", "choice"),
    "2": ("第三十七条", "mixed"),
    "3.1": ("第十四条、第三十六条第（三）项", "first"),
    "3.2": ("第十四条、第三十六条第（三）项", "first"),
    "3.3": ("第十四条、第三十六条第（三）项", "first"),
    "3.4": ("第十五条、第三十二条、第三十六条第（三）项", "first"),
    "3.5": ("第十六条第一款、第三十六条第（三）项", "first"),
    "3.6": ("第十六条第二款、第三十六条第（三）项", "first"),
    "3.7": ("第十六条第二款、第三十六条第（三）项", "first"),
    "3.8": ("第三十六条第（七）项", "first"),
    "4.1": ("第三十六条第（四）项", "choice"),
    "4.1-5": ("第三十六条第（五）项", "choice"),
    "4.2": ("第三十八条", "choice"),
    "4.3": ("第三十条", "choice"),
    "5.1": ("第三十九条第一款", "choice"),
    "5.2": ("第三十六条第（六）项", "choice"),
    "5.3": ("第三十九条第二款", "choice"),
    "5.4": ("第三十五条", "choice"),
    "5.5": ("第二条、第二十七条", "choice"),
    "6.1": ("第三十条", "choice"),
    "6.2": ("第四十二条", "choice"),
    "6.3": ("第三十三条", "choice"),
}


def _closed_with(world: Any, outcome: str) -> Any:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    with on_day(D(2026, 3, 3)):
        if outcome == "6.1":
            services.request_clarification(
                request, actor=coordinator, on=D(2026, 3, 3), what="文号", due_on=D(2026, 3, 10)
            )
            return services.close_unclarified(request, actor=coordinator, on=D(2026, 3, 11))
        if outcome == "6.2":
            notice = services.issue_fee_notice(
                request, actor=coordinator, on=D(2026, 3, 3), method="volume", pages=150
            )
            after = notice.pay_due_on + dt.timedelta(days=1)
            return services.close_unpaid(request, actor=coordinator, on=after)
    return answer(request, world, on=D(2026, 3, 10), outcome=outcome, text="具体说明。")


@pytest.mark.parametrize("outcome", sorted(EXPECTED))
def test_every_outcomes_letter_states_its_basis_and_remedies(world: Any, outcome: str) -> None:
    accounts_services.update_organ(
        world.organ,
        actor=world.users[Role.ADMIN],
        review_kind="justice",
        level_government="中山市人民政府",
        superior_body="广东省司法厅",
    )
    done = _closed_with(world, outcome)
    assert done.outcome == outcome
    letter = done.letters.get(kind__in=["reply", "termination"])
    text = _docx_text(letter)
    basis, mode = EXPECTED[outcome]
    line = next(
        x for x in text.splitlines() if x.startswith("依据：《中华人民共和国政府信息公开条例》")
    )
    assert basis in line
    assert "60日内向中山市人民政府或者广东省司法厅申请行政复议" in text
    first = "应当先申请行政复议" in text
    direct = "6个月内依法向有管辖权的人民法院提起行政诉讼" in text
    assert (first, direct) == {
        "first": (True, False),
        "choice": (False, True),
        "mixed": (True, True),
    }[mode]
    if first:
        assert "自收到行政复议决定书之日起15日内" in text
