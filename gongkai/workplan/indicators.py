"""Indicator registry: automatic measures that modules offer for tasks.

A module registers a function that computes a value for a task (for example "share of
information requests answered on time" for the 依申请公开 task); a coordinator attaches it to a
task, and the task page shows the live value beside the units' own reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.workplan.models import Task


@dataclass(frozen=True)
class IndicatorValue:
    value: str
    detail: str = ""
    ok: bool | None = None  # None: no judgement, True: meets the target, False: does not


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    description: str
    compute: Callable[[Task, dt.date], IndicatorValue]


_REGISTRY: dict[str, Indicator] = {}


def register(
    key: str, *, label: str, description: str = ""
) -> Callable[
    [Callable[[Task, dt.date], IndicatorValue]], Callable[[Task, dt.date], IndicatorValue]
]:
    """Decorator: offer ``compute(task, today)`` as the indicator ``key``."""

    def wrap(
        compute: Callable[[Task, dt.date], IndicatorValue],
    ) -> Callable[[Task, dt.date], IndicatorValue]:
        _REGISTRY[key] = Indicator(key, label, description, compute)
        return compute

    return wrap


def available() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: i.key)


def get(key: str) -> Indicator | None:
    return _REGISTRY.get(key)


def values_for(task: Task, *, today: dt.date) -> list[tuple[Indicator, IndicatorValue]]:
    """Return the live values of the indicators attached to ``task``."""
    result = []
    for link in task.indicators.all():
        indicator = _REGISTRY.get(link.key)
        if indicator is None:
            continue
        try:
            value = indicator.compute(task, today)
        except Exception as exc:
            value = IndicatorValue(_("无法计算"), str(exc), None)
        result.append((indicator, value))
    return result


@register(
    "workplan.on_time_reporting",
    label="按时报送率",
    description="牵头单位在各已截止报送周期内按时报送进展的比例。",
)
def on_time_reporting(task: Task, today: dt.date) -> IndicatorValue:
    closed = [c for c in task.plan.cycles.all() if c.closes_on < today]
    leads = [a for a in task.assignments.all() if a.role == "lead"]
    expected = len(closed) * len(leads)
    if not expected:
        return IndicatorValue("—", _("尚无已截止的报送周期"))
    on_time = 0
    for cycle in closed:
        for assignment in leads:
            if assignment.reports.filter(
                cycle=cycle, submitted_at__date__lte=cycle.closes_on
            ).exists():
                on_time += 1
    share = on_time * 100 // expected
    return IndicatorValue(
        f"{share}%", _("%(n)d / %(m)d 次按时报送") % {"n": on_time, "m": expected}, share == 100
    )


@register(
    "core.audit_chain",
    label="审计日志完整性",
    description="审计日志哈希链是否完好（保密审查与操作留痕）。",
)
def audit_chain(task: Task, today: dt.date) -> IndicatorValue:
    from gongkai.core.models import AuditEvent

    last = AuditEvent.objects.filter(
        action__in=["core.audit.verified", "core.audit.verification_failed"]
    ).first()
    if last is None:
        return IndicatorValue(_("未校验"), _("请运行 gongkai verify_audit 或后台校验任务"))
    ok = last.action == "core.audit.verified"
    return IndicatorValue(
        _("完好") if ok else _("异常"),
        _("最近校验：%(at)s") % {"at": f"{timezone.localtime(last.created_at):%Y-%m-%d %H:%M}"},
        ok,
    )
