"""Reads of proactive disclosure: staff lists with visibility, timeliness, versions, diffs."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.disclosure.choices import InterpretationForm, ItemKind, ItemStatus, validity_label
from gongkai.disclosure.models import (
    CatalogueNode,
    DisclosureItem,
    DisclosureSettings,
    ItemVersion,
    item_url,
)

SORTS = {
    "updated": "-updated_at",
    "published": "-published_on",
    "title": "title",
    "index": "index_no",
    "formed": "-formed_on",
}
# Roles that see every item of the organ; unit editors see published items and their own units'.
_BROAD = (Action.REVIEW, Action.APPROVE, Action.COORDINATE, Action.VIEW_AUDIT)


@dataclass(frozen=True)
class ItemFilter:
    q: str = ""
    status: str = ""
    node: int | None = None
    unit: int | None = None
    kind: str = ""
    year: int | None = None
    sort: str = "updated"


_INDEX_LIKE = re.compile(r"^[0-9A-Za-z]{6,}/")
_DOC_NUMBER_LIKE = re.compile(r"[〔〕\[\]【】]|\d+号$")


def _keyword(q: str) -> Q:
    """One column per kind of keyword, so a search scans one column, not three."""
    if _INDEX_LIKE.match(q):
        return Q(index_no__gte=q, index_no__lt=q + "\uffff")  # a range: uses the index
    if _DOC_NUMBER_LIKE.search(q):
        return Q(doc_number__contains=q) | Q(title__contains=q)
    return Q(title__contains=q)


def list_items(user: Any, *, organ: Organ, flt: ItemFilter) -> QuerySet[DisclosureItem]:
    """Return the items the user may see, filtered and sorted."""
    if not can(user, Action.VIEW, organ=organ):
        return DisclosureItem.objects.none()
    items = DisclosureItem.objects.filter(organ=organ).select_related("unit", "node")
    if not any(can(user, action, organ=organ) for action in _BROAD):
        own = list_actable_units(organ, user=user).values_list("pk", flat=True)
        items = items.filter(Q(status=ItemStatus.PUBLISHED) | Q(unit_id__in=list(own)))
    if flt.q:
        items = items.filter(
            Q(title__icontains=flt.q)
            | Q(doc_number__icontains=flt.q)
            | Q(index_no__icontains=flt.q)
        )
    if flt.status:
        items = items.filter(status=flt.status)
    if flt.node:
        items = items.filter(Q(node_id=flt.node) | Q(node__parent_id=flt.node))
    if flt.unit:
        items = items.filter(unit_id=flt.unit)
    if flt.kind:
        items = items.filter(kind=flt.kind)
    if flt.year:
        items = items.filter(formed_on__year=flt.year)
    return items.order_by(SORTS.get(flt.sort, "-updated_at"), "-pk")


def get_item(user: Any, item_id: int) -> DisclosureItem | None:
    item = (
        DisclosureItem.objects.select_related("organ", "unit", "node", "replaced_by", "interprets")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return None
    visible = list_items(user, organ=item.organ, flt=ItemFilter()).filter(pk=item.pk).exists()
    return item if visible else None


def get_disclosure_settings(organ: Organ) -> DisclosureSettings:
    """Return the organ's own disclosure rules; the defaults (unsaved) when it has set none."""
    return DisclosureSettings.objects.filter(organ=organ).first() or DisclosureSettings(organ=organ)


def changed_since(moment: dt.datetime) -> QuerySet[DisclosureItem]:
    """Items written (published, revised, withdrawn, edited …) since ``moment``: what a full
    build or a reindex that started then may have missed."""
    return DisclosureItem.objects.filter(updated_at__gte=moment).order_by("pk")


def attachment_href(attachment_id: int, media_type: str) -> str:
    """The public address of an attachment, as published: /xxgk/files/<id>/file.<ext>."""
    from gongkai.core.uploads import extension_for

    return f"/xxgk/files/{attachment_id}/file.{extension_for(media_type)}"


PUBLIC_ITEM_TEMPLATE = "disclosure/public_item.html"
_BATCH = 500  # ids per IN (...) of the page reads


@dataclass(slots=True)
class PageLink:
    """Another item as a public page links to it: a successor, a policy, an interpretation."""

    pk: int
    title: str
    status: str

    def public_url(self) -> str:
        return item_url(self.pk)


@dataclass(slots=True)
class PageItem:
    """What an item's public page shows of the item, read in plain SQL (a full build reads a
    hundred thousand: model instances cost as much as the rendering). Its attributes are the
    model's, so the page of a model instance (a publication has one already) is the same."""

    pk: int
    organ_id: int
    unit_id: int | None
    node_id: int
    kind: str
    title: str
    status: str
    version: int
    validity: str
    withdrawn_reason: str
    index_no: str
    published_on: dt.date | None
    replaced_by_id: int | None
    interprets_id: int | None
    organ: Any = None
    unit: Any = None
    node: Any = None
    replaced_by: PageLink | None = None
    interprets: PageLink | None = None

    def public_url(self) -> str:
        return item_url(self.pk)

    @classmethod
    def of(cls, item: DisclosureItem) -> PageItem:
        """The page's view of an item already read with its organ, unit and node."""
        page = cls(item.pk, *(getattr(item, name) for name in _PAGE_ITEM_FIELDS[1:]))
        page.organ, page.unit, page.node = item.organ, item.unit, item.node
        return page


_PAGE_ITEM_FIELDS = (
    "id", "organ_id", "unit_id", "node_id", "kind", "title", "status", "version", "validity",
    "withdrawn_reason", "index_no", "published_on", "replaced_by_id", "interprets_id",
)  # fmt: skip


def select_in(
    model: type[Model],
    columns: tuple[str, ...],
    where: str,
    ids: Iterable[Any],
    order: str = "",
    **equal: Any,
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``columns`` of ``model`` whose ``where`` column is in ``ids`` (any number of
    keys: ids, or paths and the like) and whose ``equal`` columns have those values, in plain
    SQL (for reads on the publisher's paths, where compiling an ORM query costs more than the
    read)."""
    quote = connection.ops.quote_name
    select = ", ".join(quote(c) for c in columns)
    table = quote(model._meta.db_table)
    also = "".join(f" AND {quote(column)} = %s" for column in equal)
    wanted = sorted(set(ids))
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), _BATCH):
            part = wanted[start : start + _BATCH]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {select} FROM {table} WHERE {quote(where)} IN ({marks}){also} {order}",  # noqa: S608
                [*part, *equal.values()],
            )
            yield from cursor.fetchall()


def _json(value: Any) -> Any:
    """A JSON column as read by a plain cursor (text on SQLite, text or decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _page_items(item_ids: list[int]) -> dict[int, PageItem]:
    """The items among ``item_ids`` with their organs, units and nodes (few: each read once)."""
    items = {
        row[0]: PageItem(*row)
        for row in select_in(DisclosureItem, _PAGE_ITEM_FIELDS, "id", item_ids)
    }
    for field, model in (("organ", Organ), ("unit", Unit), ("node", CatalogueNode)):
        shared = model.objects.in_bulk({getattr(i, f"{field}_id") for i in items.values()} - {None})
        for one in items.values():
            setattr(one, field, shared.get(getattr(one, f"{field}_id")))
    return items


def public_item_pages(
    item_ids: list[int], *, loaded: dict[int, DisclosureItem] | None = None
) -> list[dict[str, Any]]:
    """The template context of the public page of each published (or withdrawn) item among
    ``item_ids``, in that order, from a few plain queries whatever their number: the items,
    their latest versions and their published interpretations (``loaded``: items the caller
    has read already, with their organ, unit and node). The page view renders one; the
    publisher renders thousands."""
    from gongkai.disclosure.structured import detail_rows

    if loaded is not None and set(item_ids) <= set(loaded):  # the caller has them, joined
        items = {pk: PageItem.of(loaded[pk]) for pk in item_ids}
    else:
        items = _page_items(item_ids)
    # The documents they point to (a successor, the policy interpreted): title and status only.
    pointed = [pk for i in items.values() for pk in (i.replaced_by_id, i.interprets_id) if pk]
    linked = {
        pk: PageLink(pk, title, status)
        for pk, title, status in select_in(DisclosureItem, ("id", "title", "status"), "id", pointed)
    }
    for one in items.values():
        one.replaced_by = linked.get(one.replaced_by_id)
        one.interprets = linked.get(one.interprets_id)
    latest: dict[int, Any] = {}  # each item's latest published version's snapshot
    for item_id, snapshot in select_in(
        ItemVersion, ("item_id", "snapshot"), "item_id", items, "ORDER BY item_id, version"
    ):
        latest[item_id] = snapshot  # the last one wins (decoded below, once)
    readings: dict[int, list[tuple[Any, ...]]] = {}
    for row in select_in(
        DisclosureItem,
        ("id", "title", "interprets_id", "published_on", "updated_at", "status"),
        "interprets_id",
        items,
        status=ItemStatus.PUBLISHED,
    ):
        readings.setdefault(row[2], []).append(row)
    pages = []
    for pk in item_ids:
        item = items.get(pk)
        if item is None or item.version <= 0:
            continue
        current = latest.get(pk)
        snapshot = _json(current) if current is not None else {}
        pages.append(
            {
                "item": item,
                "snapshot": snapshot,
                "files": [
                    {**a, "href": attachment_href(a["id"], a["type"])}
                    for a in snapshot.get("attachments", [])
                ],
                "detail_rows": detail_rows(item.kind, snapshot.get("details", {}))
                if current is not None
                else [],
                "organ": item.organ,
                "validity": validity_label(item.validity),
                "interpretations": [  # the model's order: newest first
                    PageLink(row[0], row[1], row[5])
                    for row in sorted(
                        readings.get(pk, []),
                        key=lambda row: (row[3] or dt.date.min, row[4]),
                        reverse=True,
                    )
                ],
            }
        )
    return pages


@dataclass(frozen=True)
class Timeliness:
    due_on: dt.date
    late_days: int
    published: bool
    provisional: bool
    measured_from: dt.date  # the day the information was formed, or changed (a revision)

    @property
    def label(self) -> str:
        if not self.published:
            return f"应于 {self.due_on:%Y-%m-%d} 前发布"
        return "按时发布" if self.late_days <= 0 else f"超期 {self.late_days} 个工作日"


def _measure(since: dt.date, published_on: dt.date | None) -> Timeliness:
    from gongkai.workdays.selectors import get_calendar

    calendar = get_calendar()
    due = calendar.add_working_days(since, settings.GONGKAI_DISCLOSURE_WORKING_DAYS)
    if published_on is None:
        return Timeliness(due.date, 0, False, due.provisional, since)
    late = calendar.working_days_between(due.date, published_on)
    return Timeliness(due.date, max(late, 0), True, due.provisional, since)


def version_timeliness(version: ItemVersion) -> Timeliness | None:
    """Measure whether this version was published within N working days
    of the information being formed (the first) or changed (a revision) — 条例 第二十六条
    (RULES §2.3). None for a revision published before change dates were recorded."""
    snapshot = version.snapshot
    changed = snapshot.get("changed_on")
    if version.version > 1 and not changed:
        return None
    since = dt.date.fromisoformat(changed or snapshot["formed_on"])
    return _measure(since, timezone.localdate(version.published_at))


def timeliness(item: DisclosureItem) -> Timeliness:
    """Measure 条例 第二十六条 (RULES §2.3): publish within N working days of the day the
    information was formed or changed. The item's current round: a draft's or a revision's
    due date until it is published, then whether its latest publication was on time (a late
    revision is late even when the first publication was on time)."""
    revising = item.version > 0 and item.status not in (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN)
    if revising and item.changed_on is not None:
        return _measure(item.changed_on, None)
    if revising:  # no change date yet: the latest publication's
        latest = item.versions.order_by("-version").first()
        measured = version_timeliness(latest) if latest is not None else None
        if measured is not None:
            return measured
    elif item.version > 1 and item.changed_on is not None and item.published_at is not None:
        return _measure(item.changed_on, timezone.localdate(item.published_at))
    return _measure(item.formed_on, item.published_on)


def list_versions(item: DisclosureItem) -> QuerySet[ItemVersion]:
    return item.versions.select_related("published_by")


def _text(snapshot: dict[str, Any]) -> list[str]:
    body = re.sub(r"<[^>]+>", "\n", snapshot.get("body", ""))
    lines = [
        f"名称：{snapshot.get('title', '')}",
        f"文号：{snapshot.get('doc_number', '')}",
        f"内容概述：{snapshot.get('summary', '')}",
    ]
    lines += [line.strip() for line in body.splitlines() if line.strip()]
    lines += [f"附件：{a['name']}" for a in snapshot.get("attachments", [])]
    return lines


def diff_versions(old: ItemVersion, new: ItemVersion) -> list[tuple[str, str]]:
    """Return the changed lines between two versions as (mark, text), mark in +, -, ' '."""
    result = []
    for line in difflib.unified_diff(_text(old.snapshot), _text(new.snapshot), lineterm="", n=1):
        if line.startswith(("---", "+++", "@@")):
            continue
        result.append((line[0], line[1:]))
    return result


def list_policies_missing_interpretation(
    user: Any, *, organ: Organ, today: dt.date
) -> list[DisclosureItem]:
    """Policies marked 需解读 whose interpretation is not published N working days after them
    — where the organ requires it, one in a form other than text (RULES §7.1)."""
    from gongkai.workdays.selectors import get_calendar

    calendar = get_calendar()
    days = settings.GONGKAI_INTERPRETATION_DAYS
    other_form = get_disclosure_settings(organ).is_other_form_required
    text = ("", InterpretationForm.TEXT)
    result = []
    policies = (
        list_items(user, organ=organ, flt=ItemFilter(kind=ItemKind.POLICY))
        .filter(needs_interpretation=True)
        .exclude(status=ItemStatus.WITHDRAWN)
        .prefetch_related("interpretations")
    )
    for policy in policies:
        published = [i for i in policy.interpretations.all() if i.status == ItemStatus.PUBLISHED]
        if other_form:
            published = [i for i in published if i.interpretation_form not in text]
        if published:
            continue
        if policy.published_on is None:
            result.append(policy)
            continue
        if days == 0 or calendar.add_working_days(policy.published_on, days).date < today:
            result.append(policy)
    return result
