"""Saving a plan: units resolved (groups stay groups), unknown names mapped and remembered."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gongkai.accounts.models import UnitAlias, UnitGroup
from gongkai.core.demo import DemoContext
from gongkai.core.models import AuditEvent
from gongkai.workplan.errors import UnresolvedUnits
from gongkai.workplan.importing import import_plan, resolve_names
from gongkai.workplan.models import Plan, TaskUnit
from gongkai.workplan.parsing.plan import parse_plan
from gongkai.workplan.parsing.sources import text_blocks
from gongkai.workplan.tests import builders

pytestmark = pytest.mark.django_db


def test_make_demo_imports_the_reference_plan(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    assert plan.categories.count() == 9
    assert plan.tasks.count() == 32
    assert plan.doc_number == "中司办〔2019〕20号"
    assert plan.issued_on.isoformat() == "2019-08-15"  # type: ignore[union-attr]
    assert plan.basis[0]["doc_number"] == "中府办函【2019】108号"
    assert plan.cycles.count() == 2  # third and fourth quarters after 15 August
    task29 = plan.tasks.get(seq=29)
    co = task29.assignments.get(role="co")
    assert co.unit is not None
    assert co.unit.name == "中山市公职律师事务所"
    assert co.note == "公职所配合做好本局相关工作"
    lead = task29.assignments.get(role="lead")
    assert lead.unit is not None
    assert lead.unit.name == "规范性文件审查科"
    groups = set(
        TaskUnit.objects.filter(group__isnull=False).values_list("group__name", "written_as")
    )
    assert ("业务科室", "业务科室") in groups
    assert ("业务科室", "业务部门") in groups
    assert not TaskUnit.objects.filter(unit__name__in=["业务科室", "业务部门"]).exists()
    assert AuditEvent.objects.filter(action="workplan.plan.imported").count() == 1


def test_unknown_names_must_be_mapped_and_are_remembered(demo_data: DemoContext) -> None:
    text = "序号\t工作任务\t具体要求\t牵头单位\n1\t一、公开\t更新指南\t局办、档案室\n"
    parsed = parse_plan(text_blocks(text))
    organ, coordinator = demo_data.organ, demo_data.users["coordinator"]
    assert resolve_names(organ, parsed)["档案室"] is None
    with pytest.raises(UnresolvedUnits) as refused:
        import_plan(organ, parsed, actor=coordinator)
    assert refused.value.details["names"] == ["局办", "档案室"]
    office = organ.units.get(name="办公室")
    plan = import_plan(organ, parsed, actor=coordinator, mapping={"局办": office, "档案室": "new"})
    assert {a.label for a in plan.tasks.get().assignments.all()} == {"办公室", "档案室"}
    assert UnitAlias.objects.filter(alias="局办", unit=office).exists()
    again = parse_plan(text_blocks(text.replace("档案室", "局办")))
    assert resolve_names(organ, again)["局办"] == office


def test_only_coordinators_import(demo_data: DemoContext) -> None:
    from gongkai.core.errors import NotPermitted

    parsed = builders.reference()
    with pytest.raises(NotPermitted):
        import_plan(demo_data.organ, parsed, actor=demo_data.users["editor"])


def test_cli_dry_run_json_and_save(demo_data: DemoContext, tmp_path: Any) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(builders.as_docx(builders.reference()))
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= {
        "issuer",
        "doc_number",
        "title",
        "issued_on",
        "categories",
        "tasks",
        "warnings",
    }
    assert data["issued_on"] == "2019-08-15"
    assert data["tasks"][28]["co_units"] == ["公职所"]
    assert data["tasks"][0] == {
        "seq": 1,
        "category_seq": 1,
        "title": "",
        "requirement": "通过局官网、政务新媒体全面公开权责清单，方便群众获取和监督。",
        "lead_units": ["公职所", "办公室"],
        "co_units": [],
        "deadline": None,
        "deadline_text": "",
        "deadline_kind": "none",
        "notes": [],
    }
    assert Plan.objects.count() == 1
    with pytest.raises(CommandError, match="--user"):
        call_command("import_plan", str(path), stdout=io.StringIO())
    call_command(
        "import_plan",
        str(path),
        "--user",
        "coordinator",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Plan.objects.count() == 2
    assert UnitGroup.objects.filter(name="业务科室").exists()
