"""The public site with whatever text was stored: feeds stay well-formed XML and pages carry
nothing XML cannot (the public templates' ``finalize`` drops it from every printed value)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.models import DisclosureItem, item_url
from gongkai.disclosure.tests.test_workflow import _draft, _through
from gongkai.lib.text import xml_text

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"

# Stored text: anything but NUL, which PostgreSQL never stored and SQLite no longer gets.
stored = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),
        st.sampled_from("\x1b\x0b\x08\x7f\x9b\ufffe"),
    ),
    min_size=1,
    max_size=30,
)


def _unfit(text: str) -> set[str]:
    return {ch for ch in text if xml_text(ch) == ""}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=stored, summary=stored, body=stored)
def test_feeds_and_pages_are_written_whatever_was_stored(
    world: Any, title: str, summary: str, body: str
) -> None:
    """Written with raw updates: text stored before the boundaries normalised it."""
    item = DisclosureItem.objects.first()
    if item is None:
        nodes = {n.code: n for n in ensure_catalogue(world.organ)}
        item = _through(_draft(world, nodes, title="关于公布权责清单的通知"), world)
    DisclosureItem.objects.filter(pk=item.pk).update(title=title, summary=summary, body=body)
    client = Client()
    for url in ("/feed.xml", f"/xxgk/{world.organ.pk}/s01/feed.xml"):
        response = client.get(url)
        assert response.status_code == 200
        feed = etree.fromstring(response.content)  # well-formed, or this raises
        entry = feed.find(f"{ATOM}entry")
        assert entry is not None
        # An XML parser reads a carriage return as a line feed (XML 1.0 §2.11).
        expected = xml_text(title).replace("\r\n", "\n").replace("\r", "\n")
        assert entry.findtext(f"{ATOM}title") == expected
    for url in (item_url(item.pk), f"/xxgk/{world.organ.pk}/s01/", f"/xxgk/{world.organ.pk}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert _unfit(page.content.decode()) == set(), url
