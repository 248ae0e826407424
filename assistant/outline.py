"""Answers read off the plan's structure: a clause and its children, the document's own title,
number and issuer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.duties import duty_lines
from assistant.evidence import Line
from assistant.slots import OWN_NUMBER_OR_ISSUER, PLAN_ITSELF
from knowledge.chunks import Chunk
from knowledge.clause import Plan

#: The plan's own name ("方案的全称", "the full title of the plan").
_TITLE = re.compile(r"(这份|这个|本|该|此)(方案|文件|计划|通知)[^，。？?\s]{0,4}(全称|标题|题目|名称|全名|叫什么)|"
                    r"^(方案|文件|通知)的?(全称|标题|题目|名称|全名)|"
                    r"(title|name) of (this|the) (plan|document|notice)|(plan|document) (is )?called", re.I)
_DOC_NUMBER = re.compile(OWN_NUMBER_OR_ISSUER, re.I)
# The preamble names the parent document the plan implements: a question about that is not about ours.
_PARENT = re.compile(r"贯彻|依据|根据|上级|自治区|parent|implement", re.I)


class Outline:
    def __init__(self, plan: Plan, chunks_of: Mapping[str, Sequence[Chunk]]):
        self.plan = plan
        self.chunks_of = chunks_of

    def about_document(self, text: str, english: bool, asks_document: bool) -> list[Line]:
        """The plan's own title and/or number and issuer, when the question asks for them (and not for
        the parent document's)."""
        if _PARENT.search(text):
            # The preamble is where a plan names the document it implements ("为贯彻落实《…》…特制定本方案").
            return self.preamble() if asks_document and PLAN_ITSELF.search(text) else []
        lines = self.title(english) if _TITLE.search(text) else []
        return lines + (self.doc_number(english) if asks_document and _DOC_NUMBER.search(text) else [])

    def preamble(self) -> list[Line]:
        """The preamble, when it names a document (the parent the plan implements)."""
        clause = next((c for c in self.plan if c.level == "preamble"), None)
        if clause is None or "《" not in clause.text:
            return []
        return self.clause_lines(clause.id)

    @staticmethod
    def rest(text: str) -> str:
        """A question without its asking for the plan's title or number: what else it asks."""
        return _DOC_NUMBER.sub("", _TITLE.sub("", text))

    def title(self, english: bool = False) -> list[Line]:
        """The plan's own title, quoted from the cover notice that names it."""
        notice = self.plan.notice
        name = self.plan.title
        if not name or notice is None or name not in notice.text:
            return []
        return [Line(f"The plan's title: {name}." if english else f"本方案的全称是：{name}。", notice.id, name)]

    def doc_number(self, english: bool = False) -> list[Line]:
        """The plan's own 发文字号 (the parent document's number, in 引言, is found by evidence)."""
        number = self.plan.doc_number
        notice = self.plan.notice
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
