"""The State Council notice parses to that year's calendar, or is refused naming the bad line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants

from gongkai.workdays.notice import NoticeError, parse_notice

D = dt.date
NOTICES = Path(__file__).parent / "notices"


def _text(year: int | str) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2019, 2025, 2026])
def test_notice_matches_the_package_data(year: int) -> None:
    notice = parse_notice(_text(year))
    assert notice.year == year
    package_holidays = {d for d in constants.holidays if d.year == year}
    package_makeup = {d for d in constants.workdays if d.year == year}
    in_year = {d for d in notice.holidays if d.year == year}
    assert in_year == package_holidays
    assert {d for d in notice.makeup_days if d.year == year} == package_makeup


def test_2026_json_is_exactly_the_package_2026_data() -> None:
    data = parse_notice(_text(2026)).as_json()
    assert data["year"] == 2026
    assert data["holidays"] == sorted(d.isoformat() for d in constants.holidays if d.year == 2026)
    assert data["makeup_workdays"] == sorted(
        d.isoformat() for d in constants.workdays if d.year == 2026
    )


def test_new_year_across_the_turn_of_the_year() -> None:
    notice = parse_notice(_text(2019))
    assert notice.holidays[dt.date(2018, 12, 30)] == "元旦"
    assert dt.date(2018, 12, 29) in notice.makeup_days


def test_joined_holiday_names_and_single_day_forms() -> None:
    notice = parse_notice(_text(2025))
    assert notice.holidays[dt.date(2025, 10, 6)] == "国庆节、中秋节"
    assert [d for d, n in notice.holidays.items() if n == "元旦"] == [dt.date(2025, 1, 1)]


def test_half_width_punctuation_and_weekday_spellings() -> None:
    text = (
        "国务院办公厅关于2026年部分节假日安排的通知\n"
        "一、元旦:1月1日(星期四)至3日(星期六)放假调休,共3天。1月4日(星期天)上班。\n"
    )
    notice = parse_notice(text)
    assert sorted(notice.holidays) == [dt.date(2026, 1, d) for d in (1, 2, 3)]
    assert list(notice.makeup_days) == [dt.date(2026, 1, 4)]


@pytest.mark.parametrize(
    ("wrong", "right", "line", "message"),
    [
        ("1月4日（周日）上班", "1月4日（周一）上班", 6, "是星期日，通知写的是“周一”"),
        ("放假调休，共9天", "放假调休，共8天", 7, "“共8天”与日期范围（9 天）不符"),
        ("5月9日（周六）上班", "5月8日上班", 9, "调休上班日 5月8日 不是周末"),
        ("4月4日（周六）至6日（周一）", "4月4日（周六）至2日", 8, "结束日期早于开始日期"),
        ("2月15日（农历", "2月30日（农历", 7, "日期不存在"),
    ],
)
def test_malformed_lines_are_named(wrong: str, right: str, line: int, message: str) -> None:
    text = _text(2026)
    assert wrong in text
    with pytest.raises(NoticeError) as error:
        parse_notice(text.replace(wrong, right, 1))
    assert error.value.line == line
    assert f"第 {line} 行" in str(error.value)
    assert message in str(error.value)


def test_text_without_items_or_year_is_refused() -> None:
    with pytest.raises(NoticeError, match="未找到通知年份"):
        parse_notice("一、元旦：1月1日放假。")
    with pytest.raises(NoticeError, match="未找到任何节日放假安排"):
        parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n各地区各部门：请遵照执行。")
    assert parse_notice("一、元旦：1月1日（周四）放假1天。", year=2026).holidays == {
        dt.date(2026, 1, 1): "元旦"
    }


def test_new_year_in_december_without_years() -> None:
    notice = parse_notice(
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。\n"
    )
    assert sorted(notice.holidays) == [D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1)]
    assert list(notice.makeup_days) == [D(2018, 12, 29)]
    joined = parse_notice("一、元旦：12月31日放假，与周末连休。", year=2024)
    assert sorted(joined.holidays) == [D(2023, 12, 30), D(2023, 12, 31)]


def test_implausibly_long_breaks_are_refused() -> None:
    with pytest.raises(NoticeError, match="超过 15 天"):
        parse_notice("一、春节：1月1日至2月28日放假，共59天。", year=2026)
