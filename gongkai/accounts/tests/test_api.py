"""API: bearer tokens, /me, /units, the error body, and the committed OpenAPI document."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.accounts import services
from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _bearer(world: Any, role: str) -> dict[str, str]:
    user = world.users[role]
    _token, raw = services.create_api_token(user, actor=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_with_a_token(world: Any, client: Client) -> None:
    response = client.get("/api/v1/me", **_bearer(world, Role.EDITOR))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "u_editor"
    assert body["memberships"] == [
        {
            "organ_id": world.organ.pk,
            "organ_name": world.organ.name,
            "role": "editor",
            "role_label": "科室编辑",
            "unit_ids": [world.own_unit.pk],
        }
    ]


def test_tokens_are_stored_hashed_and_can_be_revoked(world: Any, client: Client) -> None:
    user = world.users[Role.AUDITOR]
    token, raw = services.create_api_token(user, actor=user, name="报表")
    assert raw not in token.token_hash
    assert len(token.token_hash) == 64
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **headers).status_code == 200
    services.revoke_api_token(token, actor=user)
    response = client.get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "未登录或令牌无效。",
        "details": {},
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.token.created", "accounts.token.revoked"} <= actions


def test_create_token_command_prints_a_working_token(world: Any, client: Client) -> None:
    out = io.StringIO()
    call_command("create_token", "u_leader", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("gk_")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"] == (
        "u_leader"
    )


def test_tokens_page_shows_a_new_token_once(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.EDITOR])
    page = client.post("/staff/tokens/", {"name": "数据对接"}).content.decode()
    assert "请立即复制保存" in page
    assert "gk_" in page
    again = client.get("/staff/tokens/").content.decode()
    assert "请立即复制保存" not in again
    assert "数据对接" in again


def test_units_list_is_scoped_and_counts_queries(world: Any, client: Client) -> None:
    headers = _bearer(world, Role.EDITOR)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/units?organ_id={world.organ.pk}", **headers)
    assert response.status_code == 200
    assert {u["name"] for u in response.json()} == {
        "律师工作管理科",
        "律所监管组",
        "公共法律服务管理科",
    }
    assert len(queries) <= 10
    foreign = client.get(f"/api/v1/units?organ_id={world.other_organ.pk}", **headers)
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "not_found"


def test_only_managers_create_units_through_the_api(world: Any, client: Client) -> None:
    payload = {
        "organ_id": world.organ.pk,
        "name": "行政复议科",
        "kind": "division",
        "aliases": ["复议科"],
    }
    denied = client.post(
        "/api/v1/units", payload, content_type="application/json", **_bearer(world, Role.EDITOR)
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_permitted"
    assert set(denied.json()) == {"code", "message", "details"}
    created = client.post(
        "/api/v1/units", payload, content_type="application/json", **_bearer(world, Role.ADMIN)
    )
    assert created.status_code == 201
    assert created.json()["aliases"] == ["复议科"]
    clash = client.post(
        "/api/v1/units", payload, content_type="application/json", **_bearer(world, Role.ADMIN)
    )
    assert clash.status_code == 409
    assert clash.json()["code"] == "name_taken"


def test_invalid_input_gets_the_common_error_body(world: Any, client: Client) -> None:
    response = client.post(
        "/api/v1/units",
        {"organ_id": world.organ.pk, "kind": "nonsense"},
        content_type="application/json",
        **_bearer(world, Role.ADMIN),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"]["errors"]


def test_editor_patches_own_unit_contacts_but_not_its_name(world: Any, client: Client) -> None:
    headers = _bearer(world, Role.EDITOR)
    url = f"/api/v1/units/{world.own_unit.pk}"
    ok = client.patch(url, {"phone": "0760-2"}, content_type="application/json", **headers)
    assert ok.status_code == 200
    assert ok.json()["phone"] == "0760-2"
    denied = client.patch(url, {"name": "改名"}, content_type="application/json", **headers)
    assert denied.status_code == 403
    other = client.patch(
        f"/api/v1/units/{world.other_unit.pk}",
        {"phone": "1"},
        content_type="application/json",
        **headers,
    )
    assert other.status_code == 403


def test_session_auth_needs_csrf_for_writes(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.ADMIN])
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/units",
        {"organ_id": world.organ.pk, "name": "x", "kind": "division"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_committed_openapi_matches_the_api(client: Client) -> None:
    from gongkai.core.management.commands.export_openapi import openapi_text

    committed = Path(settings.BASE_DIR, "docs/api/openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), "run `make openapi` and commit docs/api/openapi.json"
    served = client.get("/api/v1/openapi.json").json()
    assert served["paths"].keys() == json.loads(committed)["paths"].keys()
