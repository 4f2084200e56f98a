"""Shared fixtures: an organ with units, a second organ, and one user per role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Correct#Horse9"


def valid_credit_code(first17: str) -> str:
    """Return ``first17`` completed with its GB 32100 check character."""
    from gongkai.accounts.validators import credit_code_check_char

    return first17 + credit_code_check_char(first17)


@dataclass
class World:
    organ: Any
    other_organ: Any
    own_unit: Any
    sub_unit: Any
    other_unit: Any
    users: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    from gongkai.accounts import services
    from gongkai.accounts.choices import Role, UnitKind
    from gongkai.core.actors import SYSTEM

    organ = services.create_organ(
        actor=SYSTEM, name="测试市司法局", credit_code=valid_credit_code("11442000007350120")
    )
    other = services.create_organ(
        actor=SYSTEM, name="测试市财政局", credit_code=valid_credit_code("11442000007350121")
    )
    own = services.create_unit(organ, actor=SYSTEM, name="律师工作管理科", kind=UnitKind.DIVISION)
    sub = services.create_unit(
        organ, actor=SYSTEM, name="律所监管组", kind=UnitKind.OTHER, parent=own
    )
    other_unit = services.create_unit(
        organ, actor=SYSTEM, name="公共法律服务管理科", kind=UnitKind.DIVISION
    )
    users: dict[str, Any] = {}
    for role in Role.values:
        user = services.create_user(
            actor=SYSTEM, organ=organ, username=f"u_{role}", password=PASSWORD, display_name=role
        )
        units = [own] if role == Role.EDITOR else []
        services.grant_role(user, actor=SYSTEM, organ=organ, role=role, units=units)
        users[role] = user
    return World(organ, other, own, sub, other_unit, users)


@pytest.fixture(autouse=True)
def _own_site_root(settings: Any, tmp_path_factory: Any) -> None:
    """Each test publishes into a site root of its own, never into var/site."""
    settings.GONGKAI_SITE_ROOT = tmp_path_factory.mktemp("site-root") / "site"


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings: Any, tmp_path_factory: Any) -> None:
    """Each test checks the audit chain against checkpoints of its own (none at first)."""
    folder = tmp_path_factory.mktemp("audit")
    settings.GONGKAI_AUDIT_CHECKPOINT_FILE = folder / "audit-checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Any:
    """Each test sees the calendar of its own database, not one cached by an earlier test."""
    from gongkai.workdays.selectors import forget_calendar

    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture
def demo_data(db: Any) -> Any:
    """The demo organ of ``make demo``: units, one user per role, the plan, the notice."""
    import io

    from gongkai.core.demo import DemoContext, run_demo_loaders

    context = DemoContext(stdout=io.StringIO())
    run_demo_loaders(context)
    return context


def staff_client(username: str) -> Any:
    """A test client signed in as ``username``."""
    from django.test import Client

    from gongkai.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
