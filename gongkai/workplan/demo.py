"""Demo content of the work-plan tracker: the reference plan, imported as the coordinator."""

from __future__ import annotations

from pathlib import Path

from gongkai.accounts.choices import Role
from gongkai.core.demo import DemoContext
from gongkai.lib.documents import document_text
from gongkai.workplan.importing import import_plan
from gongkai.workplan.models import Plan
from gongkai.workplan.parsing.plan import parse_plan
from gongkai.workplan.parsing.sources import read_blocks

# The reference plan ships with the demo so that a fresh clone has it without ../shared/.
REFERENCE_PLAN = Path(__file__).resolve().parent / "demo_data" / "zhongshan_2019_plan.txt"


def load(context: DemoContext) -> None:
    organ = context.organ
    coordinator = context.users.get(Role.COORDINATOR)
    if organ is None or coordinator is None or Plan.objects.filter(organ=organ).exists():
        return
    data = REFERENCE_PLAN.read_bytes()
    parsed = parse_plan(read_blocks(data))
    plan = import_plan(
        organ,
        parsed,
        actor=coordinator,
        source_name=REFERENCE_PLAN.name,
        source_text=document_text(data),
    )
    context.stdout.write(
        f"已导入示例方案：{plan.title}（{plan.categories.count()} 个类别，"
        f"{plan.tasks.count()} 项任务）\n"
    )
