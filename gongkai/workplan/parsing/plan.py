"""Parse a division plan (工作要点分工方案) and its notice into categories, tasks and metadata.

Tables are found by their header row (columns in any order, with synonyms); a plan without a
table is read as numbered prose (一、… （一）… 1. …) whose items end with their units in
brackets. Nothing is dropped silently: every table row or prose item becomes a task, a category,
a repeated header, or a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from gongkai.workplan.parsing.deadlines import parse_deadline
from gongkai.workplan.parsing.sources import Block, Paragraph, Table
from gongkai.workplan.parsing.units import parse_units, split_names

COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "category": ("类别", "任务类别", "工作类别", "分类", "板块", "工作领域", "类型"),
    "task": ("工作任务", "重点任务", "任务", "主要任务", "工作项目", "任务名称", "工作事项"),
    "requirement": (
        "具体要求",
        "工作内容",
        "主要内容",
        "工作要求",
        "具体内容",
        "任务内容",
        "具体措施",
        "工作措施",
        "任务要求",
        "具体任务",
    ),
    "lead": (
        "牵头落实单位",
        "牵头单位",
        "责任单位",
        "责任科室",
        "责任部门",
        "牵头部门",
        "牵头科室",
        "落实单位",
        "承办单位",
        "责任处室",
        "牵头处室",
        "主办单位",
    ),
    "co": ("配合单位", "协办单位", "配合部门", "配合科室", "协助单位", "配合处室"),
    "deadline": ("完成时限", "时限要求", "完成时间", "时间要求", "时限", "时间节点", "完成期限"),
}
CN_NUMERALS = "零一二三四五六七八九十"
_CATEGORY_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]\s*(.+?)\s*$")
_SUB_HEADING = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.+?)\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.．、)）]\s*(.+?)\s*$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d*\s*号")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_BASIS = re.compile(
    r"《([^《》]+)》\s*[（(]([^（）()]*?[〔\[【(（]?\d{4}[〕\]】)）]?[^（）()]*?号)[）)]"
)
_YEAR = re.compile(r"(\d{4})\s*年")
# Lines printed after a plan's table that carry no task: 抄送, 印发, 附件, page numbers.
_BOILERPLATE = re.compile(r"^(抄送|印发|附件|公开方式|主动公开|[—-]\s*\d+\s*[—-]$)|印发$|^\d+$")
_UNIT_HINT = re.compile(r"牵头|配合|负责|协助|落实")


def cn_number(text: str) -> int:
    """Return the value of a Chinese numeral up to 99 (一 … 九十九)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (CN_NUMERALS.index(tens) if tens else 1) * 10 + (
            CN_NUMERALS.index(ones) if ones else 0
        )
    return CN_NUMERALS.index(text)


@dataclass
class ParsedCategory:
    seq: int
    title: str


@dataclass
class ParsedTask:
    seq: int
    category_seq: int | None
    title: str
    requirement: str
    lead_units: list[str]
    co_units: list[str]
    deadline: dt.date | None
    deadline_text: str
    deadline_kind: str
    notes: list[str] = field(default_factory=list)
    source_row: int = 0


@dataclass
class ParsedPlan:
    issuer: str = ""
    doc_number: str = ""
    title: str = ""
    plan_title: str = ""
    issued_on: dt.date | None = None
    year: int | None = None
    recipients: list[str] = field(default_factory=list)
    basis: list[dict[str, str]] = field(default_factory=list)
    categories: list[ParsedCategory] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedPlan:
        """Rebuild a parsed plan from ``as_json`` (kept between preview and confirmation)."""

        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            issuer=data["issuer"],
            doc_number=data["doc_number"],
            title=data["title"],
            plan_title=data.get("plan_title", ""),
            issued_on=day(data["issued_on"]),
            year=data.get("year"),
            recipients=data.get("recipients", []),
            basis=data.get("basis", []),
            categories=[ParsedCategory(**c) for c in data["categories"]],
            tasks=[
                ParsedTask(
                    seq=t["seq"],
                    category_seq=t["category_seq"],
                    title=t.get("title", ""),
                    requirement=t["requirement"],
                    lead_units=t["lead_units"],
                    co_units=t["co_units"],
                    deadline=day(t["deadline"]),
                    deadline_text=t["deadline_text"],
                    deadline_kind=t.get("deadline_kind", "none"),
                    notes=t.get("notes", []),
                )
                for t in data["tasks"]
            ],
            warnings=data["warnings"],
        )

    def as_json(self) -> dict[str, Any]:
        """The CLI's ``--format json`` document: dates ISO, unit names as written."""
        return {
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "title": self.title,
            "plan_title": self.plan_title,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "year": self.year,
            "recipients": self.recipients,
            "basis": self.basis,
            "categories": [asdict(c) for c in self.categories],
            "tasks": [
                {
                    "seq": t.seq,
                    "category_seq": t.category_seq,
                    "title": t.title,
                    "requirement": t.requirement,
                    "lead_units": t.lead_units,
                    "co_units": t.co_units,
                    "deadline": t.deadline.isoformat() if t.deadline else None,
                    "deadline_text": t.deadline_text,
                    "deadline_kind": t.deadline_kind,
                    "notes": t.notes,
                }
                for t in self.tasks
            ],
            "warnings": self.warnings,
        }


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _warn_unknown_headers(row: list[str], columns: dict[str, int], state: _State) -> None:
    known = set(columns.values())
    for index, cell in enumerate(row):
        if cell.strip() and index not in known and cell.strip() not in row[:index]:
            state.plan.warnings.append(f"未识别的列“{cell.strip()}”，该列内容未导入。")


def _header_columns(row: list[str], *, partial: bool = False) -> dict[str, int] | None:
    """Return ``{column kind: index}`` if ``row`` is a header row (``partial``: any one match)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _compact(cell)
        if not name:
            continue
        for kind, synonyms in COLUMN_SYNONYMS.items():
            if kind not in found and name in synonyms:
                found[kind] = index
                break
    if partial:
        return found or None
    has_content = "requirement" in found or "task" in found
    return found if has_content and len(found) >= 2 else None


# --- notice metadata ------------------------------------------------------------------------


def _read_metadata(paragraphs: list[str], plan: ParsedPlan) -> None:
    texts = [p.strip() for p in paragraphs if p.strip()]
    for index, text in enumerate(texts):
        if not plan.doc_number and (m := _DOC_NUMBER.fullmatch(_compact(text))):
            plan.doc_number = m.group(0)
        if not plan.title and "关于" in text and re.search(r"通知|意见|方案", text[-6:]):
            plan.title = text
        if (d := _DATE_LINE.match(_compact(text))) and plan.issued_on is None:
            try:
                plan.issued_on = dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            except ValueError:
                plan.warnings.append(f"日期无效：{text}")
            if index > 0 and len(texts[index - 1]) <= 30 and not plan.issuer:
                plan.issuer = texts[index - 1]
        if (
            plan.title
            and not plan.recipients
            and text.endswith(("：", ":"))
            and len(text) < 200
            and text != plan.title
        ):
            plan.recipients = [r for r in re.split(r"[，,；;、]", text.rstrip("：:")) if r]
        for basis in _BASIS.finditer(text):
            item = {"title": basis.group(1), "doc_number": _compact(basis.group(2))}
            if item not in plan.basis:
                plan.basis.append(item)
    if not plan.issuer and texts:
        first = texts[0]
        if len(first) <= 30 and not _DOC_NUMBER.fullmatch(_compact(first)) and first != plan.title:
            plan.issuer = first


def _plan_year(plan: ParsedPlan) -> int:
    for text in (plan.plan_title, plan.title):
        if m := _YEAR.search(text or ""):
            return int(m.group(1))
    return plan.issued_on.year if plan.issued_on else dt.date.today().year  # noqa: DTZ011


# --- tables ---------------------------------------------------------------------------------


@dataclass
class _State:
    plan: ParsedPlan
    category_seq: int | None = None
    next_seq: int = 1
    row_number: int = 0


def _start_category(state: _State, text: str) -> None:
    heading = _CATEGORY_HEADING.match(text)
    if heading:
        seq, title = cn_number(heading.group(1)), heading.group(2)
    else:
        seq, title = len(state.plan.categories) + 1, text.strip()
    if state.plan.categories and state.plan.categories[-1].title == title:
        state.category_seq = state.plan.categories[-1].seq
        return
    if any(c.seq == seq for c in state.plan.categories):
        seq = max(c.seq for c in state.plan.categories) + 1
    state.plan.categories.append(ParsedCategory(seq=seq, title=title))
    state.category_seq = seq


def _task_column_is_category(rows: list[list[str]], columns: dict[str, int]) -> bool:
    if "task" not in columns or "category" in columns or "requirement" not in columns:
        return False
    values = [r[columns["task"]] if columns["task"] < len(r) else "" for r in rows]
    filled = [v for v in values if v]
    if not filled:
        return False
    headings = sum(1 for v in filled if _CATEGORY_HEADING.match(v))
    repeated = len(set(filled)) < len(filled)
    return (
        headings * 2 >= len(set(filled))
        or (len(filled) < len(values) and headings > 0)
        or (repeated and headings > 0)
    )


def _add_task(
    state: _State,
    *,
    seq_text: str,
    title: str,
    requirement: str,
    lead: str,
    co: str,
    deadline_text: str,
) -> None:
    plan = state.plan
    seq_digits = re.sub(r"\D", "", seq_text)
    seq = int(seq_digits) if seq_digits and len(seq_digits) <= 4 else state.next_seq
    state.next_seq = seq + 1
    units = parse_units(lead, co)
    deadline = parse_deadline(deadline_text, plan_year=plan.year or _plan_year(plan))
    task = ParsedTask(
        seq=seq,
        category_seq=state.category_seq,
        title=title,
        requirement=requirement,
        lead_units=units.lead,
        co_units=units.co,
        deadline=deadline.due_on,
        deadline_text=deadline.text,
        deadline_kind=deadline.kind,
        notes=units.notes,
        source_row=state.row_number,
    )
    plan.tasks.append(task)
    if deadline.needs_review:
        plan.warnings.append(
            f"任务 {seq}：完成时限“{deadline.text}”无法识别为日期，已原样保留，请核对。"
        )
    if not units.lead:
        plan.warnings.append(f"任务 {seq}：未写明牵头单位。")


def _read_table(table: Table, state: _State) -> bool:
    """Read one table; return False if it has no recognisable header."""
    columns: dict[str, int] | None = None
    rows: list[list[str]] = []
    previous_was_header = False
    for row in table.rows:
        header = _header_columns(row) or (
            _header_columns(row, partial=True) if previous_was_header else None
        )
        if header is not None:
            if columns is None:
                columns = header
                _warn_unknown_headers(row, header, state)
            elif previous_was_header:
                # A two-row header (责任单位 over 牵头单位 | 配合单位): the lower row is precise.
                columns = {k: i for k, i in columns.items() if i not in header.values()}
                columns.update(header)
            previous_was_header = True
            continue
        previous_was_header = False
        rows.append(row)
    if columns is None:
        return False
    category_in_task = _task_column_is_category(rows, columns)

    def cell(row: list[str], kind: str) -> str:
        index = columns.get(kind) if columns else None
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in rows:
        state.row_number += 1
        filled = [c for c in row if c.strip()]
        if not filled:
            continue
        distinct = set(filled)
        if len(distinct) == 1 and (len(filled) == 1 or len(filled) == len(row)):
            only = filled[0]
            merged_across = len(filled) == len(row) > 1
            if _CATEGORY_HEADING.match(only) or (merged_across and not _UNIT_HINT.search(only)):
                _start_category(state, only)  # a heading row, or one merged across the table
                continue
        seq_cell = cell(row, "seq")
        others = {c for i, c in enumerate(row) if c.strip() and i != columns.get("seq")}
        if re.fullmatch(r"[一二三四五六七八九十]+", seq_cell) and len(others) == 1:
            _start_category(state, f"{seq_cell}、{others.pop()}")  # 一 | 深化公开 | 深化公开 …
            continue
        category_text = cell(row, "task") if category_in_task else cell(row, "category")
        if category_text:
            _start_category(state, category_text)
        title = "" if category_in_task else cell(row, "task")
        requirement = cell(row, "requirement")
        if not requirement and not title:
            state.plan.warnings.append(
                f"表格第 {state.row_number} 行无法识别为任务，未导入：{' | '.join(filled)}"
            )
            continue
        _add_task(
            state,
            seq_text=cell(row, "seq"),
            title=title,
            requirement=requirement,
            lead=cell(row, "lead"),
            co=cell(row, "co"),
            deadline_text=cell(row, "deadline"),
        )
    return True


# --- numbered prose -------------------------------------------------------------------------

_TRAILING_BRACKET = re.compile(r"[（(]([^（）()]*)[）)]\s*[。；;]?\s*$")
_DEADLINE_HINT = re.compile(r"年底|月底|月前|日前|持续|长期|季度|上半年|下半年|年内|常态")


_UNIT_SUFFIX = re.compile(
    r"(科|室|局|处|所|办|委|会|中心|部门|单位|院|厅|站|队|组|府|部|署|馆|社|行|司)$"
)


def _all_unit_names(text: str) -> bool:
    names = split_names(text)
    return bool(names) and all(_UNIT_SUFFIX.search(n) for n in names)


def _split_bracket(text: str) -> tuple[str, str, str]:
    """Return (item text, unit text, deadline text) of a prose item."""
    match = _TRAILING_BRACKET.search(text)
    if match is None:
        return text, "", ""
    inner = match.group(1)
    parts = [p for p in re.split(r"[，,；;]", inner) if p.strip()]
    deadline = [p for p in parts if _DEADLINE_HINT.search(p) and not _UNIT_HINT.search(p)]
    units = [p for p in parts if p not in deadline]
    unit_text = "，".join(units)
    if not unit_text or not (_UNIT_HINT.search(unit_text) or _all_unit_names(unit_text)):
        return text, "", ""
    return text[: match.start()].rstrip(), unit_text, "，".join(deadline)


def _read_prose(paragraphs: list[str], state: _State) -> None:
    started = False
    heading = ""
    # A （一） item that carries units: its 1. 2. sub-items, if any, inherit them.
    parent: tuple[str, str, str, ParsedTask] | None = None
    for text in paragraphs:
        item, unit_text, deadline_text = _split_bracket(text)
        category = _CATEGORY_HEADING.match(text)
        if category and not unit_text:
            _start_category(state, text)
            started, heading, parent = True, "", None
            continue
        sub = _SUB_HEADING.match(item)
        numbered = _NUMBERED.match(item)
        if not started and not (sub or numbered):
            continue  # the notice before the plan
        started = True
        state.row_number += 1
        if sub and not unit_text:
            heading, parent = sub.group(2).rstrip("。"), None
            continue
        if numbered and not unit_text and parent is not None:
            title, unit_text, deadline_text, parent_task = parent
            if parent_task in state.plan.tasks:
                # The （一） item was a heading after all: its units go to its sub-items.
                state.plan.tasks.remove(parent_task)
                state.next_seq = parent_task.seq
            _add_task(
                state,
                seq_text=numbered.group(1),
                title=title,
                requirement=numbered.group(2),
                lead=unit_text,
                co="",
                deadline_text=deadline_text,
            )
            continue
        if not (sub or numbered):
            if unit_text:
                _add_task(
                    state,
                    seq_text="",
                    title=heading,
                    requirement=item,
                    lead=unit_text,
                    co="",
                    deadline_text=deadline_text,
                )
            elif state.plan.tasks or state.plan.categories:
                state.plan.warnings.append(f"第 {state.row_number} 段无法识别为任务：{text[:60]}")
            continue
        body = (sub or numbered).group(2)  # type: ignore[union-attr]
        seq_text = numbered.group(1) if numbered else ""
        if sub:
            parent = None
        _add_task(
            state,
            seq_text=seq_text,
            title=heading if numbered else "",
            requirement=body,
            lead=unit_text,
            co="",
            deadline_text=deadline_text,
        )
        if sub:
            parent = (body.rstrip("。"), unit_text, deadline_text, state.plan.tasks[-1])


# --- entry point ----------------------------------------------------------------------------


def parse_plan(blocks: list[Block]) -> ParsedPlan:
    """Parse a plan document's blocks into a ``ParsedPlan``."""
    plan = ParsedPlan()
    first_table = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), len(blocks))
    before = [b.text for b in blocks[:first_table] if isinstance(b, Paragraph)]
    # The plan begins at its first 一、 heading after the plan's own title line, so that the
    # notice's numbered points (一、请各单位……) are not taken for categories.
    title_line = max(
        (
            i
            for i, t in enumerate(before)
            if re.search(r"方案|要点", t)
            and len(t) <= 60
            and not t.endswith(("。", "：", ":"))
            and not re.search(r"^关于|通知$", t)
        ),
        default=0,
    )
    prose_start = next(
        (
            i
            for i, t in enumerate(before)
            if i > max(title_line, 0) and _CATEGORY_HEADING.match(t) and not _split_bracket(t)[1]
        ),
        len(before),
    )
    notice = before[:prose_start] if first_table == len(blocks) else before
    _read_metadata(notice, plan)
    for text in reversed(notice):
        if re.search(r"方案|要点|任务分工|清单", text) and text != plan.title:
            plan.plan_title = text
            break
    if not plan.plan_title and (m := re.search(r"《([^》]*(?:方案|要点)[^》]*)》", plan.title)):
        plan.plan_title = m.group(1)
    plan.year = _plan_year(plan)
    state = _State(plan)
    read_any = False
    for block in blocks[first_table:]:
        if isinstance(block, Paragraph):
            if not _BOILERPLATE.search(block.text):
                plan.warnings.append(f"表格之外的文字未导入：{block.text[:80]}")
            continue
        if isinstance(block, Table):
            read_any = _read_table(block, state) or read_any
            if not read_any:
                plan.warnings.append(
                    "发现一个没有可识别表头的表格，已忽略：" + " | ".join(block.rows[0][:4])
                    if block.rows
                    else "发现一个空表格"
                )
    if not read_any:
        paragraphs = [b.text for b in blocks if isinstance(b, Paragraph)]
        _read_prose(paragraphs[prose_start:] if first_table == len(blocks) else paragraphs, state)
    if not plan.tasks:
        plan.warnings.append(
            "未识别出任何任务：请确认文件包含带表头（序号、工作任务、具体要求、牵头单位…）"
            "的表格，或按“一、……（一）……1. ……（××牵头）”编号的条目。"
        )
    return plan
