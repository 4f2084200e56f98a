"""The reference plan parses the same from every layout in which plans arrive."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.workplan.parsing.deadlines import parse_deadline
from gongkai.workplan.parsing.plan import ParsedPlan, parse_plan
from gongkai.workplan.parsing.sources import read_blocks, text_blocks
from gongkai.workplan.parsing.units import parse_units
from gongkai.workplan.tests import builders


@pytest.fixture(scope="module")
def ref() -> ParsedPlan:
    return builders.reference()


def test_reference_has_nine_categories_and_thirty_two_tasks(ref: ParsedPlan) -> None:
    assert [c.seq for c in ref.categories] == list(range(1, 10))
    assert ref.categories[5].title == "推进“数字政府”建设"
    assert [t.seq for t in ref.tasks] == list(range(1, 33))
    assert ref.warnings == []
    by_seq = {t.seq: t for t in ref.tasks}
    assert by_seq[1].lead_units == ["公职所", "办公室"]
    assert by_seq[2].lead_units == ["办公室", "业务科室"]
    assert by_seq[13].lead_units == ["办公室", "业务部门"]
    assert by_seq[21].lead_units[-3:] == ["社矫局", "市法援处", "市强戒所"]
    assert by_seq[29].lead_units == ["规范性文件审查科"]
    assert by_seq[29].co_units == ["公职所"]
    assert by_seq[29].notes == ["公职所配合做好本局相关工作"]
    assert by_seq[32].category_seq == 9
    assert {t.category_seq for t in ref.tasks if t.seq in (8, 11)} == {2}


def test_reference_notice_metadata(ref: ParsedPlan) -> None:
    assert ref.issuer == "中山市司法局"
    assert ref.doc_number == "中司办〔2019〕20号"
    assert ref.title == "关于印发中山市司法局2019年政务公开 工作要点分工方案的通知"
    assert ref.issued_on == dt.date(2019, 8, 15)
    assert ref.year == 2019
    assert ref.plan_title == "中山市司法局 2019 年政务公开工作要点分工方案"
    assert ref.recipients[0] == "市依法治市办秘书科"
    assert "局机关各科室" in ref.recipients
    assert ref.basis == [
        {
            "title": "中山市人民政府关于印发中山市2019年政务公开工作要点分工方案的通知",
            "doc_number": "中府办函【2019】108号",
        }
    ]


def _same_tasks(a: ParsedPlan, b: ParsedPlan) -> None:
    assert [(c.seq, c.title) for c in a.categories] == [(c.seq, c.title) for c in b.categories]
    assert [(t.seq, t.category_seq, t.requirement, t.lead_units, t.co_units) for t in a.tasks] == [
        (t.seq, t.category_seq, t.requirement, t.lead_units, t.co_units) for t in b.tasks
    ]


@pytest.mark.parametrize("layout", ["as_docx", "as_xlsx", "as_markdown", "as_prose"])
def test_every_layout_imports_identically(ref: ParsedPlan, layout: str) -> None:
    parsed = parse_plan(read_blocks(getattr(builders, layout)(ref)))
    _same_tasks(parsed, ref)
    assert parsed.warnings == []
    if layout != "as_xlsx":
        assert (parsed.doc_number, parsed.issued_on, parsed.issuer) == (
            ref.doc_number,
            ref.issued_on,
            ref.issuer,
        )


def test_columns_in_any_order_with_deadlines_and_co_units() -> None:
    text = "\n".join(
        [
            "2020年政务公开工作任务分工",
            "完成时限\t配合单位\t责任部门\t重点任务\t具体内容\t序号",
            "年底前\t市政务服务数据管理局\t市府办\t政府信息公开\t更新公开指南\t1",
            "6月底前\t\t市司法局\t\t公布权责清单\t2",
            "2020年9月30日前\t各区\t市发改局、市财政局\t\t公开预决算\t3",
            "持续推进\t\t市府办\t\t办理网民留言\t4",
            "适时\t\t市府办\t\t开展评估\t5",
        ]
    )
    plan = parse_plan(text_blocks(text))
    assert plan.year == 2020
    tasks = {t.seq: t for t in plan.tasks}
    assert tasks[1].title == "政府信息公开"
    assert tasks[1].co_units == ["市政务服务数据管理局"]
    assert tasks[1].deadline == dt.date(2020, 12, 31)
    assert tasks[2].deadline == dt.date(2020, 6, 30)
    assert tasks[3].deadline == dt.date(2020, 9, 30)
    assert tasks[3].lead_units == ["市发改局", "市财政局"]
    assert tasks[4].deadline is None
    assert tasks[4].deadline_kind == "ongoing"
    assert tasks[5].deadline_kind == "unparsed"
    assert any("适时" in w for w in plan.warnings)


def test_rows_that_are_not_tasks_are_reported_not_dropped() -> None:
    text = (
        "序号\t工作任务\t具体要求\t牵头单位\n"
        "1\t一、公开\t公开权责清单\t办公室\n"
        "备注：以上任务年底前完成\t\t\t\n"
    )
    plan = parse_plan(text_blocks(text))
    assert len(plan.tasks) == 1
    assert any("无法识别为任务" in w and "备注" in w for w in plan.warnings)


def test_half_width_and_full_width_punctuation() -> None:
    text = (
        "序号|工作任务|具体要求|牵头单位\n|---|---|---|---|\n"
        "1|一、公开|公开权责清单|办公室,公职所\n"
    )
    plan = parse_plan(text_blocks(text))
    assert plan.tasks[0].lead_units == ["办公室", "公职所"]


def test_prose_with_sub_headings_and_bracketed_units() -> None:
    text = "\n".join(
        [
            "市人民政府办公室关于印发2021年政务公开工作要点的通知",
            "一、加强政策解读",
            "（一）做好解读工作。",
            "1. 同步起草解读材料。（市司法局、市府办按职责分工负责，年底前完成）",
            "2. 开展新闻发布。（市府办牵头，市政府各部门配合）",
            "二、回应社会关切",
            "（二）办理网民留言，持续推进。（市政务服务数据管理局负责）",
        ]
    )
    plan = parse_plan(text_blocks(text))
    assert [c.title for c in plan.categories] == ["加强政策解读", "回应社会关切"]
    first, second, third = plan.tasks
    assert first.lead_units == ["市司法局", "市府办"]
    assert first.deadline == dt.date(2021, 12, 31)
    assert first.title == "做好解读工作"
    assert second.lead_units == ["市府办"]
    assert second.co_units == ["市政府各部门"]
    assert third.lead_units == ["市政务服务数据管理局"]
    assert third.category_seq == 2


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        ("公职所、办公室", ["公职所", "办公室"], []),
        ("规范性文件审查科 公职所配合做好本局相关工作", ["规范性文件审查科"], ["公职所"]),
        ("市府办牵头，市政府各部门配合", ["市府办"], ["市政府各部门"]),
        ("市司法局、市府办按职责分工负责", ["市司法局", "市府办"], []),
        ("办公室；业务科室", ["办公室", "业务科室"], []),
    ],
)
def test_unit_phrases(text: str, lead: list[str], co: list[str]) -> None:
    result = parse_units(text)
    assert (result.lead, result.co) == (lead, co)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("年底前", "date", dt.date(2019, 12, 31)),
        ("6月底前", "date", dt.date(2019, 6, 30)),
        ("2019年9月30日前", "date", dt.date(2019, 9, 30)),
        ("持续推进", "ongoing", None),
        ("长期坚持", "ongoing", None),
        ("根据上级部署", "unparsed", None),
    ],
)
def test_deadline_phrases(text: str, kind: str, due: dt.date | None) -> None:
    deadline = parse_deadline(text, plan_year=2019)
    assert (deadline.kind, deadline.due_on, deadline.text) == (kind, due, text)


def test_two_row_header_and_category_rows_with_a_numeral() -> None:
    text = "\n".join(
        [
            "序号\t工作任务\t具体要求\t责任单位\t责任单位\t完成时限",
            "\t\t\t牵头单位\t配合单位\t",
            "一\t深化重点领域公开\t深化重点领域公开\t深化重点领域公开\t深化重点领域公开\t",
            "1\t\t公开财政预决算\t市财政局\t各区政府\t2026.6.30",
        ]
    )
    plan = parse_plan(text_blocks(text))
    assert [c.title for c in plan.categories] == ["深化重点领域公开"]
    (task,) = plan.tasks
    assert task.lead_units == ["市财政局"]
    assert task.co_units == ["各区政府"]
    assert task.deadline == dt.date(2026, 6, 30)


def test_unit_labels_and_unknown_columns_are_handled() -> None:
    text = (
        "序号\t任务\t工作内容\t重点工作\t责任单位\n"
        "1\t公开\t更新指南\t指南\t牵头单位：办公室；配合单位：法制科\n"
    )
    plan = parse_plan(text_blocks(text))
    assert (plan.tasks[0].lead_units, plan.tasks[0].co_units) == (["办公室"], ["法制科"])
    assert any("重点工作" in w for w in plan.warnings)


def test_prose_sub_items_inherit_their_parents_units() -> None:
    text = "\n".join(
        [
            "关于印发2026年政务公开工作要点的通知",
            "一、请各单位认真贯彻落实。",
            "二、请于年底前报送总结。",
            "2026年政务公开工作要点",
            "一、加强政策解读",
            "（一）做好解读工作（办公室牵头，法制科配合）",
            "1. 同步起草解读材料。",
            "2. 开展新闻发布。",
            "二、回应关切",
            "（二）办理留言（办公室负责）",
        ]
    )
    plan = parse_plan(text_blocks(text))
    assert plan.plan_title == "2026年政务公开工作要点"
    assert [c.title for c in plan.categories] == ["加强政策解读", "回应关切"]
    first, second, third = plan.tasks
    assert first.title == second.title == "做好解读工作"
    assert first.lead_units == second.lead_units == ["办公室"]
    assert second.co_units == ["法制科"]
    assert (first.seq, second.seq) == (1, 2)
    assert third.requirement == "办理留言"
