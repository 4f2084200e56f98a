"""The disclosure API: drafts, transitions, and the error body on a refused step."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role

pytestmark = pytest.mark.django_db


def _headers(user: Any) -> dict[str, str]:
    _token, raw = accounts.create_api_token(user, actor=user, name="集成")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_draft_to_publication_through_the_api(world: Any, client: Client) -> None:
    editor = _headers(world.users[Role.EDITOR])
    created = client.post(
        "/api/v1/disclosures",
        {
            "organ_id": world.organ.pk,
            "unit_id": world.own_unit.pk,
            "node_code": "s06",
            "title": "行政处罚决定书",
            "formed_on": "2026-11-02",
            "body": "<p>正文</p>",
        },
        content_type="application/json",
        **editor,
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "draft"
    assert item["index_no"] == ""
    assert item["timeliness"]["due_on"] == "2026-11-30"

    def step(headers: dict[str, str], **payload: Any) -> Any:
        return client.post(
            f"/api/v1/disclosures/{item['id']}/transitions",
            payload,
            content_type="application/json",
            **headers,
        )

    assert step(editor, action="submit").json()["status"] == "submitted"
    refused = step(editor, action="approve")
    assert refused.status_code == 403
    assert set(refused.json()) == {"code", "message", "details"}
    assert (
        step(_headers(world.users[Role.REVIEWER]), action="review", decision="disclose").json()[
            "status"
        ]
        == "reviewed"
    )
    assert step(_headers(world.users[Role.LEADER]), action="approve").json()["status"] == (
        "approved"
    )
    published = step(_headers(world.users[Role.COORDINATOR]), action="publish").json()
    assert published["status"] == "published"
    assert published["version"] == 1
    assert published["index_no"].endswith("-00001")
    wrong = step(_headers(world.users[Role.COORDINATOR]), action="publish")
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "wrong_state"
    listed = client.get(
        "/api/v1/disclosures", {"organ_id": world.organ.pk, "status": "published"}, **editor
    ).json()
    assert [i["id"] for i in listed] == [item["id"]]
