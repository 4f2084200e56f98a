"""Safety of the public side and of odd input: file types, revisions, visibility, bad queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.errors import WrongState

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    item = services.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=nodes["s06"],
        title="处罚公示",
        formed_on=dt.date(2026, 11, 2),
        body="<p>正文</p>",
    )
    services.add_attachment(
        item,
        actor=world.users[Role.EDITOR],
        upload=SimpleUploadedFile("evil.html", b"<script>alert(1)</script> plain text"),
    )
    services.submit_item(item, actor=world.users[Role.EDITOR])
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=world.users[Role.LEADER])
    return services.publish_item(item, actor=world.users[Role.COORDINATOR])


def test_public_files_keep_their_detected_type_and_download(published: Any) -> None:
    attachment = published.attachments.get()
    response = Client().get(f"/xxgk/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_revision_keeps_the_published_version_online(world: Any, published: Any) -> None:
    services.start_revision(published, actor=world.users[Role.EDITOR])
    services.update_draft(
        published, actor=world.users[Role.EDITOR], unit=world.sub_unit, title="处罚公示（修订稿）"
    )
    page = Client().get(f"/xxgk/items/{published.pk}/").content.decode()
    assert "律师工作管理科" in page  # the published version's unit, not the draft's
    assert "修订稿" not in page
    attachment = published.attachments.get()
    assert Client().get(f"/xxgk/files/{attachment.pk}/").status_code == 200
    with pytest.raises(WrongState):
        services.withdraw_item(published, actor=world.users[Role.COORDINATOR], reason="x")


def test_other_units_drafts_stay_hidden_everywhere(world: Any) -> None:
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    services.create_draft(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        unit=world.other_unit,
        node=nodes["policies"],
        title="他科室的政策草稿",
        formed_on=dt.date(2026, 11, 2),
        kind="policy",
        needs_interpretation=True,
    )
    editor = Client()
    editor.force_login(world.users[Role.EDITOR])
    assert (
        "他科室的政策草稿"
        not in editor.get("/staff/disclosure/missing-interpretations/").content.decode()
    )
    assert (
        "他科室的政策草稿"
        not in editor.get("/staff/disclosure/new/", {"kind": "interpretation"}).content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [{"node": "²"}, {"unit": "²"}, {"year": "99999"}, {"page": "abc"}, {"sort": "nonsense"}],
)
def test_odd_queries_do_not_break_the_list(world: Any, query: dict[str, str]) -> None:
    client = Client()
    client.force_login(world.users[Role.COORDINATOR])
    assert client.get("/staff/disclosure/", query).status_code == 200
    assert (
        client.get("/staff/disclosure/ledger/", {"year": query.get("year", "²")}).status_code == 200
    )


def test_node_codes_are_slugs_that_no_page_of_the_organ_uses(world: Any) -> None:
    """A column's code is the last part of its address: one that is not a slug, or that an
    organ page already uses (/xxgk/<organ>/powers/), would be published over another page."""
    from django.core.exceptions import ValidationError
    from django.urls import get_resolver

    from gongkai.disclosure.models import RESERVED_NODE_CODES, validate_node_code

    for node in ensure_catalogue(world.organ):
        node.full_clean()
    for bad in ["", ".", "..", "a/b", "栏目", "powers", "a b"]:
        with pytest.raises(ValidationError):
            validate_node_code(bad)

    def routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    organ_pages = {
        route.split("/")[2]
        for route in routes(get_resolver().url_patterns)
        if route.startswith("xxgk/<id:organ_id>/")
        and route.count("/") == 3
        and route.endswith("/")
        and "<" not in route.split("/")[2]
    }
    # guide: the standard 公开指南 column, whose address the structured guide page takes over
    assert organ_pages - {"guide"}
    assert organ_pages <= RESERVED_NODE_CODES | {"guide"}
