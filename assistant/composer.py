"""The extractive composer: answers with the plan's own sentences, each cited, no LLM needed.

Routes, tried in order: a named clause → refusal rules (other places, years outside the plan) →
a department's tasks → who is responsible for a task → numeric targets → best passage → refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import question as questions
from assistant.answer import Answer
from assistant.duties import department_lines, duty_lines
from assistant.evidence import Line, refusal_text, render
from assistant.figures import TargetBook, target_lines
from assistant.question import Question
from knowledge.chunks import Chunk
from knowledge.clause import Clause, Hit, Plan
from knowledge.departments import find_departments
from knowledge.ids import find_clause_ids
from knowledge.retriever import Retrieval, Retriever

PLAN_YEARS = ("2018", "2019", "2020")
#: Weight of the (max-normalized) BM25 score beside the cosine similarity when picking sentences.
KEYWORD_WEIGHT = 0.03
_DOC_NUMBER = re.compile(r"发文字号|文号|document number")
_ABOUT_DOCUMENT = (
    (re.compile(r"审议|哪次会议|常务会议|印发|发文单位|approved|meeting"), "通知"),
    (re.compile(r"(贯彻|依据|根据|落实)(哪个|什么|哪份)|为.*制定|制定.*(依据|目的)|why was"), "引言"),
)
_MONEY_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*[万亿]?元|\d+分")
# A quantity, not a year: "25个", "95%", "1500人", "两所".
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个|所|项|名|人|万|亿|元|家|次|倍|分)|[一二两三四五六七八九十百千]+[个所项名家次倍]")


def _role(text: str) -> str:
    """Which role a department question asks about: 组织实施单位, 具体实施单位, or "" for both."""
    if "组织实施" in text or "organiz" in text.lower():
        return "组织实施单位"
    if "具体实施" in text:
        return "具体实施单位"
    return ""


@dataclass(frozen=True)
class Thresholds:
    """Refusal thresholds, calibrated on the labelled development set (eval/calibration.py).

    e5 similarities are compressed (≈0.9 relevant vs ≈0.83 unrelated), so the line is drawn from data:
    a question is answered when its best sentence similarity reaches ``dense``, or reaches
    ``dense_with_keywords`` while enough of its wording (``coverage``) occurs in the plan.
    """

    # From `python -m eval.calibration` on eval/data/dev.jsonl (156 questions), e5 embedder:
    # refusal 0.92 on unanswerable, false refusals 0.04 on answerable.
    dense: float = 0.88
    dense_with_keywords: float = 0.84
    coverage: float = 0.2

    def shifted(self, margin: float) -> Thresholds:
        return Thresholds(self.dense + margin, self.dense_with_keywords + margin, self.coverage)

    def answerable(self, retrieval: Retrieval) -> bool:
        if retrieval.top_dense >= self.dense:
            return True
        return retrieval.top_dense >= self.dense_with_keywords and retrieval.coverage >= self.coverage


class ExtractiveComposer:
    def __init__(self, plan: Plan, retriever: Retriever, book: TargetBook, thresholds: Thresholds):
        self.plan = plan
        self.retriever = retriever
        self.book = book
        self.thresholds = thresholds

    def compose(self, question: Question, retrieval: Retrieval, vector: list[float]) -> Answer:
        kind, lead, lines, reason = self._route(question, retrieval, vector)
        hits = retrieval.hits
        pieces = questions.parts(question.core) if question.core and not question.english else []
        if len(pieces) > 1 and kind not in ("clause", "department"):
            kind, lead, lines, hits = self._compound(question, pieces, retrieval)
        if not lines:
            text = refusal_text(question.text or question.raw, question.english, reason)
            return Answer(question.raw, text, (), True, hits, kind="refusal")
        text, citations = render(self.plan, lines, lead)
        return Answer(question.raw, text, citations, False, hits, kind=kind)

    def _route(
        self, q: Question, retrieval: Retrieval, vector: list[float]
    ) -> tuple[str, str, list[Line], str]:
        if not q.text:
            return "refusal", "", [], "问题中只有对助手的指令，没有关于计划的问题"
        if q.authoring:
            return "refusal", "", [], "本助手只依据计划原文回答问题，不撰写或修改内容"
        if _DOC_NUMBER.search(q.text) and self.plan.doc_number and "通知" in self.plan:
            quote = self.plan.doc_number
            return "clause", "", [Line(f"本方案的发文字号是{quote}。", "通知", quote)], ""
        # Questions about the document itself (who approved it, what it implements) are answered by
        # the cover notice and the preamble, which dense retrieval ranks low against the body.
        about_document = [cid for pattern, cid in _ABOUT_DOCUMENT if pattern.search(q.text) and cid in self.plan]
        if about_document:
            lines = self._passage_lines(retrieval, only=about_document[0])
            if lines:
                return "clause", "", lines, ""
        named = [cid for cid in find_clause_ids(q.text) if cid in self.plan]
        if named:
            return "clause", "", self._clause_lines(named[0], q), ""
        if q.other_place:
            return "refusal", "", [], f"本计划是南宁市的实施方案，不涉及{q.other_place}"
        foreign_years = [y for y in q.years if y not in PLAN_YEARS]
        if foreign_years:
            return "refusal", "", [], f"本计划覆盖2018—2020年，未规定{foreign_years[0]}年的内容"
        departments = find_departments(q.text)
        if departments and (q.asks_tasks or (q.asks_duty and not self._names_task(retrieval))):
            lead, lines = department_lines(self.plan, departments[0], q.english, _role(q.text))
            if lines:
                return "department", lead, lines, ""
        if q.asks_duty and not self._says_who(retrieval) and self.thresholds.answerable(retrieval):
            item = self._best_item(retrieval.hits)
            if item is not None:
                return "duty", "", duty_lines(item, q.english), ""
            # A subsection ("高等学校综合实力提升工程由谁组织实施"): the duties of all its items.
            top = self.plan.get(retrieval.hits[0].clause_id) if retrieval.hits else None
            items = [c for c in self.plan.children(top.id) if c.duty is not None] if top else []
            if items:
                return "duty", "", [line for c in items for line in duty_lines(c, q.english)], ""
        if q.asks_target and not q.asks_money:  # the plan's targets are rates and counts, never money
            indicators = self.book.match(q, vector)
            if indicators:
                targets = self.book.select([m.indicator for m in indicators], q.years)
                lead, lines = target_lines(targets, q)
                if lines:
                    return "target", lead, lines, ""
        if not self.thresholds.answerable(retrieval):
            return "refusal", "", [], ""
        lines = self._passage_lines(retrieval)
        if q.asks_money and not any(_MONEY_FIGURE.search(line.quote) for line in lines):
            return "refusal", "", [], "计划中没有给出具体金额或分数"
        if q.asks_quantity and not any(_NUMBER.search(line.quote) for line in lines):
            return "refusal", "", [], "计划中没有给出这一数字"
        return "passage", self._english_lead(q), lines, ""

    def _compound(
        self, question: Question, pieces: list[str], retrieval: Retrieval
    ) -> tuple[str, str, list[Line], tuple[Hit, ...]]:
        """Answer each sub-question of "A？B？" on its own and join the cited lines."""
        lines: list[Line] = []
        hits = list(retrieval.hits)
        for piece in pieces:
            sub = questions.read(piece)
            vector = self.retriever.embeddings.embed_query(sub.text)
            found = self.retriever.search(sub.text, vector=vector)
            hits += [h for h in found.hits if h.clause_id not in {x.clause_id for x in hits}]
            _, _, sub_lines, _ = self._route(sub, found, vector)
            lines += [line for line in sub_lines if line not in lines]
        return ("passage" if lines else "refusal"), "", lines, tuple(hits)

    def _names_task(self, retrieval: Retrieval) -> bool:
        """Whether the question names a task strongly enough to answer "who does it" for one item."""
        top = retrieval.hits[0] if retrieval.hits else None
        return bool(top and top.keyword > 0 and top.dense >= self.thresholds.dense)

    def _says_who(self, retrieval: Retrieval) -> bool:
        """The top clause is no item but states who is in charge in its own words (e.g. 五（一）)."""
        if not retrieval.hits:
            return False
        top = self.plan.get(retrieval.hits[0].clause_id)
        if top is None or top.duty is not None or self.plan.children(top.id):
            return False
        return any(w in s for s in retrieval.hits[0].sentences[:1] for w in ("负责", "牵头"))

    def _best_item(self, hits: tuple[Hit, ...]) -> Clause | None:
        for hit in hits[:2]:
            clause = self.plan.get(hit.clause_id)
            if clause is not None and clause.duty is not None:
                return clause
            # A subsection hit: its best-matching item is the specific answer.
            for child in self.plan.children(hit.clause_id):
                if child.duty is not None and any(s in child.text for s in hit.sentences):
                    return child
        return None

    def _clause_lines(self, clause_id: str, q: Question) -> list[Line]:
        clause = self.plan.get(clause_id)
        assert clause is not None
        if q.asks_duty and clause.duty is not None:
            return duty_lines(clause, q.english)
        # Every clause has at least its heading sentence; its first two body sentences summarize it.
        sentences = [c.sentence for c in self.retriever.chunks_of.get(clause_id, [])]
        body = sentences[1:3]
        lines = [Line(f"{clause.heading}：{body[0]}", clause_id, body[0])] if body else [
            Line(sentences[0], clause_id, sentences[0])
        ]
        lines += [Line(s, clause_id, s) for s in body[1:]]
        return lines + self._children_lines(clause_id)

    def _passage_lines(self, retrieval: Retrieval, only: str = "") -> list[Line]:
        """The best one or two sentences: a direct answer, not a dump of whole clauses.

        A heading sentence ("1. 优化义务教育学校布局。") names a clause but says nothing: it is never the
        answer. When the best match is the heading of a clause made only of children (二、基本原则),
        the answer lists those children.
        """
        scored = []
        top_keyword = max(retrieval.keyword.values(), default=0.0) or 1.0
        clause_ids = [only] if only else [h.clause_id for h in retrieval.hits[:3]]
        floor = min(retrieval.dense.values(), default=0.0)
        for clause_id in clause_ids:
            for chunk in self.retriever.chunks_of.get(clause_id, []):
                # Sentences outside Chroma's top pool score at the pool's floor.
                dense = retrieval.dense.get(chunk.id, floor if only else None)
                if dense is None:
                    continue
                keyword = retrieval.keyword.get(chunk.id, 0.0) / top_keyword
                scored.append((dense + KEYWORD_WEIGHT * keyword, chunk))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        if not scored:
            return []
        if self._is_heading(scored[0][1]):
            clause_id = scored[0][1].clause_id
            if len(self.retriever.chunks_of.get(clause_id, [])) == 1 and self.plan.children(clause_id):
                return self._children_lines(clause_id)
        content = [(score, c) for score, c in scored if not self._is_heading(c)]
        if not content:
            return []
        best_score, best = content[0]
        chosen = [best]
        for score, chunk in content[1:]:
            if len(chosen) == 2:
                break
            # A second sentence only from the same clause: a neighbour clause is noise, not evidence.
            if best_score - score <= 0.015 and chunk.clause_id == best.clause_id:
                chosen.append(chunk)
        return [Line(c.sentence, c.clause_id, c.sentence) for c in chosen]

    def _is_heading(self, chunk: Chunk) -> bool:
        clause = self.plan.get(chunk.clause_id)
        return chunk.position == 0 and clause is not None and chunk.sentence.rstrip("。") == clause.heading.rstrip("。")

    def _children_lines(self, clause_id: str) -> list[Line]:
        lines = []
        for child in self.plan.children(clause_id):
            first = self.retriever.chunks_of.get(child.id, [])
            if first:
                lines.append(Line(first[0].sentence.rstrip("。"), child.id, first[0].sentence))
        return lines

    @staticmethod
    def _english_lead(q: Question) -> str:
        return "The plan says (quoted in Chinese):" if q.english else ""

