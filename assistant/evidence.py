"""Building blocks every answer route shares: cited lines, verbatim checks, refusals."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer import Citation
from knowledge.clause import Plan


class UnverifiedQuote(AssertionError):
    """A composer produced a quote that is not verbatim in the cited clause: a bug, never shown."""


@dataclass(frozen=True)
class Line:
    """One answer sentence and the clause passage that proves it."""

    text: str  # shown to the user, without the citation mark
    clause_id: str
    quote: str  # verbatim from the clause's full text


class Transcript:
    """The lines a compound answer's parts have said so far. A later part repeats nothing ("推进数字
    校园…" said with its clause's title and again without, or inside a target line) unless it is another
    department's tasks: a block of its own, which lists the tasks both departments share."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.lines: list[Line] = []
        self._said: set[tuple[str, str, str]] = set()
        self._leads: set[str] = set()

    def add(self, lines: list[Line], lead: str = "", kind: str = "") -> None:
        """Add a part's lines; ``lead`` (a count, a correction) opens them unless it was said before,
        and a new lead keeps the line it leads into even when that line was said."""
        new_lead = bool(lead) and lead not in self._leads
        block = new_lead and kind == "department"
        new = [line for line in lines if block or not self._says(line)]
        if not new and new_lead:
            new = lines[:1]
        self._said |= {self._key(line) for line in new}
        if new and new_lead:
            new[0] = led(lead, new[0])
            self._leads.add(lead)
        self.lines += new

    def _says(self, line: Line) -> bool:
        """Whether a line was said: the same line, or its words inside a line said from its clause
        ("建设“名师工作室”25个。" after the target line "5年内目标：建设“名师工作室”25个。")."""
        key = self._key(line)
        words = key[2].rstrip("。；，,; ")
        return key in self._said or any(c == line.clause_id and words in text for c, _, text in self._said)

    def _key(self, line: Line) -> tuple[str, str, str]:
        """What a line says: its clause, its quote, and its words without its clause's title."""
        clause = self.plan.get(line.clause_id)
        text = line.text.removeprefix(f"{clause.title}：") if clause is not None and clause.title else line.text
        return line.clause_id, line.quote, text


def verify(plan: Plan, clause_id: str, quote: str) -> None:
    if clause_id not in plan:
        raise UnverifiedQuote(f"cited clause {clause_id!r} does not exist")
    if not quote or quote not in plan.full_text(clause_id):
        raise UnverifiedQuote(f"quote is not verbatim in {clause_id}: {quote[:40]!r}")


def led(lead: str, line: Line) -> Line:
    """A line with a lead of its own above it (a second department's count, a later part's correction):
    on a line of its own, as the answer's first lead is, not glued to the sentence it introduces."""
    return Line(f"{lead}\n{line.text}", line.clause_id, line.quote)


def readable(text: str) -> str:
    """A sentence as an answer shows it: a bracketed aside of the plan ("（组织实施单位：市教育局）")
    reads as a sentence of its own ("组织实施单位：市教育局。"). The quote keeps the brackets."""
    stripped = text.strip()
    if stripped.startswith(("（", "(")) and stripped.endswith(("）", ")")) and stripped.count("（") <= 1:
        inner = stripped[1:-1].strip()
        return inner if inner.endswith(("。", "；", "！", "？")) else inner + "。"
    return text


def render(plan: Plan, lines: list[Line], lead: str = "") -> tuple[str, tuple[Citation, ...]]:
    """Answer text with a 【id】 mark after each line, and its checked citations (one per line)."""
    parts = [lead] if lead else []
    citations: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for line in lines:
        verify(plan, line.clause_id, line.quote)
        parts.append(f"{readable(line.text)}【{line.clause_id}】")
        if (line.clause_id, line.quote) not in seen:
            seen.add((line.clause_id, line.quote))
            clause = plan.get(line.clause_id)
            citations.append(Citation(line.clause_id, clause.title if clause else "", line.quote))
    return "\n".join(parts), tuple(citations)


@dataclass(frozen=True)
class Reason:
    """Why a question is refused, in both languages. Built only from plan facts and fixed words, never
    from the question's text: a refusal must not repeat what a user (or an attacker) wrote."""

    zh: str
    en: str


def refusal_text(english: bool, reason: Reason | None = None) -> str:
    """A short fixed refusal in the question's language, with the reason only when one applies."""
    if english:
        return "The plan does not cover this question." + (f" ({reason.en})" if reason else "")
    return "计划中未提及这方面的内容，无法依据本计划回答" + (f"（{reason.zh}）" if reason else "") + "。"
