"""Administrators of an organ create accounts, grant and revoke roles, unlock and deactivate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from gongkai.accounts.choices import Role
from gongkai.accounts.models import Membership, User
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _admin(client: Client, world: Any) -> None:
    client.force_login(world.users[Role.ADMIN])


def test_admin_creates_an_editor_for_a_unit(world: Any, client: Client) -> None:
    _admin(client, world)
    response = client.post(
        "/staff/users/",
        {
            "form": "new",
            "username": "wangfang",
            "display_name": "王芳",
            "password": "Zs#2019abcd",
            "role": "editor",
            "units": [world.own_unit.pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="wangfang")
    membership = Membership.objects.get(user=user, organ=world.organ)
    assert membership.role == "editor"
    assert list(membership.units.all()) == [world.own_unit]
    page = client.get("/staff/users/").content.decode()
    assert "王芳" in page
    assert "律师工作管理科" in page


def test_errors_stay_beside_the_fields_and_input_is_kept(world: Any, client: Client) -> None:
    _admin(client, world)
    response = client.post(
        "/staff/users/",
        {
            "form": "new",
            "username": "lisi",
            "display_name": "李四",
            "password": "short",
            "role": "editor",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "密码太短" in page
    assert 'value="lisi"' in page
    assert 'value="李四"' in page
    assert not User.objects.filter(username="lisi").exists()
    response = client.post(
        "/staff/users/",
        {
            "form": "new",
            "username": "lisi",
            "display_name": "李四",
            "password": "Zs#2019abcd",
            "role": "editor",
        },
    )
    assert "科室编辑至少要指定一个所属单位" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()  # account and role: one transaction


def test_grant_and_revoke_a_role(world: Any, client: Client) -> None:
    _admin(client, world)
    leader = world.users[Role.LEADER]
    client.post("/staff/users/", {"form": "grant", "user": leader.pk, "role": "reviewer"})
    membership = Membership.objects.get(user=leader, organ=world.organ, role="reviewer")
    client.post(f"/staff/users/{leader.pk}/", {"action": "revoke", "membership": membership.pk})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(leader.pk)).values_list("action", flat=True)
    )
    assert "accounts.role.granted" in actions
    assert "accounts.role.revoked" in actions


def test_deactivated_staff_cannot_sign_in(world: Any, client: Client) -> None:
    _admin(client, world)
    editor = world.users[Role.EDITOR]
    client.post(f"/staff/users/{editor.pk}/", {"action": "deactivate", "reason": "调离"})
    editor.refresh_from_db()
    assert not editor.is_active
    other = Client()
    page = other.post("/staff/login/", {"username": "u_editor", "password": PASSWORD})
    assert "用户名或密码不正确" in page.content.decode()


def test_admin_unlocks_a_locked_account(world: Any, client: Client) -> None:
    other = Client()
    for _ in range(5):
        other.post("/staff/login/", {"username": "u_leader", "password": "wrong"})
    assert User.objects.get(username="u_leader").is_locked()
    _admin(client, world)
    assert "已锁定" in client.get("/staff/users/").content.decode()
    client.post(f"/staff/users/{world.users[Role.LEADER].pk}/", {"action": "unlock"})
    assert not User.objects.get(username="u_leader").is_locked()
    assert (
        other.post("/staff/login/", {"username": "u_leader", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EDITOR, Role.AUDITOR])
def test_non_admins_do_not_manage_users(world: Any, client: Client, role: str) -> None:
    client.force_login(world.users[role])
    assert client.get("/staff/users/").status_code == 404
    target = world.users[Role.LEADER]
    assert client.post(f"/staff/users/{target.pk}/", {"action": "unlock"}).status_code == 404


def test_organ_admin_cannot_disable_accounts_beyond_their_organ(world: Any, client: Client) -> None:
    from gongkai.accounts import services
    from gongkai.core.actors import SYSTEM

    admin = world.users[Role.ADMIN]
    root = services.create_user(actor=SYSTEM, organ=world.organ, username="root", password=PASSWORD)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    finance_admin = services.create_user(
        actor=SYSTEM, organ=world.other_organ, username="cz_admin", password=PASSWORD
    )
    services.grant_role(finance_admin, actor=SYSTEM, organ=world.other_organ, role=Role.ADMIN)
    for target in (root, finance_admin):
        services.grant_role(target, actor=admin, organ=world.organ, role=Role.LEADER)
    _admin(client, world)
    for target in (root, finance_admin):
        client.post(f"/staff/users/{target.pk}/", {"action": "deactivate", "reason": "越权"})
        target.refresh_from_db()
        assert target.is_active, target.username
