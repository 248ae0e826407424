"""Domain types of a policy plan: clauses, their responsibility fields and numeric targets.

Clause IDs are a public contract (answers, UI, question files use them) and never change:
``通知`` cover notice, ``引言`` preamble, parts ``一``, subsections ``二（三）``, items ``四（二）3``,
sub-items ``四（二）3（1）``; for 第X章/第X条 documents ``第一章`` and ``第一章第三条``; for documents
with no recognizable structure ``段1``, ``段2`` ….
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Kinds of clause, from coarse to fine.
LEVELS = ("notice", "preamble", "part", "subsection", "item", "subitem", "chapter", "article", "paragraph")


@dataclass(frozen=True)
class Duty:
    """Responsible departments of one item, parsed from its （组织实施单位：…；具体实施单位：…）."""

    organizers: tuple[str, ...]  # 组织实施单位, normalized (财政局 → 市财政局)
    implementers: tuple[str, ...]  # 具体实施单位, normalized; empty when the item lists none
    organizers_text: str  # original wording, e.g. "市教育局、财政局、发展改革委"
    implementers_text: str  # original wording, "" when absent


@dataclass(frozen=True)
class Target:
    """One numeric target figure the plan sets, e.g. (学前三年毛入园率, 2019, 96.5%)."""

    indicator: str  # 学前三年毛入园率 / 名师工作室
    period: str  # "2019", "2020", "5年内", or "2018—2020" when the clause gives no year
    value: str  # the figure as written, spaces removed: "96.5%", "96%以上", "25个", "1—2个"
    clause_id: str  # the clause that sets it
    sentence: str  # the verbatim sentence of the clause text that states it


@dataclass(frozen=True)
class Clause:
    """One numbered unit of the plan with its repaired text."""

    id: str  # stable clause ID, see module docstring
    parent_id: str | None  # None for top-level units
    level: str  # one of LEVELS
    title: str  # "实现义务教育基本均衡发展县县全覆盖" (no numbering, no trailing 。)
    heading: str  # numbered heading as shown: "3. 实现义务教育基本均衡发展县县全覆盖"
    path: tuple[str, ...]  # headings from the top: ("四、主要任务", "（二）实施…工程", "3. 实现…")
    text: str  # repaired own text, heading line included, children excluded
    order: int  # position in document order, 0-based
    duty: Duty | None = None  # items only, when the clause lists its departments
    targets: tuple[Target, ...] = ()

    @property
    def heading_path(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class Plan:
    """A parsed plan: its clauses in document order plus what the parser noticed."""

    title: str
    doc_number: str  # 发文字号, e.g. "南府办函〔2018〕402号"; "" when absent
    clauses: tuple[Clause, ...]
    warnings: tuple[str, ...] = ()
    _by_id: dict[str, Clause] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.clauses})

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)

    def __len__(self) -> int:
        return len(self.clauses)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._by_id

    def get(self, clause_id: str) -> Clause | None:
        """The clause with this exact canonical ID (use knowledge.ids.canonical_id for aliases)."""
        return self._by_id.get(clause_id)

    def children(self, clause_id: str) -> list[Clause]:
        return [c for c in self.clauses if c.parent_id == clause_id]

    def descendants(self, clause_id: str) -> list[Clause]:
        out: list[Clause] = []
        for child in self.children(clause_id):
            out.append(child)
            out.extend(self.descendants(child.id))
        return out

    def ancestors(self, clause_id: str) -> list[Clause]:
        """Parents from the nearest up to the top."""
        out: list[Clause] = []
        clause = self._by_id.get(clause_id)
        while clause is not None and clause.parent_id is not None:
            clause = self._by_id.get(clause.parent_id)
            if clause is not None:
                out.append(clause)
        return out

    def full_text(self, clause_id: str) -> str:
        """The clause's text followed by all its descendants' texts, one per line."""
        clause = self._by_id[clause_id]
        return "\n".join([clause.text, *(d.text for d in self.descendants(clause_id))])

    def targets(self) -> list[Target]:
        return [t for c in self.clauses for t in c.targets]

    @property
    def notice(self) -> Clause | None:
        """The cover notice (ID 通知), when the document has one."""
        return next((c for c in self.clauses if c.level == "notice"), None)

    @property
    def issuer(self) -> str:
        """The issuing office, from the cover notice's title ("南宁市人民政府办公厅关于印发…的通知": an
        official notice names its issuer before 关于); "" when there is no such title."""
        notice = self.notice
        found = re.match(r"\s*(\S{2,30}?)关于", notice.title) if notice else None
        return found.group(1) if found else ""

    @property
    def period_years(self) -> tuple[str, ...]:
        """The years the plan covers, read from its title ("（2018—2020年）"); () when it names none."""
        found = re.search(r"(\d{4})\s*[—–\-~～至]\s*(\d{4})", self.title)
        if not found or not int(found.group(1)) <= int(found.group(2)) <= int(found.group(1)) + 20:
            return ()
        return tuple(str(y) for y in range(int(found.group(1)), int(found.group(2)) + 1))


@dataclass(frozen=True)
class Hit:
    """One retrieved clause with the evidence that brought it up."""

    clause_id: str
    score: float  # fused rank score, higher is better; comparable within one query only
    dense: float  # best cosine similarity of one of its sentences to the question (0 if none)
    keyword: float  # best BM25 score of one of its sentences (0 if the keyword leg missed it)
    sentences: tuple[str, ...] = ()  # its best matching sentences, verbatim, best first
