"""Build the reference plan in other layouts (docx, xlsx, Markdown, prose) for the tests."""

from __future__ import annotations

import io
from pathlib import Path

from gongkai.workplan.parsing.plan import ParsedPlan, parse_plan
from gongkai.workplan.parsing.sources import read_blocks

REFERENCE = Path(__file__).resolve().parents[1] / "demo_data" / "zhongshan_2019_plan.txt"
NOTICE = [
    "中山市司法局",
    "中司办〔2019〕20号",
    "关于印发中山市司法局2019年政务公开 工作要点分工方案的通知",
    "市依法治市办秘书科，各公证处，市强戒所、法援处、公职所，市律协、公协、司协秘书处，局机关各科室：",
    "根据《中山市人民政府关于印发中山市2019年政务公开工作要点分工方案的通知》（中府办函【2019】108号）"
    "部署要求，局政务公开工作领导小组办公室制定了《中山市司法局2019年政务公开工作要点分工方案》，"
    "现印发给你们，请结合实际认真贯彻执行。",
    "中山市司法局",
    "2019年8月15日",
    "中山市司法局 2019 年政务公开工作要点分工方案",
]
CN = "一二三四五六七八九"


def reference() -> ParsedPlan:
    return parse_plan(read_blocks(REFERENCE.read_bytes()))


def _rows(plan: ParsedPlan) -> list[tuple[str, str, str, str]]:
    titles = {c.seq: f"{CN[c.seq - 1]}、{c.title}" for c in plan.categories}
    rows = []
    for task in plan.tasks:
        units = "、".join(task.lead_units)
        if task.co_units:
            units += " " + "；".join(task.notes or [f"{'、'.join(task.co_units)}配合"])
        rows.append((str(task.seq), titles[task.category_seq or 0], task.requirement, units))
    return rows


def as_docx(plan: ParsedPlan) -> bytes:
    """The notice as paragraphs; the table with the category column vertically merged."""
    import docx

    document = docx.Document()
    for line in NOTICE:
        document.add_paragraph(line)
    rows = _rows(plan)
    table = document.add_table(rows=len(rows) + 1, cols=4)
    for i, header in enumerate(("序号", "工作任务", "具体要求", "牵头落实单位")):
        table.cell(0, i).text = header
    start = 1
    for index, (seq, category, requirement, units) in enumerate(rows, start=1):
        table.cell(index, 0).text = seq
        table.cell(index, 2).text = requirement
        table.cell(index, 3).text = units
        last_of_group = index == len(rows) or rows[index][1] != category
        if last_of_group:
            merged = table.cell(start, 1).merge(table.cell(index, 1))
            merged.text = category
            start = index + 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_xlsx(plan: ParsedPlan) -> bytes:
    """A title row merged across, columns in another order, merged category cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["中山市司法局 2019 年政务公开工作要点分工方案"])
    sheet.merge_cells("A1:D1")
    sheet.append(["牵头单位", "序号", "重点任务", "工作内容"])
    rows = _rows(plan)
    start = 3
    for index, (seq, category, requirement, units) in enumerate(rows):
        sheet.append([units, int(seq), category, requirement])
        row = index + 3
        if index + 1 == len(rows) or rows[index + 1][1] != category:
            if row > start:
                sheet.merge_cells(start_row=start, start_column=3, end_row=row, end_column=3)
            start = row + 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_markdown(plan: ParsedPlan) -> bytes:
    lines = [
        f"# {NOTICE[0]}",
        "",
        *NOTICE[1:],
        "",
        "| 序号 | 工作任务 | 具体要求 | 责任单位 |",
        "| --- | --- | --- | --- |",
    ]
    previous = ""
    for seq, category, requirement, units in _rows(plan):
        shown = category if category != previous else ""
        previous = category
        lines.append(f"| {seq} | {shown} | {requirement} | {units} |")
    return "\n".join(lines).encode("utf-8")


def as_prose(plan: ParsedPlan) -> bytes:
    """Numbered prose: 一、 categories, 1. items ending with their units in brackets."""
    lines = list(NOTICE)
    current = None
    for seq, category, requirement, units in _rows(plan):
        if category != current:
            lines.append(category)
            current = category
        lead, _sep, rest = units.partition(" ")
        bracket = f"{lead}牵头，{rest}" if rest else f"{lead}负责"
        lines.append(f"{seq}. {requirement}（{bracket}）")
    return "\n".join(lines).encode("gb18030")
