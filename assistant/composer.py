"""The extractive composer: answers with the plan's own sentences, each cited, no LLM needed.

A question is read into a QueryFrame; handlers then answer from the plan's structure (a named
clause, a department's tasks, who is responsible, numeric targets) or from an evidence set of
sentences chosen by one scorer. A structured handler that finds nothing falls through to the
evidence set; a question the plan does not cover is refused, and one whose topic the plan covers but
whose asked detail (a date, an amount, a person) it does not give gets a partial refusal.
"""

from __future__ import annotations

import re
import time

from assistant import question as questions
from assistant.answer import Answer
from assistant.context import whole_sentence, with_short_neighbours
from assistant.dating import dated, year_first
from assistant.duties import is_duty_line
from assistant.evidence import Line, Reason, refusal_text, render
from assistant.figures import TargetBook, adds_asked_figure, target_lines
from assistant.frame import BESIDES_IDF, PlanReader, QueryFrame, read_frame, slot_only
from assistant.outline import Outline
from assistant.question import Question
from assistant.reply import Reply, evidence_lead, missing_detail, partial_text
from assistant.responsibility import Responsibility
from assistant.selection import (
    MARGIN,
    MAX_CLAUSES,
    Scored,
    SentenceScorer,
    cover_clauses,
    cover_facets,
    cover_names,
    cover_segments,
    cover_subtopics,
    segments,
    select,
    subtopics,
    typed_first,
)
from assistant.thresholds import Thresholds
from knowledge.chunks import Chunk, keyword_tokens
from knowledge.clause import Hit, Plan
from knowledge.departments import department_mentions
from knowledge.ids import find_clause_ids
from knowledge.lexicon import Lexicon
from knowledge.retriever import Retrieval, Retriever
from knowledge.scanners import YEAR

_CJK = re.compile(r"[\u3400-\u9fff]+")
# A five-year-plan period ("十四五"): one the plan never names is outside it.
_FIVE_YEAR = re.compile(r"十[一二三四五六七八九]五")
_MORE_EN = re.compile(r"\b(and|also|as well as)\b.*\b(what|which|who|how|when|where)\b", re.I)
_ONLY_INSTRUCTIONS = Reason("问题中只有对助手的指令，没有关于计划的问题",
                            "the message holds only instructions to the assistant, no question about the plan")
_NO_AUTHORING = Reason("本助手只依据计划原文回答问题，不撰写或修改内容",
                       "the assistant answers from the plan's text; it does not write or change text")


def _period_reason(period: tuple[str, ...], foreign: str) -> Reason:
    """Why a year (or five-year plan) outside the plan's period is refused."""
    named = f"{foreign}年" if foreign.isdigit() else foreign
    if not period:
        return Reason(f"本计划未规定{named}的内容", f"the plan says nothing about {foreign}")
    return Reason(f"本计划覆盖{period[0]}—{period[-1]}年，未规定{named}的内容",
                  f"the plan covers {period[0]}–{period[-1]}, not {foreign}")


WIDE_POOL = True


class ExtractiveComposer:
    def __init__(self, plan: Plan, retriever: Retriever, book: TargetBook, thresholds: Thresholds,
                 time_budget_s: float = 5.0):
        self.plan = plan
        self.time_budget_s = time_budget_s  # a compound question stops taking new parts after this
        self.retriever = retriever
        self.book = book
        self.thresholds = thresholds
        self.outline = Outline(plan, retriever.chunks_of)
        self.lexicon = Lexicon(retriever.chunks)
        self.scorer = SentenceScorer(retriever.chunks)
        self._plan_text = "\n".join(c.text for c in plan)
        #: What a follow-up may name instead of the previous question's subject.
        self.reader = PlanReader((department_mentions, book.mentions, self._names), self.scorer.idf)
        self.duties = Responsibility(plan, self.scorer, retriever.chunks, self._is_structural)

    def compose(self, question: Question, retrieval: Retrieval, vector: list[float]) -> Answer:
        pieces = _merged(questions.parts(question.core)) if question.core and not question.english else []
        named = [cid for cid in find_clause_ids(question.core) if cid in self.plan]
        if len(pieces) > 1 and not named:
            reply = self._compound(question, pieces, retrieval)
        else:
            reply = self._answer(question, retrieval, vector)
        hits = self._with_cited(reply.hits or retrieval.hits, reply.lines)
        if not reply.lines:
            text = refusal_text(question.english, reply.reason)
            return Answer(question.raw, text, (), True, hits, kind="refusal")
        text, citations = render(self.plan, reply.lines, reply.lead)
        return Answer(question.raw, text, citations, reply.refused, hits, kind=reply.kind)

    def _answer(self, q: Question, retrieval: Retrieval, vector: list[float]) -> Reply:
        if not q.text:
            return Reply.refusal(_ONLY_INSTRUCTIONS)
        if q.authoring:
            return Reply.refusal(_NO_AUTHORING)
        frame = read_frame(q, self.plan, self.lexicon, self.reader)
        named = [cid for cid in find_clause_ids(q.core) if cid in self.plan]
        if named:
            lines = self.outline.clause_lines(named[0], frame.asks == "department", q.english)
            gap = missing_detail(frame.asks, [line.quote for line in lines])
            if gap in ("day", "date", "money", "person", "contact", "procedure"):
                return Reply("partial", partial_text(gap, q.english), lines, refused=True)
            return Reply("clause", "", lines)
        place = questions.foreign_place(q.core, self._plan_text)
        if place:
            return Reply.refusal(Reason(f"本计划不涉及{place}", f"the plan is not about {place}"))
        period = self.plan.period_years
        foreign = [y for y in q.years if period and y not in period]
        foreign += [p for p in _FIVE_YEAR.findall(q.core) if p not in self._plan_text]
        if foreign:
            return Reply.refusal(_period_reason(period, foreign[0]))
        lead_lines = self.outline.about_document(q.core, q.english, frame.asks == "document")
        if lead_lines and not self._asks_more(q):
            return Reply("clause", "", lead_lines)
        if frame.about_scope and frame.wants_list and not frame.asks and not frame.departments:
            return Reply("clause", "", self.outline.clause_lines(frame.scope))
        if frame.asks_tasks or (frame.departments and frame.role_only):
            reply = self.duties.tasks(frame)
            if reply.lines:
                return reply
        targets = Reply("clause", "", lead_lines) if lead_lines else Reply.nothing()
        # The targets table answers by indicator; "how often does the plan mention X" counts mentions.
        if not targets.lines and frame.asks in ("figure", "") and not frame.mentions:
            targets = self._targets(frame, vector)
            if targets.lines and not self._asks_more(q) and not self.duties.asked_besides(frame, targets.lines):
                return targets
        answerable = self.answerable(q, retrieval)
        if not answerable and not frame.names:
            # A direct fact already found (the 文号, a target figure) stands though the rest of the
            # question finds nothing: a refusal would throw it away.
            return targets if targets.lines else Reply.refusal()
        scored = self._score(frame, retrieval)
        if frame.asks == "department":
            reply = self.duties.who(frame, scored)
            if reply.lines:
                return reply
        if targets.lines:  # a figure and more ("…多少个，请什么级别的名师？"): the figure, then the rest
            evidence = self._evidence(frame, scored, retrieval) if answerable else Reply.nothing()
            # Evidence the target lines already say ("建设“名师工作室”25个。" under "5年内目标：…25个。")
            # goes, unless it holds a further figure the question asks about.
            said = [t.text for t in targets.lines]
            quoted = {t.quote for t in targets.lines}
            asked = list(self.scorer.weights(q.text))
            more = [line for line in evidence.lines
                    if (line.quote not in quoted or adds_asked_figure(line.quote, said, asked))
                    and not any(line.quote.rstrip("。；，,;") in text for text in said)]
            lines = targets.lines + (more if not evidence.refused else [])
            return Reply(targets.kind, targets.lead, lines + self.duties.asked_besides(frame, lines))
        if not answerable:
            return Reply.refusal()
        return self._evidence(frame, scored, retrieval)

    def answerable(self, q: Question, retrieval: Retrieval) -> bool:
        return self.thresholds.answerable(retrieval, q.english, self.coverage(q, retrieval))

    def coverage(self, q: Question, retrieval: Retrieval) -> float:
        """Share of the question's wording the plan uses. For an English question only its Chinese
        terms count (glossary terms, bracketed terms): English words never occur in the plan."""
        if not q.english:
            return retrieval.coverage
        tokens = set(keyword_tokens("".join(_CJK.findall(q.text))))
        return sum(1 for t in tokens if t in self.scorer.idf) / len(tokens) if tokens else 0.0

    # -- handlers ---------------------------------------------------------------------------------

    def _targets(self, frame: QueryFrame, vector: list[float]) -> Reply:
        q = frame.question
        indicators = self.book.match(q, vector)
        if not indicators:
            return Reply.nothing()
        if not frame.asks:
            # Without a figure word (多少, 几个, rate): only a question that is the indicator itself
            # ("2020年高中阶段毛入学率"), not one that asks something else about it.
            named = [m.indicator for m in indicators if m.lexical >= 0.99]
            rest = q.core
            for name in named:  # the name, and any piece of it ("高中阶段" of 高中阶段毛入学率): no other topic
                for size in range(len(name), 1, -1):
                    for start in range(len(name) - size + 1):
                        rest = rest.replace(name[start : start + size], "")
            if not named or self.reader.has_topic(YEAR.sub("", rest)):
                return Reply.nothing()
        targets = self.book.select([m.indicator for m in indicators], q.years)
        lead, lines = target_lines(targets, frame.claimed, q.english)
        return Reply("target", lead, lines)

    def _evidence(self, frame: QueryFrame, scored: list[Scored], retrieval: Retrieval) -> Reply:
        content = typed_first([s for s in scored if not self._is_structural(s.chunk)], frame.asks)
        content, pool = year_first(content, set(frame.question.years), self._dated)
        if not content:
            return Reply.refusal()
        weights = self.scorer.weights(frame.question.text)
        chosen = select(content, weights, frame.wants_list, self.plan)
        pieces = [p for p in segments(frame.question.core) if self.reader.has_topic(p, BESIDES_IDF)]
        if frame.wants_list:  # each of the best clauses gets a say (the issue: always, for a list)
            chosen = cover_clauses(chosen, content, [h.clause_id for h in retrieval.hits], self.plan)
        topics = subtopics(self.scorer, frame.question.text)
        if topics:  # a sub-topic the retrieved clauses miss may sit anywhere in the plan
            everywhere = self.scorer.score(frame.question.text, retrieval, self.retriever.chunks)
            chosen = cover_subtopics(chosen, [s for s in everywhere if not self._is_structural(s.chunk)],
                                     topics, self.plan)
        # A sub-topic in other words than the plan's ("出国游学") is found by its own retrieval: in a
        # question that asks for a list or an overview (each piece embeds, ~7 ms), at most MAX_CLAUSES.
        if len(pieces) > 1 and frame.wants_list:
            chosen = cover_segments(chosen, pieces[:MAX_CLAUSES], self._segment_best, self.plan)
        if len(pieces) > 1 and frame.wants_list:  # each facet's sentence within the chosen clauses
            facets = [w for p in pieces if (w := self.scorer.weights(p))]
            own = [c for cid in dict.fromkeys(s.chunk.clause_id for s in chosen)
                   for c in self.retriever.chunks_of.get(cid, []) if not self._is_structural(c)]
            chosen = cover_facets(chosen, self.scorer.score(frame.question.text, retrieval, own), facets, self.plan)
        named = [i for n in frame.names if n.institution for i in n.chunk_ids]
        if named and frame.wants_list:  # "what does the plan ask of <institution>": every mention
            chosen = cover_names(chosen, content, named, self.plan)
        chunks: list[Chunk] = []
        for s in chosen:
            siblings = self.retriever.chunks_of.get(s.chunk.clause_id, [])
            whole = whole_sentence(s.chunk, siblings) if frame.wants_list else [s.chunk]
            chunks += [c for c in whole if c not in chunks and not self._is_structural(c)]
        chunks = with_short_neighbours(chunks, lambda cid: self.retriever.chunks_of.get(cid, []),
                                       lambda c: not self._is_structural(c))
        lines = self._grouped(chunks)
        if frame.mentions and named:  # "在方案里出现了几次": the count is the plan's own, and answers
            return Reply("passage", self._mention_lead(frame), lines)
        # A figure must come from a best sentence: some other sentence always has some number.
        near_best = [s.chunk.sentence for s in pool if s.score >= pool[0].score - MARGIN][:3]
        gap = missing_detail(frame.asks, near_best if frame.asks == "figure" else [c.sentence for c in chunks],
                             frame.unit, frame.question.core)
        if gap:
            return Reply("partial", partial_text(gap, frame.english), lines, refused=True)
        return Reply("passage", evidence_lead(frame, lines), lines)

    def _mention_lead(self, frame: QueryFrame) -> str:
        """How often the plan mentions what the question names first (duty lists aside), and in how
        many clauses: counted on that name's own sentences, not on those of any other name."""
        name = next(n for n in frame.names if n.institution)
        said = [self.retriever.chunk_by_id[i] for i in name.chunk_ids]
        said = [c for c in said if not self._is_structural(c)]
        times = sum(c.sentence.count(name.text) for c in said)
        clauses = len({c.clause_id for c in said})
        if frame.english:
            return f"The plan mentions “{name.text}” {times} time(s), in {clauses} clause(s):"
        return f"计划中“{name.text}”出现{times}次，见于{clauses}个条款："

    def _dated(self, chunk: Chunk) -> set[str]:
        return dated(chunk, self.retriever.chunks_of.get(chunk.clause_id, []))

    def _segment_best(self, text: str) -> Scored | None:
        """The best content sentence for a piece of a question, by its own retrieval."""
        found = self.retriever.search(text)
        return next((s for s in self.scorer.score(text, found, self.retriever.chunks)
                     if not self._is_structural(s.chunk)), None)

    def _compound(self, question: Question, pieces: list[str], retrieval: Retrieval) -> Reply:
        """Answer each sub-question of "A？B？" on its own; say which parts the plan does not cover."""
        lines: list[Line] = []
        hits = list(retrieval.hits)
        uncovered: list[int] = []
        deadline = time.perf_counter() + self.time_budget_s
        late: list[int] = []
        for i, piece in enumerate(pieces):
            if i and time.perf_counter() > deadline:  # the time budget: say what was left, do not hang
                late = list(range(i, len(pieces)))
                break
            # A later piece may lean on an earlier one ("…？最后总目标又是多少？").
            # A later piece without a subject of its own continues the one before.
            sub = questions.read(piece, pieces[:i], self.reader)
            vector = self.retriever.embeddings.embed_query(sub.text)
            found = self.retriever.search(sub.text, vector=vector)
            hits += [h for h in found.hits if h.clause_id not in {x.clause_id for x in hits}]
            reply = self._answer(sub, found, vector)
            if reply.refused and (reply.reason or reply.kind == "partial"):
                # The plan says it does not give this (a detail, a place, a year): the answer says so.
                uncovered.append(i)
            lines += [line for line in reply.lines if line not in lines]
        if not lines:
            return Reply("refusal", "", [], True, hits=tuple(hits))
        if late:
            lead = f"问题较长，第{late[0] + 1}问起未能在时限内作答，请分开提问。已作答部分如下："
            return Reply("partial", lead, lines, refused=True, hits=tuple(hits))
        if uncovered:  # a question the plan answers only in part is not answered
            # Which part, by its number: the question's own words are never echoed back.
            numbers = "、".join(f"第{i + 1}问" for i in uncovered)
            lead = f"计划中未提及问题中{numbers}所问的内容。计划中相关的规定如下："
            return Reply("partial", lead, lines, refused=True, hits=tuple(hits))
        return Reply("passage", "", lines, hits=tuple(hits))

    # -- pieces -----------------------------------------------------------------------------------

    def _score(self, frame: QueryFrame, retrieval: Retrieval) -> list[Scored]:
        """Candidates: every sentence of the retrieved clauses, of the clauses the question names by
        a shared name, and for a question about a document, of the front matter (notice, preamble)."""
        clause_ids = [h.clause_id for h in retrieval.hits]
        clause_ids += [self.retriever.chunk_by_id[i].clause_id for n in frame.names for i in n.chunk_ids]
        if frame.asks == "document":
            clause_ids += [c.id for c in self.plan if c.level in ("notice", "preamble")]
        if frame.wants_list and WIDE_POOL:  # a list or an overview may gather from anywhere in the plan
            clause_ids += [c.id for c in self.plan]
        chunks = [c for cid in dict.fromkeys(clause_ids) for c in self.retriever.chunks_of.get(cid, [])]
        return self.scorer.score(frame.question.text, retrieval, chunks)

    def _is_structural(self, chunk: Chunk) -> bool:
        """A heading ("1. 优化义务教育学校布局。") or a （组织实施单位：…） list: structure, not an answer."""
        clause = self.plan.get(chunk.clause_id)
        if clause is None:
            return True
        if chunk.position == 0 and chunk.sentence.rstrip("。") == clause.heading.rstrip("。"):
            return True
        # The cover notice's title line names the whole plan (and its period): it answers title
        # questions (Outline.title), not questions about one year or topic.
        if clause.level == "notice" and chunk.sentence.rstrip("。") == clause.title.rstrip("。"):
            return True
        return clause.duty is not None and is_duty_line(chunk.sentence)

    def _grouped(self, chunks: list[Chunk]) -> list[Line]:
        """Lines in plan order; when several clauses answer, each group opens with its clause title."""
        several = len({c.clause_id for c in chunks}) > 1
        lines, seen = [], set()
        for chunk in chunks:
            clause = self.plan.get(chunk.clause_id)
            head = ""
            if several and chunk.clause_id not in seen and clause is not None and clause.level == "item":
                head = f"{clause.title}："
            seen.add(chunk.clause_id)
            lines.append(Line(f"{head}{chunk.sentence}", chunk.clause_id, chunk.sentence))
        return lines

    def _asks_more(self, q: Question) -> bool:
        """Whether a question asks more than one thing ("…多少个，请什么级别的名师？", "who … and what …")."""
        return bool(subtopics(self.scorer, q.text)) or (q.english and bool(_MORE_EN.search(q.own)))

    def _names(self, text: str) -> list[str]:
        return [n.text for n in self.lexicon.names(text)]

    def _with_cited(self, hits: tuple[Hit, ...], lines: list[Line]) -> tuple[Hit, ...]:
        """The retrieved clauses plus any cited clause the composer reached by name or structure."""
        known = {h.clause_id for h in hits}
        extra = [Hit(line.clause_id, 0.0, 0.0, 0.0) for line in lines if line.clause_id not in known]
        return hits + tuple(dict((h.clause_id, h) for h in extra).values())


def _merged(pieces: list[str]) -> list[str]:
    """Sub-questions; one that only asks ("还有哪些部门？") belongs to the one before it."""
    out: list[str] = []
    for piece in pieces:
        if out and slot_only(piece):
            out[-1] = f"{out[-1]}，{piece}"
        else:
            out.append(piece)
    return out
