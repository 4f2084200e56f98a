"""The disclosure workflow: draft → 保密审查 → approval → publication → revision / withdrawal."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings

from gongkai.accounts.choices import Role
from gongkai.core.errors import NotPermitted
from gongkai.core.models import AuditEvent
from gongkai.core.publishable import forget, listen
from gongkai.core.time import today_local
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.checks import images_without_alt
from gongkai.disclosure.errors import InterpretationMissing, WrongState
from gongkai.disclosure.models import DisclosureItem, IndexCounter
from gongkai.disclosure.selectors import diff_versions, timeliness

D = dt.date


@pytest.fixture
def nodes(world: Any) -> dict[str, Any]:
    return {n.code: n for n in ensure_catalogue(world.organ)}


def _draft(world: Any, nodes: dict[str, Any], **extra: Any) -> DisclosureItem:
    fields = {
        "title": "关于公布2019年权责清单的通知",
        "formed_on": D(2026, 3, 2),
        "body": "<p>正文</p><script>alert(1)</script>",
        **extra,
    }
    return services.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=nodes["s01"],
        **fields,
    )


def _through(item: DisclosureItem, world: Any) -> DisclosureItem:
    services.submit_item(item, actor=world.users[Role.EDITOR])
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=world.users[Role.LEADER])
    return services.publish_item(item, actor=world.users[Role.COORDINATOR])


@pytest.mark.django_db
def test_draft_review_approve_publish(world: Any, nodes: dict[str, Any]) -> None:
    item = _draft(world, nodes)
    assert "<script>" not in item.body
    published = _through(item, world)
    assert published.status == "published"
    assert published.index_no == f"{world.organ.index_code}/{today_local().year}-00001"
    assert published.version == 1
    assert published.versions.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="disclosure.disclosureitem")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "disclosure.item.created",
        "disclosure.item.submitted",
        "disclosure.item.reviewed",
        "disclosure.item.approved",
        "disclosure.item.published",
    ]


@pytest.mark.django_db
def test_each_step_needs_its_role(world: Any, nodes: dict[str, Any]) -> None:
    item = _draft(world, nodes)
    with pytest.raises(NotPermitted):
        services.create_draft(
            world.organ,
            actor=world.users[Role.EDITOR],
            unit=world.other_unit,
            node=nodes["s01"],
            title="x",
            formed_on=D(2026, 3, 2),
        )
    services.submit_item(item, actor=world.users[Role.EDITOR])
    with pytest.raises(NotPermitted):
        services.review_item(item, actor=world.users[Role.EDITOR], decision="disclose", basis="")
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    with pytest.raises(NotPermitted):
        services.approve_item(item, actor=world.users[Role.REVIEWER])
    services.approve_item(item, actor=world.users[Role.LEADER])
    with pytest.raises(NotPermitted):
        services.publish_item(item, actor=world.users[Role.EDITOR])
    with pytest.raises(WrongState):
        services.update_draft(item, actor=world.users[Role.EDITOR], title="改")


@pytest.mark.django_db
def test_withhold_needs_a_basis_and_stops_the_item(world: Any, nodes: dict[str, Any]) -> None:
    from gongkai.core.errors import InvalidInput

    item = _draft(world, nodes)
    services.submit_item(item, actor=world.users[Role.EDITOR])
    with pytest.raises(InvalidInput, match="法律依据"):
        services.review_item(item, actor=world.users[Role.REVIEWER], decision="withhold", basis="")
    services.review_item(
        item,
        actor=world.users[Role.REVIEWER],
        decision="withhold",
        basis="条例第十四条（国家秘密）",
    )
    item.refresh_from_db()
    assert item.status == "refused"
    assert item.index_no == ""
    with pytest.raises(WrongState):
        services.approve_item(item, actor=world.users[Role.LEADER])


@pytest.mark.django_db
def test_revision_keeps_both_versions_and_the_index_number(
    world: Any, nodes: dict[str, Any]
) -> None:
    item = _through(_draft(world, nodes), world)
    number = item.index_no
    services.start_revision(item, actor=world.users[Role.EDITOR])
    services.update_draft(
        item, actor=world.users[Role.EDITOR], body="<p>修订后的正文</p>", changed_on=D(2026, 3, 10)
    )
    item = _through(item, world)
    assert item.version == 2
    assert item.index_no == number
    old, new = item.versions.order_by("version")
    assert old.snapshot["body"] == "<p>正文</p>"
    changes = diff_versions(old, new)
    assert ("+", "修订后的正文") in changes
    assert ("-", "正文") in changes
    assert IndexCounter.objects.get().last_serial == 1


@pytest.mark.django_db
def test_withdrawal_keeps_the_item_marked(world: Any, nodes: dict[str, Any]) -> None:
    from gongkai.core.errors import InvalidInput

    item = _through(_draft(world, nodes), world)
    with pytest.raises(InvalidInput):
        services.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason=" ")
    services.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="内容有误")
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert item.withdrawn_reason == "内容有误"
    assert item.versions.count() == 1
    assert DisclosureItem.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
def test_a_policy_needing_interpretation_waits_for_it(world: Any, nodes: dict[str, Any]) -> None:
    policy = _draft(world, nodes, kind="policy", needs_interpretation=True, title="某规范性文件")
    with pytest.raises(InterpretationMissing, match="三同步"):  # 同步审签: not even submitted
        services.submit_item(policy, actor=world.users[Role.EDITOR])
    reading = _draft(
        world, nodes, kind="interpretation", interprets=policy, title="《某规范性文件》政策解读"
    )
    services.submit_item(reading, actor=world.users[Role.EDITOR])
    published = _through(policy, world)
    assert published.status == "published"
    assert list(published.interpretations.all()) == [reading]


@pytest.mark.django_db
def test_timeliness_counts_twenty_working_days(world: Any, nodes: dict[str, Any]) -> None:
    item = _draft(world, nodes, formed_on=D(2026, 9, 15))
    late = timeliness(item)
    assert late.due_on == D(2026, 10, 19)
    assert not late.published
    item.published_on = D(2026, 10, 21)
    assert timeliness(item).late_days == 2
    assert timeliness(item).label == "超期 2 个工作日"
    item.published_on = D(2026, 10, 19)
    assert timeliness(item).label == "按时发布"


@pytest.mark.django_db
def test_announcements_run_after_commit(
    world: Any, nodes: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[tuple[str, int]] = []

    def listener(event: str, obj: Any) -> None:
        heard.append((event, obj.pk))

    listen(listener)  # type: ignore[arg-type]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item = _through(_draft(world, nodes), world)
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw_item(item, actor=world.users[Role.COORDINATOR], reason="过期")
    finally:
        forget(listener)  # type: ignore[arg-type]
    assert heard == [("published", item.pk), ("withdrawn", item.pk)]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_publications_get_fifty_consecutive_numbers(
    world: Any, nodes: dict[str, Any]
) -> None:
    items = []
    for i in range(50):
        item = _draft(world, nodes, title=f"信息{i}")
        services.submit_item(item, actor=world.users[Role.EDITOR])
        services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
        services.approve_item(item, actor=world.users[Role.LEADER])
        items.append(item)
    coordinator = world.users[Role.COORDINATOR]
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def publish(batch: list[DisclosureItem]) -> None:
        try:
            barrier.wait()
            for item in batch:
                services.publish_item(item, actor=coordinator)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=publish, args=(items[i::10],)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(DisclosureItem.objects.values_list("index_no", flat=True))
    year = today_local().year
    assert numbers == [f"{world.organ.index_code}/{year}-{n:05d}" for n in range(1, 51)]


@pytest.mark.django_db
def test_images_need_alt_text_before_publication(world: Any, nodes: dict[str, Any]) -> None:
    from gongkai.core.errors import InvalidInput

    assert images_without_alt('<p><img src="/a.png" alt="示意图"><img src="/b.png"></p>') == 1
    assert images_without_alt("<img alt='' src=x>") == 1
    item = _draft(world, nodes)
    services.submit_item(item, actor=world.users[Role.EDITOR])
    services.review_item(item, actor=world.users[Role.REVIEWER], decision="disclose", basis="")
    services.approve_item(item, actor=world.users[Role.LEADER])
    # Older data: the submission check (test_publication_checks) did not exist when it passed.
    DisclosureItem.objects.filter(pk=item.pk).update(body='<p><img src="/media/x.png"></p>')
    with pytest.raises(InvalidInput, match="替代文本") as caught:
        services.publish_item(item, actor=world.users[Role.COORDINATOR])
    assert caught.value.details == {"field": "body"}
