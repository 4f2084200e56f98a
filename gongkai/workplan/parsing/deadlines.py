"""Turn a plan's 时限 text into a due date, "ongoing", or a flag for the coordinator."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DeadlineKind = Literal["none", "date", "ongoing", "unparsed"]

_ONGOING = re.compile(r"持续|长期|常态|经常性|每年|每月|每季度|日常")
_NUMERIC = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
_FULL = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_END = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:底|末|份|内|前|$)")
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}
_QUARTER_RE = re.compile(r"第?([一二三四1234])季度")


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_on: dt.date | None
    text: str

    @property
    def needs_review(self) -> bool:
        return self.kind == "unparsed"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str, *, plan_year: int) -> Deadline:
    """Parse 年底前 / 6月底前 / 2019年9月30日前 / 上半年 / 第三季度 / 持续推进 …"""
    raw = text.strip()
    if not raw:
        return Deadline("none", None, "")
    compact = re.sub(r"\s+", "", raw)
    year_match = re.search(r"(\d{4})\s*年", compact)
    year = int(year_match.group(1)) if year_match else plan_year
    try:
        if numeric := _NUMERIC.search(compact):
            return Deadline(
                "date",
                dt.date(int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))),
                raw,
            )
        if full := _FULL.search(compact):
            year = int(full.group(1) or plan_year)
            return Deadline("date", dt.date(year, int(full.group(2)), int(full.group(3))), raw)
        if re.search(r"年底|年末|年内|全年完成|12月底", compact):
            return Deadline("date", dt.date(year, 12, 31), raw)
        if "上半年" in compact:
            return Deadline("date", dt.date(year, 6, 30), raw)
        if "下半年" in compact:
            return Deadline("date", dt.date(year, 12, 31), raw)
        if quarter := _QUARTER_RE.search(compact):
            return Deadline("date", _month_end(year, _QUARTER[quarter.group(1)]), raw)
        if month := _MONTH_END.search(compact):
            year = int(month.group(1) or plan_year)
            return Deadline("date", _month_end(year, int(month.group(2))), raw)
    except ValueError:
        pass
    if _ONGOING.search(compact):
        return Deadline("ongoing", None, raw)
    return Deadline("unparsed", None, raw)
