"""No item is stuck before publication: what would stop publishing (images without alt text,
三同步 and the organ's interpretation-form rule, required fields, a revision's 信息变更日期) stops
submission, review and approval with the same words; and an item that became unpublishable after
approval (a rule switched on, old data) is returned to its unit with a reason, fixed, published."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from conftest import staff_client
from gongkai.accounts.choices import Role
from gongkai.core.errors import Conflict, InvalidInput, NotPermitted
from gongkai.core.models import AuditEvent
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.checks import publication_problems
from gongkai.disclosure.errors import WrongState
from gongkai.disclosure.models import DisclosureItem

pytestmark = pytest.mark.django_db
D = dt.date
NO_ALT = '<p><img src="/media/chart.png"></p>'


def _draft(world: Any, **fields: Any) -> DisclosureItem:
    nodes = {n.code: n for n in ensure_catalogue(world.organ)}
    values = {"title": "2026年部门预算说明", "body": "<p>正文</p>", **fields}
    return services.create_draft(
        world.organ,
        actor=world.users[Role.EDITOR],
        unit=world.own_unit,
        node=nodes["policies" if values.get("kind") == "policy" else "s01"],
        formed_on=D(2026, 3, 2),
        **values,
    )


def _submit(world: Any, item: DisclosureItem) -> DisclosureItem:
    return services.submit_item(item, actor=world.users[Role.EDITOR])


def _review(world: Any, item: DisclosureItem) -> DisclosureItem:
    return services.review_item(
        item, actor=world.users[Role.REVIEWER], decision="disclose", basis=""
    )


def _approve(world: Any, item: DisclosureItem) -> DisclosureItem:
    return services.approve_item(item, actor=world.users[Role.LEADER])


def _publish(world: Any, item: DisclosureItem) -> DisclosureItem:
    return services.publish_item(item, actor=world.users[Role.COORDINATOR])


def _raw_update(item: DisclosureItem, **fields: Any) -> None:
    """Change the row behind the services' back, as older data or a bulk fix would have."""
    DisclosureItem.objects.filter(pk=item.pk).update(**fields)


def test_an_image_without_alt_text_cannot_be_submitted(world: Any) -> None:
    item = _draft(world, body=NO_ALT)
    with pytest.raises(InvalidInput, match="替代文本") as caught:
        _submit(world, item)
    assert caught.value.details == {"field": "body"}
    item.refresh_from_db()
    assert item.status == "draft"
    services.update_draft(
        item, actor=world.users[Role.EDITOR], body='<p><img src="/media/chart.png" alt="图"></p>'
    )
    assert _submit(world, item).status == "submitted"


def test_review_and_approval_refuse_what_could_not_be_published(world: Any) -> None:
    item = _submit(world, _draft(world))
    _raw_update(item, body=NO_ALT)
    with pytest.raises(InvalidInput, match="替代文本"):
        _review(world, item)
    # Withholding publishes nothing: the reviewer may still say 不予公开.
    withheld = services.review_item(
        item, actor=world.users[Role.REVIEWER], decision="withhold", basis="条例第十四条"
    )
    assert withheld.status == "refused"
    other = _review(world, _submit(world, _draft(world, title="另一条")))
    _raw_update(other, title=" ")
    with pytest.raises(InvalidInput, match="请填写名称"):
        _approve(world, other)


def test_every_problem_is_listed_and_the_publish_error_names_them_all(world: Any) -> None:
    item = _approve(world, _review(world, _submit(world, _draft(world))))
    _raw_update(item, body=NO_ALT, title="")
    item.refresh_from_db()
    problems = publication_problems(item)
    assert len(problems) == 2
    assert any("名称" in p for p in problems)
    assert any("替代文本" in p for p in problems)
    with pytest.raises(InvalidInput) as caught:
        _publish(world, item)
    for problem in problems:
        assert problem in caught.value.message
    assert publication_problems(_draft(world)) == []


def test_an_item_broken_after_approval_is_returned_fixed_and_published(world: Any) -> None:
    item = _approve(world, _review(world, _submit(world, _draft(world))))
    _raw_update(item, body=NO_ALT)  # older data: an image without alt text
    with pytest.raises(InvalidInput, match="替代文本"):
        _publish(world, item)
    with pytest.raises(InvalidInput, match="退回原因"):
        services.return_item(item, actor=world.users[Role.COORDINATOR], reason=" ")
    returned = services.return_item(
        item, actor=world.users[Role.COORDINATOR], reason="正文图片缺少替代文本"
    )
    assert returned.status == "draft"
    event = AuditEvent.objects.filter(action="disclosure.item.returned").get()
    assert event.actor_id == world.users[Role.COORDINATOR].pk
    assert event.changes_data["status"] == ["approved", "draft"]
    assert event.changes_data["reason"] == "正文图片缺少替代文本"
    services.update_draft(
        item, actor=world.users[Role.EDITOR], body='<p><img src="/media/chart.png" alt="图表"></p>'
    )
    published = _publish(world, _approve(world, _review(world, _submit(world, item))))
    assert published.status == "published"


@override_settings(GONGKAI_INTERPRETATION_BLOCKS=True)
def test_a_policy_caught_by_a_rule_switched_on_after_approval_goes_back(world: Any) -> None:
    policy = _draft(world, kind="policy", needs_interpretation=True, title="某规范性文件")
    with pytest.raises(Conflict, match="三同步"):
        _submit(world, policy)
    _submit(world, _draft(world, kind="interpretation", interprets=policy, title="文字解读"))
    policy = _approve(world, _review(world, _submit(world, policy)))
    services.update_disclosure_settings(
        world.organ, actor=world.users[Role.COORDINATOR], is_other_form_required=True
    )
    with pytest.raises(Conflict, match="文字解读以外"):
        _publish(world, policy)
    services.return_item(policy, actor=world.users[Role.LEADER], reason="须补充图解")
    _submit(
        world,
        _draft(
            world,
            kind="interpretation",
            interprets=policy,
            interpretation_form="graphic",
            title="图解",
        ),
    )
    policy = _approve(world, _review(world, _submit(world, policy)))
    assert _publish(world, policy).status == "published"


@pytest.mark.parametrize(
    ("stage", "may", "may_not"),
    [
        ("submitted", [Role.REVIEWER], [Role.EDITOR, Role.LEADER, Role.COORDINATOR, Role.ADMIN]),
        ("reviewed", [Role.LEADER], [Role.EDITOR, Role.REVIEWER, Role.COORDINATOR, Role.ADMIN]),
        (
            "approved",
            [Role.COORDINATOR, Role.LEADER],
            [Role.EDITOR, Role.REVIEWER, Role.ADMIN, Role.AUDITOR],
        ),
    ],
)
def test_each_stage_before_publication_goes_back_to_draft_by_whoever_acts_on_it(
    world: Any, stage: str, may: list[str], may_not: list[str]
) -> None:
    steps = [_submit, _review, _approve]
    for role in may:
        item = _draft(world, title=f"{stage}-{role}")
        for step in steps[: ["submitted", "reviewed", "approved"].index(stage) + 1]:
            item = step(world, item)
        for other in may_not:
            with pytest.raises(NotPermitted):
                services.return_item(item, actor=world.users[other], reason="退回")
        returned = services.return_item(item, actor=world.users[role], reason="退回")
        assert returned.status == "draft"
        with pytest.raises(WrongState):
            services.return_item(item, actor=world.users[role], reason="再次退回")


def test_a_published_item_is_not_returned_but_revised(world: Any) -> None:
    item = _publish(world, _approve(world, _review(world, _submit(world, _draft(world)))))
    with pytest.raises(WrongState):
        services.return_item(item, actor=world.users[Role.COORDINATOR], reason="退回")


def test_the_item_page_shows_the_problems_and_offers_the_return(world: Any) -> None:
    item = _approve(world, _review(world, _submit(world, _draft(world))))
    _raw_update(item, body=NO_ALT)
    page = staff_client(world.users[Role.COORDINATOR].username).get(f"/staff/disclosure/{item.pk}/")
    text = page.content.decode()
    assert "替代文本" in text
    assert 'value="return"' in text
    editor_page = staff_client(world.users[Role.EDITOR].username).get(
        f"/staff/disclosure/{item.pk}/"
    )
    assert "替代文本" in editor_page.content.decode()
    assert 'value="return"' not in editor_page.content.decode()
