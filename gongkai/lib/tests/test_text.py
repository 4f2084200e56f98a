"""clean_text (the boundaries) and xml_text (the writers): properties over any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gongkai.lib.text import clean_text, has_nul, has_xml_unfit, xml_text

# Any code point, lone surrogates included (JSON can carry "\ud800"), controls weighted up.
any_text = st.text(
    st.one_of(
        st.characters(codec=None, exclude_categories=()),
        st.sampled_from("\x00\x1b\x0b\x08\x0c\r\n\t\x7f\x85\x9f\ud800\udfff\ufffe\uffff\u0301"),
    )
)
EXAMPLES = settings(max_examples=200, deadline=None)


def _controls(text: str) -> set[str]:
    return {ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n"}


@EXAMPLES
@given(any_text)
def test_clean_text_leaves_no_control_but_tab_and_newline(value: str) -> None:
    cleaned = clean_text(value)
    assert _controls(cleaned) == set()
    assert "\ufffe" not in cleaned
    assert "\uffff" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned
    assert xml_text(cleaned) == cleaned  # what the boundaries store, XML can carry


@EXAMPLES
@given(any_text)
def test_clean_text_keeps_nul_only_when_asked(value: str) -> None:
    kept = clean_text(value, keep_nul=True)
    assert has_nul(kept) == has_nul(value)
    assert _controls(kept) <= {"\x00"}
    assert clean_text(kept) == clean_text(value)


@EXAMPLES
@given(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))))
def test_clean_text_keeps_ordinary_text(value: str) -> None:
    assert clean_text(value) == unicodedata.normalize("NFC", value)


def test_line_breaks_become_newlines_and_other_controls_go() -> None:
    assert clean_text("甲\r\n乙\r丙\x0b丁\x0c戊\x85己") == "甲\n乙\n丙\n丁\n戊\n己"
    assert clean_text("张\x1b[31m三\x08\x7f\x9b") == "张[31m三"
    assert clean_text("名\t称\n") == "名\t称\n"
    assert clean_text("e\u0301") == "\u00e9"
    assert clean_text("a\x00b") == "ab"
    assert clean_text("a\x00b", keep_nul=True) == "a\x00b"


@EXAMPLES
@given(any_text)
def test_xml_text_is_accepted_by_an_xml_parser(value: str) -> None:
    safe = xml_text(value)
    element = etree.Element("t")
    element.text = safe  # lxml refuses what XML cannot carry
    parsed = etree.fromstring(etree.tostring(element))
    assert (parsed.text or "") == safe
    assert xml_text(safe) == safe


@EXAMPLES
@given(any_text)
def test_has_xml_unfit_says_whether_xml_text_changes_anything(value: str) -> None:
    assert has_xml_unfit(value) == (xml_text(value) != value)
