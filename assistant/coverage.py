"""What a list or an overview adds to the selected sentences: each part of the question gets its answer.

assistant.selection picks the best sentences and their near-equals; a question with several parts
("学生怎么评、老师怎么评", "残疾孩子上幼儿园、读高职") needs more: each sub-topic's sentence wherever it
is, each piece's own best sentence, each facet's sentence within a chosen clause, each of the best
retrieved clauses, every mention of a named institution, and a chosen clause's next-best sentences.
All of them keep to the caps of assistant.selection and return sentences in plan order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from assistant.facets import DISTINCT_IDF, segments
from assistant.selection import MAX_SENTENCES, PER_CLAUSE, Scored, SentenceScorer, plan_order, share
from knowledge.chunks import Chunk
from knowledge.clause import Plan


def covering(scorer: SentenceScorer, topic: str, chunks: Iterable[Chunk]) -> list[Chunk]:
    """The sentences that cover a topic (SUBTOPIC_COVERAGE of its idf-weighted words, two of its
    distinctive ones when it has two), best first; by wording alone, for a topic without a question."""
    weights = scorer.weights(topic)
    if not weights:
        return []
    scored = [Scored(c, 0.0, frozenset(t for t in weights if t in scorer.tokens(c.id))) for c in chunks]
    found = [(s.chunk, _topic_share(s, weights)) for s in scored]
    return [c for c, v in sorted(found, key=lambda p: -p[1]) if v >= SUBTOPIC_COVERAGE]


#: A sub-topic of a question: a stretch between punctuation or conjunctions with at least this many
#: distinctive words (idf ≥ DISTINCT_IDF, i.e. in fewer than about one sentence in six).
SUBTOPIC_WORDS = 2
#: A sentence answers a sub-topic when it covers this share of the sub-topic's (idf-weighted) words.
SUBTOPIC_COVERAGE = 0.6


def subtopics(scorer: SentenceScorer, question: str) -> list[dict[str, float]]:
    """The word weights of each sub-topic of a question ("留守儿童，轮岗，班额" → three)."""
    out = []
    for segment in segments(question):
        weights = scorer.weights(segment)
        if sum(1 for w in weights.values() if w >= DISTINCT_IDF) >= SUBTOPIC_WORDS:
            out.append(weights)
    return out if len(out) > 1 else []


def cover_subtopics(
    chosen: list[Scored], candidates: Sequence[Scored], topics: list[dict[str, float]], plan: Plan
) -> list[Scored]:
    """Add, for each sub-topic no chosen sentence answers, the candidate that answers it best."""
    out = list(chosen)
    for weights in topics:
        if any(_topic_share(s, weights) >= SUBTOPIC_COVERAGE for s in out) or len(out) >= MAX_SENTENCES + 2:
            continue
        best = max(candidates, key=lambda s, w=weights: (_topic_share(s, w), s.score), default=None)
        if best is not None and _topic_share(best, weights) >= SUBTOPIC_COVERAGE and best not in out:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def _topic_share(scored: Scored, weights: dict[str, float]) -> float:
    """How much of a sub-topic a sentence covers; one rare word is not the whole sub-topic, so two of
    its distinctive words must be there."""
    distinct = {t for t, w in weights.items() if w >= DISTINCT_IDF}
    if len(scored.covered & distinct) < min(2, len(distinct)):
        return 0.0
    return share(scored, weights)


#: A piece of a question is its own sub-topic when its best sentence scores this high on its own
#: retrieval (the scorer's scale: 1 is a sentence best on every leg); lower, it is framing ("方案分别怎么说").
#: (Tuning sets dev…dev12: 0.8 → 0.7 gains 2 questions and loses none for ≤1 % longer answers; 0.6 gains
#: 2 more and loses 1, for 1–3 %.)
SEGMENT_MIN = 0.7
SEGMENT_PER = 2
#: A piece's own sentence, the one it scores most above every other piece ("学生怎么评" →
#: 学生综合素质评价体系, where 教育质量综合评价 scores high for every piece), is added from this score
#: on, when its clause is not chosen yet. (dev…dev12: 0.6 and 0.65 gain 2 questions, none lost;
#: 0.55 and 0.5 lose 1.)
SEGMENT_OWN_MIN = 0.6
#: A piece whose best sentence is every piece's ("评价改革方面，对学生、对老师…": 五（三）'s 教育质量综合评价
#: is best for all three) is ranked by the subject they share, not by its own words; its own sentence
#: may then score lower, from OWN_FLOOR, when it leads every other piece by OWN_LEAD (学生 → 学生综合素质
#: 评价体系: 0.54, the other pieces 0.22 and 0.14). (Tuning sets dev…dev14: +2 −0 for 0–1.5 % longer
#: answers; without the shared-best condition +2 −3; OWN_FLOOR 0.4 and OWN_LEAD 0.2 gain the same.)
OWN_FLOOR = 0.45
OWN_LEAD = 0.25
#: The pieces' own sentences stop at this many in all. A long list question has filled the earlier
#: cap (MAX_SENTENCES + 2) before its last pieces were searched, so they went unheard. (dev…dev12: +4
#: gains 2 questions, none lost, for ≤ 0.3 % longer answers; +6 or no cap gain the same.)
SEGMENT_CAP = MAX_SENTENCES + 4


def cover_segments(chosen: list[Scored], pieces: Sequence[str], ranked_for: Callable[[str], Sequence[Scored]],
                   plan: Plan) -> list[Scored]:
    """Add, for each piece, its SEGMENT_PER best sentences by its own retrieval that score SEGMENT_MIN
    and are not chosen yet, and its own sentence (SEGMENT_OWN_MIN) from a clause not chosen yet: a
    sub-topic worded unlike the plan has no words to cover, but its own retrieval finds it. (A piece
    with only some of its words in a chosen sentence still gets its retrieval: shared words such as
    交流 do not make the same sub-topic; the caller skips a piece one chosen sentence holds whole.)"""
    out = list(chosen)
    have = {s.chunk for s in out}
    ranked = {p: list(ranked_for(p)) for p in pieces}
    for piece in pieces:
        added = 0
        for best in ranked[piece]:
            if len(out) >= SEGMENT_CAP or added >= SEGMENT_PER or best.score < SEGMENT_MIN:
                break
            if best.chunk not in have:
                out.append(best)
                have.add(best.chunk)
                added += 1
        own = _own_sentence(piece, ranked)
        if own and own.chunk.clause_id not in {s.chunk.clause_id for s in out} and len(out) < SEGMENT_CAP:
            out.append(own)
            have.add(own.chunk)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: Each piece's own search names the clauses it is about: its PIECE_CLAUSES best (clauses without
#: sub-clauses, the most specific units) each give their best sentence for the piece when that scores
#: SEGMENT_OWN_MIN. ("校长本人有什么要求，又有哪些交流、出去学习的机会": the second piece's best clause
#: is 四（七）3's 交流轮岗, though no sentence of it scores SEGMENT_MIN.) (dev…dev12: 2 clauses gain 2
#: questions, none lost, for 0–1.2 % longer answers; 1 gains 1, 3 the same 2; from 0.55 one is lost,
#: from 0.65 nothing gained.)
PIECE_CLAUSES = 2


def cover_piece_clauses(chosen: list[Scored], pieces: Sequence[str], ranked_for: Callable[[str], Sequence[Scored]],
                        hits_for: Callable[[str], Sequence[str]], plan: Plan) -> list[Scored]:
    """Add, for each piece, the best sentence of each of its PIECE_CLAUSES best retrieved clauses that
    no chosen sentence is from, when it scores SEGMENT_OWN_MIN on the piece's own ranking."""
    out = list(chosen)
    for piece in pieces:
        leaves = [c for c in list(dict.fromkeys(hits_for(piece)))[:PIECE_CLAUSES] if c in plan and not plan.children(c)]
        out = best_of_clauses(out, ranked_for(piece), leaves, plan, lambda best: best.score >= SEGMENT_OWN_MIN)
    return out


def _own_sentence(piece: str, ranked: dict[str, list[Scored]]) -> Scored | None:
    """The sentence (SEGMENT_OWN_MIN or more) that a piece scores most above every other piece; from
    OWN_FLOOR when its best sentence is another piece's best too and it leads them by OWN_LEAD."""
    others = [{s.chunk: s.score for s in r} for p, r in ranked.items() if p != piece]
    mine = ranked[piece]
    shared = bool(mine) and any(mine[0].score - o.get(mine[0].chunk, 0.0) < OWN_LEAD for o in others)
    lead = [(s.score - max((o.get(s.chunk, 0.0) for o in others), default=0.0), k)
            for k, s in enumerate(mine) if s.score >= (OWN_FLOOR if shared else SEGMENT_OWN_MIN)]
    lead = [(d, k) for d, k in lead if mine[k].score >= SEGMENT_OWN_MIN or d >= OWN_LEAD]
    return mine[max(lead, key=lambda x: (x[0], -x[1]))[1]] if lead else None


def cover_names(
    chosen: list[Scored], candidates: Sequence[Scored], chunk_ids: Sequence[str], plan: Plan, every: bool = False
) -> list[Scored]:
    """Add the sentences that name what the question is about ("对南宁学院分别提了什么要求"), best
    first, within the caps: each clause that names it gets a say. ``every``: the question asks where
    the plan mentions it ("方案里提到了哪些“集团”"), so each of its sentences is the answer, past the caps
    (the lead counts them all: "出现4次，见于3个条款"). (Tuning sets +2 −0, ≤ 0.2 % longer.)"""
    out = list(chosen)
    wanted = set(chunk_ids)
    for candidate in candidates:
        if len(out) >= MAX_SENTENCES + 2 and not every:
            break
        if candidate.chunk.id not in wanted or candidate in out:
            continue
        if not every and sum(1 for s in out if s.chunk.clause_id == candidate.chunk.clause_id) > PER_CLAUSE:
            continue
        out.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list or an overview hears from each of the TOP_CLAUSES best retrieved clauses whose best sentence
#: scores within CLAUSE_MARGIN of the best one. A question with several facets ("学生怎么评、老师怎么评")
#: has each facet's clause retrieved, but its sentences cover only their own facet's words, so they
#: trail the best one by more than LIST_MARGIN. (Measured on the tuning sets: 4 and 0.45–0.5 gain the
#: same; 3 or 0.4 gain less; 0.6 adds length for nothing.)
TOP_CLAUSES = 4
CLAUSE_MARGIN = 0.45


def cover_clauses(chosen: list[Scored], scored: Sequence[Scored], ranking: Sequence[str], plan: Plan) -> list[Scored]:
    """Add the best sentence of each of the TOP_CLAUSES retrieved clauses (``ranking``, best first)
    that no chosen sentence is from, when it is within CLAUSE_MARGIN of the best sentence."""
    if not scored:
        return list(chosen)
    top = scored[0].score
    return best_of_clauses(chosen, scored, list(dict.fromkeys(ranking))[:TOP_CLAUSES], plan,
                           lambda best: top - best.score <= CLAUSE_MARGIN)


def best_of_clauses(chosen: list[Scored], candidates: Sequence[Scored], clause_ids: Sequence[str], plan: Plan,
                    accept: Callable[[Scored], bool] = lambda _best: True) -> list[Scored]:
    """Add the best candidate of each clause no chosen sentence is from, when ``accept`` takes it."""
    out = list(chosen)
    have = {s.chunk.clause_id for s in out}
    for clause_id in clause_ids:
        best = next((s for s in candidates if s.chunk.clause_id == clause_id), None)
        if clause_id not in have and best is not None and accept(best):
            out.append(best)
            have.add(clause_id)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: Within a chosen clause, the sentence that covers this share of a facet's words joins (a facet a
#: chosen sentence of that clause covers already brings nothing).
FACET_COVERAGE = 0.6
#: Two above the pieces' cap: a clause's sentence on a facet still has room once the pieces are heard.
FACET_CAP = SEGMENT_CAP + 2


def cover_facets(chosen: list[Scored], candidates: Sequence[Scored], facets: list[dict[str, float]],
                 plan: Plan) -> list[Scored]:
    """For each facet of the question (the word weights of one of its pieces) and each clause already
    chosen, the clause's sentence that covers the facet best, when no chosen sentence of that clause
    covers it: the right clause's other sentence ("分层走班教学" beside "选课走班所需校舍")."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        own = [s for s in candidates if s.chunk.clause_id == clause_id]
        for weights in facets:
            if len(out) >= FACET_CAP:
                break
            if any(share(s, weights) >= FACET_COVERAGE for s in out if s.chunk.clause_id == clause_id):
                continue
            best = max(own, key=lambda s, w=weights: (share(s, w), s.score), default=None)
            if best is not None and share(best, weights) >= FACET_COVERAGE and best not in out:
                out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def cover_each_facet(chosen: list[Scored], candidates: Sequence[Scored], facets: list[dict[str, float]],
                           plan: Plan) -> list[Scored]:
    """For each facet of the question that no chosen sentence covers, the candidate that covers it best,
    when it covers FACET_COVERAGE of it: "随迁子女和特殊教育分别…" hears from both clauses, however much
    better the first one scores on the whole question."""
    out = list(chosen)
    for weights in facets:
        if any(share(s, weights) >= FACET_COVERAGE for s in out):
            continue
        best = max(candidates, key=lambda s, w=weights: (share(s, w), s.score), default=None)
        if best is not None and share(best, weights) >= FACET_COVERAGE and best not in out:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list's chosen clause also gives its sentences within DEEPEN of its own best chosen one, up to
#: DEEP_PER from the clause and DEEP_CAP in all: a clause chosen for one facet scores lower than the
#: best clause, so its second sentence trails the global best by more than LIST_MARGIN though it says
#: as much as the first. (Tuning sets dev2–dev6, 371 questions: 0.15/3/12 → 0.4/3/14 gains 5 questions
#: and loses none, for 10–21 % longer answers; 0.3/4 gains 3, 0.5/5 gains 7 for 23–42 %; a whole
#: clause gains 10 and doubles the length. Later, on dev … dev12: DEEP_PER 3 → 4 gains 6 and loses 1
#: for 1–4 % longer answers; DEEPEN 0.5 beside it gains 2 more and loses 2, for 5–10 %.)
DEEPEN = 0.4
DEEP_PER = 4
DEEP_CAP = MAX_SENTENCES + 6


def deepen(chosen: list[Scored], candidates: Sequence[Scored], plan: Plan) -> list[Scored]:
    """Add each chosen clause's next-best candidates, within DEEPEN of its best chosen sentence."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        mine = [s for s in out if s.chunk.clause_id == clause_id]
        top = max(s.score for s in mine)
        for candidate in candidates:  # best first
            if len(out) >= DEEP_CAP or len(mine) >= DEEP_PER or top - candidate.score > DEEPEN:
                break
            if candidate.chunk.clause_id == clause_id and candidate not in out:
                out.append(candidate)
                mine.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def cover_terms(chosen: list[Scored], candidates: Sequence[Scored], terms: Sequence[str], plan: Plan) -> list[Scored]:
    """Add, for each rare term and each clause that uses it, its best sentence with the term when no
    chosen sentence of that clause has it."""
    out = list(chosen)
    for term in terms:
        for candidate in candidates:  # best first
            if len(out) >= DEEP_CAP:
                break
            text = candidate.chunk.sentence.replace(" ", "")
            clause_id = candidate.chunk.clause_id
            if term in text and not any(term in s.chunk.sentence.replace(" ", "") for s in out
                                        if s.chunk.clause_id == clause_id):
                out.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list's chosen clause also gives its best sentence that names something in quotes or a document
#: (“放管服”, “医教结合”, 《幼儿园工作规程》): a plan's named measures are what a list asks for, and they
#: share few words with an everyday question. One per clause, up to QUOTED_CAP sentences in all.
#: (Tuning sets dev–dev11: +7 questions, none lost, for 5–13 % longer list answers.)
QUOTED_CAP = MAX_SENTENCES + 8
_QUOTED = re.compile(r"“[^”]{2,12}”|《[^》]+》")


def cover_quoted(chosen: list[Scored], candidates: Sequence[Scored], plan: Plan) -> list[Scored]:
    """Add each chosen clause's best candidate that quotes a name, when none is chosen yet."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        best = next((c for c in candidates if c.chunk.clause_id == clause_id and _QUOTED.search(c.chunk.sentence)
                     and c not in out), None)
        if best is not None and len(out) < QUOTED_CAP:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))
