"""Exports: the progress summary (进展情况汇总表) as .xlsx and .docx, and the plan as .xlsx.

Rows go through ``gongkai.lib.spreadsheet.append_row`` (text is never a formula) and the .docx
text through ``xml_text`` (what XML cannot carry is dropped, so an export is always written).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from gongkai.lib.spreadsheet import append_row
from gongkai.lib.text import xml_text
from gongkai.workplan.choices import ReviewStatus
from gongkai.workplan.models import Plan, ProgressReport
from gongkai.workplan.selectors import TaskRow

SUMMARY_HEADER = ("序号", "工作任务", "具体要求", "牵头单位", "进展情况", "状态")
PLAN_HEADER = ("序号", "类别", "工作任务", "具体要求", "牵头单位", "配合单位", "完成时限")


def _progress_text(row: TaskRow) -> str:
    """Each unit's newest accepted report: what the coordinator stands behind."""
    latest: dict[tuple[int, int], ProgressReport] = {}
    for report in row.task.reports.all():  # newest first
        if report.review_status == ReviewStatus.ACCEPTED:
            latest.setdefault((report.assignment_id, report.unit_id), report)
    return "\n".join(f"{r.unit.name}：{r.text}" for r in latest.values())


def summary_rows(rows: Sequence[TaskRow]) -> list[list[str]]:
    result = []
    for row in rows:
        task = row.task
        status = _("已撤销") if task.withdrawn_at else row.status_label
        if row.overdue:
            status += _("（逾期）")
        result.append(
            [
                str(task.seq),
                task.category.title if task.category else task.title,
                task.requirement,
                "、".join(a.label for a in row.lead),
                _progress_text(row),
                status,
            ]
        )
    return result


def progress_xlsx(plan: Plan, rows: Sequence[TaskRow]) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("进展情况汇总表")
    append_row(sheet, [f"{plan.title}进展情况汇总表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SUMMARY_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    append_row(sheet, SUMMARY_HEADER)
    for row in summary_rows(rows):
        append_row(sheet, row)
    thin = Side(style="thin")
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (6, 18, 50, 18, 50, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def progress_docx(plan: Plan, rows: Sequence[TaskRow]) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(xml_text(f"{plan.title}进展情况汇总表"))
    run.bold = True
    run.font.size = Pt(16)
    table = document.add_table(rows=1, cols=len(SUMMARY_HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, SUMMARY_HEADER, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    previous_category = None
    merge_from = None
    for values in summary_rows(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = xml_text(text)
        # The category column merged over its group, as official tables are laid out.
        if values[1] == previous_category and merge_from is not None:
            merged = merge_from.merge(cells[1])
            merged.text = xml_text(values[1])
            merge_from = merged
        else:
            merge_from = cells[1]
            previous_category = values[1]
    widths = (Cm(1.2), Cm(3.5), Cm(8), Cm(3.5), Cm(8), Cm(2))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plan_xlsx(plan: Plan, rows: Sequence[TaskRow]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("分工方案")
    append_row(sheet, PLAN_HEADER)
    for row in rows:
        task = row.task
        if task.withdrawn_at:
            continue
        append_row(
            sheet,
            [
                task.seq,
                task.category.title if task.category else "",
                task.title,
                task.requirement,
                "、".join(a.label for a in row.lead),
                "、".join(a.label for a in row.co),
                task.deadline_text or (task.due_on.isoformat() if task.due_on else ""),
            ],
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
