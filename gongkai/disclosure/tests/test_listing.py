"""The listed-item counts per node (disclosure.listing) follow the items whatever writes them:
the workflow, a withdrawal, bulk inserts, queryset updates that move or unlist items, deletes —
and a migration that lost the triggers gets them back with fresh counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from gongkai.accounts.choices import Role
from gongkai.disclosure import listing, services
from gongkai.disclosure.models import LISTED, DisclosureItem, ListedCount
from gongkai.disclosure.tests.test_workflow import _draft, _through

pytestmark = pytest.mark.django_db


@pytest.fixture
def nodes(world: Any) -> dict[str, Any]:
    from gongkai.disclosure.catalogue import ensure_catalogue

    return {n.code: n for n in ensure_catalogue(world.organ)}


def _kept() -> dict[int, int]:
    return {n: c for n, c in ListedCount.objects.values_list("node_id", "listed") if c}


def _counted() -> dict[int, int]:
    counted: dict[int, int] = {}
    for node_id in DisclosureItem.objects.filter(LISTED).values_list("node_id", flat=True):
        counted[node_id] = counted.get(node_id, 0) + 1
    return counted


def _bulk(world: Any, node: Any, n: int, *, listed: bool, tag: str = "") -> list[DisclosureItem]:
    today = timezone.localdate()
    return DisclosureItem.objects.bulk_create(
        DisclosureItem(
            organ=world.organ,
            unit=world.own_unit,
            node=node,
            created_by=world.users[Role.EDITOR],
            title=f"批量导入 {i}",
            formed_on=today,
            status="published" if listed else "draft",
            version=1 if listed else 0,
            published_on=today if listed else None,
            index_no=f"X{tag}-{node.pk}-{i}-{listed}",
        )
        for i in range(n)
    )


def test_counts_follow_every_way_items_are_written(world: Any, nodes: dict[str, Any]) -> None:
    assert _kept() == {}
    item = _through(_draft(world, nodes), world)
    draft = _draft(world, nodes, title="未发布的草稿")
    assert _kept() == _counted() == {nodes["s01"].pk: 1}  # the draft is not listed

    services.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="已过时")
    assert _kept() == {nodes["s01"].pk: 1}  # withdrawn items stay listed

    _bulk(world, nodes["s02"], 30, listed=True)
    _bulk(world, nodes["s02"], 5, listed=False)
    assert _kept() == _counted() == {nodes["s01"].pk: 1, nodes["s02"].pk: 30}

    moved = DisclosureItem.objects.filter(node=nodes["s02"], title__endswith=" 1")
    assert moved.update(node=nodes["s03"]) == 1 + 1  # 批量导入 1, listed and not
    DisclosureItem.objects.filter(node=nodes["s02"], title__endswith="2").update(version=0)
    item.refresh_from_db()
    item.node = nodes["s04"]
    item.save()  # a model save writes every column: only the node changed
    draft.title = "改过标题的草稿"
    draft.save()
    assert _kept() == _counted()
    assert _kept()[nodes["s03"].pk] == 1
    assert _kept()[nodes["s04"].pk] == 1

    DisclosureItem.objects.filter(node=nodes["s02"], title__endswith="3").delete()
    assert _kept() == _counted()


def test_lost_triggers_come_back_with_fresh_counts(world: Any, nodes: dict[str, Any]) -> None:
    _bulk(world, nodes["s01"], 4, listed=True)
    listing.drop(connection)  # what a rebuilt table on SQLite leaves
    _bulk(world, nodes["s01"], 3, listed=True, tag="b")
    assert _kept() == {nodes["s01"].pk: 4}  # behind: nothing kept the count
    call_command("migrate", verbosity=0)  # post_migrate restores the triggers, counts afresh
    assert _kept() == _counted() == {nodes["s01"].pk: 7}
    _bulk(world, nodes["s01"], 1, listed=True, tag="c")
    assert _kept() == {nodes["s01"].pk: 8}
    assert listing.ensure(connection) == []  # nothing missing any more
