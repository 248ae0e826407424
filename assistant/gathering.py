"""Evidence sets: the sentences that answer a question, gathered from the whole plan and cited.

The one scorer (assistant.selection) ranks the candidates; this module decides which candidates a
question gets (the retrieved clauses, the clauses it names, the whole plan for a list), adds what a
list or a many-part question needs (each best clause, each sub-topic, each facet, each mention of a
named institution), keeps an enumeration and a short neighbouring rule whole, and says when the
asked detail is missing (a partial refusal).
"""

from __future__ import annotations

import re

from assistant.context import whole_sentence, with_short_neighbours
from assistant.coverage import (
    cover_clauses,
    cover_facets,
    cover_names,
    cover_piece_clauses,
    cover_quoted,
    cover_segments,
    cover_subtopics,
    cover_terms,
    deepen,
    subtopics,
)
from assistant.dating import cover_dated, dated, year_first
from assistant.duties import is_duty_line
from assistant.echoes import ECHO, echoes
from assistant.evidence import Line
from assistant.facets import (
    english_parts,
    facet_parts,
    facet_queries,
    lacks_subject,
    opening_subject,
    rare_terms,
    segments,
)
from assistant.frame import BESIDES_IDF, PlanReader, QueryFrame
from assistant.question import Question, is_english
from assistant.reply import (
    HARD_DETAILS,
    Reply,
    contradicted,
    evidence_lead,
    given_elsewhere,
    missing_detail,
    not_stated_text,
    partial_text,
)
from assistant.selection import (
    MAX_CLAUSES,
    TYPE_BONUS,
    Scored,
    SentenceScorer,
    of_asked_type,
    plan_order,
    select,
)
from assistant.slots import ADOPTION
from assistant.titles import cover_places, cover_titles, named_places, part_titles, subject_words, title_names
from embeddings.base import embed_queries
from knowledge.chunks import Chunk
from knowledge.clause import Plan
from knowledge.retriever import Retrieval, Retriever

# Asking for a role ("起什么作用", "扮演什么角色") or a relation to the plan ("…之间是什么关系"): no topic
# besides what plays it.
_ROLE_ASKED = re.compile(r"(起|发挥|扮演|承担|担任)了?(什么|哪些|啥|怎样的?)(样的)?(作用|角色)|"
                         # how the plan relates to what it names ("本计划和《…规划》之间是什么关系")
                         r"(之间)?(是|有)(什么|啥|怎样的?)(关系|联系)|关系(是什么|如何|怎样)|(这个|本)?(实施)?(方案|计划)[和与跟同]")
#: What each task of a department is about: its opening sentence and its best for the question, this many.
PER_TASK = 2
#: The sentences a figure may come from: those within this margin of the best one.
FIGURE_MARGIN = 0.15
#: The details only a best sentence gives: some other sentence always has some number, a list's
#: further sentences name other schools, and another sentence places something else ("落户在…").
_BEST_ONLY = ("figure", "members", "criterion", "reason", "place")
#: A list or an overview whose sentences all come from one item is about that item: an item of at
#: most this many sentences is given whole (the tuning sets: 5 gains one question, for 2 % length).
WHOLE_ITEM = 5
#: Asking which clause says something ("哪一条是讲…的", "which principle").
WHICH_CLAUSE = re.compile(r"哪一?[条项个]\S{0,4}(是|讲|说|提|规定)|\bwhich (principle|item|task|measure)s?\b", re.I)
#: An item a list answer quotes two sentences of, but for at most this many, is quoted whole: the
#: rest is on the same facet (tuning sets +17 −0, answers ~9 % longer).
FILL_MISSING = 2


class EvidenceSets:
    """Builds evidence-set answers over one plan and its retriever."""

    def __init__(self, plan: Plan, retriever: Retriever, scorer: SentenceScorer, reader: PlanReader):
        self.plan, self.retriever, self.scorer, self.reader = plan, retriever, scorer, reader
        self._sentences = [c.sentence.replace(" ", "") for c in retriever.chunks]
        self._titles = title_names(plan)
        self._parts = part_titles(plan)
        # Asked of every candidate sentence of every question: answered once per sentence.
        self._structural = {c.id: self._is_structural(c) for c in retriever.chunks}

    def candidates(self, frame: QueryFrame, retrieval: Retrieval) -> list[Scored]:
        """Candidates: every sentence of the retrieved clauses, of the clauses the question names by
        a shared name, and for a question about a document, of the front matter (notice, preamble)."""
        clause_ids = [h.clause_id for h in retrieval.hits]
        clause_ids += [self.retriever.chunk_by_id[i].clause_id for n in frame.names for i in n.chunk_ids]
        if frame.asks == "document" or frame.about_plan:
            clause_ids += [c.id for c in self.plan if c.level in ("notice", "preamble")]
        if frame.wants_list:  # a list or an overview may gather from anywhere in the plan
            clause_ids += [c.id for c in self.plan]
        chunks = [c for cid in dict.fromkeys(clause_ids) for c in self.retriever.chunks_of.get(cid, [])]
        return self.scorer.score(frame.question.text, retrieval, chunks)

    def _front(self, chunk: Chunk) -> bool:
        clause = self.plan.get(chunk.clause_id)
        return clause is not None and clause.level in ("notice", "preamble")

    def is_structural(self, chunk: Chunk) -> bool:
        """A heading ("1. 优化义务教育学校布局。") or a （组织实施单位：…） list: structure, not an answer."""
        known = self._structural.get(chunk.id)
        return self._is_structural(chunk) if known is None else known

    def _is_structural(self, chunk: Chunk) -> bool:
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

    def grouped(self, chunks: list[Chunk], named: bool = False) -> list[Line]:
        """Lines in plan order; when several clauses answer, each group opens with its clause title.
        ``named``: the question asks which clause says it ("哪一条是讲…的"): the title is the answer,
        for one clause too, and for a subsection that is a clause of its own (坚持因地制宜)."""
        several = len({c.clause_id for c in chunks}) > 1 or named
        lines, seen = [], set()
        for chunk in chunks:
            clause = self.plan.get(chunk.clause_id)
            head = ""
            own = clause is not None and (clause.level == "item" or (
                named and clause.level == "subsection" and not self.plan.children(clause.id)))
            if several and chunk.clause_id not in seen and clause is not None and own:
                head = f"{clause.title}："
            seen.add(chunk.clause_id)
            lines.append(Line(f"{head}{chunk.sentence}", chunk.clause_id, chunk.sentence))
        return lines

    def answer(self, frame: QueryFrame, scored: list[Scored], retrieval: Retrieval) -> Reply:
        content = of_asked_type([s for s in scored if not self.is_structural(s.chunk)], frame.asks)
        if frame.about_plan:  # how the plan was adopted or issued: only the front matter records it,
            # in the sentence that says adopted or issued, whatever words the question asks with
            front = [s for s in content if self._front(s.chunk)]
            content = sorted((Scored(s.chunk, s.score + TYPE_BONUS, s.covered) if ADOPTION.search(s.chunk.sentence)
                              else s for s in front), key=lambda s: -s.score) or content
        content, pool = year_first(content, set(frame.question.years), self._dated)
        if not content:
            return Reply.refusal()
        weights = self.scorer.weights(frame.question.text)
        chosen = select(content, weights, frame.wants_list, self.plan)
        pieces = self.pieces(frame.question.core, frame.question.shared) if frame.wants_list else []
        if frame.wants_list:  # each of the best clauses gets a say (the issue: always, for a list)
            chosen = cover_clauses(chosen, content, [h.clause_id for h in retrieval.hits], self.plan)
            chosen = cover_titles(chosen, content, self.titled(frame.question.core), self.plan)
            chosen = cover_dated(chosen, content, set(frame.question.years), self._dated, self.plan)
        topics = subtopics(self.scorer, frame.question.text)
        if topics:  # a sub-topic the retrieved clauses miss may sit anywhere in the plan
            everywhere = self.scorer.score(frame.question.text, retrieval, self.retriever.chunks)
            chosen = cover_subtopics(chosen, [s for s in everywhere if not self.is_structural(s.chunk)],
                                     topics, self.plan)
        # A sub-topic in other words than the plan's ("出国游学") is found by its own retrieval: in a
        # question that asks for a list or an overview (each piece embeds, 6–15 ms), at most MAX_CLAUSES.
        if len(pieces) > 1:
            # A piece every word of which one chosen sentence already holds is answered: its own search
            # would cost an embedding and bring sentences the question did not ask for. (All 25 sets:
            # citation precision up on each, 1–2 % shorter, one tuning question lost, p95 ~10 ms less.)
            piece_weights = [self.scorer.weights(p) for p in pieces]
            searched = [p for p, w in zip(pieces[:MAX_CLAUSES], piece_weights, strict=False) if not _answered(w, chosen)]
            vectors = embed_queries(self.retriever.embeddings, searched)
            found = dict(zip(searched, self.retriever.search_many(searched, vectors), strict=True))
            ranked = {p: self._segment_ranked(p, found[p]) for p in searched}
            chosen = cover_segments(chosen, searched, ranked.__getitem__, self.plan)
            chosen = cover_piece_clauses(chosen, searched, ranked.__getitem__,
                                         lambda p: [h.clause_id for h in found[p].hits], self.plan)
            # Each facet's sentence within the chosen clauses (a list's candidates are the whole plan).
            facets = [w for w in piece_weights if w]
            chosen = cover_facets(chosen, content, facets, self.plan)
        if frame.wants_list:  # a clause chosen for one facet says more than its best sentence
            terms = rare_terms(frame.question.core, self.scorer.idf, self._sentences, alone=True)
            terms += [t for t in self._shared_terms(frame.question.core) if t not in terms]
            chosen = deepen(cover_terms(chosen, content, terms, self.plan), content, self.plan)
            quoted = cover_quoted(chosen, content, self.plan)
            # (said beside the answer: never the evidence that an asked detail is given)
            beside = {s.chunk for s in quoted if s not in chosen}
            chosen = quoted
            subject, items = (english_parts(frame.question.core) if frame.english
                              else facet_parts(frame.question.core, self._named, self.scorer.idf))
            places = named_places(items, self._parts)
            if places:  # "督导在学前、义务教育和保障措施几部分": the subject's sentence in each part, last:
                # beside what the other facets found, not instead of it
                chosen = cover_places(chosen, content, places, self.scorer.weights(subject_words(subject)), self.plan)
            sources = self.titled(frame.question.core) if ECHO.search(frame.question.core) else []
            if sources:  # "因地制宜这条原则…怎么体现的": where the plan echoes the clause named
                chosen = self._with_echoes(chosen, content, sources[0], frame.scope)
        else:
            beside = set()
        named = [i for n in frame.names if n.institution for i in n.chunk_ids]
        # "what does the plan ask of <institution>", or a question about nothing else ("X在方案里起什么
        # 作用"): every mention (tuning sets +1 −0, ≤ 0.9 % longer)
        core = frame.question.core
        about_name = any(n.institution and not self._named(_ROLE_ASKED.sub(" ", _without(core, n.text)))
                         for n in frame.names)
        if named and (frame.wants_list or about_name):
            chosen = cover_names(chosen, content, named, self.plan, every=frame.mentions)
        chunks: list[Chunk] = []
        for s in chosen:
            siblings = self.retriever.chunks_of.get(s.chunk.clause_id, [])
            whole = whole_sentence(s.chunk, siblings) if frame.wants_list else [s.chunk]
            chunks += [c for c in whole if c not in chunks and not self.is_structural(c)]
        chunks = with_short_neighbours(chunks, lambda cid: self.retriever.chunks_of.get(cid, []),
                                       lambda c: not self.is_structural(c))
        if frame.wants_list:
            chunks = self._whole_item(chunks)
        # (what the answer says beyond its evidence never decides whether an asked detail is given)
        lines = self.grouped(self._filled(chunks) if frame.wants_list else chunks,
                             named=bool(WHICH_CLAUSE.search(frame.question.core)))
        if frame.mentions and named:  # "在方案里出现了几次": the count is the plan's own, and answers
            return Reply("passage", self._mention_lead(frame), lines)
        near_best = [s.chunk.sentence for s in pool if s.score >= pool[0].score - FIGURE_MARGIN][:3]
        # A count asked of each of several things ("高职、本科的特色专业，各要建几个") is given beside each
        # item, in any sentence of the list; a head count or a rate ("一个班多少人以上") is one figure, the
        # best sentence's. (Tuning sets +1 −0; for every unit +1 −1.)
        each_count = frame.asks == "figure" and frame.unit == "count" and len(pieces) > 1
        best_only = frame.asks in _BEST_ONLY and not each_count
        if best_only and frame.question.followup:
            # A follow-up is read with the question before it ("…哪个阶段的教育，这几个阶段到2020年的
            # 普及目标又各是多少"), whose own answer ranks first: its own words find its best sentences too.
            own = self.scorer.score(frame.question.own, retrieval, [s.chunk for s in content])
            _, own_pool = year_first(own, set(frame.question.years), self._dated)
            near_best += [s.chunk.sentence for s in own_pool if s.score >= own_pool[0].score - FIGURE_MARGIN][:3]
        said = [c.sentence for c in chunks if c not in beside]
        gap = missing_detail(frame.asks, near_best if best_only else said, frame.unit, frame.question.core)
        if not gap:  # a further detail asked ("由谁负责，哪一年成立"): the answer must give that too
            gap = next((a for a in frame.also_asks[1:] if a in HARD_DETAILS and missing_detail(
                a, near_best if a in _BEST_ONLY else said, "", frame.question.core)), "")
        # A figure the question claims ("…的80%，这个比例是怎么定的") that the plan does not give: the
        # premise is corrected and the plan's own rule given, an answer rather than a refusal.
        absent = [f for f in frame.claimed if not any(f in c.sentence.replace(" ", "") for c in chunks)]
        # Or one the plan gives for something else ("建设50个名师工作室" where 50个 counts other projects).
        elsewhere = [f for f in frame.claimed if f not in absent and given_elsewhere(f, frame.question.core, said)]
        if elsewhere:
            return Reply("passage", not_stated_text(elsewhere[0], frame.english), lines)
        if absent and (gap == "figure" or contradicted(absent[0], near_best)):
            # Or one the plan contradicts ("要创建5所…都是哪几所" where it says 2所): corrected first.
            return Reply("passage", not_stated_text(absent[0], frame.english), lines)
        if gap:
            return Reply("partial", partial_text(gap, frame.english), lines, refused=True)
        return Reply("passage", evidence_lead(frame.english, lines), lines)

    def best_of(self, question: Question, retrieval: Retrieval, clause_ids: list[str]) -> list[Line]:
        """Each clause's opening sentence and its PER_TASK − 1 best for the question, in plan order: what
        a task is about (its opening sentence says it: "促进特殊教育健康发展：深入实施第二期特殊教育提升计划",
        where the question's words are a department's, and its best sentences mention that department)."""
        chunks = [c for cid in clause_ids for c in self.retriever.chunks_of.get(cid, []) if not self.is_structural(c)]
        scored = self.scorer.score(question.text, retrieval, chunks)
        best: list[Scored] = []
        for cid in clause_ids:
            own = [x for x in scored if x.chunk.clause_id == cid]
            opening = min(own, key=lambda x: x.chunk.position, default=None)
            best += [opening] if opening is not None else []
            best += [x for x in own if x is not opening][: PER_TASK - 1]
        return self.grouped([s.chunk for s in sorted(best, key=lambda s: plan_order(self.plan, s.chunk))])

    def _with_echoes(self, chosen: list[Scored], content: list[Scored], source: str, scope: str) -> list[Scored]:
        """The chosen sentences and the echoes of the ``source`` clause: within ``scope`` when the
        question names a part apart from the source ("在保障措施里"), else anywhere but the source."""
        within = {c.id for c in self.plan.descendants(scope)} | {scope} if scope else set()
        targets = [s.chunk for s in content if s.chunk.clause_id != source
                   and (not within or source in within or s.chunk.clause_id in within)]
        own = [c for c in self.retriever.chunks_of.get(source, []) if not self.is_structural(c)]
        found = set(echoes(own, sorted(targets, key=lambda c: plan_order(self.plan, c)), self.scorer.idf))
        added = [s for s in content if s.chunk in found and s not in chosen]
        return sorted([*chosen, *added], key=lambda s: plan_order(self.plan, s.chunk))

    def titled(self, text: str) -> list[str]:
        """The clauses without sub-clauses that a text names by their titles ("组织领导", "教育投入")."""
        return [cid for name, cid in self._titles if name in text]

    def pieces(self, text: str, shared: str = "") -> list[str]:
        """A list question's pieces: each facet with the shared subject ("大班额 义务教育") when the
        question has both, else its stretches that name a topic. An English question's facets are in
        the plan's terms ("课程改革 幼儿园" for "curriculum reform … for kindergartens, …")."""
        if is_english(text):
            subject, items = english_parts(text)
            return [f"{subject} {i}" for i in items]
        return facet_queries(text, self._named, self.scorer.idf, shared) or [
            p for p in segments(text) if self._named(p)]

    def lacks_subject(self, text: str) -> bool:
        """Whether a text lists items without the subject they share ("学生、老师分别怎么评")."""
        return lacks_subject(text, self._named, self.scorer.idf)

    def _shared_terms(self, text: str) -> list[str]:
        """The rare words of the subject every item of a list shares ("残疾孩子从上幼儿园、到读职校…" →
        残疾), however short: what the list is about. A count (一所) is no word."""
        subject = opening_subject(text, self._named, self.scorer.idf)
        return [t for t in rare_terms(subject, self.scorer.idf, self._sentences, 2) if t[0] not in "一二两三几"]

    def _named(self, piece: str) -> bool:
        return self.reader.has_topic(piece, BESIDES_IDF)

    def _filled(self, chunks: list[Chunk]) -> list[Chunk]:
        """An item of which a list answer quotes two sentences or more, all but FILL_MISSING at most,
        whole: the rest of it is on the same facet."""
        out = list(chunks)
        for cid in dict.fromkeys(c.clause_id for c in chunks):
            clause = self.plan.get(cid)
            if clause is None or clause.level != "item":
                continue
            body = [c for c in self.retriever.chunks_of.get(cid, []) if not self.is_structural(c)]
            said = [c for c in body if c in out]
            if len(said) >= 2 and 0 < len(body) - len(said) <= FILL_MISSING:
                # in the item's own order, where its sentences stand in the answer
                at = min(out.index(c) for c in said)
                out = [c for c in out[:at] if c not in body] + body + [c for c in out[at:] if c not in body]
        return out

    def _whole_item(self, chunks: list[Chunk]) -> list[Chunk]:
        """All of one item's sentences when the chunks all come from that item and it has at most
        WHOLE_ITEM of them; else the chunks."""
        clauses = {c.clause_id for c in chunks}
        only = self.plan.get(next(iter(clauses))) if len(clauses) == 1 else None
        if only is None or only.level != "item":
            return chunks
        body = [c for c in self.retriever.chunks_of.get(only.id, []) if not self.is_structural(c)]
        return body if len(body) <= WHOLE_ITEM else chunks

    def _mention_lead(self, frame: QueryFrame) -> str:
        """How often the plan mentions what the question names first (duty lists aside), and in how
        many clauses: counted on that name's own sentences, not on those of any other name."""
        name = next(n for n in frame.names if n.institution)
        said = [self.retriever.chunk_by_id[i] for i in name.chunk_ids]
        said = [c for c in said if not self.is_structural(c)]
        times = sum(c.sentence.count(name.text) for c in said)
        clauses = len({c.clause_id for c in said})
        if frame.english:
            return f"The plan mentions “{name.text}” {times} time(s), in {clauses} clause(s):"
        return f"计划中“{name.text}”出现{times}次，见于{clauses}个条款："

    def _dated(self, chunk: Chunk) -> set[str]:
        return dated(chunk, self.retriever.chunks_of.get(chunk.clause_id, []))

    def _segment_ranked(self, text: str, found: Retrieval) -> list[Scored]:
        """The content sentences for a piece of a question, best first, by its own retrieval."""
        return [s for s in self.scorer.score(text, found, self.retriever.chunks) if not self.is_structural(s.chunk)]


def _without(text: str, name: str) -> str:
    """The text without a name, or without the title in 《》 that holds it (《南宁市教育事业发展“十三五”规划》)."""
    return re.sub(rf"《[^》]*{re.escape(name)}[^》]*》|{re.escape(name)}", " ", text)


def _answered(weights: dict[str, float], chosen: list[Scored]) -> bool:
    """Whether one chosen sentence holds every word of a piece (its ``weights``: the words the plan uses)."""
    return bool(weights) and any(weights.keys() <= s.covered for s in chosen)
