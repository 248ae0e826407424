"""Evidence sets: score every candidate sentence once, then pick a small, diverse set that answers.

One scorer for every route: the sentence's dense similarity (relative to the best in the pool),
its BM25 score (relative to the best), and how much of the question's wording it covers, each
question token weighted by its rarity in the plan (idf), so question words the plan never uses
(哪些, 什么) and words it uses everywhere (教育) count for little.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
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
        # Which sentences hold each token: a question's few tokens find their sentences directly
        # instead of every sentence being tested against every token.
        self._holders: dict[str, list[str]] = {}
        for chunk_id, tokens in self._tokens.items():
            for t in tokens:
                self._holders.setdefault(t, []).append(chunk_id)

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
        held: dict[str, list[str]] = {}
        for t in weights:
            for chunk_id in self._holders.get(t, ()):
                held.setdefault(chunk_id, []).append(t)
        nothing: frozenset[str] = frozenset()
        out = []
        for chunk in chunks:
            tokens = held.get(chunk.id)
            covered = frozenset(tokens) if tokens else nothing
            dense = retrieval.dense.get(chunk.id)
            relative = max(0.0, (dense - floor) / span) if dense is not None else 0.0
            keyword = retrieval.keyword.get(chunk.id, 0.0) / top_kw
            coverage = math.fsum(weights[t] for t in tokens) / total if tokens else 0.0
            score = DENSE_WEIGHT * relative + KEYWORD_WEIGHT * keyword + COVERAGE_WEIGHT * coverage
            out.append(Scored(chunk, score, covered))
        out.sort(key=lambda s: s.score, reverse=True)
        return out


def share(scored: Scored, weights: dict[str, float]) -> float:
    """The (idf-weighted) share of ``weights`` a sentence covers."""
    return math.fsum(weights[t] for t in scored.covered if t in weights) / (math.fsum(weights.values()) or 1.0)


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
        if any(_repeats(candidate.chunk.sentence, s.chunk.sentence) for s in chosen):
            continue
        chosen.append(candidate)
        covered |= candidate.covered
    return sorted(chosen, key=lambda s: plan_order(plan, s.chunk))


def plan_order(plan: Plan, chunk: Chunk) -> tuple[int, int]:
    clause = plan.get(chunk.clause_id)
    return (clause.order if clause else 0, chunk.position)


def _repeats(a: str, b: str) -> bool:
    """Whether ``a`` says what ``b`` says: most of its words, and no figure of its own ("2019年…96.5%"
    beside "2018年…96%" is the same sentence for another year, which a question may ask for)."""
    if _overlap(a, b) <= DUPLICATE:
        return False
    return not {t for t in _token_set(a) if t[0].isdigit()} - _token_set(b)


def _overlap(a: str, b: str) -> float:
    x, y = _token_set(a), _token_set(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


@lru_cache(maxsize=4096)
def _token_set(sentence: str) -> frozenset[str]:
    # Sentences are compared pairwise for every question: tokenize each plan sentence once.
    return frozenset(keyword_tokens(sentence))


#: A question that asks for a document ("根据哪份文件制定的") is answered by a sentence that names one:
#: a title in 《》 or a document number (〔2018〕5号), however many more of its words another shares
#: ("根据自治区教育厅要求" names no document).
_DOCUMENT = re.compile(r"《[^》]+》|〔\d{4}〕\d+号")
#: What the answer type asked weighs beside the words (the adoption sentence for "哪次会议通过的").
TYPE_BONUS = 0.3


def of_asked_type(content: Sequence[Scored], asks: str) -> list[Scored]:
    """The candidates for the answer type asked (so far: a document): those that name a document,
    when any does."""
    if asks != "document":
        return list(content)
    return [s for s in content if _DOCUMENT.search(s.chunk.sentence)] or list(content)
