"""三权分立 (等保 2.0): the platform's system administrator (the superuser) keeps accounts, organs,
units and the working-day calendar, and does no business step — no drafting, 保密审查, approval,
publication, request handling or plan coordination — whatever roles the account also holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import PASSWORD, valid_credit_code
from gongkai.accounts import services
from gongkai.accounts.choices import Role, UnitKind
from gongkai.accounts.permissions import Action, can
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import NotPermitted
from gongkai.disclosure import services as disclosure
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.foi import services as foi
from gongkai.foi.tests.test_services import _received

pytestmark = pytest.mark.django_db
D = dt.date
BUSINESS_ACTIONS = (Action.ACT_FOR_UNIT, Action.COORDINATE, Action.REVIEW, Action.APPROVE)


@pytest.fixture
def root(world: Any, django_user_model: Any) -> Any:
    """A platform system administrator who also holds the organ's administrator role."""
    user = django_user_model.objects.create_superuser("root", password=PASSWORD)
    services.grant_role(user, actor=SYSTEM, organ=world.organ, role=Role.ADMIN)
    return user


def _submitted(world: Any, title: str = "关于公布2026年权责清单的通知") -> Any:
    node = ensure_catalogue(world.organ)[0]
    item = disclosure.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=node,
        title=title,
        formed_on=D(2026, 3, 2),
        body="<p>正文</p>",
    )
    return disclosure.submit_item(item, actor=world.users[Role.EDITOR])


def test_the_system_administrator_does_no_business_step(world: Any, root: Any) -> None:
    item = _submitted(world)
    with pytest.raises(NotPermitted):
        disclosure.review_item(item, actor=root, decision="disclose", basis="")
    disclosure.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    with pytest.raises(NotPermitted):
        disclosure.approve_item(item, actor=root)
    disclosure.approve_item(item, actor=world.users[Role.LEADER])
    with pytest.raises(NotPermitted):
        disclosure.publish_item(item, actor=root)
    with pytest.raises(NotPermitted):
        disclosure.create_draft(
            world.organ,
            actor=root,
            unit=world.own_unit,
            node=item.node,
            title="系统管理员起草",
            formed_on=D(2026, 3, 2),
        )
    request = _received(world, D(2026, 3, 2))
    with pytest.raises(NotPermitted):
        foi.reply(request, actor=root, on=D(2026, 3, 10), outcome="1", text="见附件。")
    with pytest.raises(NotPermitted):
        disclosure.update_disclosure_settings(world.organ, actor=root, is_other_form_required=True)
    for action in BUSINESS_ACTIONS:
        assert not can(root, action, organ=world.organ), action


def test_business_roles_do_not_make_a_system_administrator_a_business_actor(
    world: Any, root: Any
) -> None:
    for role in (Role.COORDINATOR, Role.REVIEWER, Role.LEADER):
        services.grant_role(root, actor=SYSTEM, organ=world.organ, role=role)
    services.grant_role(
        root, actor=SYSTEM, organ=world.organ, role=Role.EDITOR, units=[world.own_unit]
    )
    item = _submitted(world)
    with pytest.raises(NotPermitted):
        disclosure.review_item(item, actor=root, decision="disclose", basis="")
    for action in BUSINESS_ACTIONS:
        assert not can(root, action, organ=world.organ, unit=world.own_unit), action


def test_the_system_administrator_keeps_accounts_organs_units_and_the_calendar(
    world: Any, root: Any
) -> None:
    from gongkai.workdays import services as workdays

    organ = services.create_organ(
        actor=root, name="测试市民政局", credit_code=valid_credit_code("11442000007350122")
    )
    unit = services.create_unit(organ, actor=root, name="办公室", kind=UnitKind.OFFICE)
    services.update_unit(unit, actor=root, phone="0760-12345678")
    user = services.create_user(
        actor=root, organ=organ, username="new_editor", password=PASSWORD, display_name="新编辑"
    )
    services.grant_role(user, actor=root, organ=organ, role=Role.EDITOR, units=[unit])
    assert can(user, Action.ACT_FOR_UNIT, organ=organ, unit=unit)
    day = workdays.correct_day(
        D(2026, 3, 10), actor=root, kind="holiday", name="停工", reason="更正"
    )
    assert day is not None
    assert day.kind == "holiday"
    for action in (Action.VIEW, Action.MANAGE_ORGAN, Action.MANAGE_USERS, Action.MANAGE_UNITS):
        assert can(root, action, organ=world.organ), action


def test_the_organs_administrator_role_does_no_business_step(world: Any) -> None:
    admin = world.users[Role.ADMIN]
    with pytest.raises(NotPermitted):
        disclosure.create_draft(
            world.organ,
            actor=admin,
            unit=world.own_unit,
            node=ensure_catalogue(world.organ)[0],
            title="管理员起草",
            formed_on=D(2026, 3, 2),
        )
    services.update_unit(world.own_unit, actor=admin, phone="0760-12345678")  # still its contacts


def test_the_system_itself_still_runs_its_jobs(world: Any) -> None:
    for action in BUSINESS_ACTIONS:
        assert can(SYSTEM, action, organ=world.organ, unit=world.own_unit), action
