"""Run a question set through an answering function and score every answer."""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer, BadQuestion
from eval import metrics
from knowledge.clause import Plan

if TYPE_CHECKING:
    from eval.questions import Question

AnswerFn = Callable[[str, Sequence[str]], Answer]


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: dict[str, Any] | None  # Answer.to_json(); None when answering raised
    scores: metrics.Scores  # per-question metric values, None where a metric does not apply
    failed: bool
    failures: tuple[str, ...]  # human-readable reasons, e.g. "missing fact 96.5%", "false refusal"

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q.id,
            "type": q.type,
            "question": q.question,
            "history": list(q.history),
            "answerable": q.answerable,
            "gold_clauses": list(q.gold_clauses),
            "answer_facts": list(q.answer_facts),
            "answer": self.answer,
            "scores": {k: _round(v) for k, v in self.scores.items()},
            "failed": self.failed,
            "failures": list(self.failures),
        }


@dataclass(frozen=True)
class EvalRun:
    system: str
    results: tuple[QuestionResult, ...]
    metrics: metrics.Scores  # aggregated over all questions, see eval.metrics.METRICS
    by_type: dict[str, metrics.Scores]  # the same per question type
    started_at: str  # ISO 8601, UTC
    duration_s: float

    @property
    def failed(self) -> list[QuestionResult]:
        return [r for r in self.results if r.failed]

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 2),
            "count": len(self.results),
            "failed": len(self.failed),
            "metrics": {k: _round(v) for k, v in self.metrics.items()},
            "by_type": {t: {k: _round(v) for k, v in m.items()} for t, m in self.by_type.items()},
            "composer": composer_summary([r.answer for r in self.results]),
            "questions": [r.to_json() for r in self.results],
        }


#: What each verification note and fallback note of the LLM composer means (assistant/llm_composer.py).
DROP_CHECKS = (("未注明依据条款", "no clause cited"), ("检索证据之外", "clause outside the evidence"),
               ("数字", "figure not in the cited clause"), ("引文", "quote not verbatim"),
               ("未提及", "department not in the cited clause"), ("语言", "wrong language"))
FALLBACKS = (("不可用", "endpoint fault"), ("空回答", "empty answer"), ("未通过核验", "nothing verifiable"),
             ("遗漏", "direct fact missing"))
_MARKS = re.compile(r"(?:【[^】]+】)+")


def composer_summary(answers: Sequence[Mapping[str, Any] | None]) -> dict[str, Any]:
    """What the composers did over a run's answers (Answer.to_json() dicts): answers the model wrote,
    sentences kept and dropped, drops by check, fallbacks by reason."""
    done = [a for a in answers if a]
    written = [a for a in done if a.get("composer") == "llm"]
    notes = [n for a in done for n in a.get("notes", ())]

    def count(table: tuple[tuple[str, str], ...], texts: list[str]) -> dict[str, int]:
        found = collections.Counter(next((label for key, label in table if key in t), "other") for t in texts)
        return dict(found.most_common())

    return {
        "answers": len(done),
        "written_by_model": len(written),
        "sentences_kept": sum(len(_MARKS.findall(a["answer"])) for a in written),
        "sentences_dropped": sum(int(a.get("dropped", 0)) for a in done),
        "dropped_by_check": count(DROP_CHECKS, [n.split("：", 1)[-1] for n in notes if n.startswith("已删除")]),
        "fallbacks": count(FALLBACKS, [n for n in notes if n.endswith("已改用摘录答案。")]),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _error_answer(question: str) -> Answer:
    """What an exception is scored as: nothing retrieved, nothing cited, not refused."""
    return Answer(question=question, text="", citations=(), refused=False, hits=())


def failure_reasons(question: Question, answer: Answer, plan: Plan) -> list[str]:
    """Why an answer does not meet its label; empty when it does."""
    reasons: list[str] = []
    if not question.answerable:
        if not answer.refused:
            reasons.append("answered an unanswerable question")
        return reasons
    if answer.refused:
        return ["false refusal"]
    reasons += [f"missing fact {f}" for f in metrics.missing_facts(answer.text, question.answer_facts)]
    gold = list(question.gold_clauses)
    cited = metrics.cited_ids(answer)
    if gold:
        gold_text = "、".join(gold)
        reasons += [f"cited {c} not gold {gold_text}" for c in cited if c not in gold]
        if not cited:
            reasons.append(f"cited nothing (gold {gold_text})")
    for sentence in metrics.cited_sentences(answer, plan):
        reasons += [f"unfaithful: {p}" for p in sentence.problems]
    return list(dict.fromkeys(reasons))


def evaluate_answer(question: Question, answer: Answer, plan: Plan) -> QuestionResult:
    reasons = failure_reasons(question, answer, plan)
    return QuestionResult(question, answer.to_json(), metrics.score_question(question, answer, plan),
                          bool(reasons), tuple(reasons))


def _evaluate_error(question: Question, exc: BaseException, plan: Plan) -> QuestionResult:
    scores = metrics.score_question(question, _error_answer(question.question), plan)
    scores.update({"error_rate": 1.0, "answer_length": None, "latency_ms": None})
    reason = f"error: {type(exc).__name__}: {exc}"
    return QuestionResult(question, None, scores, True, (reason,))


def run_eval(
    questions: Sequence[Question],
    answer_fn: AnswerFn,
    plan: Plan,
    progress: Callable[[int, int], None] | None = None,
    system: str = "policy-assistant",
) -> EvalRun:
    """Ask every question (with its history) and score the answers.

    BadQuestion from answer_fn counts as a refusal. Any other exception is recorded as that
    question's failure, scored as an empty answer, and the run goes on.
    """
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.perf_counter()
    results: list[QuestionResult] = []
    for done, question in enumerate(questions, start=1):
        try:
            answer = answer_fn(question.question, tuple(question.history))
        except BadQuestion as exc:  # the system's deliberate rejection with a message: a refusal
            answer = Answer(question.question, str(exc), (), True, (), kind="refusal")
            result = evaluate_answer(question, answer, plan)
        except Exception as exc:  # one broken question must not lose the whole run
            result = _evaluate_error(question, exc, plan)
        else:
            result = evaluate_answer(question, answer, plan)
        results.append(result)
        if progress:
            progress(done, len(questions))
    by_type: dict[str, list[metrics.Scores]] = {}
    for result in results:
        by_type.setdefault(result.question.type, []).append(result.scores)
    return EvalRun(
        system=system,
        results=tuple(results),
        metrics=metrics.aggregate([r.scores for r in results]),
        by_type={t: metrics.aggregate(rows) for t, rows in sorted(by_type.items())},
        started_at=started_at,
        duration_s=time.perf_counter() - clock,
    )
