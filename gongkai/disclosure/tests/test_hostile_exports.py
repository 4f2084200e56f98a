"""The 规范性文件台账 export with whatever text was stored: always written, never a formula."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.accounts.choices import Role
from gongkai.disclosure import ledger
from gongkai.disclosure.models import NormativeDocument
from gongkai.lib.tests.readback import xlsx_texts
from gongkai.lib.text import xml_text

pytestmark = pytest.mark.django_db

# Stored text: anything but NUL, which PostgreSQL never stored and SQLite no longer gets.
stored = st.one_of(
    st.text(
        st.one_of(
            st.characters(codec="utf-8", exclude_characters="\x00"),
            st.sampled_from("\x1b\x0b\x08\r\x85\ufffe"),
        ),
        min_size=1,
        max_size=30,
    ),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(["=", "+", "-", "@", "\t", '=HYPERLINK("http://x","点此")']),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
    ),
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=stored, registration=stored)
def test_the_ledger_is_written_whatever_was_stored(
    world: Any, title: str, registration: str
) -> None:
    doc = NormativeDocument.objects.filter(organ=world.organ).first() or ledger.register_document(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        title="律师执业管理办法",
        doc_number="中司规〔2019〕1号",
        drafting_unit=world.own_unit,
        issued_on=dt.date(2019, 3, 1),
        effective_on=dt.date(2019, 4, 1),
    )
    NormativeDocument.objects.filter(pk=doc.pk).update(title=title, registration_no=registration)
    texts = xlsx_texts(ledger.ledger_xlsx(world.organ))
    for value in (title, registration):
        assert xml_text(value).replace("\r", "\n") in [t.replace("\r", "\n") for t in texts] or (
            not xml_text(value)
        )
