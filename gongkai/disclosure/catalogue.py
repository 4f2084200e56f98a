"""The standard 公开目录 columns every organ starts with.

Sources: 条例 第二十条 (the 15 statutory items) and 国办公开办函〔2019〕61号 (the column layout).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.disclosure.models import CatalogueNode

# code, name, parent code, expected update cadence in days (None: when something happens)
STANDARD_COLUMNS: list[tuple[str, str, str | None, int | None]] = [
    ("guide", "政府信息公开指南", None, 365),
    ("rules", "政府信息公开制度", None, 365),
    ("statutory", "法定主动公开内容", None, None),
    ("s01", "行政法规、规章和规范性文件", "statutory", None),
    ("s02", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名", "statutory", 365),
    ("s03", "规划及相关政策", "statutory", None),
    ("s04", "统计信息", "statutory", 365),
    ("s05", "行政许可和其他对外管理服务事项", "statutory", None),
    ("s06", "行政处罚、行政强制", "statutory", None),
    ("s07", "财政预算、决算信息", "statutory", 365),
    ("s08", "行政事业性收费", "statutory", 365),
    ("s09", "政府集中采购", "statutory", None),
    ("s10", "重大建设项目", "statutory", None),
    ("s11", "扶贫、教育、医疗、社会保障、促进就业", "statutory", None),
    ("s12", "突发公共事件应急", "statutory", None),
    ("s13", "监督检查情况", "statutory", None),
    ("s14", "公务员招考", "statutory", None),
    ("s15", "其他应当主动公开的政府信息", "statutory", None),
    ("annual_report", "政府信息公开年报", None, 365),
    ("policies", "政策文件", None, 90),
    ("interpretations", "政策解读", None, 90),
]


@transaction.atomic
def ensure_catalogue(organ: Organ) -> list[CatalogueNode]:
    """Create the standard columns the organ lacks (its own edits are kept)."""
    existing = {n.code: n for n in CatalogueNode.objects.filter(organ=organ)}
    for order, (code, name, parent, cadence) in enumerate(STANDARD_COLUMNS, start=1):
        if code not in existing:
            existing[code] = CatalogueNode.objects.create(
                organ=organ,
                code=code,
                name=_(name),
                sort_order=order * 10,
                parent=existing.get(parent) if parent else None,
                cadence_days=cadence,
            )
    return list(existing.values())


@transaction.atomic
def save_node(
    organ: Organ,
    *,
    actor: Any,
    name: str,
    parent: CatalogueNode | None = None,
    cadence_days: int | None = None,
    node: CatalogueNode | None = None,
    is_active: bool = True,
) -> CatalogueNode:
    """Add a column to the catalogue, or rename, move, re-time or retire one."""
    require(actor, Action.COORDINATE, organ=organ)
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写栏目名称。"), details={"field": "name"})
    if parent is not None and parent.organ_id != organ.pk:
        raise InvalidInput(details={"field": "parent"})
    if node is not None and parent is not None:
        ancestor: CatalogueNode | None = parent
        while ancestor is not None:
            if ancestor.pk == node.pk:
                raise InvalidInput(
                    _("栏目不能放在自己或下级栏目之下。"), details={"field": "parent"}
                )
            ancestor = ancestor.parent
    if node is None:
        existing = set(CatalogueNode.objects.filter(organ=organ).values_list("code", flat=True))
        code = next(f"c{i}" for i in range(1, len(existing) + 2) if f"c{i}" not in existing)
        node = CatalogueNode.objects.create(
            organ=organ,
            code=code,
            name=name,
            parent=parent,
            cadence_days=cadence_days,
            sort_order=(len(existing) + 1) * 10,
        )
        action = "disclosure.catalogue.added"
        changes: dict[str, Any] = {"name": name}
    else:
        if node.organ_id != organ.pk:
            raise InvalidInput(details={"field": "node"})
        changes = {
            "name": [node.name, name],
            "parent": [node.parent_id, getattr(parent, "pk", None)],
            "cadence_days": [node.cadence_days, cadence_days],
            "is_active": [node.is_active, is_active],
        }
        node.name, node.parent, node.cadence_days, node.is_active = (
            name,
            parent,
            cadence_days,
            is_active,
        )
        node.save(update_fields=["name", "parent", "cadence_days", "is_active"])
        action = "disclosure.catalogue.changed"
    record_event(action, actor=actor, obj=node, organ_id=organ.pk, changes=changes)
    return node
