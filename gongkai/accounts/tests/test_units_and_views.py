"""Units, groups, aliases and the staff pages that show them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services
from gongkai.accounts.choices import Role, UnitKind
from gongkai.accounts.errors import NameTaken
from gongkai.accounts.models import Unit, UnitGroup
from gongkai.accounts.selectors import resolve_unit_name
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.actors import SYSTEM
from gongkai.core.errors import InvalidInput
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_group_resolves_by_kind_and_by_explicit_member(world: Any) -> None:
    notary = services.create_unit(
        world.organ, actor=SYSTEM, name="公证处", kind=UnitKind.AFFILIATED
    )
    group = services.create_unit_group(
        world.organ,
        actor=SYSTEM,
        name="业务科室",
        member_kinds=[UnitKind.DIVISION],
        members=[notary],
        aliases=["业务部门"],
    )
    names = set(group.resolve().values_list("name", flat=True))
    assert names == {"律师工作管理科", "公共法律服务管理科", "公证处"}
    later = services.create_unit(world.organ, actor=SYSTEM, name="普法科", kind=UnitKind.DIVISION)
    assert later in group.resolve()
    services.deactivate_unit(later, actor=SYSTEM, reason="合并")
    assert later not in group.resolve()
    assert resolve_unit_name(world.organ, "业务部门") == group


def test_names_and_aliases_share_one_namespace(world: Any) -> None:
    services.add_unit_alias(world.own_unit, actor=SYSTEM, alias="律管科")
    assert resolve_unit_name(world.organ, "律管科") == world.own_unit
    with pytest.raises(NameTaken):
        services.add_unit_alias(world.other_unit, actor=SYSTEM, alias="律管科")
    with pytest.raises(NameTaken):
        services.create_unit(world.organ, actor=SYSTEM, name="律管科", kind=UnitKind.OTHER)
    with pytest.raises(NameTaken):
        services.create_unit_group(world.organ, actor=SYSTEM, name="律师工作管理科")
    assert resolve_unit_name(world.other_organ, "律管科") is None


def test_a_unit_cannot_sit_under_itself_or_its_descendant(world: Any) -> None:
    with pytest.raises(InvalidInput):
        services.update_unit(world.own_unit, actor=SYSTEM, parent=world.sub_unit)
    with pytest.raises(InvalidInput):
        services.update_unit(world.own_unit, actor=SYSTEM, parent=world.own_unit)


def test_unit_changes_are_audited_with_old_and_new_values(world: Any) -> None:
    services.update_unit(world.own_unit, actor=world.users[Role.EDITOR], phone="0760-888")
    event = AuditEvent.objects.filter(action="accounts.unit.updated").latest("seq")
    assert event.changes_data == {"phone": ["", "0760-888"]}
    assert event.actor_label == "u_editor"
    assert event.organ_id == world.organ.pk


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91350100M000100Y43", True),
        ("91350100M000100Y44", False),
        ("1144200000735012", False),
        ("11442000007350120I", False),
    ],
)
def test_credit_code_checksum(code: str, ok: bool) -> None:
    from django.core.exceptions import ValidationError

    if ok:
        validate_credit_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_credit_code(code)


def test_units_page_shows_the_tree_and_lets_a_coordinator_add(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.COORDINATOR])
    page = client.get("/staff/units/").content.decode()
    assert "└ 律所监管组" in page
    assert "新增单位" in page
    bad = client.post(
        "/staff/units/", {"name": "律师工作管理科", "kind": "division", "sort_order": 0}
    )
    assert bad.status_code == 400
    assert "已被本机关" in bad.content.decode()
    assert 'value="律师工作管理科"' in bad.content.decode()  # what was typed is kept
    ok = client.post("/staff/units/", {"name": "法治督察科", "kind": "division", "sort_order": 5})
    assert ok.status_code == 302
    assert Unit.objects.filter(name="法治督察科", organ=world.organ).exists()


def test_editor_edits_only_own_unit_contacts_in_the_ui(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.EDITOR])
    page = client.get("/staff/units/").content.decode()
    assert "新增单位" not in page
    assert client.get(f"/staff/units/{world.other_unit.pk}/").status_code == 404
    response = client.post(f"/staff/units/{world.own_unit.pk}/", {"phone": "0760-1", "email": ""})
    assert response.status_code == 302
    world.own_unit.refresh_from_db()
    assert world.own_unit.phone == "0760-1"


def test_load_demo_creates_the_reference_organ_once(db: Any) -> None:
    import io

    from django.core.management import CommandError, call_command

    from gongkai.accounts.models import Organ, User

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    organ = Organ.objects.get(name="中山市司法局")
    assert organ.units.count() >= 14
    for username in ("admin", "coordinator", "editor", "reviewer", "leader", "auditor"):
        assert username in text
        assert User.objects.get(username=username).check_password("Zhongshan#2019")
    for name in ("公职所", "业务部门", "各科室", "市法援处", "装财科"):
        assert resolve_unit_name(organ, name) is not None, name
    group = resolve_unit_name(organ, "业务科室")
    assert isinstance(group, UnitGroup)
    assert "律师工作管理科" in {u.name for u in group.resolve()}
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert Organ.objects.count() == 1
    assert Unit.objects.filter(organ=organ).count() == organ.units.count()


def test_units_page_queries_do_not_grow_with_units(world: Any, client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users[Role.COORDINATOR])
    client.get("/staff/units/")  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get("/staff/units/")
    for i in range(10):
        services.create_unit(
            world.organ, actor=SYSTEM, name=f"科室{i}", kind=UnitKind.DIVISION, aliases=[f"别名{i}"]
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get("/staff/units/")
    assert "别名9" in page.content.decode()
    assert len(after) == len(before)


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (Role.ADMIN, ["机关信息", "用户与角色", "审计日志"], []),
        (Role.COORDINATOR, ["单位管理", "导入任务"], ["用户与角色", "审计日志", "机关信息"]),
        (Role.EDITOR, ["单位管理", "API 令牌"], ["用户与角色", "审计日志"]),
        (Role.AUDITOR, ["审计日志"], ["用户与角色", "机关信息"]),
    ],
)
def test_navigation_shows_the_modules_the_role_may_open(
    world: Any, client: Client, role: str, present: list[str], absent: list[str]
) -> None:
    client.force_login(world.users[role])
    page = client.get("/staff/").content.decode()
    nav = page.split('aria-label="模块导航"', 1)[1].split("</nav>", 1)[0]
    for label in present:
        assert f">{label}</a>" in nav
    for label in absent:
        assert f">{label}</a>" not in nav
