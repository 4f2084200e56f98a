"""Calendar data (holidays and make-up days per year) and statutory clocks with their events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.workdays.choices import CalendarSource, ClockEventKind, ClockState, DayKind


class CalendarYear(models.Model):
    """A year whose calendar is known: seeded, or from the State Council's notice."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices)
    notice_title = models.CharField(_("通知标题"), max_length=200, blank=True)
    notice_text = models.TextField(_("通知原文"), blank=True)
    changed_at = models.DateTimeField(_("更新时间"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday work: a holiday, or a weekend day worked (调休)."""

    date = models.DateField(_("日期"), unique=True)
    notice_year = models.PositiveSmallIntegerField(_("所属通知年份"), db_index=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices)

    class Meta:
        verbose_name = _("特殊日期")
        verbose_name_plural = _("特殊日期")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class ClockQuerySet(models.QuerySet["Clock"]):
    def open(self) -> ClockQuerySet:
        return self.exclude(state=ClockState.STOPPED)

    def overdue(self, *, today: Any) -> ClockQuerySet:
        return self.filter(state__in=[ClockState.RUNNING, ClockState.OVERDUE], due_on__lt=today)


class Clock(models.Model):
    """A statutory deadline of some object (an information request, an enforcement decision …).

    ``due_on``, ``state`` and ``provisional`` are derived from the events and the calendar and
    stored so that lists can filter and sort by them; ``recompute_clock`` keeps them current.
    """

    organ = models.ForeignKey(
        "accounts.Organ", on_delete=models.PROTECT, related_name="clocks", verbose_name=_("机关")
    )
    purpose = models.CharField(_("期限事项"), max_length=100)
    basis = models.CharField(_("法律依据"), max_length=200, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("期限（工作日）"))
    max_extension_days = models.PositiveSmallIntegerField(_("最多延长（工作日）"), default=0)
    subject_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    due_on = models.DateField(_("届满日"), null=True, blank=True, db_index=True)
    provisional = models.BooleanField(_("暂定"), default=False, db_index=True)
    stopped_on = models.DateField(_("结束日"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["organ", "state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.due_on}"


class ClockEvent(models.Model):
    """One event in a clock's life. Append-only: a mistake is corrected by a later event."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=ClockEventKind.choices)
    on = models.DateField(_("日期"))
    days = models.PositiveSmallIntegerField(_("天数"), default=0)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("期限事件")
        verbose_name_plural = _("期限事件")
        ordering = ["clock", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
