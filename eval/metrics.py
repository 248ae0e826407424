"""Scores of one answer against one labelled question, and their aggregation over a question set.

Every per-question score is a float, or None when the metric does not apply to that question (e.g.
citation recall of an unanswerable question). An aggregate averages only the questions whose score is
not None, so "which questions a metric averages over" is decided here, once, and documented in
METRICS (report.md prints those descriptions).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.answer import Answer
from knowledge.clause import Plan
from knowledge.departments import canonical_text

if TYPE_CHECKING:
    from eval.questions import Question

Scores = dict[str, float | None]


@dataclass(frozen=True)
class Metric:
    name: str
    over: str  # which questions the aggregate averages over
    higher_is_better: bool = True
    unit: str = "rate"  # "rate" (0..1), "chars" or "ms"


METRICS: tuple[Metric, ...] = (
    Metric("correct", "all questions: an answerable one is answered with every fact and every gold clause "
           "cited; an unanswerable one is refused"),
    Metric("hit@1", "answerable questions with gold clauses: a gold clause is the top retrieved clause"),
    Metric("hit@3", "answerable questions with gold clauses: a gold clause is among the top 3 retrieved"),
    Metric("hit@5", "answerable questions with gold clauses: a gold clause is among the top 5 retrieved"),
    Metric("mrr", "answerable questions with gold clauses: 1/rank of the first gold clause retrieved"),
    Metric("citation_precision", "answerable questions whose answer cites something: share of cited IDs "
           "that are gold"),
    Metric("citation_recall", "answerable questions with gold clauses: share of gold IDs cited"),
    Metric("citation_precision_partial", "as citation_precision, an ancestor/descendant of a gold clause "
           "earns 0.5"),
    Metric("citation_recall_partial", "as citation_recall, a cited ancestor/descendant of the gold clause "
           "earns 0.5"),
    Metric("fact_recall", "answerable questions with answer facts: share of facts found in the answer text"),
    Metric("all_facts", "answerable questions with answer facts: share with every fact found"),
    Metric("refusal_rate", "unanswerable questions: share refused"),
    Metric("false_refusal_rate", "answerable questions: share refused", higher_is_better=False),
    Metric("faithfulness", "questions whose answer has cited sentences: share of those sentences whose "
           "【id】s are real, cited clauses with verbatim quotes (mean per question)"),
    Metric("answer_length", "answerable questions answered without error: characters of the answer text",
           higher_is_better=False, unit="chars"),
    Metric("latency_p50_ms", "questions answered without error: median of timings_ms.total",
           higher_is_better=False, unit="ms"),
    Metric("latency_p95_ms", "questions answered without error: 95th percentile of timings_ms.total",
           higher_is_better=False, unit="ms"),
    Metric("error_rate", "all questions: share where the system raised an exception",
           higher_is_better=False),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}
_MEAN_METRICS = tuple(m.name for m in METRICS if not m.name.startswith("latency_"))

_MARKERS = re.compile(r"(?:【[^【】\n]+】)+")
_MARKER_ID = re.compile(r"【([^【】\n]+)】")
_SPACE = re.compile(r"\s+")


# -- retrieval ---------------------------------------------------------------------------------------

def hit_at(answer: Answer, gold: Sequence[str], k: int) -> float:
    """1.0 when one of the first k retrieved clauses is a gold clause."""
    return 1.0 if any(h.clause_id in gold for h in answer.hits[:k]) else 0.0


def reciprocal_rank(answer: Answer, gold: Sequence[str]) -> float:
    """1/rank of the first retrieved gold clause, 0.0 when none is retrieved."""
    for rank, hit in enumerate(answer.hits, start=1):
        if hit.clause_id in gold:
            return 1.0 / rank
    return 0.0


# -- citations ---------------------------------------------------------------------------------------

def cited_ids(answer: Answer) -> list[str]:
    """Cited clause IDs in first-cited order, without repeats."""
    return list(dict.fromkeys(c.clause_id for c in answer.citations))


def _related(plan: Plan, a: str, b: str) -> bool:
    """True when a is an ancestor or a descendant of b."""
    if a not in plan or b not in plan:
        return False
    return any(c.id == a for c in plan.ancestors(b)) or any(c.id == b for c in plan.ancestors(a))


def _credit(plan: Plan, clause_id: str, others: Iterable[str]) -> float:
    others = list(others)
    if clause_id in others:
        return 1.0
    return 0.5 if any(_related(plan, clause_id, o) for o in others) else 0.0


def citation_precision(answer: Answer, gold: Sequence[str], plan: Plan, partial: bool = False) -> float | None:
    """Share of cited IDs that are gold; None when nothing is cited. partial: relatives earn 0.5."""
    cited = cited_ids(answer)
    if not cited:
        return None
    if not partial:
        return sum(1.0 for c in cited if c in gold) / len(cited)
    return sum(_credit(plan, c, gold) for c in cited) / len(cited)


def citation_recall(answer: Answer, gold: Sequence[str], plan: Plan, partial: bool = False) -> float | None:
    """Share of gold IDs cited; None without gold. partial: a cited relative earns 0.5."""
    if not gold:
        return None
    cited = cited_ids(answer)
    if not partial:
        return sum(1.0 for g in gold if g in cited) / len(gold)
    return sum(_credit(plan, g, cited) for g in gold) / len(gold)


# -- answer facts ------------------------------------------------------------------------------------

def normalize_fact_text(text: str) -> str:
    """Whitespace removed and full-width ％ unified, so "96.5 ％" matches the fact "96.5%"."""
    return _SPACE.sub("", text).replace("％", "%")


def fact_alternatives(fact: str) -> list[str]:
    """A fact "96.5%|九成六" is found when any of its non-empty alternatives is."""
    return [a for a in (part.strip() for part in fact.split("|")) if a]


def has_fact(text: str, fact: str) -> bool:
    """Whether the text states the fact; department names compare in the assistant's canonical form
    (a fact "市编办" is found in a quote that says "编办", and the other way round)."""
    normalized = normalize_fact_text(canonical_text(text))
    return any(normalize_fact_text(canonical_text(a)) in normalized for a in fact_alternatives(fact))


def missing_facts(text: str, facts: Sequence[str]) -> list[str]:
    return [f for f in facts if not has_fact(text, f)]


def fact_recall(text: str, facts: Sequence[str]) -> float | None:
    """Share of facts present in text (the answer text only, not citation quotes); None without facts."""
    if not facts:
        return None
    return 1.0 - len(missing_facts(text, facts)) / len(facts)


# -- faithfulness ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CitedSentence:
    text: str  # the sentence including its trailing 【id】 markers
    clause_ids: tuple[str, ...]
    problems: tuple[str, ...]  # empty when faithful

    @property
    def faithful(self) -> bool:
        return not self.problems


def cited_sentences(answer: Answer, plan: Plan) -> list[CitedSentence]:
    """Sentences of answer.text that end with 【id】 markers, each checked against plan and citations.

    A sentence is faithful when every 【id】 closing it is a clause of the plan, is among
    answer.citations, and every citation of that clause has a non-empty quote found verbatim in
    plan.full_text(id). Text after the last marker is not a cited sentence and is not judged.
    """
    quotes: dict[str, list[str]] = {}
    for citation in answer.citations:
        quotes.setdefault(citation.clause_id, []).append(citation.quote)
    out: list[CitedSentence] = []
    start = 0
    for run in _MARKERS.finditer(answer.text):
        ids = tuple(m.strip() for m in _MARKER_ID.findall(run.group(0)))
        problems: list[str] = []
        for clause_id in ids:
            if clause_id not in plan:
                problems.append(f"【{clause_id}】 is not a clause")
            elif clause_id not in quotes:
                problems.append(f"【{clause_id}】 is not in the citations")
            elif not all(q and q in plan.full_text(clause_id) for q in quotes[clause_id]):
                problems.append(f"quote for {clause_id} is not verbatim in the clause")
        out.append(CitedSentence(answer.text[start:run.end()].strip(), ids, tuple(problems)))
        start = run.end()
    return out


def faithfulness(answer: Answer, plan: Plan) -> float | None:
    """Share of cited sentences that are faithful; None when the answer has none (e.g. a refusal)."""
    sentences = cited_sentences(answer, plan)
    if not sentences:
        return None
    return sum(1.0 for s in sentences if s.faithful) / len(sentences)


# -- one question, many questions --------------------------------------------------------------------

def is_correct(question: Question, answer: Answer, plan: Plan) -> float:
    """The headline score: refused when it should be; otherwise every fact and every gold clause cited."""
    if not question.answerable:
        return float(answer.refused)
    if answer.refused:
        return 0.0
    facts_ok = not missing_facts(answer.text, question.answer_facts)
    cited = set(cited_ids(answer))
    return float(facts_ok and all(g in cited for g in question.gold_clauses))


def score_question(question: Question, answer: Answer, plan: Plan) -> Scores:
    """Every per-question score (None where the metric does not apply), keyed like METRICS."""
    gold = list(question.gold_clauses)
    answerable = question.answerable
    with_gold = answerable and bool(gold)
    facts = list(question.answer_facts) if answerable else []
    recall = fact_recall(answer.text, facts)
    total = answer.timings_ms.get("total")
    return {
        "correct": is_correct(question, answer, plan),
        "hit@1": hit_at(answer, gold, 1) if with_gold else None,
        "hit@3": hit_at(answer, gold, 3) if with_gold else None,
        "hit@5": hit_at(answer, gold, 5) if with_gold else None,
        "mrr": reciprocal_rank(answer, gold) if with_gold else None,
        "citation_precision": citation_precision(answer, gold, plan) if with_gold else None,
        "citation_recall": citation_recall(answer, gold, plan) if with_gold else None,
        "citation_precision_partial": citation_precision(answer, gold, plan, True) if with_gold else None,
        "citation_recall_partial": citation_recall(answer, gold, plan, True) if with_gold else None,
        "fact_recall": recall,
        "all_facts": None if recall is None else float(recall == 1.0),
        "refusal_rate": None if answerable else float(answer.refused),
        "false_refusal_rate": float(answer.refused) if answerable else None,
        "faithfulness": faithfulness(answer, plan),
        "answer_length": float(len(answer.text)) if answerable else None,
        "latency_ms": float(total) if total is not None else None,
        "error_rate": 0.0,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def aggregate(rows: Sequence[Mapping[str, float | None]]) -> Scores:
    """Mean of each metric over the rows where it applies; latency as p50/p95; None when none apply."""
    out: Scores = {}
    for name in _MEAN_METRICS:
        values = [v for row in rows if (v := row.get(name)) is not None]
        out[name] = sum(values) / len(values) if values else None
    latencies = [v for row in rows if (v := row.get("latency_ms")) is not None]
    out["latency_p50_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    return {m.name: out[m.name] for m in METRICS}
