"""The fields of the structured kinds of disclosure the plans name (document plus figures):
人事任免, 考录招聘, 预算决算, 三公经费; and the question-and-answer list of an interpretation."""

from __future__ import annotations

import decimal
import re
from typing import Any

from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidInput
from gongkai.disclosure.choices import ItemKind

# kind → [(key, label, type, required)]; type: text, date, int, money, choice:a|b
DETAIL_FIELDS: dict[str, list[tuple[str, str, str, bool]]] = {
    ItemKind.PERSONNEL: [
        ("person", "姓名", "text", True),
        ("position", "职务", "text", True),
        ("action", "任免类型", "choice:任命|免职|任免", True),
        ("decided_on", "任免日期", "date", True),
    ],
    ItemKind.RECRUITMENT: [
        ("position", "招录职位", "text", True),
        ("quota", "招录名额", "int", True),
        ("requirements", "报考条件", "text", True),
        ("apply_from", "报名开始日期", "date", False),
        ("apply_to", "报名截止日期", "date", False),
    ],
    ItemKind.BUDGET: [
        ("year", "年度", "int", True),
        ("stage", "类型", "choice:预算|决算", True),
        ("income_total", "收入总计（万元）", "money", True),
        ("expenditure_total", "支出总计（万元）", "money", True),
    ],
    ItemKind.THREE_PUBLIC: [
        ("year", "年度", "int", True),
        ("stage", "类型", "choice:预算|决算", True),
        ("overseas", "因公出国（境）费（万元）", "money", True),
        ("vehicles", "公务用车购置及运行费（万元）", "money", True),
        ("reception", "公务接待费（万元）", "money", True),
        ("total", "合计（万元）", "money", True),
    ],
}


def clean_details(kind: str, raw: dict[str, Any]) -> dict[str, str]:
    """Check the structured fields of ``kind``; raise ``InvalidInput`` naming the field."""
    fields = DETAIL_FIELDS.get(kind, [])
    cleaned: dict[str, str] = {}
    for key, label, kind_of, required in fields:
        value = str(raw.get(key, "") or "").strip()
        if not value:
            if required:
                raise InvalidInput(
                    _("请填写“%(f)s”。") % {"f": label}, details={"field": f"detail_{key}"}
                )
            continue
        if kind_of == "int" and not value.isdigit():
            raise InvalidInput(
                _("“%(f)s”应为整数。") % {"f": label}, details={"field": f"detail_{key}"}
            )
        if kind_of == "money":
            try:
                value = str(
                    decimal.Decimal(value.replace(",", "")).quantize(decimal.Decimal("0.01"))
                )
            except decimal.InvalidOperation:
                raise InvalidInput(
                    _("“%(f)s”应为金额（万元，可带两位小数）。") % {"f": label},
                    details={"field": f"detail_{key}"},
                ) from None
        if kind_of == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise InvalidInput(
                _("“%(f)s”应为日期（YYYY-MM-DD）。") % {"f": label},
                details={"field": f"detail_{key}"},
            )
        if kind_of.startswith("choice:") and value not in kind_of[7:].split("|"):
            raise InvalidInput(
                _("“%(f)s”无效。") % {"f": label}, details={"field": f"detail_{key}"}
            )
        cleaned[key] = value
    if kind == ItemKind.THREE_PUBLIC:
        parts = sum(decimal.Decimal(cleaned[k]) for k in ("overseas", "vehicles", "reception"))
        if parts != decimal.Decimal(cleaned["total"]):
            raise InvalidInput(
                _("三项经费之和（%(s)s 万元）与合计（%(t)s 万元）不符。")
                % {"s": parts, "t": cleaned["total"]},
                details={"field": "detail_total"},
            )
    return cleaned


def parse_qa(text: str) -> list[dict[str, str]]:
    """Read 问：…/答：… pairs (one pair per question, answers may span lines)."""
    pairs: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if match := re.match(r"^(?:问|Q)[：:.、]\s*(.+)$", line):
            pairs.append({"q": match.group(1), "a": ""})
        elif match := re.match(r"^(?:答|A)[：:.、]\s*(.+)$", line):
            if not pairs or pairs[-1]["a"]:
                raise InvalidInput(
                    _("“答”之前缺少对应的“问”：%(l)s") % {"l": line}, details={"field": "qa"}
                )
            pairs[-1]["a"] = match.group(1)
        elif pairs and pairs[-1]["a"]:
            pairs[-1]["a"] += "\n" + line
        else:
            raise InvalidInput(
                _("请按“问：……”“答：……”的格式填写：%(l)s") % {"l": line}, details={"field": "qa"}
            )
    if any(not p["a"] for p in pairs):
        raise InvalidInput(_("每个问题都要有回答。"), details={"field": "qa"})
    return pairs


def detail_rows(kind: str, details: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, value) pairs of an item's structured fields, in their order."""
    return [
        (label, str(details[key]))
        for key, label, _t, _r in DETAIL_FIELDS.get(kind, [])
        if details.get(key) not in (None, "")
    ]
