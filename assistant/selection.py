"""Evidence sets: score every candidate sentence once, then pick a small, diverse set that answers.

One scorer for every route: the sentence's dense similarity (relative to the best in the pool),
its BM25 score (relative to the best), and how much of the question's wording it covers, each
question token weighted by its rarity in the plan (idf), so question words the plan never uses
(哪些, 什么) and words it uses everywhere (教育) count for little.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from knowledge.chunks import Chunk, keyword_tokens
from knowledge.clause import Plan
from knowledge.retriever import Retrieval

#: Weights of the three signals in a sentence's score (dense and keyword are relative, in [0, 1]).
DENSE_WEIGHT = 0.5
KEYWORD_WEIGHT = 0.2
COVERAGE_WEIGHT = 0.3
FLOOR_RANK = 60
#: A further sentence joins the answer when its score is within this margin of the best one …
#: (0.2 and 3 per clause, from 0.15 and 2: measured on the four tuning sets, 4 questions gained, none
#: lost, 4 % longer answers; a paraphrase's fact often sits in the best clause's second or third sentence.)
MARGIN = 0.2
#: … or within this wider margin when the question asks for a list or an overview.
LIST_MARGIN = 0.3
#: A sentence that covers question words no chosen sentence covers yet (a further sub-topic) joins
#: when it covers at least this share of the question's weight and scores within LIST_MARGIN.
NEW_TOPIC = 0.15
MAX_SENTENCES = 8
MAX_CLAUSES = 5
PER_CLAUSE = 3  # one more for a list or an overview
#: Two sentences sharing more than this share of the shorter one's tokens say the same thing. (Lower,
#: parallel sentences about different subjects count as one: "对城区新建…小学和初中给予定额补助" shares
#: 65 % with "…对城区新建、改扩建公办幼儿园进行定额补助", and a question about both needs both.)
DUPLICATE = 0.7


@dataclass(frozen=True)
class Scored:
    chunk: Chunk
    score: float
    covered: frozenset[str]  # the question tokens the sentence contains


class SentenceScorer:
    """Scores a plan's sentences against one question; built once per plan."""

    def __init__(self, chunks: Sequence[Chunk]):
        self._tokens = {c.id: set(keyword_tokens(c.sentence)) for c in chunks}
        counts: dict[str, int] = {}
        for tokens in self._tokens.values():
            for t in tokens:
                counts[t] = counts.get(t, 0) + 1
        n = max(1, len(chunks))
        self.idf = {t: math.log(1 + n / df) for t, df in counts.items()}

    def tokens(self, chunk_id: str) -> set[str]:
        return self._tokens.get(chunk_id, set())

    def weights(self, question: str) -> dict[str, float]:
        """The question's tokens the plan uses, with their idf."""
        # In the question's order, not a set's: sums over them must not depend on the hash seed.
        return {t: self.idf[t] for t in dict.fromkeys(keyword_tokens(question)) if t in self.idf}

    def score(self, question: str, retrieval: Retrieval, chunks: Iterable[Chunk]) -> list[Scored]:
        """Candidates best first. Sentences outside the dense pool get no dense credit."""
        weights = self.weights(question)
        total = math.fsum(weights.values()) or 1.0
        top_kw = max(retrieval.keyword.values(), default=0.0) or 1.0
        # Dense similarity counts relative to the best sentence and to the FLOOR_RANK-th best: the
        # scale of one question's similarities, whatever the embedder.
        ranked = sorted(retrieval.dense.values(), reverse=True)
        floor = ranked[min(FLOOR_RANK, len(ranked)) - 1] if ranked else 0.0
        span = max(retrieval.top_dense - floor, 1e-6)
        out = []
        for chunk in chunks:
            covered = frozenset(t for t in weights if t in self._tokens.get(chunk.id, ()))
            dense = retrieval.dense.get(chunk.id)
            relative = max(0.0, (dense - floor) / span) if dense is not None else 0.0
            keyword = retrieval.keyword.get(chunk.id, 0.0) / top_kw
            coverage = math.fsum(weights[t] for t in covered) / total
            score = DENSE_WEIGHT * relative + KEYWORD_WEIGHT * keyword + COVERAGE_WEIGHT * coverage
            out.append(Scored(chunk, score, covered))
        out.sort(key=lambda s: s.score, reverse=True)
        return out


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
DISTINCT_IDF = 2.0
#: A sentence answers a sub-topic when it covers this share of the sub-topic's (idf-weighted) words.
SUBTOPIC_COVERAGE = 0.6
_SEGMENT = re.compile(r"[，,。？?；;、：:！!]|以及|还有|和|与|及|跟|或者|或")


def subtopics(scorer: SentenceScorer, question: str) -> list[dict[str, float]]:
    """The word weights of each sub-topic of a question ("留守儿童，轮岗，班额" → three)."""
    out = []
    for segment in _SEGMENT.split(question):
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
    return sorted(out, key=lambda s: _plan_order(plan, s.chunk))


def share(scored: Scored, weights: dict[str, float]) -> float:
    """The (idf-weighted) share of ``weights`` a sentence covers."""
    return math.fsum(weights[t] for t in scored.covered if t in weights) / (math.fsum(weights.values()) or 1.0)


def _topic_share(scored: Scored, weights: dict[str, float]) -> float:
    """How much of a sub-topic a sentence covers; one rare word is not the whole sub-topic, so two of
    its distinctive words must be there."""
    distinct = {t for t, w in weights.items() if w >= DISTINCT_IDF}
    if len(scored.covered & distinct) < min(2, len(distinct)):
        return 0.0
    return share(scored, weights)


#: A piece of a question is its own sub-topic when its best sentence scores this high on its own
#: retrieval (the scorer's scale: 1 is a sentence best on every leg); lower, it is framing ("方案分别怎么说").
SEGMENT_MIN = 0.8


def segments(text: str) -> list[str]:
    """The pieces of a question between punctuation and conjunctions: its candidate sub-topics."""
    return [s for s in _SEGMENT.split(text) if s.strip()]


def cover_segments(chosen: list[Scored], pieces: Sequence[str], best_for: Callable[[str], Scored | None],
                   plan: Plan) -> list[Scored]:
    """Add, for each piece whose own best sentence is in a clause no chosen sentence is from, that
    sentence: a sub-topic worded unlike the plan has no words to cover, but its own retrieval finds it.
    (A piece whose words a chosen sentence covers still gets its retrieval: shared words such as 交流
    do not make the same sub-topic.)"""
    out = list(chosen)
    for piece in pieces:
        if len(out) >= MAX_SENTENCES + 2:
            break
        best = best_for(piece)
        if best is None or best.score < SEGMENT_MIN or any(s.chunk.clause_id == best.chunk.clause_id for s in out):
            continue
        out.append(best)
    return sorted(out, key=lambda s: _plan_order(plan, s.chunk))


def cover_names(
    chosen: list[Scored], candidates: Sequence[Scored], chunk_ids: Sequence[str], plan: Plan
) -> list[Scored]:
    """Add the sentences that name what the question is about ("对南宁学院分别提了什么要求"), best
    first, within the caps: each clause that names it gets a say."""
    out = list(chosen)
    wanted = set(chunk_ids)
    for candidate in candidates:
        if len(out) >= MAX_SENTENCES + 2:
            break
        if candidate.chunk.id not in wanted or candidate in out:
            continue
        if sum(1 for s in out if s.chunk.clause_id == candidate.chunk.clause_id) > PER_CLAUSE:
            continue
        out.append(candidate)
    return sorted(out, key=lambda s: _plan_order(plan, s.chunk))


def select(
    scored: Sequence[Scored], weights: dict[str, float], wants_list: bool, plan: Plan,
) -> list[Scored]:
    """A set of sentences that answers: the best one, its near-equals, and further sub-topics.

    Capped at MAX_SENTENCES from MAX_CLAUSES clauses, PER_CLAUSE per clause, no near-duplicates;
    returned in plan order.
    """
    if not scored:
        return []
    best = scored[0].score
    margin = LIST_MARGIN if wants_list else MARGIN
    total = math.fsum(weights.values()) or 1.0
    chosen: list[Scored] = [scored[0]]
    covered = set(scored[0].covered)
    for candidate in scored[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        gap = best - candidate.score
        new = math.fsum(weights[t] for t in candidate.covered - covered) / total
        if gap > margin and not (gap <= LIST_MARGIN and new >= NEW_TOPIC):
            continue
        clauses = {s.chunk.clause_id for s in chosen}
        cid = candidate.chunk.clause_id
        if cid not in clauses and len(clauses) >= MAX_CLAUSES:
            continue
        if sum(1 for s in chosen if s.chunk.clause_id == cid) >= PER_CLAUSE + wants_list:
            continue
        if any(_overlap(candidate.chunk.sentence, s.chunk.sentence) > DUPLICATE for s in chosen):
            continue
        chosen.append(candidate)
        covered |= candidate.covered
    return sorted(chosen, key=lambda s: _plan_order(plan, s.chunk))


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
    out = list(chosen)
    have = {s.chunk.clause_id for s in out}
    for clause_id in list(dict.fromkeys(ranking))[:TOP_CLAUSES]:
        if clause_id in have:
            continue
        best = next((s for s in scored if s.chunk.clause_id == clause_id), None)
        if best is not None and scored[0].score - best.score <= CLAUSE_MARGIN:
            out.append(best)
            have.add(clause_id)
    return sorted(out, key=lambda s: _plan_order(plan, s.chunk))


#: Within a chosen clause, the sentence that covers this share of a facet's words joins (a facet a
#: chosen sentence of that clause covers already brings nothing).
FACET_COVERAGE = 0.6


def cover_facets(chosen: list[Scored], candidates: Sequence[Scored], facets: list[dict[str, float]],
                 plan: Plan) -> list[Scored]:
    """For each facet of the question (the word weights of one of its pieces) and each clause already
    chosen, the clause's sentence that covers the facet best, when no chosen sentence of that clause
    covers it: the right clause's other sentence ("分层走班教学" beside "选课走班所需校舍")."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        own = [s for s in candidates if s.chunk.clause_id == clause_id]
        for weights in facets:
            if len(out) >= MAX_SENTENCES + 4:
                break
            if any(share(s, weights) >= FACET_COVERAGE for s in out if s.chunk.clause_id == clause_id):
                continue
            best = max(own, key=lambda s, w=weights: (share(s, w), s.score), default=None)
            if best is not None and share(best, weights) >= FACET_COVERAGE and best not in out:
                out.append(best)
    return sorted(out, key=lambda s: _plan_order(plan, s.chunk))


def _plan_order(plan: Plan, chunk: Chunk) -> tuple[int, int]:
    clause = plan.get(chunk.clause_id)
    return (clause.order if clause else 0, chunk.position)


def _overlap(a: str, b: str) -> float:
    x, y = _token_set(a), _token_set(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


@lru_cache(maxsize=4096)
def _token_set(sentence: str) -> frozenset[str]:
    # Sentences are compared pairwise for every question: tokenize each plan sentence once.
    return frozenset(keyword_tokens(sentence))


#: A question that asks for a document ("根据哪份文件制定的") is answered by a sentence that names one:
#: a title in 《》 or a document number (〔2018〕5号). Such a sentence gains TYPE_BONUS, the answer
#: type weighing like the words ("根据自治区教育厅要求" shares more words but names no document).
_DOCUMENT = re.compile(r"《[^》]+》|〔\d{4}〕\d+号")
TYPE_BONUS = 0.3


def typed_first(content: Sequence[Scored], asks: str) -> list[Scored]:
    """The candidates re-ranked by the answer type asked (so far: a document)."""
    if asks != "document":
        return list(content)
    boosted = [Scored(s.chunk, s.score + TYPE_BONUS, s.covered) if _DOCUMENT.search(s.chunk.sentence) else s
               for s in content]
    return sorted(boosted, key=lambda s: s.score, reverse=True)
