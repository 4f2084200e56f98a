"""The JSON API against its own OpenAPI, fuzzed (schemathesis, a bounded run): no operation
answers 5xx, and every status it answers is documented (issue: hardening, item 9).

Runs on SQLite and on PostgreSQL in CI, as the whole suite does, against the app in process
with an organ, its units and a coordinator's token; every generated request is rolled back with
the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, status_code_conformance

from gongkai.accounts.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(world: Any) -> Iterator[Any]:
    """The committed API as the app serves it. As Django's test client does, the end of each
    request must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def token(world: Any) -> str:
    from gongkai.accounts import services

    _record, raw = services.create_api_token(
        world.users[Role.COORDINATOR], actor=world.users[Role.COORDINATOR], name="fuzz"
    )
    return raw


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_no_undocumented_status(
    api_schema: Any, token: str, mode: GenerationMode, world: Any
) -> None:
    """Valid and invalid requests to every operation (a bounded, repeatable run)."""
    headers = {"Authorization": f"Bearer {token}"}
    organ_id = world.organ.pk

    @api_schema.hook
    def map_case(context: Any, case: Any) -> Any:
        """Half the cases name the organ that exists, so they reach past its lookup."""
        if case.query and "organ_id" in case.query and hash(repr(case.query)) % 2:
            case.query["organ_id"] = organ_id
        if isinstance(case.body, dict) and "organ_id" in case.body and hash(repr(case.body)) % 2:
            case.body["organ_id"] = organ_id
        return case

    statuses: dict[int, int] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 19

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(
                headers=headers, checks=[not_a_server_error, status_code_conformance]
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        run()
    if mode == GenerationMode.POSITIVE:  # the run reaches past validation, into the services
        assert sum(n for status, n in statuses.items() if status < 300) >= 50, statuses


def _integer_inputs(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every integer a client can send: parameters and request bodies, through $refs."""
    schemas = openapi["components"]["schemas"]
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(where: str, node: Any, seen: frozenset[str] = frozenset()) -> None:
        if isinstance(node, list):
            for item in node:
                walk(where, item, seen)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                walk(f"{where} → {name}", schemas[name], seen | {name})
            return
        if node.get("type") == "integer":
            found.append((where, node))
        for key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties"):
            if key in node:
                value = node[key]
                walk(where, list(value.values()) if key == "properties" else value, seen)

    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(f"{method.upper()} {path} {parameter['name']}", parameter["schema"])
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                walk(f"{method.upper()} {path} body", media["schema"])
    return found


def test_every_integer_a_client_sends_has_a_documented_range() -> None:
    """A number past 64 bits must be refused by validation (422), never reach the database."""
    import json
    from pathlib import Path

    openapi = json.loads(Path("docs/api/openapi.json").read_text(encoding="utf-8"))
    inputs = _integer_inputs(openapi)
    assert len(inputs) > 10
    unbounded = [w for w, s in inputs if "maximum" not in s or s["maximum"] > 2**63 - 1]
    assert not unbounded, unbounded
    assert all("minimum" in s for _w, s in inputs), [w for w, s in inputs if "minimum" not in s]


HUGE = "99999999999999999999"  # 20 digits: past 64 bits


def test_numbers_past_64_bits_are_404_or_422_with_the_error_body(
    world: Any, token: str, client: Any
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for url in (
        f"/api/v1/foi/requests/{HUGE}",
        f"/api/v1/disclosures/{HUGE}",
        f"/api/v1/foi/requests?organ_id={HUGE}",
        f"/api/v1/foi/requests?organ_id={world.organ.pk}&offset={HUGE}",
        f"/api/v1/units?organ_id={HUGE}",
        f"/api/v1/workdays/add?start=2026-03-02&n={HUGE}",
    ):
        response = client.get(url, **auth)
        assert response.status_code == 422, url
        assert set(response.json()) == {"code", "message", "details"}, url
    created = client.post(
        "/api/v1/units",
        {"organ_id": world.organ.pk, "name": "新科室", "kind": "division", "sort_order": 2**64},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 422
    client.force_login(world.users[Role.COORDINATOR])
    for url in (f"/staff/requests/{HUGE}/", f"/xxgk/items/{HUGE}/", f"/staff/disclosure/{HUGE}/"):
        assert client.get(url).status_code == 404, url
