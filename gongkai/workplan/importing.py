"""Save a parsed plan: resolve unit names (remembering mappings as aliases), create the plan."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts import services as accounts
from gongkai.accounts.choices import UnitKind
from gongkai.accounts.models import Organ, Unit, UnitGroup
from gongkai.accounts.permissions import Action, require
from gongkai.accounts.selectors import resolve_unit_name
from gongkai.core.audit import record_event
from gongkai.workplan.choices import CycleKind, DeadlineKind, UnitRole
from gongkai.workplan.errors import UnresolvedUnits
from gongkai.workplan.models import Category, Cycle, Plan, Task, TaskUnit
from gongkai.workplan.parsing.plan import ParsedPlan

Target = Unit | UnitGroup
NEW_UNIT = "new"


def _city_prefix(organ: Organ) -> str:
    match = re.match(r"^(.{1,8}?[省市县区州盟旗])", organ.name)
    return match.group(1) if match else ""


def resolve_name(organ: Organ, name: str) -> Target | None:
    """Find the unit or group a plan means by ``name``, trying the usual 市/城市 prefixes."""
    candidates = [name]
    city = _city_prefix(organ)
    bare = name[1:] if name.startswith("市") else name
    candidates += [bare, f"市{bare}"]
    if city:
        candidates += [f"{city}{bare}", name.removeprefix(city)]
    for candidate in dict.fromkeys(c for c in candidates if c):
        found = resolve_unit_name(organ, candidate)
        if found is not None:
            return found
    return None


def plan_unit_names(parsed: ParsedPlan) -> list[str]:
    """Return every unit name the plan writes, in order of first appearance."""
    names: dict[str, None] = {}
    for task in parsed.tasks:
        for name in (*task.lead_units, *task.co_units):
            names.setdefault(name, None)
    return list(names)


def resolve_names(organ: Organ, parsed: ParsedPlan) -> dict[str, Target | None]:
    """Return ``{name as written: unit or group or None}`` for the plan's names."""
    return {name: resolve_name(organ, name) for name in plan_unit_names(parsed)}


@dataclass(frozen=True)
class CycleSpec:
    title: str
    starts_on: dt.date
    closes_on: dt.date


def default_cycles(kind: str, *, year: int, start: dt.date | None) -> list[CycleSpec]:
    """Return the reporting cycles of a plan's year from its start (months or quarters)."""
    start = start if start and start.year == year else dt.date(year, 1, 1)
    specs = []
    if kind == CycleKind.MONTHLY:
        for month in range(1, 13):
            end = dt.date(year, month, calendar.monthrange(year, month)[1])
            if end >= start:
                specs.append(
                    CycleSpec(_("%(m)d月") % {"m": month}, max(start, dt.date(year, month, 1)), end)
                )
    else:
        for quarter in range(1, 5):
            first = dt.date(year, quarter * 3 - 2, 1)
            end = dt.date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
            if end >= start:
                specs.append(
                    CycleSpec(
                        _("第%(q)s季度") % {"q": "一二三四"[quarter - 1]}, max(start, first), end
                    )
                )
    return specs


def _create_missing(organ: Organ, name: str, actor: Any) -> Unit:
    return accounts.create_unit(organ, actor=actor, name=name, kind=UnitKind.OTHER)


@transaction.atomic
def import_plan(
    organ: Organ,
    parsed: ParsedPlan,
    *,
    actor: Any,
    source_name: str = "",
    source_text: str = "",
    mapping: Mapping[str, Target | str] | None = None,
    create_missing: bool = False,
    cycle_kind: str = CycleKind.QUARTERLY,
) -> Plan:
    """Create a plan with its categories, tasks, units and reporting cycles.

    ``mapping`` maps a name as written to an existing unit or group (remembered as an alias so
    next year's plan resolves it) or to ``"new"`` (create a unit of that name). Names that stay
    unresolved refuse the import, naming them.
    """
    require(actor, Action.COORDINATE, organ=organ)
    mapping = mapping or {}
    resolved = resolve_names(organ, parsed)
    missing = []
    for name, target in list(resolved.items()):
        chosen = mapping.get(name)
        if isinstance(chosen, Unit | UnitGroup):
            if chosen.organ_id != organ.pk:
                raise UnresolvedUnits(details={"names": [name]})
            if target is None:
                accounts.add_unit_alias(chosen, actor=actor, alias=name)
            resolved[name] = chosen
        elif chosen == NEW_UNIT or (target is None and create_missing):
            resolved[name] = target or _create_missing(organ, name, actor)
        elif target is None:
            missing.append(name)
    if missing:
        raise UnresolvedUnits(
            _("以下名称未对应到本机关的单位或单位组：%(names)s") % {"names": "、".join(missing)},
            details={"names": missing},
        )
    plan = Plan.objects.create(
        organ=organ,
        year=parsed.year or dt.date.today().year,  # noqa: DTZ011 - parser always sets a year
        title=(parsed.plan_title or parsed.title or source_name)[:200],
        notice_title=parsed.title[:300],
        issuer=parsed.issuer[:100],
        doc_number=parsed.doc_number[:60],
        issued_on=parsed.issued_on,
        recipients=parsed.recipients,
        basis=parsed.basis,
        cycle_kind=cycle_kind,
        source_name=source_name[:255],
        source_text=source_text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    categories = {
        c.seq: Category.objects.create(plan=plan, seq=c.seq, title=c.title[:200])
        for c in parsed.categories
    }
    assignments: list[TaskUnit] = []
    for order, item in enumerate(parsed.tasks, start=1):
        task = Task.objects.create(
            plan=plan,
            category=categories.get(item.category_seq) if item.category_seq else None,
            seq=item.seq,
            sort_order=order * 10,
            title=item.title[:300],
            requirement=item.requirement,
            deadline_kind=item.deadline_kind or DeadlineKind.NONE,
            due_on=item.deadline,
            deadline_text=item.deadline_text[:200],
            notes="\n".join(item.notes),
        )
        for role, names in ((UnitRole.LEAD, item.lead_units), (UnitRole.CO, item.co_units)):
            for name in names:
                target = resolved[name]
                note = next((n for n in item.notes if n.startswith(name)), "")
                assignments.append(
                    TaskUnit(
                        task=task,
                        role=role,
                        written_as=name[:100],
                        note=note[:200],
                        unit=target if isinstance(target, Unit) else None,
                        group=target if isinstance(target, UnitGroup) else None,
                    )
                )
    TaskUnit.objects.bulk_create(assignments)
    for seq, spec in enumerate(
        default_cycles(cycle_kind, year=plan.year, start=parsed.issued_on), start=1
    ):
        Cycle.objects.create(
            plan=plan, seq=seq, title=spec.title, starts_on=spec.starts_on, closes_on=spec.closes_on
        )
    record_event(
        "workplan.plan.imported",
        actor=actor,
        obj=plan,
        changes={
            "source": source_name,
            "doc_number": plan.doc_number,
            "year": plan.year,
            "categories": len(categories),
            "tasks": len(parsed.tasks),
            "warnings": parsed.warnings,
        },
    )
    return plan
