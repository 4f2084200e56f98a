"""Lock-out that does not tell which usernames exist, and a per-address throttle that stops one
client from locking many accounts (等保 2.0; issue: hardening)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth import hashers
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from gongkai.accounts.models import User

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


WRONG_GUESS = "Wrong#Guess1"


def _answer(client: Client, username: str) -> str:
    page = client.post("/staff/login/", {"username": username, "password": WRONG_GUESS})
    found = re.search(r'class="form-errors"[^>]*>(.*?)</div>', page.content.decode(), re.S)
    return found.group(1) if found else ""


def test_unknown_and_known_names_get_the_same_answers(world: Any) -> None:
    with time_machine.travel(MOMENT, tick=False):
        known = [_answer(Client(REMOTE_ADDR="10.0.0.1"), "u_editor") for _ in range(7)]
        unknown = [_answer(Client(REMOTE_ADDR="10.0.0.2"), "nobody_here") for _ in range(7)]
    assert known == unknown
    assert "用户名或密码不正确" in known[0]
    assert "账户已被锁定" in known[4]  # the fifth failure locks
    assert "账户已被锁定" in known[6]


def test_every_answer_costs_one_password_hash(world: Any, monkeypatch: Any) -> None:
    """A miss, a wrong password and a locked account each hash once: the time tells nothing.

    The test hasher (MD5) verifies by encoding, so one ``encode`` is one hash on every path."""
    hasher = hashers.get_hasher()
    calls: list[str] = []
    original = type(hasher).encode

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append("encode")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(hasher), "encode", counted)
    with time_machine.travel(MOMENT, tick=False):
        for username in ["nobody_here"] + ["u_editor"] * 6:
            calls.clear()
            _answer(Client(REMOTE_ADDR="10.0.0.3"), username)
            assert len(calls) == 1, (username, calls)


def test_one_address_cannot_lock_many_accounts(world: Any, settings: Any) -> None:
    settings.GONGKAI_LOGIN_IP_MAX_FAILURES = 6
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(5):
            _answer(attacker, "u_editor")  # locks u_editor
        _answer(attacker, "u_reviewer")  # the sixth failure from this address
        refused = _answer(attacker, "u_leader")
        assert "此地址登录失败次数过多" in refused
        assert User.objects.get(username="u_leader").failed_login_count == 0
        right = attacker.post("/staff/login/", {"username": "u_leader", "password": PASSWORD})
        assert right.status_code == 200  # refused even with the right password
        other = Client(REMOTE_ADDR="198.51.100.7")
        assert (
            other.post("/staff/login/", {"username": "u_leader", "password": PASSWORD}).status_code
            == 302
        )
    later = MOMENT + dt.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        again = attacker.post("/staff/login/", {"username": "u_reviewer", "password": PASSWORD})
        assert again.status_code == 302
    assert timezone.now()  # time restored
