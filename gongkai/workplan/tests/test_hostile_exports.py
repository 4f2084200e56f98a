"""The plan's exports (progress .xlsx and .docx, plan .xlsx) with whatever text was stored: they
are always written, and no text cell is or can become a formula."""

from __future__ import annotations

import io

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import staff_client
from gongkai.core.demo import DemoContext
from gongkai.lib.tests.readback import xlsx_texts
from gongkai.lib.text import xml_text
from gongkai.workplan.choices import ReviewStatus
from gongkai.workplan.models import Plan, ProgressReport, Task

pytestmark = pytest.mark.django_db


def _visible(text: str) -> str:
    """The text as written, but for whitespace (each format stores line breaks its own way)."""
    return "".join(xml_text(text).split())


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
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=stored, requirement=stored, progress=stored)
def test_exports_are_written_whatever_was_stored(
    demo_data: DemoContext, title: str, requirement: str, progress: str
) -> None:
    """Written with raw updates: text stored before the boundaries normalised it."""
    plan = Plan.objects.get()
    Plan.objects.filter(pk=plan.pk).update(title=title)
    task = Task.objects.filter(plan=plan).order_by("seq").first()
    assert task is not None
    Task.objects.filter(pk=task.pk).update(title=title, requirement=requirement)
    ProgressReport.objects.filter(task__plan=plan).update(
        text=progress, review_status=ReviewStatus.ACCEPTED
    )
    client = staff_client("leader")
    for kind in ("progress.xlsx", "plan.xlsx"):
        response = client.get(f"/staff/plans/{plan.pk}/export/{kind}")
        assert response.status_code == 200
        texts = [_visible(t) for t in xlsx_texts(response.content)]
        assert _visible(requirement) in texts or not _visible(requirement)
    document = docx.Document(
        io.BytesIO(client.get(f"/staff/plans/{plan.pk}/export/progress.docx").content)
    )
    cells = [_visible(c.text) for row in document.tables[0].rows for c in row.cells]
    assert _visible(requirement) in cells


def test_a_formula_in_a_task_reads_back_as_text(demo_data: DemoContext) -> None:
    plan = Plan.objects.get()
    Plan.objects.filter(pk=plan.pk).update(title="=1+1")
    Task.objects.filter(plan=plan, seq=1).update(requirement='=HYPERLINK("http://evil","x")')
    client = staff_client("leader")
    for kind in ("progress.xlsx", "plan.xlsx"):
        texts = xlsx_texts(client.get(f"/staff/plans/{plan.pk}/export/{kind}").content)
        assert '=HYPERLINK("http://evil","x")' in texts
