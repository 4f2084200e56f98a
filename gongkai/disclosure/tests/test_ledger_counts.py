"""The 规范性文件台账's yearly counts (RULES §3.3, §10): a document lapses on the day it is
repealed or expires — by its status or by its 失效日期 alone — and every year balances:
现行有效 at the start + 本年制发 − (本年废止 + 本年失效) = 现行有效 at the end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.disclosure import ledger
from gongkai.disclosure.models import NormativeDocument

pytestmark = pytest.mark.django_db
D = dt.date


def _doc(world: Any, n: int, issued_on: dt.date, **fields: Any) -> NormativeDocument:
    return NormativeDocument.objects.create(
        organ=world.organ,
        title=f"办法{n}",
        doc_number=f"中司规〔{issued_on.year}〕{n}号",
        drafting_unit=world.own_unit,
        issued_on=issued_on,
        effective_on=fields.pop("effective_on", issued_on),
        **fields,
    )


def _balances(counts: dict[str, int]) -> bool:
    start, end = counts["current_at_start"], counts["current"]
    return start + counts["issued"] - (counts["repealed"] + counts["expired"]) == end


# (issued_on, expires_on, status, status_changed_on), year → (issued, repealed, expired, current)
BOUNDARIES = [
    pytest.param(
        (D(2020, 3, 1), D(2024, 12, 31), "valid", None), 2024, (0, 0, 1, 0), id="expires-12-31"
    ),
    pytest.param(
        (D(2020, 3, 1), D(2025, 1, 1), "valid", None), 2024, (0, 0, 0, 1), id="expires-01-01"
    ),
    pytest.param(
        (D(2020, 3, 1), D(2025, 1, 1), "valid", None), 2025, (0, 0, 1, 0), id="expired-01-01"
    ),
    pytest.param(
        (D(2024, 2, 1), D(2024, 11, 30), "valid", None), 2024, (1, 0, 1, 0), id="same-year"
    ),
    pytest.param(
        (D(2020, 3, 1), D(2025, 3, 1), "repealed", D(2023, 6, 1)),
        2023,
        (0, 1, 0, 0),
        id="repealed-before-expiry",
    ),
    pytest.param(
        (D(2020, 3, 1), D(2025, 3, 1), "repealed", D(2023, 6, 1)),
        2025,
        (0, 0, 0, 0),
        id="repealed-not-expired-again",
    ),
    pytest.param(
        (D(2020, 3, 1), D(2023, 3, 1), "repealed", D(2024, 6, 1)),
        2023,
        (0, 0, 1, 0),
        id="repealed-after-it-had-expired",
    ),
    pytest.param(
        (D(2020, 3, 1), D(2023, 3, 1), "expired", D(2023, 3, 1)),
        2023,
        (0, 0, 1, 0),
        id="expired-by-the-daily-job",
    ),
    pytest.param(
        (D(2020, 3, 1), D(2026, 3, 1), "amended", D(2023, 6, 1)),
        2023,
        (0, 0, 0, 1),
        id="amended-stays-in-force",
    ),
    pytest.param(
        (D(2020, 3, 1), None, "repealed", D(2020, 12, 31)),
        2020,
        (1, 1, 0, 0),
        id="issued-and-repealed-same-year",
    ),
]


@pytest.mark.parametrize(("document", "year", "expected"), BOUNDARIES)
def test_yearly_counts_at_the_boundaries(
    world: Any, document: tuple[Any, ...], year: int, expected: tuple[int, ...]
) -> None:
    issued_on, expires_on, status, changed_on = document
    _doc(
        world,
        1,
        issued_on,
        expires_on=expires_on,
        status=status,
        status_changed_on=changed_on,
    )
    counts = ledger.yearly_counts(world.organ, year)
    assert (counts["issued"], counts["repealed"], counts["expired"], counts["current"]) == expected
    assert _balances(counts)
    assert counts["current_at_start"] == ledger.yearly_counts(world.organ, year - 1)["current"]


days = st.dates(min_value=D(2016, 1, 1), max_value=D(2032, 12, 31))
documents = st.lists(
    st.tuples(
        days,  # issued on
        st.integers(0, 90),  # effective after
        st.none() | st.integers(1, 3000),  # expires after (None: no 失效日期)
        st.sampled_from(["valid", "repealed", "expired", "amended"]),
        st.none() | days,  # status changed on (any day, even one before the document)
    ),
    max_size=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger_rows=documents, year=st.integers(2015, 2034))
def test_every_year_balances(world: Any, ledger_rows: list[tuple[Any, ...]], year: int) -> None:
    """Whatever the ledger holds: the year's start (last year's end) plus the documents issued,
    minus those repealed and those expired in the year, is the year's end; the end is the
    documents in force on 12-31 (issued, not past their 失效日期, not repealed or expired by
    then); and a document is counted out at most once, in one year."""
    end = D(year, 12, 31)
    in_force = 0  # on the last day of the year, said plainly
    with transaction.atomic():
        for n, (issued_on, after, lasts, status, changed_on) in enumerate(ledger_rows):
            effective_on = issued_on + dt.timedelta(days=after)
            expires_on = effective_on + dt.timedelta(days=lasts) if lasts else None
            _doc(
                world,
                n,
                issued_on,
                effective_on=effective_on,
                expires_on=expires_on,
                status=status,
                status_changed_on=changed_on,
            )
            ended = status in ("repealed", "expired") and changed_on is not None
            in_force += (
                issued_on <= end
                and (expires_on is None or expires_on > end)
                and not (ended and changed_on <= end)
            )
        before = ledger.yearly_counts(world.organ, year - 1)
        counts = ledger.yearly_counts(world.organ, year)
        assert counts["current_at_start"] == before["current"]
        assert _balances(counts)
        assert counts["current"] == in_force
        assert min(counts.values()) >= 0
        lapsed = [ledger.yearly_counts(world.organ, y) for y in range(2015, 2045)]
        assert sum(c["repealed"] + c["expired"] for c in lapsed) <= len(ledger_rows)
        transaction.set_rollback(True)


def test_a_status_change_cannot_predate_the_document(world: Any) -> None:
    doc = _doc(world, 1, D(2024, 3, 1), expires_on=D(2029, 3, 1))
    with pytest.raises(InvalidInput, match="不能早于印发日期"):
        ledger.change_document_status(
            doc, actor=world.users[Role.COORDINATOR], status="repealed", on=D(2024, 2, 29)
        )
