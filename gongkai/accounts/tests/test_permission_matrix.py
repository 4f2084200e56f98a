"""Role × action × own/other unit: every cell of the matrix, through the real services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gongkai.accounts import services
from gongkai.accounts.choices import Role, UnitKind
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units, list_units
from gongkai.core.errors import NotPermitted
from gongkai.core.selectors import AuditFilter, list_audit_events

pytestmark = pytest.mark.django_db

ALL = set(Role.values)


def _edit_contacts(world: Any, user: Any, unit: Any) -> None:
    services.update_unit(unit, actor=user, phone="0760-12345678")


def _rename_unit(world: Any, user: Any, unit: Any) -> None:
    services.update_unit(unit, actor=user, name=unit.name + "（新）")


def _create_unit(world: Any, user: Any, unit: Any) -> None:
    services.create_unit(unit.organ, actor=user, name="新设科", kind=UnitKind.DIVISION, parent=unit)


def _deactivate_unit(world: Any, user: Any, unit: Any) -> None:
    services.deactivate_unit(unit, actor=user, reason="机构改革")


def _grant_role(world: Any, user: Any, unit: Any) -> None:
    target = world.users[Role.LEADER]
    services.grant_role(target, actor=user, organ=unit.organ, role=Role.EDITOR, units=[unit])


def _add_alias(world: Any, user: Any, unit: Any) -> None:
    services.add_unit_alias(unit, actor=user, alias=unit.name + "别名")


# action name → (service call, roles allowed for own unit, roles allowed for another unit)
MATRIX: dict[str, tuple[Callable[[Any, Any, Any], None], set[str], set[str]]] = {
    "edit_contacts": (
        _edit_contacts,
        {Role.ADMIN, Role.COORDINATOR, Role.EDITOR},
        {Role.ADMIN, Role.COORDINATOR},
    ),
    "rename_unit": (_rename_unit, {Role.ADMIN, Role.COORDINATOR}, {Role.ADMIN, Role.COORDINATOR}),
    "create_unit": (_create_unit, {Role.ADMIN, Role.COORDINATOR}, {Role.ADMIN, Role.COORDINATOR}),
    "deactivate_unit": (
        _deactivate_unit,
        {Role.ADMIN, Role.COORDINATOR},
        {Role.ADMIN, Role.COORDINATOR},
    ),
    "add_alias": (_add_alias, {Role.ADMIN, Role.COORDINATOR}, {Role.ADMIN, Role.COORDINATOR}),
    "grant_role": (_grant_role, {Role.ADMIN}, {Role.ADMIN}),
}

CASES = [
    (role, action, whose)
    for role in Role.values
    for action in MATRIX
    for whose in ("own", "sub", "other")
]


@pytest.mark.parametrize(("role", "action", "whose"), CASES)
def test_service_matrix(world: Any, role: str, action: str, whose: str) -> None:
    call, own_roles, other_roles = MATRIX[action]
    unit = {"own": world.own_unit, "sub": world.sub_unit, "other": world.other_unit}[whose]
    allowed = own_roles if whose in ("own", "sub") else other_roles
    user = world.users[role]
    if role in allowed:
        call(world, user, unit)
    else:
        with pytest.raises(NotPermitted):
            call(world, user, unit)


@pytest.mark.parametrize("role", Role.values)
def test_nobody_acts_in_an_organ_where_they_hold_no_role(world: Any, role: str) -> None:
    from gongkai.core.actors import SYSTEM

    foreign = services.create_unit(
        world.other_organ, actor=SYSTEM, name="预算科", kind=UnitKind.DIVISION
    )
    user = world.users[role]
    for call, _own, _other in MATRIX.values():
        with pytest.raises(NotPermitted):
            call(world, user, foreign)
    assert not list_units(world.other_organ, user=user).exists()


EXPECTED_ABILITIES = {
    Action.ACT_FOR_UNIT: {Role.COORDINATOR, Role.EDITOR},  # not the administrator (三权分立)
    Action.REVIEW: {Role.REVIEWER},
    Action.APPROVE: {Role.LEADER},
    Action.COORDINATE: {Role.COORDINATOR},
    Action.VIEW_AUDIT: {Role.ADMIN, Role.AUDITOR},
    Action.MANAGE_USERS: {Role.ADMIN},
    Action.VIEW: ALL,
}


@pytest.mark.parametrize("action", list(EXPECTED_ABILITIES))
@pytest.mark.parametrize("role", Role.values)
def test_organ_level_abilities(world: Any, role: str, action: Action) -> None:
    user = world.users[role]
    assert can(user, action, organ=world.organ) == (role in EXPECTED_ABILITIES[action])
    assert not can(user, action, organ=world.other_organ)


@pytest.mark.parametrize("role", Role.values)
def test_actable_units_selector_matches_the_rule(world: Any, role: str) -> None:
    user = world.users[role]
    names = set(list_actable_units(world.organ, user=user).values_list("name", flat=True))
    everything = {world.own_unit.name, world.sub_unit.name, world.other_unit.name}
    expected = {
        Role.COORDINATOR: everything,
        Role.EDITOR: {world.own_unit.name, world.sub_unit.name},
    }.get(role, set())
    assert names == expected


@pytest.mark.parametrize("role", Role.values)
def test_audit_log_is_readable_only_by_auditors_and_admins(world: Any, role: str) -> None:
    visible = list_audit_events(world.users[role], organ=world.organ, flt=AuditFilter())
    assert visible.exists() == (role in (Role.ADMIN, Role.AUDITOR))


def test_supervising_coordinator_sees_and_acts_for_supervised_organs(world: Any) -> None:
    from conftest import valid_credit_code
    from gongkai.accounts.selectors import list_organs_visible_to
    from gongkai.core.actors import SYSTEM

    city = services.create_organ(
        actor=SYSTEM,
        name="测试市人民政府办公室",
        credit_code=valid_credit_code("11442000007350130"),
    )
    world.organ.supervisor = city
    world.organ.save(update_fields=["supervisor"])
    coordinator = services.create_user(
        actor=SYSTEM, organ=city, username="city_coord", password="Correct#Horse9"
    )
    services.grant_role(coordinator, actor=SYSTEM, organ=city, role=Role.COORDINATOR)
    visible = set(list_organs_visible_to(coordinator).values_list("name", flat=True))
    assert visible == {city.name, world.organ.name}
    assert can(coordinator, Action.COORDINATE, organ=world.organ)
    assert not can(coordinator, Action.VIEW_AUDIT, organ=world.organ)
    assert not can(coordinator, Action.VIEW, organ=world.other_organ)
    services.update_unit(world.other_unit, actor=coordinator, phone="0760-1")
