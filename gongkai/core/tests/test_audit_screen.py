"""The auditor's screen: filters, keyset pages, CSV export (itself audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services
from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_filters_and_export(world: Any, client: Client) -> None:
    services.update_unit(world.own_unit, actor=world.users[Role.EDITOR], phone="0760-9")
    client.force_login(world.users[Role.AUDITOR])
    page = client.get("/staff/audit/", {"action": "accounts.unit.updated"}).content.decode()
    assert "accounts.unit.updated" in page
    assert "accounts.role.granted" not in page
    by_actor = client.get("/staff/audit/", {"actor": "u_editor"}).content.decode()
    assert "律师工作管理科" in by_actor
    bad = client.get("/staff/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "截止日期不能早于起始日期" in bad.content.decode()
    export = client.get("/staff/audit/export.csv", {"action": "accounts.unit"})
    body = b"".join(export.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff序号,时间,操作人")
    assert "accounts.unit.updated" in body
    assert AuditEvent.objects.filter(action="core.audit.exported").exists()


def test_pages_go_back_in_time(world: Any, client: Client) -> None:
    for i in range(60):
        services.update_unit(world.own_unit, actor=world.users[Role.ADMIN], phone=f"0760-{i}")
    client.force_login(world.users[Role.ADMIN])
    first = client.get("/staff/audit/").content.decode()
    assert "更早的记录" in first
    newest = AuditEvent.objects.order_by("-seq").first()
    assert newest is not None
    assert f"<td>{newest.seq}</td>" in first
    assert f"<td>{newest.seq - 50}</td>" not in first
    second = client.get("/staff/audit/", {"before": newest.seq - 49}).content.decode()
    assert f"<td>{newest.seq - 50}</td>" in second
    assert f"<td>{newest.seq}</td>" not in second


def test_editor_cannot_open_the_audit_screen(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.EDITOR])
    assert client.get("/staff/audit/").status_code == 404
    assert client.get("/staff/audit/export.csv").status_code == 404
