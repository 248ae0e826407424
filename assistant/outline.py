"""Answers read off the plan's structure: a clause and its children, the document's own number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.duties import duty_lines
from assistant.evidence import Line
from knowledge.chunks import Chunk
from knowledge.clause import Plan


class Outline:
    def __init__(self, plan: Plan, chunks_of: Mapping[str, Sequence[Chunk]]):
        self.plan = plan
        self.chunks_of = chunks_of

    def doc_number(self, english: bool = False) -> list[Line]:
        """The plan's own 发文字号 (the parent document's number, in 引言, is found by evidence)."""
        number = self.plan.doc_number
        notice = next((c for c in self.plan if c.level == "notice"), None)
        if not number or notice is None or number not in notice.text:
            return []
        issuer = self.plan.issuer
        known = issuer and issuer in notice.title
        if english:
            said = f"Issued by {issuer}, document number {number}." if known else f"Document number: {number}."
        else:
            said = f"本方案由{issuer}印发，发文字号是{number}。" if known else f"本方案的发文字号是{number}。"
        return [Line(said, notice.id, number)]

    def clause_lines(self, clause_id: str, duties: bool = False, english: bool = False) -> list[Line]:
        """A clause summarized by its first two body sentences, then its children; its departments
        instead when ``duties`` is asked for and it has them."""
        clause = self.plan.get(clause_id)
        assert clause is not None
        if duties and clause.duty is not None:
            return duty_lines(clause, english)
        # Every clause has at least its heading sentence.
        sentences = [c.sentence for c in self.chunks_of.get(clause_id, [])]
        body = sentences[1:3]
        lines = [Line(f"{clause.heading}：{body[0]}", clause_id, body[0])] if body else [
            Line(sentences[0], clause_id, sentences[0])
        ]
        lines += [Line(s, clause_id, s) for s in body[1:]]
        return lines + self.children_lines(clause_id)

    def children_lines(self, clause_id: str) -> list[Line]:
        """Each child by its heading; a child without children of its own also by its first sentence."""
        lines = []
        for child in self.plan.children(clause_id):
            chunks = self.chunks_of.get(child.id, [])
            if not chunks:
                continue
            if len(chunks) > 1 and not self.plan.children(child.id):
                body = chunks[1].sentence
                lines.append(Line(f"{child.title}：{body}", child.id, body))
            else:
                lines.append(Line(chunks[0].sentence.rstrip("。"), child.id, chunks[0].sentence))
        return lines
