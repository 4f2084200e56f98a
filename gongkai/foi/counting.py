"""The annual report's table 三、收到和处理政府信息公开申请情况 (2021 format, RULES §3.4).

Each request counts once, in its applicant's column: as new in the year it was received, as
carried in when received earlier and still open on 1 January, under its outcome row in the year it
was closed, and as carried over when still open on 31 December. The table's own balance check
(一 + 二 = 三（七）总计 + 四) is returned with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from gongkai.accounts.models import Organ
from gongkai.foi.choices import ANNUAL_ROWS, ApplicantType, annual_row
from gongkai.foi.models import InfoRequest

COLUMNS = [c.value for c in ApplicantType]


@dataclass
class AnnualTable:
    year: int
    new: dict[str, int] = field(default_factory=dict)
    carried_in: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    carried_out: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """一 + 二 = 三（七）总计 + 四, for every column and for the totals."""
        return all(
            self.new[c] + self.carried_in[c] == self.total[c] + self.carried_out[c]
            for c in [*COLUMNS, "total"]
        )


def _received_on(request: InfoRequest) -> dt.date:
    return request.receipt_on or timezone.localtime(request.arrived_at).date()


def annual_table(organ: Organ, year: int) -> AnnualTable:
    """Compute the table for ``year`` from the organ's requests."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def zeros() -> dict[str, int]:
        return dict.fromkeys([*COLUMNS, "total"], 0)

    table = AnnualTable(
        year=year,
        new=zeros(),
        carried_in=zeros(),
        total=zeros(),
        carried_out=zeros(),
        outcomes={row: zeros() for row in ANNUAL_ROWS},
    )
    # Only the rows that can count this year: arrived by its end (receipt is never before
    # arrival) and not closed before it began.
    last_moment = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    requests = (
        InfoRequest.objects.filter(organ=organ, arrived_at__lte=last_moment)
        .exclude(~Q(outcome=""), replied_on__lt=start)
        .only("applicant_type", "receipt_on", "arrived_at", "outcome", "replied_on")
    )
    for request in requests.iterator(chunk_size=2000):
        received = _received_on(request)
        if received > end:
            continue
        closed = request.replied_on if request.outcome else None
        if closed is not None and closed < start:
            continue
        column = request.applicant_type
        bucket = table.new if received >= start else table.carried_in
        for key in (column, "total"):
            bucket[key] += 1
        if closed is not None and closed <= end:
            for key in (column, "total"):
                table.outcomes[annual_row(request.outcome)][key] += 1
                table.total[key] += 1
        else:
            for key in (column, "total"):
                table.carried_out[key] += 1
    return table
