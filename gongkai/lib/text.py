"""Text from outside, made safe to store and to write into XML documents.

Two rules, used at the two ends of the application:

* At every boundary that takes text (forms, the API, imports) ``clean_text`` normalises it:
  Unicode NFC; the line breaks CR LF, CR, VT, FF and NEL become LF (Word puts VT for a manual
  line break into what is copied from it); every other control character (C0, DEL, C1) except
  tab is removed, as are lone surrogates and the non-characters U+FFFE/U+FFFF.
  None of them can be typed into a form or carried by a Word document, and python-docx and
  openpyxl refuse to write them, so one stored ESC made every later letter of an application
  fail and its clock never started (RULES §2.5: a request must always be processable). NUL is
  the exception the boundaries do not remove silently: ``has_nul`` lets them refuse it with
  ``NUL_MESSAGE`` (PostgreSQL cannot store it in a text column at all).
* Every writer that produces XML (docx, xlsx, Atom feeds, sitemaps, public pages) passes its
  text through ``xml_text``, which drops what XML 1.0 cannot carry, so that text stored before
  the boundaries were closed still produces a document.
"""

from __future__ import annotations

import re
import unicodedata

# What XML 1.0 allows (§2.2 Char): tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 upwards;
# of these, DEL and the C1 controls (U+007F–U+009F), which §2.2 asks authors to avoid, go too.
_XML_UNFIT = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What clean_text removes once line breaks are LF: C0 controls but tab and LF, DEL, C1 controls,
# lone surrogates, U+FFFE and U+FFFF. NUL is kept for has_nul to find.
_UNWANTED = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")

NUL = "\x00"


def clean_text(value: str, *, keep_nul: bool = False) -> str:
    """Return ``value`` normalised for storage: NFC, LF line ends, no control characters.

    Tab and newline stay; NUL is removed too unless ``keep_nul`` (a boundary that refuses NUL
    keeps it to report it). Applying it twice changes nothing.
    """
    if value.isprintable() and value.isascii():  # the common case: nothing to do
        return value
    text = _UNWANTED.sub("", _LINE_BREAKS.sub("\n", value))
    if not keep_nul:
        text = text.replace(NUL, "")
    # NFC after removal: a removed control between a letter and a combining mark would otherwise
    # leave a decomposed pair behind.
    return unicodedata.normalize("NFC", text)


def has_nul(value: str) -> bool:
    """Whether ``value`` holds a NUL character, which the boundaries refuse."""
    return NUL in value


def has_xml_unfit(value: str) -> bool:
    """Whether ``xml_text`` would change ``value``."""
    return not value.isprintable() and _XML_UNFIT.search(value) is not None


def xml_text(value: str) -> str:
    """Return ``value`` without the characters XML 1.0 cannot carry, nor the DEL and C1 controls
    it discourages (the writers' last defence: a document is written whatever was stored)."""
    if value.isprintable():
        return value
    return _XML_UNFIT.sub("", value)
