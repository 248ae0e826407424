"""Split a policy plan (markdown converted from PDF) into numbered clauses.

Structure comes from the numbering (一、 / （一） / 1. / （1） / 第X章 / 第X条), never from the markdown
heading marks, which the conversion assigns inconsistently. Text is repaired first (knowledge.repair):
page-break splits joined, hard breaks removed, extraction spaces around figures dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.clause import Clause, Plan
from knowledge.departments import parse_duty
from knowledge.ids import int_to_cn
from knowledge.repair import Para, marker, repaired_paragraphs
from knowledge.targets import extract_targets


class MalformedDocument(ValueError):
    """The input is not a readable text document (empty, binary, not UTF-8). str() says why."""


# Outer to inner. A marker closes every open unit of its rank or deeper.
_RANK = {"chapter": 0, "article": 1, "part": 2, "subsection": 3, "item": 4, "subitem": 5}
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[【（(]\d{4}[〕\]】）)]\d+号")
_PERIOD = re.compile(r"(\d{4})\s*[—–\-~～至]\s*(\d{4})")


@dataclass
class _Unit:
    """A clause while it is being built: its own paragraphs are appended as the parser walks on."""

    id: str
    parent_id: str | None
    level: str
    title: str
    heading: str
    path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)


def _label(kind: str, n: int) -> str:
    return {"chapter": f"第{int_to_cn(n)}章", "article": f"第{int_to_cn(n)}条", "part": int_to_cn(n),
            "subsection": f"（{int_to_cn(n)}）", "item": str(n), "subitem": f"（{n}）"}[kind]


def _title(rest: str) -> str:
    """Heading text after the number: up to the first sentence end, shortened when very long."""
    m = re.search(r"[。！？；：]", rest)
    title = (rest[: m.start()] if m else rest).strip()
    if len(title) > 24 and "，" in title[:40]:
        title = title[: title.index("，")]
    return title if len(title) <= 40 else title[:40] + "…"


def _heading(kind: str, n: int, title: str) -> str:
    number = {"chapter": f"第{int_to_cn(n)}章 ", "article": f"第{int_to_cn(n)}条 ", "part": f"{int_to_cn(n)}、",
              "subsection": f"（{int_to_cn(n)}）", "item": f"{n}. ", "subitem": f"（{n}）"}[kind]
    return (number + title).strip()


def _structure(body: list[Para], warnings: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    stack: list[_Unit] = []
    last: dict[tuple[str | None, str], int] = {}  # highest number seen per (parent, kind)
    last_article = 0  # articles usually run on across chapters
    for para in body:
        found = marker(para.text)
        if found is not None:
            kind, n, rest = found
            open_units = [u for u in stack if _RANK[u.level] < _RANK[kind]]
            parent = open_units[-1] if open_units else None
            pid = parent.id if parent else None
            cid = (pid or "") + _label(kind, n)
            previous = last.get((pid, kind), 0)
            if n > previous and all(u.id != cid for u in units):
                expected = (last_article if kind == "article" else previous) + 1
                if n != expected:
                    warnings.append(f"numbering jumps to {cid} (expected number {expected})")
                last[(pid, kind)] = n
                last_article = n if kind == "article" else last_article
                title = _title(rest)
                heading = _heading(kind, n, title)
                unit = _Unit(cid, pid, kind, title, heading, (*(parent.path if parent else ()), heading))
                units.append(unit)
                stack = [*open_units, unit]
                unit.lines.append(para.text)
                continue
            where = stack[-1].id if stack else "the start"
            warnings.append(f"{cid} repeats or goes back in numbering; kept as text of {where}")
        if stack:
            stack[-1].lines.append(para.text)
    return units


def _front_matter(zone: list[Para], warnings: list[str]) -> tuple[str, list[_Unit]]:
    """Title, 通知 and 引言 from the paragraphs before the first numbered unit."""
    headings = [i for i, p in enumerate(zone) if p.md_heading]
    if headings:
        t = headings[-1]  # the plan's own title is the last heading before its body
    elif zone and len(zone[0].text) <= 60 and not re.search(r"[。；，]", zone[0].text):
        t = 0
    else:
        warnings.append("no plan title found before the first numbered unit")
        t = -1
    title = zone[t].text if t >= 0 else ""
    units: list[_Unit] = []
    notice = [p.text for p in zone[: max(t, 0)]]
    if notice:
        name = next((p for p in reversed(notice) if p.endswith("通知")), "通知")
        units.append(_Unit("通知", None, "notice", name, name, (name,), notice))
    preamble = [p.text for p in zone[t + 1:]]
    if preamble:
        units.append(_Unit("引言", None, "preamble", "引言", "引言", ("引言",), preamble))
    return title, units


def _paragraph_units(paras: list[Para], warnings: list[str]) -> tuple[str, list[_Unit]]:
    """Fallback for text without numbering: 段1, 段2 … (a markdown heading leads the next paragraph)."""
    title = ""
    if paras and (paras[0].md_heading or (len(paras) > 1 and not re.search(r"[。；，]", paras[0].text))):
        title, paras = paras[0].text, paras[1:]
    units: list[_Unit] = []
    pending: list[str] = []
    for p in paras:
        pending.append(p.text)
        if p.md_heading:
            continue
        n = len(units) + 1
        first = pending[0] if len(pending) > 1 else _title(p.text)
        units.append(_Unit(f"段{n}", None, "paragraph", first, f"段{n}", (f"段{n}",), pending))
        pending = []
    if pending:
        n = len(units) + 1
        units.append(_Unit(f"段{n}", None, "paragraph", pending[0], f"段{n}", (f"段{n}",), pending))
    warnings.append(
        f"no numbered structure (一、/（一）/1./第X章/第X条) found; split into {len(units)} paragraphs 段1…"
    )
    return title, units


def _doc_number(units: list[_Unit], zone: list[Para]) -> str:
    for p in zone:  # a line that is only the number, e.g. under the issuing office
        if _DOC_NUMBER.fullmatch(p.text):
            return p.text
    notice = next((u for u in units if u.id == "通知"), None)
    m = _DOC_NUMBER.search("\n".join(notice.lines)) if notice else None
    return m.group(0) if m else ""


def parse_plan(text: str) -> Plan:
    """Parse a plan's markdown text into clauses. Raises MalformedDocument for empty or binary text."""
    if not isinstance(text, str) or not text.strip():
        raise MalformedDocument("the document is empty")
    if "\x00" in text:
        raise MalformedDocument("the document is binary data, not text")
    paras = repaired_paragraphs(text)
    if not paras:
        raise MalformedDocument("the document has no text paragraphs")
    warnings: list[str] = []
    top = [i for i, p in enumerate(paras) if (m := marker(p.text)) and m[0] in ("chapter", "article", "part")]
    anywhere = [i for i, p in enumerate(paras) if marker(p.text)]
    start = top[0] if top else (anywhere[0] if anywhere else None)
    if start is None:
        title, units = _paragraph_units(paras, warnings)
        zone: list[Para] = []
    else:
        zone = paras[:start]
        title, units = _front_matter(zone, warnings)
        units += _structure(paras[start:], warnings)
    period = _PERIOD.search(title)
    default_period = f"{period.group(1)}—{period.group(2)}" if period else ""
    clauses = []
    for order, u in enumerate(units):
        body = "\n".join(u.lines)
        own = u.level not in ("notice", "preamble")
        clauses.append(Clause(
            id=u.id, parent_id=u.parent_id, level=u.level, title=u.title, heading=u.heading, path=u.path,
            text=body, order=order,
            duty=parse_duty(body) if own else None,
            targets=extract_targets(u.id, body, default_period) if own else (),
        ))
    return Plan(title=title, doc_number=_doc_number(units, zone), clauses=tuple(clauses),
                warnings=tuple(warnings))


def load_plan(path: Path) -> Plan:
    """Read and parse a plan file: PDF, Word, HTML or text (UTF-8, GB18030/GBK). Raises
    MalformedDocument when it is empty, binary, undecodable or unreadable."""
    return read_plan(path)[0]


def read_plan(path: Path) -> tuple[Plan, str]:
    """The parsed plan and the text it was read as (whatever the file's format; the text keys the index)."""
    from knowledge.formats import read_document

    text = read_document(Path(path))
    try:
        return parse_plan(text), text
    except MalformedDocument as exc:
        raise MalformedDocument(f"{path}: {exc}") from exc
