"""Split the unit column of a plan into lead units, co-units and notes.

Forms found in real plans: ``公职所、办公室`` (all lead) · ``X牵头，Y、Z配合`` · ``规范性文件审查科
公职所配合做好本局相关工作`` (co-unit with a note) · ``市司法局、市府办按职责分工负责`` (all lead).
Names are returned as written; resolving them to units is the importer's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEPARATORS = re.compile(r"[、，,；;/\s]+")
_LEAD = re.compile(r"(?P<lead>.+?)(?:共同)?牵头(?:负责|落实)?")
_CO_PHRASE = re.compile(r"^(?P<names>.+?)(?:等单位|等部门)?(?:协助|配合)(?P<note>.*)$")
_ALL_LEAD_SUFFIX = re.compile(r"(按职责分工负责|按职责分工落实|按职责负责|分别负责|负责落实|负责)$")
_LABEL = re.compile(r"(?:牵头|配合|责任|主办|协办)(?:单位|部门|科室|处室)\s*[：:]")
_TRAILING_NOISE = re.compile(r"(等单位|等部门|等)$")


@dataclass
class UnitAssignment:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_names(text: str) -> list[str]:
    """Split a list of unit names on 、，,；; / and spaces, dropping empty parts and 等."""
    names = []
    for part in _SEPARATORS.split(text):
        part = _TRAILING_NOISE.sub("", part.strip("。.：:（）() "))
        if part and part not in names:
            names.append(part)
    return names


def _co_clause(clause: str, result: UnitAssignment) -> None:
    clause = _LABEL.sub("", clause)
    match = _CO_PHRASE.match(clause)
    if match is None:
        names = split_names(_ALL_LEAD_SUFFIX.sub("", clause))
        result.co.extend(n for n in names if n not in result.co)
        return
    for name in split_names(_ALL_LEAD_SUFFIX.sub("", match.group("names"))):
        if name not in result.co:
            result.co.append(name)
    note = match.group("note").strip("，,。 ")
    if note:
        result.notes.append(f"{match.group('names').strip()}配合{note}")


def parse_units(text: str, co_text: str = "") -> UnitAssignment:
    """Return the lead units, co-units and notes written in ``text`` (and a 配合单位 column)."""
    result = UnitAssignment()
    text = text.strip().strip("（）()")
    if _LABEL.search(text) and not co_text:
        # "牵头单位：办公室；配合单位：法制科" written in one cell
        parts = re.split(r"(?=配合(?:单位|部门|科室|处室)\s*[：:])", text, maxsplit=1)
        lead_part, co_part = parts[0], parts[1] if len(parts) > 1 else ""
        text, co_text = _LABEL.sub("", lead_part).strip("；;，, "), _LABEL.sub("", co_part)
    if text:
        lead_match = _LEAD.match(text)
        if lead_match is not None:
            result.lead = split_names(lead_match.group("lead"))
            rest = text[lead_match.end() :].strip("，,；; ")
            if rest:
                _co_clause(rest, result)
        else:
            clauses = [c for c in re.split(r"[，,；;]|\s+(?=\S+(?:配合|协助))", text) if c.strip()]
            for clause in clauses:
                clause = clause.strip()
                if "配合" in clause or "协助" in clause:
                    _co_clause(clause, result)
                else:
                    clause = _ALL_LEAD_SUFFIX.sub("", clause)
                    result.lead.extend(n for n in split_names(clause) if n not in result.lead)
    if co_text.strip():
        _co_clause(co_text.strip(), result)
    result.co = [n for n in result.co if n not in result.lead]
    return result
