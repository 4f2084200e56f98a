"""The 行政复议机关 of each kind of organ, named exactly (行政复议法 2023 第二十四条–第二十八条,
第二十条第三款), and the remedies sentences built from it (第二十三条; RULES §2.5)."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.accounts import services
from gongkai.accounts.choices import RemedyMode, Role
from gongkai.accounts.remedies import guide_remedies, remedy_clause, review_bodies
from gongkai.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "government", "superior", "names", "basis"),
    [
        ("department", "中山市人民政府", "", ("中山市人民政府",), "第二十四条第一款第（一）项"),
        (
            "justice",
            "中山市人民政府",
            "广东省司法厅",
            ("中山市人民政府", "广东省司法厅"),
            "第二十八条",
        ),
        ("vertical", "", "国家税务总局广东省税务局", ("国家税务总局广东省税务局",), "第二十七条"),
        (
            "local_government",
            "",
            "中山市人民政府",
            ("中山市人民政府",),
            "第二十四条第一款第（二）项",
        ),
        ("own", "", "", ("测试市司法局",), "第二十四条第二款"),
    ],
)
def test_each_kind_of_organ_names_its_review_body(
    world: Any, kind: str, government: str, superior: str, names: tuple[str, ...], basis: str
) -> None:
    services.update_organ(
        world.organ,
        actor=world.users[Role.ADMIN],
        review_kind=kind,
        level_government=government,
        superior_body=superior,
    )
    bodies = review_bodies(world.organ)
    assert bodies.names == names
    assert basis in bodies.basis
    assert bodies.missing == ()


def test_a_missing_name_is_described_and_asked_for(world: Any) -> None:
    services.update_organ(world.organ, actor=world.users[Role.ADMIN], review_kind="justice")
    bodies = review_bodies(world.organ)
    assert bodies.wording == "本级人民政府或者上一级司法行政部门"
    assert set(bodies.missing) == {"本级人民政府", "上一级机关"}


def test_the_supervising_government_is_the_default_level_government(world: Any) -> None:
    from conftest import valid_credit_code

    city = services.create_organ(
        actor=SYSTEM, name="测试市人民政府", credit_code=valid_credit_code("11442000007350122")
    )
    world.organ.supervisor = city
    world.organ.save(update_fields=["supervisor"])
    assert review_bodies(world.organ).names == ("测试市人民政府",)


def test_an_organs_own_wording_is_used_as_written(world: Any) -> None:
    services.update_organ(
        world.organ, actor=world.users[Role.ADMIN], review_body="中山市人民政府行政复议办公室"
    )
    assert review_bodies(world.organ).wording == "中山市人民政府行政复议办公室"


def test_withholding_puts_reconsideration_first_and_others_keep_the_choice(world: Any) -> None:
    services.update_organ(
        world.organ,
        actor=world.users[Role.ADMIN],
        review_kind="justice",
        level_government="中山市人民政府",
        superior_body="广东省司法厅",
    )
    first = remedy_clause(world.organ, RemedyMode.REVIEW_FIRST)
    assert "第二十三条第一款第（四）项" in first
    assert "应当先申请行政复议" in first
    assert "60日内向中山市人民政府或者广东省司法厅申请行政复议" in first
    assert "自收到行政复议决定书之日起15日内" in first
    assert "6个月" not in first
    choice = remedy_clause(world.organ, RemedyMode.CHOICE, court="中山市第一人民法院")
    assert "60日内向中山市人民政府或者广东省司法厅申请行政复议" in choice
    assert "6个月内依法向中山市第一人民法院提起行政诉讼" in choice
    assert "应当先" not in choice
    mixed = remedy_clause(world.organ, RemedyMode.MIXED)
    assert mixed.index("不予公开部分") < mixed.index("应当先申请行政复议")
    assert "其他内容" in mixed
    assert "6个月" in mixed


def test_the_guide_remedies_name_the_body_and_reconsideration_first(world: Any) -> None:
    services.update_organ(
        world.organ, actor=world.users[Role.ADMIN], level_government="中山市人民政府"
    )
    text = guide_remedies(world.organ)
    assert "60日内向中山市人民政府申请行政复议" in text
    assert "不予公开政府信息的决定不服的" in text
    assert "应当先申请行政复议" in text
