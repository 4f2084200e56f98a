"""The information-request API: intake, the statutory clock through events, the queue filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts import services as accounts
from gongkai.accounts.choices import Role
from gongkai.foi.tests.test_services import APPLICANT, on_day

pytestmark = pytest.mark.django_db

D = dt.date


def _headers(user: Any) -> dict[str, str]:
    _token, raw = accounts.create_api_token(user, actor=user, name="集成")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _intake(client: Client, headers: dict[str, str], organ_id: int, **extra: Any) -> Any:
    applicant = {
        k: APPLICANT[k]
        for k in ("applicant_type", "name", "id_type", "id_number", "phone", "email", "address")
    }
    body = {
        "organ_id": organ_id,
        "channel": "fax",
        "arrived_on": "2026-09-24",
        "received_on": "2026-09-24",
        "applicant": applicant,
        "info_title": "2025年行政处罚决定书",
        **extra,
    }
    return client.post("/api/v1/foi/requests", body, content_type="application/json", **headers)


def _event(client: Client, headers: dict[str, str], pk: int, **body: Any) -> Any:
    return client.post(
        f"/api/v1/foi/requests/{pk}/events", body, content_type="application/json", **headers
    )


@on_day(dt.date(2026, 9, 25))
def test_clock_through_the_api(world: Any, client: Client) -> None:
    coordinator = _headers(world.users[Role.COORDINATOR])
    response = _intake(client, coordinator, world.organ.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["query_code"]) == 8
    created = body["request"]
    assert created["due_on"] == "2026-10-29"  # 20 working days over the National Day holiday
    assert created["id_number_masked"] != APPLICANT["id_number"]
    pk = created["id"]

    asked = _event(
        client,
        coordinator,
        pk,
        type="clarification_requested",
        on="2026-09-28",
        what="请说明文号",
        due_on="2026-10-16",
    )
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "clarifying"
    got = _event(
        client, coordinator, pk, type="clarification_received", on="2026-10-12", text="无文号"
    ).json()
    assert got["due_on"] == "2026-11-09"  # the count restarts from the correction

    _event(client, coordinator, pk, type="consultation_started", on="2026-10-13", party="第三方")
    ended = _event(
        client, coordinator, pk, type="consultation_ended", on="2026-10-27", opinion="agree"
    ).json()
    assert ended["due_on"] == "2026-11-23"  # 10 working days of consultation are excluded

    refused = _event(
        client, coordinator, pk, type="extension", on="2026-11-02", days=20, reason="量大"
    )
    assert refused.status_code == 403
    assert refused.json()["code"]
    leader = _headers(world.users[Role.LEADER])
    extended = _event(client, leader, pk, type="extension", on="2026-11-02", days=20, reason="量大")
    assert extended.status_code == 200, extended.content

    bad = _event(client, coordinator, pk, type="reply", on="2026-11-05", outcome="9", text="x")
    assert bad.status_code == 422
    assert bad.json()["details"] == {"field": "outcome"}
    drafted = _event(
        client, coordinator, pk, type="reply", on="2026-11-05", outcome="2", text="部分公开"
    ).json()
    assert drafted["status"] == "reviewing"  # 保密审查 and 签发 first (条例 第十七条)
    assert drafted["drafts"][0]["stage"] == "review"
    reviewer = _headers(world.users[Role.REVIEWER])
    reviewed = _event(client, reviewer, pk, type="reply_reviewed", text="不涉密")
    assert reviewed.json()["drafts"][0]["stage"] == "sign", reviewed.content
    replied = _event(client, leader, pk, type="reply_signed", on="2026-11-05").json()
    assert (replied["status"], replied["outcome"]) == ("replied", "2")
    read = client.get(f"/api/v1/foi/requests/{pk}", **coordinator).json()
    actions = [e["action"] for e in read["events"] if e["action"] != "foi.letter.issued"]
    assert actions == [
        "foi.request.received",
        "foi.request.clarification_requested",
        "foi.request.clarified",
        "foi.request.consultation_started",
        "foi.request.consultation_ended",
        "foi.request.extended",
        "foi.reply.submitted",
        "foi.reply.reviewed",
        "foi.reply.signed",
        "foi.request.replied",
    ]
    assert "foi.identity.viewed" not in actions
    # every step the applicant or a third party must be told of has its letter
    kinds = [(letter["kind"], letter["recipient"]) for letter in read["letters"]]
    assert kinds == [
        ("receipt", "applicant"),
        ("clarification", "applicant"),
        ("third_party", "third_party"),
        ("extension", "applicant"),
        ("reply", "applicant"),
    ]
    letter = client.get(read["letters"][-1]["download_url"], **coordinator)
    assert letter.status_code == 200
    assert letter["Content-Type"].endswith("wordprocessingml.document")


def test_bad_applicant_is_named_by_field(world: Any, client: Client) -> None:
    coordinator = _headers(world.users[Role.COORDINATOR])
    response = _intake(
        client,
        coordinator,
        world.organ.pk,
        applicant={
            **{k: APPLICANT[k] for k in ("name", "id_type", "phone")},
            "applicant_type": "natural",
            "id_number": "440200199001011234",
        },
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "id_number"
    wrong_kind = _intake(client, coordinator, world.organ.pk, provision_form="hologram")
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["details"]["field"] == "provision_form"


def test_queue_filters_and_reach(world: Any, client: Client) -> None:
    coordinator = _headers(world.users[Role.COORDINATOR])
    old = _intake(
        client, coordinator, world.organ.pk, arrived_on="2026-01-05", received_on="2026-01-05"
    )
    fresh = _intake(
        client, coordinator, world.organ.pk, arrived_on="2026-11-20", received_on="2026-11-20"
    )
    old_id, fresh_id = old.json()["request"]["id"], fresh.json()["request"]["id"]
    _event(client, coordinator, fresh_id, type="assigned", unit_id=world.own_unit.pk)

    def ids(**query: Any) -> list[int]:
        response = client.get(
            "/api/v1/foi/requests", {"organ_id": world.organ.pk, **query}, **coordinator
        )
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()]

    assert ids() == [old_id, fresh_id]  # ordered by due date
    assert ids(overdue="true") == [old_id]
    assert ids(due_within=60) == [fresh_id]
    assert ids(unit_id=world.own_unit.pk) == [fresh_id]
    assert ids(status="closed") == []
    too_far = client.get(
        "/api/v1/foi/requests", {"organ_id": world.organ.pk, "due_within": 99}, **coordinator
    )
    assert too_far.status_code == 422
    other = _headers(world.users[Role.COORDINATOR])
    outsider = client.get("/api/v1/foi/requests", {"organ_id": world.other_organ.pk}, **other)
    assert outsider.status_code == 404
    anonymous = client.get(f"/api/v1/foi/requests/{old_id}")
    assert anonymous.status_code == 401
