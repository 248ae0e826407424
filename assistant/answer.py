"""What the assistant returns. UI, CLI and eval consume these objects; none of them parses text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.clause import Hit

#: Answer kinds: which route produced the answer.
KINDS = ("passage", "duty", "department", "target", "clause", "partial", "refusal")


class BadQuestion(ValueError):
    """A question that cannot be asked (empty, too long, undecodable). str() is a user-facing message."""


@dataclass(frozen=True)
class Citation:
    clause_id: str  # canonical clause ID, e.g. "四（二）3"
    title: str  # the clause's title
    quote: str  # verbatim substring of the cited clause's full text (checked in code)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # what the user reads; each cited sentence ends with 【clause id】
    citations: tuple[Citation, ...]
    refused: bool  # True when the plan does not answer the question (a "partial" answer cites what it does say)
    hits: tuple[Hit, ...]  # retrieved clauses, best first
    timings_ms: dict[str, float] = field(default_factory=dict)  # "retrieve", "compose", "total"
    kind: str = "passage"  # one of KINDS
    composer: str = "extractive"  # "llm" when a model wrote the text (every sentence verified)
    dropped: int = 0  # model sentences dropped by verification
    notes: tuple[str, ...] = ()  # what verification dropped and why, or why the answer fell back

    def to_json(self) -> dict[str, Any]:
        """The CLI/eval JSON shape (a public contract)."""
        return {
            "question": self.question,
            "answer": self.text,
            "citations": [
                {"clause_id": c.clause_id, "title": c.title, "quote": c.quote} for c in self.citations
            ],
            "refused": self.refused,
            "retrieved": [{"clause_id": h.clause_id, "score": round(h.score, 4)} for h in self.hits],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "kind": self.kind,
            "composer": self.composer,
            "dropped": self.dropped,
            "notes": list(self.notes),
        }
