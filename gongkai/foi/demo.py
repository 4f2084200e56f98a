"""Demo information requests: one in each state a handler meets, all through the services
(so each has its clock, letters and audit trail), dated back from today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.accounts.choices import Role
from gongkai.accounts.validators import credit_code_check_char
from gongkai.core.demo import DemoContext
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.models import InfoRequest
from gongkai.foi.validators import resident_id_check_char
from gongkai.workdays.selectors import get_calendar


def _resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


APPLICANTS: list[dict[str, Any]] = [
    {
        "applicant_type": "natural",
        "name": "李明",
        "id_type": "resident_id",
        "id_number": _resident_id("44200019850312241"),
        "phone": "13800000001",
        "email": "liming@example.com",
        "address": "中山市石岐街道",
    },
    {
        "applicant_type": "legal_service",
        "name": "广东某某律师事务所",
        "id_type": "credit_code",
        "id_number": "31440000MD0123456" + credit_code_check_char("31440000MD0123456"),
        "phone": "0760-88000000",
        "email": "office@example.com",
        "address": "中山市东区",
    },
]
INFO = [
    ("2025年本局行政处罚决定书", "中司罚〔2025〕3号"),
    ("2026年律师事务所年度检查考核结果", ""),
    ("本局2025年部门决算", ""),
    ("公证机构执业区域调整的请示", ""),
]


def load(context: DemoContext) -> None:
    organ, users = context.organ, context.users
    if organ is None or InfoRequest.objects.filter(organ=organ).exists():
        return
    coordinator = users[Role.COORDINATOR]
    calendar = get_calendar()
    today = today_local()

    def back(days: int) -> Any:
        """The working day ``days`` working days before today (today itself for 0)."""
        day = today
        while days > 0:
            day -= dt.timedelta(days=1)
            if calendar.is_working_day(day):
                days -= 1
        return day

    def intake(n: int, applicant: dict[str, Any], received_days_ago: int) -> Any:
        title, number = INFO[n % len(INFO)]
        request, _code = services.intake(
            organ,
            actor=coordinator,
            channel="in_person",
            arrived_on=back(received_days_ago),
            **applicant,
            info_title=title,
            info_doc_number=number,
            info_description="",
            provision_form="electronic",
            delivery="email",
        )
        return request

    office = organ.units.filter(name="办公室").first()
    fresh = intake(0, APPLICANTS[0], 2)
    if office is not None:
        services.assign(fresh, actor=coordinator, unit=office)
    clarifying = intake(1, APPLICANTS[1], 3)
    services.request_clarification(
        clarifying,
        actor=coordinator,
        on=back(1),
        what="请写明所需考核结果的律师事务所名称或年度。",
        days=10,
    )
    consulting = intake(2, APPLICANTS[0], 5)
    services.start_consultation(
        consulting, actor=coordinator, on=back(2), party="中山市财政局", kind="organ"
    )
    intake(3, APPLICANTS[0], 17)  # due within 3 working days
    intake(3, APPLICANTS[1], 22)  # left unanswered: overdue
    replied = intake(0, APPLICANTS[1], 12)
    services.reply(
        replied,
        actor=coordinator,
        on=back(2),
        outcome="1",
        text="所申请的行政处罚决定书已通过电子邮件发送，请查收。",
    )
    # A reply that discloses is reviewed and signed before it is sent (条例 第十七条).
    services.review_reply(
        replied,
        actor=users[Role.REVIEWER],
        opinion="经审查，拟公开内容不涉及国家秘密、商业秘密和个人隐私，同意公开。",
    )
    services.sign_reply(replied, actor=users[Role.LEADER], on=back(2))
    reviewing = intake(2, APPLICANTS[1], 6)
    services.reply(
        reviewing,
        actor=coordinator,
        on=back(1),
        outcome="2",
        text="本局2025年部门决算已公开；其中涉及个人信息的部分不予公开。",
    )
    context.stdout.write(
        "已载入 7 件依申请公开示例（办理中、待补正、征求意见中、即将到期、已超期、"
        "答复审签中、已答复）。"
    )
