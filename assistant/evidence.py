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


def verify(plan: Plan, clause_id: str, quote: str) -> None:
    if clause_id not in plan:
        raise UnverifiedQuote(f"cited clause {clause_id!r} does not exist")
    if not quote or quote not in plan.full_text(clause_id):
        raise UnverifiedQuote(f"quote is not verbatim in {clause_id}: {quote[:40]!r}")


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
