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
from dataclasses import replace

from assistant import area
from assistant import question as questions
from assistant.answer import Answer
from assistant.coverage import subtopics
from assistant.evidence import Line, Reason, Transcript, refusal_text, render
from assistant.figures import TARGETS_LEAD_EN, TargetBook, adds_asked_figure, target_lines
from assistant.frame import PlanReader, QueryFrame, read_frame, slot_only
from assistant.gathering import EvidenceSets
from assistant.outline import Outline
from assistant.question import Question
from assistant.reply import (
    EVIDENCE_LEAD,
    HARD_DETAILS,
    Reply,
    evidence_lead,
    missing_detail,
    partial_text,
    parts_not_covered,
)
from assistant.responsibility import Responsibility, besides_who
from assistant.selection import SentenceScorer
from assistant.slots import PLAN_ITSELF
from assistant.thresholds import Thresholds
from assistant.titles import part_names, scope_finder
from embeddings.base import embed_queries
from knowledge.chunks import keyword_tokens
from knowledge.clause import Hit, Plan
from knowledge.departments import department_mentions
from knowledge.ids import find_clause_ids
from knowledge.lexicon import Lexicon
from knowledge.retriever import Retrieval, Retriever
from knowledge.scanners import YEAR

_CJK = re.compile(r"[\u3400-\u9fff]+")
# A five-year-plan period ("十四五"): one the plan never names is outside it.
_FIVE_YEAR = re.compile(r"十[一二三四五六七八九]五")
_EACH_YEAR = re.compile(r"每一?年|逐年|各年|历年|分年度|each year|every year|year by year|year-by-year|yearly", re.I)
_OVERALL_GOAL = re.compile(r"总体?目标|overall (goal|target|aim|objective)", re.I)
# More than a figure: a later question word, or targets asked together with something else
# ("what targets and measures concern …").
_TARGETS_AND = re.compile(r"\b(targets?|goals?)\s+(and|as well as)\s+(?!(targets?|goals?|figures?|numbers?)\b)[a-z]", re.I)
_MORE_EN = re.compile(r"\b(and|also|as well as)\b.*\b(what|which|who|how|when|where)\b|" + _TARGETS_AND.pattern, re.I)
_ONLY_INSTRUCTIONS = Reason("问题中只有对助手的指令，没有关于计划的问题",
                            "the message holds only instructions to the assistant, no question about the plan")
_NO_AUTHORING = Reason("本助手只依据计划原文回答问题，不撰写或修改内容",
                       "the assistant answers from the plan's text; it does not write or change text")


_COMPARE = re.compile(r"一样吗|相同吗|一致吗|有什么不同|有何不同|有没有区别|有什么区别|差别|差多少|"
                      r"\bsame\b|\bdiffer|\bcompare|consistent", re.I)


def _period_reason(period: tuple[str, ...], foreign: str) -> Reason:
    """Why a year (or five-year plan) outside the plan's period is refused."""
    named = f"{foreign}年" if foreign.isdigit() else foreign
    if not period:
        return Reason(f"本计划未规定{named}的内容", f"the plan says nothing about {foreign}")
    return Reason(f"本计划覆盖{period[0]}—{period[-1]}年，未规定{named}的内容",
                  f"the plan covers {period[0]}–{period[-1]}, not {foreign}")


#: A department with at most this many tasks gets what each is about, asked or not.
FEW_TASKS = 2


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
        self.reader = PlanReader((department_mentions, book.mentions, self._names), self.scorer.idf,
                                 scope_finder(part_names(plan)),
                                 tuple(dict.fromkeys(t.indicator for t in plan.targets() if t.indicator.endswith("率"))))
        self.evidence = EvidenceSets(plan, retriever, self.scorer, self.reader)
        self.duties = Responsibility(plan, self.scorer, retriever.chunks, self.evidence.is_structural,
                                     self.evidence.titled)

    def compose(self, question: Question, retrieval: Retrieval, vector: list[float],
                searcher: Retriever | None = None) -> Answer:
        """``searcher``: the retriever that searched this question (an English question's own, which
        its sub-questions use too); the plan's retriever by default."""
        subs = self.parts(question)
        if subs:
            reply = self._compound(question, subs, retrieval, searcher or self.retriever)
        else:
            reply = self._answer(question, retrieval, vector)
        hits = self._with_cited(reply.hits or retrieval.hits, reply.lines)
        if not reply.lines:
            text = refusal_text(question.english, reply.reason)
            return Answer(question.raw, text, (), True, hits, kind="refusal")
        lead = reply.lead
        if question.declined:  # the message also asked to write or change text: say it is not done
            note = _NO_AUTHORING.en if question.english else _NO_AUTHORING.zh
            lead = f"{note}{'. ' if question.english else '。'}{lead}"
        text, citations = render(self.plan, reply.lines, lead)
        return Answer(question.raw, text, citations, reply.refused, hits, kind=reply.kind)

    def _answer(self, q: Question, retrieval: Retrieval, vector: list[float], in_list: bool = False) -> Reply:
        """``in_list``: the question is a part of one that asks for a list or an overview."""
        if not q.text:
            return Reply.refusal(_ONLY_INSTRUCTIONS)
        if q.authoring:
            return Reply.refusal(_NO_AUTHORING)
        frame = read_frame(q, self.plan, self.lexicon, self.reader)
        if in_list and not frame.wants_list:
            frame = replace(frame, wants_list=True)
        # Two or more concerns ("班额大、校舍旧，还想把信息化设备搞起来，有没有政策？") make a list, with
        # or without a list word: each concern gets its own evidence. (dev…dev12 +11 −0; the blind sets
        # +22 −0, for 6–10 % longer answers and citation precision 0.02–0.05 lower.)
        if not frame.wants_list and not frame.asks and len(self.evidence.pieces(q.core)) > 1:
            frame = replace(frame, wants_list=True)
        named = [cid for cid in find_clause_ids(q.core) if cid in self.plan]
        if named:
            lines = self.outline.clause_lines(named[0], frame.asks == "department", q.english)
            gap = missing_detail(frame.asks, [line.quote for line in lines], question=q.core)
            if gap in (*HARD_DETAILS, "date"):
                return Reply("partial", partial_text(gap, q.english), lines, refused=True)
            return Reply("clause", "", lines)
        place = area.foreign_place(q.core, self._plan_text)
        if place:
            return Reply.refusal(Reason(f"本计划不涉及{place}", f"the plan is not about {place}"))
        wider = area.wider_area(q.core, self._plan_text) if frame.asks in ("figure", "") else ""
        # "全区" scopes a figure only with a figure word; an average is always a figure.
        if wider and (frame.asks == "figure" or area.is_average(wider)):
            return Reply.refusal(Reason(f"本计划的目标只针对本市，没有给出{wider}的数字",
                                        f"the plan's targets are its own city's, not figures for {wider}"))
        period = self.plan.period_years
        foreign = [y for y in q.years if period and y not in period]
        foreign += [p for p in _FIVE_YEAR.findall(q.core) if p not in self._plan_text]
        if foreign:
            return Reply.refusal(_period_reason(period, foreign[0]))
        lead_lines = self.outline.about_document(q.core, q.english, frame.asks == "document")
        # The title or number answers, unless the question asks more ("哪次会议审议通过的，文号是多少").
        # (the plan calling itself, "这份实施方案的发文字号", names no other topic)
        rest = PLAN_ITSELF.sub(" ", self.outline.rest(q.core))
        if lead_lines and not self._asks_more(q) and not self.reader.has_topic(rest):
            return Reply("clause", "", lead_lines)
        # A part as a whole ("基本原则有哪些", "what are the four basic principles"): its children are its members.
        if frame.about_scope and frame.wants_list and frame.asks in ("", "members") and not frame.departments:
            return Reply("clause", "", self.outline.clause_lines(frame.scope))
        if (frame.asks_tasks or (frame.departments and frame.role_only)) and not self._names_dutiless(q.core):
            reply = self.duties.tasks(frame)
            tasks = list(dict.fromkeys(line.clause_id for line in reply.lines))
            if reply.lines and (besides_who(q.core, q.english) or len(tasks) <= FEW_TASKS):
                # its tasks, and what each is about ("参与了哪些任务？分别是干什么的？"); a department of
                # one or two tasks is there for what its sentences say (税务局: the tax relief)
                said = {line.quote for line in reply.lines}  # the topic's sentences may be there already
                more = [line for line in self.evidence.best_of(q, retrieval, tasks) if line.quote not in said]
                return Reply(reply.kind, reply.lead, reply.lines + more)
            if reply.lines:
                return reply
        targets = Reply("clause", "", lead_lines) if lead_lines else Reply.nothing()
        # The targets table answers by indicator; "how often does the plan mention X" counts mentions.
        if not targets.lines and frame.asks in ("figure", "") and not frame.mentions:
            targets = self._targets(frame, vector)
            if targets.lines and not self._asks_more(q) and not self.duties.asked_besides(frame, targets.lines):
                return targets
        # How the plan itself was adopted or issued is recorded in its front matter, in words no
        # question need share ("哪次会上拍板的"): the evidence decides, not the similarity to the plan.
        # Where the plan mentions a term it uses ("智慧校园这个词在方案里出现了好几次") is answered by
        # those mentions, however many words the question spends around it.
        answerable = self.answerable(q, retrieval) or frame.about_plan or (frame.mentions and bool(frame.names))
        if not answerable and not frame.names:
            # A direct fact already found (the 文号, a target figure) stands though the rest of the
            # question finds nothing: a refusal would throw it away.
            return targets if targets.lines else Reply.refusal()
        scored = self.evidence.candidates(frame, retrieval)
        if frame.asks == "department":
            reply = self.duties.who(frame, scored, self.evidence.pieces(q.core) if frame.wants_list else [])
            rest = besides_who(q.core, q.english)
            if reply.lines and answerable and rest:
                # who, and what they do: the duty lists, then the evidence on the measures, read
                # without the clause that asks who ("组织实施" there would find the cover notice)
                sub = read_frame(questions.read(rest, (), self.reader), self.plan, self.lexicon, self.reader)
                sub = replace(sub, wants_list=True)
                more = self.evidence.answer(sub, self.evidence.candidates(sub, retrieval), retrieval)
                # the measures of the tasks named, not of every clause the measures clause finds
                said, tasks = {line.quote for line in reply.lines}, {line.clause_id for line in reply.lines}
                extra = [line for line in more.lines if line.quote not in said and line.clause_id in tasks]
                extra = extra if not more.refused else []
                return Reply(reply.kind, reply.lead, reply.lines + extra)
            if reply.lines:
                return reply
        if targets.lines:  # a figure and more ("…多少个，请什么级别的名师？"): the figure, then the rest
            # Targets asked with something else ("what targets and measures …"): that, as a list.
            wide = replace(frame, asks="", wants_list=True) if _TARGETS_AND.search(q.core) else frame
            evidence = self.evidence.answer(wide, scored, retrieval) if answerable else Reply.nothing()
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
        return self.evidence.answer(frame, scored, retrieval)

    def _names_dutiless(self, core: str) -> bool:
        """Whether a question names, by title, a clause that lists no duties ("在组织领导和督导考核方面
        分别要做什么"): what that clause asks of a department is the answer, not its duty list."""
        return any((c := self.plan.get(cid)) is not None and c.duty is None for cid in self.evidence.titled(core))

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
            # A comparison of the indicator's figures ("总体目标和年度目标写得一样吗") asks for them all.
            compared = bool(named) and bool(_COMPARE.search(q.core))
            if not named or (self.reader.has_topic(YEAR.sub("", rest)) and not compared):
                return Reply.nothing()
        # "each year of the plan, and the overall goal for 2020": every year's figure, not 2020's alone
        years = () if _EACH_YEAR.search(q.core) else q.years
        targets = self.book.select([m.indicator for m in indicators], years)
        lead, lines = target_lines(targets, frame.claimed, q.english)
        if _OVERALL_GOAL.search(q.core):
            # the overall goal asked as such: the goal clause's other sentences too (十五年教育 besides 97%)
            said = {line.quote for line in lines}
            for cid in dict.fromkeys(t.clause_id for t in targets):
                clause = self.plan.get(cid)
                if clause is not None and clause.title == "总体目标":
                    lines += [line for line in self.outline.clause_lines(cid) if line.quote not in said]
        return Reply("target", lead, lines)

    def parts(self, question: Question) -> list[Question]:
        """The sub-questions of "A？B？", each read on its own; none for a simple question or one
        that names a clause."""
        if any(cid in self.plan for cid in find_clause_ids(question.core)):
            return []
        facets = questions.english_facets(question.core) if question.english else []
        if facets:  # each facet repeats the question's head: a whole question, read on its own
            return [questions.read(facet, (), self.reader) for facet in facets]
        split = questions.english_parts if question.english else questions.parts
        pieces = _merged(split(question.core)) if question.core else []
        if len(pieces) < 2:
            return []
        subs = []
        for i, piece in enumerate(pieces):
            # A later piece may lean on an earlier one ("…？最后总目标又是多少？").
            # A later piece without a subject of its own continues the one before.
            # "它又是根据哪份文件制定的": 它 after a part about the plan itself is the plan.
            itself = next((m.group(0) for p in pieces[:i] if (m := PLAN_ITSELF.search(p))), "")
            if itself and piece.startswith(("它", "其")):
                piece = itself + piece[1:]
            sub = questions.read(piece, pieces[:i], self.reader)
            # "评价怎么改？学生、老师、教育质量分别怎么评？": the items share the question before them.
            subs.append(replace(sub, shared=pieces[i - 1]) if i and self.evidence.lacks_subject(piece) else sub)
        return subs

    def _compound(self, question: Question, subs: list[Question], retrieval: Retrieval,
                  searcher: Retriever) -> Reply:
        """Answer each sub-question of "A？B？" on its own; say which parts the plan does not cover."""
        hits = list(retrieval.hits)
        uncovered: list[int] = []
        deadline = time.perf_counter() + self.time_budget_s
        in_list = read_frame(question, self.plan, self.lexicon, self.reader).wants_list
        late: list[int] = []
        said = Transcript(self.plan)
        # The target table matches by the plan's embedder; another searcher embeds on its own. The
        # parts were embedded and searched when the question was retrieved: the embeddings' memo has
        # their vectors, and the retrieval each part's own search (``parts``).
        ours = searcher is self.retriever
        texts = [s.text for s in subs]
        vectors = embed_queries(self.retriever.embeddings, texts) if ours else [[] for _ in subs]
        if ours and all(t in retrieval.parts for t in texts):
            searched = [retrieval.parts[t] for t in texts]
        else:
            searched = searcher.search_many(texts, vectors) if ours else []
        for i, sub in enumerate(subs):
            if i and time.perf_counter() > deadline:  # the time budget: say what was left, do not hang
                late = list(range(i, len(subs)))
                break
            vector = vectors[i]
            found = searched[i] if ours else searcher.search(sub.text)
            hits += [h for h in found.hits if h.clause_id not in {x.clause_id for x in hits}]
            reply = self._answer(sub, found, vector, in_list)
            if reply.refused and (reply.reason or reply.kind == "partial"):
                # The plan says it does not give this (a detail, a place, a year): the answer says so.
                uncovered.append(i)
            # A part's own lead (a correction, a count) stays; the English evidence lead is said once.
            # (An English part's targets lead is the whole answer's lead already.)
            own = reply.lead and not reply.refused and not reply.lead.startswith(EVIDENCE_LEAD)
            said.add(reply.lines, reply.lead.removeprefix(TARGETS_LEAD_EN).strip() if own else "", reply.kind)
        lines = said.lines
        if not lines:
            return Reply("refusal", "", [], True, hits=tuple(hits))
        if late:
            lead = f"问题较长，第{late[0] + 1}问起未能在时限内作答，请分开提问。已作答部分如下："
            return Reply("partial", lead, lines, refused=True, hits=tuple(hits))
        if uncovered:  # a question the plan answers only in part is not answered
            # Which part, by its number: the question's own words are never echoed back.
            return Reply("partial", parts_not_covered(uncovered, question.english), lines, refused=True,
                         hits=tuple(hits))
        return Reply("passage", evidence_lead(question.english, lines), lines, hits=tuple(hits))

    # -- pieces -----------------------------------------------------------------------------------

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
