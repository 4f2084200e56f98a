"""Parse the State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

Each item of the notice reads like
``二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
2月14日（周六）、2月28日（周六）上班。`` — a holiday name, a date range, ``共N天``, and the weekend
days that become working days. The parser checks what the notice itself states (the weekday in
brackets, the number of days, that make-up days are weekends) and names the line of any problem.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

# No single break in any notice since 2000 was longer than this (the longest: 9 days).
MAX_BREAK_DAYS = 15
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排")
_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]\s*)?"
    r"(?P<name>[^：:，,。\d（(]{2,30}?)\s*[：:]\s*(?P<body>.*\d.*)$"
)
# A date with optional year and month; the bracket after it may name the lunar date and weekday.
_DATE = r"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?:(?P<{p}m>\d{{1,2}})\s*月\s*)?(?P<{p}d>\d{{1,2}})\s*日"
_BRACKET = r"(?:\s*[（(](?P<{p}note>[^）)]*)[）)])?"
_RANGE = re.compile(
    _DATE.format(p="a")
    + _BRACKET.format(p="a")
    + r"(?:\s*(?:至|—|－|-|~|～)\s*"
    + _DATE.format(p="b")
    + _BRACKET.format(p="b")
    + r")?"
    + r"\s*放假"
)
_NUMBER = r"(\d+|[一二两三四五六七八九十]+)"
# "…放假调休，共9天" or "…放假1天"
_TOTAL = re.compile(r"^\s*" + _NUMBER + r"\s*天|共\s*" + _NUMBER + r"\s*天")
_MAKEUP_CLAUSE = re.compile(r"[。；;，,]\s*(?P<list>[^。；;]*?)\s*上班")
_SINGLE = re.compile(_DATE.format(p="s") + _BRACKET.format(p="s"))
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")


class NoticeError(ValueError):
    """A notice that cannot be imported; ``line`` is 1-based, 0 for the whole text."""

    def __init__(self, message: str, *, line: int = 0, text: str = "") -> None:
        self.reason = message
        self.line = line
        self.text = text
        prefix = _("第 %(n)d 行：") % {"n": line} if line else ""
        super().__init__(prefix + message + (f"（{text.strip()}）" if text else ""))


@dataclass
class NoticeItem:
    line: int
    name: str
    holidays: list[dt.date]
    makeup_days: list[dt.date]
    total_days: int | None


@dataclass
class ParsedNotice:
    year: int
    title: str
    items: list[NoticeItem] = field(default_factory=list)

    @property
    def holidays(self) -> dict[dt.date, str]:
        return {d: item.name for item in self.items for d in item.holidays}

    @property
    def makeup_days(self) -> dict[dt.date, str]:
        return {d: item.name for item in self.items for d in item.makeup_days}

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "makeup_workdays": [d.isoformat() for d in sorted(self.makeup_days)],
        }


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return CN_DIGITS.get(tens, 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[text]


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and colons into ASCII; keep the Chinese brackets apart.
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def _clean_name(name: str) -> str:
    name = re.sub(r"^[一二三四五六七八九十]+\s*[、.．]\s*", "", name.strip())
    return name.strip(" ，,")


def _make_date(
    year: str | None,
    month: str | None,
    day: str,
    *,
    default_year: int,
    default_month: int | None,
    line: int,
    raw: str,
) -> dt.date:
    if month is None and default_month is None:
        raise NoticeError(_("日期缺少月份"), line=line, text=raw)
    try:
        return dt.date(
            int(year) if year else default_year, int(month or default_month or 0), int(day)
        )
    except ValueError:
        raise NoticeError(_("日期不存在"), line=line, text=raw) from None


def _check_weekday(day: dt.date, note: str | None, *, line: int, raw: str) -> None:
    if not note:
        return
    match = _WEEKDAY.search(note)
    if match and WEEKDAYS[match.group(1)] != day.weekday():
        names = "一二三四五六日"
        raise NoticeError(
            _("%(date)s 是星期%(real)s，通知写的是“%(said)s”")
            % {
                "date": f"{day.month}月{day.day}日",
                "real": names[day.weekday()],
                "said": match.group(0),
            },
            line=line,
            text=raw,
        )


def _parse_item(raw: str, line: int, year: int) -> NoticeItem | None:
    match = _ITEM.match(raw)
    if not match:
        return None
    name, body = _clean_name(match.group("name")), match.group("body")
    span = _RANGE.search(body)
    if span is None:
        if "放假" in body or "上班" in body:
            raise NoticeError(_("无法识别放假日期"), line=line, text=raw)
        return None
    g = span.groupdict()
    # 元旦 may begin in December of the year before (12月30日至1月1日); other dates without a
    # year belong to the notice's year.
    new_year_item = name.startswith("元旦")

    def year_of(explicit: str | None, month: str | None) -> str:
        if explicit:
            return explicit
        return str(year - 1 if new_year_item and month and int(month) == 12 else year)

    start = _make_date(
        year_of(g["ay"], g["am"]),
        g["am"],
        g["ad"],
        default_year=year,
        default_month=None,
        line=line,
        raw=raw,
    )
    _check_weekday(start, g["anote"], line=line, raw=raw)
    end = start
    if g["bd"]:
        end_month = int(g["bm"]) if g["bm"] else start.month
        if g["by"]:
            end_year = int(g["by"])
        elif end_month < start.month:
            end_year = start.year + 1  # 12月31日至1月1日
        else:
            end_year = start.year
        end = _make_date(
            str(end_year),
            str(end_month),
            g["bd"],
            default_year=year,
            default_month=start.month,
            line=line,
            raw=raw,
        )
        _check_weekday(end, g["bnote"], line=line, raw=raw)
    if end < start:
        raise NoticeError(_("放假结束日期早于开始日期"), line=line, text=raw)
    if (end - start).days + 1 > MAX_BREAK_DAYS:
        raise NoticeError(
            _("放假日期范围超过 %(n)d 天，请核对") % {"n": MAX_BREAK_DAYS}, line=line, text=raw
        )
    if "与周末连休" in body:
        # The break runs into the adjacent weekend, which the notice counts as part of it.
        while (start - dt.timedelta(days=1)).weekday() >= 5:
            start -= dt.timedelta(days=1)
        while (end + dt.timedelta(days=1)).weekday() >= 5:
            end += dt.timedelta(days=1)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    total_match = _TOTAL.search(body[span.end() :])
    total = _cn_number(total_match.group(1) or total_match.group(2)) if total_match else None
    if total is not None and total != len(days):
        raise NoticeError(
            _("“共%(n)d天”与日期范围（%(m)d 天）不符") % {"n": total, "m": len(days)},
            line=line,
            text=raw,
        )
    makeup: list[dt.date] = []
    rest = body[span.end() :]
    for clause in _MAKEUP_CLAUSE.finditer(rest):
        month: int | None = None
        for single in _SINGLE.finditer(clause.group("list")):
            s = single.groupdict()
            day = _make_date(
                year_of(s["sy"], s["sm"] or (str(month) if month else None)),
                s["sm"],
                s["sd"],
                default_year=year,
                default_month=month,
                line=line,
                raw=raw,
            )
            month = day.month
            _check_weekday(day, s["snote"], line=line, raw=raw)
            if day.weekday() < 5:
                raise NoticeError(
                    _("调休上班日 %(date)s 不是周末") % {"date": f"{day.month}月{day.day}日"},
                    line=line,
                    text=raw,
                )
            makeup.append(day)
    return NoticeItem(line=line, name=name, holidays=days, makeup_days=makeup, total_days=total)


def parse_notice(text: str, *, year: int | None = None) -> ParsedNotice:
    """Parse a holiday notice; raise ``NoticeError`` naming the first bad line."""
    originals = text.splitlines()
    lines = [_normalise(line) for line in originals]
    title = next(
        (o.strip() for o, ln in zip(originals, lines, strict=True) if _TITLE_YEAR.search(ln)), ""
    )
    if year is None:
        found = _TITLE_YEAR.search(_normalise(text))
        if found is None:
            raise NoticeError(
                _("未找到通知年份：应包含“关于XXXX年部分节假日安排的通知”，或另行指定年份")
            )
        year = int(found.group(1))
    notice = ParsedNotice(year=year, title=title)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or _TITLE_YEAR.search(raw):
            continue
        try:
            item = _parse_item(raw, number, year)
        except NoticeError as exc:
            # Show the line as the user wrote it, not as normalised for parsing.
            raise NoticeError(exc.reason, line=number, text=originals[number - 1]) from None
        if item is not None:
            notice.items.append(item)
    if not notice.items:
        raise NoticeError(_("未找到任何节日放假安排（如“一、元旦：1月1日放假……”）"))
    seen: dict[dt.date, int] = {}
    for item in notice.items:
        for day in item.holidays + item.makeup_days:
            if day in seen:
                raise NoticeError(
                    _("%(date)s 在第 %(other)d 行已出现")
                    % {"date": day.isoformat(), "other": seen[day]},
                    line=item.line,
                )
            seen[day] = item.line
    return notice
