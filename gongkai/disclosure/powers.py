"""Import the 权责清单 from a spreadsheet: every row checked, good rows kept, bad rows reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.selectors import resolve_unit_name
from gongkai.core import services as core_services
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.disclosure.models import PowerItem, PowerList
from gongkai.lib.documents import UnreadableDocument

# The ten kinds of administrative power in the national 权责清单 catalogue.
CATEGORIES = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "编码", "权力编码"),
    "name": ("事项名称", "权力事项名称", "权力名称", "项目名称", "名称"),
    "category": ("职权类别", "权力类别", "事项类别", "权力类型", "类别"),
    "basis": ("设定依据", "实施依据", "法律依据", "依据"),
    "subject": ("实施主体", "实施机关", "责任主体", "承办机构"),
    "responsibilities": ("责任事项", "责任事项内容"),
    "accountability": ("追责情形", "问责依据", "追责依据", "追责情形及依据"),
}
REQUIRED = ("name", "category", "basis", "subject")


@dataclass
class RowProblem:
    row: int
    column: str
    message: str
    raw: str


@dataclass
class PowerImport:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_power_rows(data: bytes) -> PowerImport:
    """Find the header row and check every data row; return good rows and problems."""
    from gongkai.workplan.parsing.sources import Table, read_blocks

    tables = [b for b in read_blocks(data) if isinstance(b, Table)]
    result = PowerImport()
    for table in tables:
        columns: dict[str, int] = {}
        for number, row in zip(table.source_rows, table.rows, strict=True):
            if not columns:
                for index, cell in enumerate(row):
                    for key, names in COLUMNS.items():
                        if key not in columns and _compact(cell) in names:
                            columns[key] = index
                if not {"name", "category"} <= set(columns):
                    columns = {}
                continue
            values = {k: (row[i].strip() if i < len(row) else "") for k, i in columns.items()}
            if not any(values.values()):
                continue
            raw = " | ".join(c for c in row if c)
            bad = [
                RowProblem(number, k, _("“%(col)s”不能为空") % {"col": COLUMNS[k][0]}, raw)
                for k in REQUIRED
                if not values.get(k)
            ]
            limits = {"name": 300, "code": 100, "subject": 200}
            bad += [
                RowProblem(
                    number, k, _("“%(col)s”超过 %(n)d 个字符") % {"col": COLUMNS[k][0], "n": n}, raw
                )
                for k, n in limits.items()
                if len(values.get(k, "")) > n
            ]
            category = values.get("category", "")
            if category and category not in CATEGORIES:
                bad.append(
                    RowProblem(
                        number,
                        "category",
                        _("职权类别“%(v)s”不在规定的十类之中") % {"v": category},
                        raw,
                    )
                )
            if bad:
                result.problems.extend(bad)
            else:
                result.rows.append((number, values))
        if columns:
            break
    if not result.rows and not result.problems:
        raise UnreadableDocument(_("未找到权责清单表格：表头应包含“事项名称”“职权类别”等列"))
    return result


@transaction.atomic
def import_power_list(organ: Organ, *, actor: Any, data: bytes, source_name: str) -> PowerList:
    """Save the good rows as the organ's current 权责清单; bad rows go to the job's errors."""
    require(actor, Action.COORDINATE, organ=organ)
    try:
        parsed = read_power_rows(data)
    except UnreadableDocument as exc:
        raise InvalidInput(str(exc), details={"field": "file"}) from None
    if not parsed.rows:
        first = parsed.problems[0]
        raise InvalidInput(
            _("没有一行合格，现行清单未改动。第 %(row)d 行：%(msg)s")
            % {"row": first.row, "msg": first.message},
            details={"field": "file"},
        )
    job = core_services.create_import_job(
        organ,
        actor=actor,
        kind="power_list",
        source_name=source_name,
        total=len(parsed.rows) + len(parsed.problems),
    )
    core_services.start_import_job(job)
    PowerList.objects.filter(organ=organ, is_current=True).update(is_current=False)
    power_list = PowerList.objects.create(organ=organ, import_job=job, source_name=source_name)
    units: dict[str, Unit | None] = {}
    items = []
    for number, values in parsed.rows:
        subject = values["subject"]
        if subject not in units:
            found = resolve_unit_name(organ, subject)
            units[subject] = found if isinstance(found, Unit) else None
        items.append(
            PowerItem(
                power_list=power_list,
                row=number,
                unit=units[subject],
                **{k: v for k, v in values.items() if k in COLUMNS},
            )
        )
    PowerItem.objects.bulk_create(items)
    for problem in parsed.problems:
        core_services.add_import_row_error(
            job, row=problem.row, column=problem.column, message=problem.message, raw=problem.raw
        )
    bad_rows = len({p.row for p in parsed.problems})
    core_services.finish_import_job(
        job, actor=actor, result={"imported": len(items), "bad_rows": bad_rows}
    )
    record_event(
        "disclosure.powers.imported",
        actor=actor,
        obj=power_list,
        organ_id=organ.pk,
        changes={"source": source_name, "imported": len(items), "bad_rows": bad_rows},
    )
    return power_list
