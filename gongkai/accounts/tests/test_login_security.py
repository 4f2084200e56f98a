"""Login lock-out, password policy, argon2, TOTP, idle time-out, CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.utils import timezone

from conftest import PASSWORD
from gongkai.accounts import services
from gongkai.accounts.choices import Role
from gongkai.accounts.errors import PasswordRejected
from gongkai.accounts.models import User
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/staff/login/", {"username": username, "password": password})


def test_right_password_opens_the_workspace(world: Any, client: Client) -> None:
    response = _login(client, "u_coordinator", PASSWORD)
    assert response.status_code == 302
    page = client.get("/staff/")
    assert "工作台" in page.content.decode()
    assert "律师工作管理科" in page.content.decode()


def test_five_failures_lock_the_account_for_fifteen_minutes(world: Any, client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            page = _login(client, "u_editor", "wrong-password")
            assert "用户名或密码不正确" in page.content.decode()
        page = _login(client, "u_editor", "wrong-password")
        assert "账户已被锁定" in page.content.decode()
        page = _login(client, "u_editor", PASSWORD)
        assert "账户已被锁定" in page.content.decode()
        assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="accounts.user.locked").count() == 1
    assert AuditEvent.objects.filter(action="accounts.login.refused").count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert "账户已被锁定" in _login(client, "u_editor", PASSWORD).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert _login(client, "u_editor", PASSWORD).status_code == 302
    user = User.objects.get(username="u_editor")
    assert user.failed_login_count == 0
    assert user.locked_until is None


def test_success_resets_the_failure_count(world: Any, client: Client) -> None:
    for _ in range(4):
        _login(client, "u_editor", "nope")
    assert _login(client, "u_editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "u_editor", "nope")
    assert not User.objects.get(username="u_editor").is_locked()


def test_unknown_user_fails_the_same_way_and_is_audited(world: Any, client: Client) -> None:
    page = _login(client, "nobody", "whatever")
    assert "用户名或密码不正确" in page.content.decode()
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.object_repr == "nobody"
    assert event.actor_label == "anonymous"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Sh0rt!", "太短"),
        ("alllowercase123", "至少 3 类"),
        ("u_leaderX#2024", "用户名"),
        ("1Q2w3e4r5t", "过于常见"),
    ],
)
def test_password_policy(world: Any, password: str, fragment: str) -> None:
    user = world.users[Role.LEADER]
    with pytest.raises(PasswordRejected, match=fragment):
        services.change_password(user, actor=user, password=password)


def test_good_password_is_accepted_and_hashed_with_argon2(world: Any) -> None:
    user = world.users[Role.LEADER]
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        services.change_password(user, actor=user, password="Zhong#shan2025")
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password("Zhong#shan2025")
    assert make_password("x").startswith("md5$")  # the test settings' fast hasher


def test_production_settings_use_argon2_first() -> None:
    import config.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _enable_totp(user: User) -> pyotp.TOTP:
    services.begin_totp_enrollment(user, actor=user)
    user.refresh_from_db()
    totp = pyotp.TOTP(user.totp_secret)
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=60), tick=False):
        services.confirm_totp(user, actor=user, code=totp.now())
    return totp


def test_totp_is_asked_after_the_password_and_codes_are_single_use(
    world: Any, client: Client
) -> None:
    user = world.users[Role.REVIEWER]
    totp = _enable_totp(user)
    response = _login(client, "u_reviewer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/totp/"
    assert client.get("/staff/").status_code == 302  # not logged in yet
    page = client.post("/staff/login/totp/", {"code": "000000"})
    assert "动态口令不正确" in page.content.decode()
    code = totp.now()
    assert client.post("/staff/login/totp/", {"code": code}).status_code == 302
    assert client.get("/staff/").status_code == 200
    other = Client()
    _login(other, "u_reviewer", PASSWORD)
    replay = other.post("/staff/login/totp/", {"code": code})
    assert "已使用" in replay.content.decode()


@override_settings(GONGKAI_REQUIRE_2FA=True)
@pytest.mark.parametrize(
    ("role", "forced"), [(Role.REVIEWER, True), (Role.ADMIN, True), (Role.EDITOR, False)]
)
def test_required_second_factor_sends_privileged_roles_to_enrolment(
    world: Any, client: Client, role: str, forced: bool
) -> None:
    client.force_login(world.users[role])
    response = client.get("/staff/units/")
    if forced:
        assert response.status_code == 302
        assert response["Location"] == "/staff/security/"
        assert client.get("/staff/security/").status_code == 200
    else:
        assert response.status_code == 200


def test_idle_session_ends_after_thirty_minutes(world: Any, client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "u_auditor", PASSWORD)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=59, seconds=30), tick=False):
        response = client.get("/staff/", follow=True)
        assert response.redirect_chain[0][0].startswith("/staff/login/")
        assert "自动退出" in response.content.decode()
    ended = AuditEvent.objects.get(action="accounts.session.ended")
    assert ended.changes_data == {"reason": "idle"}


def test_login_form_needs_its_csrf_token(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/login/", {"username": "u_editor", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_is_post_only_and_audited(world: Any, client: Client) -> None:
    _login(client, "u_editor", PASSWORD)
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.session.ended").exists()


def test_only_system_admins_reach_django_admin(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.ADMIN])
    assert client.get("/django-admin/").status_code == 302
    root = services.create_user(actor=SYSTEM, organ=world.organ, username="root", password=PASSWORD)
    root.is_superuser = True
    root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)
    assert client.get("/django-admin/").status_code == 200


def test_a_code_is_accepted_once_even_by_parallel_requests(world: Any) -> None:
    user = world.users[Role.REVIEWER]
    totp = _enable_totp(user)
    first = User.objects.get(pk=user.pk)
    second = User.objects.get(pk=user.pk)  # loaded before either request claims the code
    code = totp.now()
    services.verify_second_factor(first, code=code)
    from gongkai.accounts.errors import SecondFactorInvalid

    with pytest.raises(SecondFactorInvalid):
        services.verify_second_factor(second, code=code)


def test_wrong_codes_count_towards_the_lock_out(world: Any, client: Client) -> None:
    user = world.users[Role.REVIEWER]
    _enable_totp(user)
    _login(client, "u_reviewer", PASSWORD)
    for _ in range(4):
        page = client.post("/staff/login/totp/", {"code": "000000"})
        assert "动态口令不正确" in page.content.decode()
    page = client.post("/staff/login/totp/", {"code": "000000"})
    assert "账户已被锁定" in page.content.decode()
    assert User.objects.get(pk=user.pk).is_locked()


def test_the_second_step_expires(world: Any, client: Client) -> None:
    user = world.users[Role.REVIEWER]
    totp = _enable_totp(user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "u_reviewer", PASSWORD)
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        response = client.post("/staff/login/totp/", {"code": totp.now()})
        assert response.status_code == 302
        assert response["Location"] == "/staff/login/"
        assert client.get("/staff/").status_code == 302
