"""Calibrate the refusal thresholds on the dev set by cross-validation.

    python -m eval.calibration [FILE …]     (default: the tuning sets dev … dev4)

The thresholds only decide whether a question is answerable; everything else the composer does is
fixed. So each question is answered twice (as answerable, and as not) and its best-sentence
similarity and keyword coverage are recorded; every candidate threshold is then scored by lookup.
Five folds: the best candidate on four folds is scored on the fifth, and the held-out figures are
what the calibration is worth on questions it did not see. Chinese and English questions get their
own thresholds (their similarities come from different embedders). The values printed last go into
``assistant.thresholds.Thresholds``. (Compound questions are approximated by their whole-question
retrieval.)
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.service import Assistant, build_assistant
from assistant.settings import Settings
from assistant.thresholds import Thresholds
from eval.metrics import is_correct
from eval.questions import Question, default_questions_path, load_questions

FOLDS = 5
#: The sets thresholds may be fitted on; the blind test sets are never among them, nor dev5 (answerable
#: multi-clause questions only: a refusal threshold fitted on it would learn never to refuse).
TUNING_SETS = ("dev", "dev2", "dev3", "dev4")
ZH_GRID = list(itertools.product((0.86, 0.87, 0.875, 0.88, 0.885, 0.89), (0.82, 0.83, 0.84, 0.85, 0.86),
                                 (0.0, 0.2, 0.4)))
EN_GRID = list(itertools.product((0.3, 0.33, 0.36, 0.4, 0.45, 0.5, 0.55), (0.2, 0.25, 0.3), (0.2, 0.3, 0.4)))


@dataclass(frozen=True)
class Observed:
    question: Question
    english: bool
    top_dense: float
    coverage: float
    if_answered: float  # correct when treated as answerable
    if_refused: float  # correct when treated as not answerable


def observe(assistant: Assistant, questions: list[Question]) -> list[Observed]:
    out = []
    base = assistant.composer.thresholds
    for q in questions:
        state = assistant._retrieve(assistant._read({"question": q.question, "history": list(q.history)}))
        results = []
        for margin in (-10.0, 10.0):  # always answerable, never answerable
            assistant.composer.thresholds = base.shifted(margin)
            results.append(is_correct(q, assistant.ask(q.question, q.history), assistant.plan))
        assistant.composer.thresholds = base
        coverage = assistant.composer.coverage(state.question, state.retrieval)
        out.append(Observed(q, state.question.english, state.retrieval.top_dense, coverage, *results))
    return out


def outcome(o: Observed, candidate: tuple[float, float, float]) -> float:
    dense, with_keywords, coverage = candidate
    answerable = o.top_dense >= dense or (o.top_dense >= with_keywords and o.coverage >= coverage)
    return o.if_answered if answerable else o.if_refused


def best(rows: list[Observed], grid: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    valid = [c for c in grid if c[1] <= c[0]]
    return max(valid, key=lambda c: (sum(outcome(o, c) for o in rows), c[0]))


def cross_validate(rows: list[Observed], grid: list[tuple[float, float, float]]) -> float:
    """Mean held-out `correct` over FOLDS folds (questions dealt round-robin, answerable ones first)."""
    ordered = sorted(rows, key=lambda o: o.question.answerable)
    scores = []
    for k in range(FOLDS):
        held = [o for i, o in enumerate(ordered) if i % FOLDS == k]
        train = [o for i, o in enumerate(ordered) if i % FOLDS != k]
        if held and train:
            chosen = best(train, grid)
            scores += [outcome(o, chosen) for o in held]
    return sum(scores) / len(scores) if scores else 0.0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    assistant = build_assistant(Settings.from_env())
    folder = default_questions_path().parent
    paths = [Path(a) for a in args] or [folder / f"{name}.jsonl" for name in TUNING_SETS]
    questions = [q for path in paths for q in load_questions(path, assistant.plan)]
    rows = observe(assistant, questions)
    chosen = {}
    for name, english, grid in (("Chinese", False, ZH_GRID), ("English", True, EN_GRID)):
        part = [o for o in rows if o.english == english]
        if not part:
            continue
        chosen[name] = best(part, grid)
        current = sum(outcome(o, chosen[name]) for o in part) / len(part)
        print(f"{name}: {len(part)} questions, held-out correct {cross_validate(part, grid):.3f} "
              f"({FOLDS}-fold), in-sample {current:.3f} with dense/dense+kw/coverage = {chosen[name]}")
    t = Thresholds()
    if "Chinese" in chosen:
        t = replace(t, dense=chosen["Chinese"][0], dense_with_keywords=chosen["Chinese"][1],
                    coverage=chosen["Chinese"][2])
    if "English" in chosen:
        t = replace(t, english_dense=chosen["English"][0], english_dense_with_keywords=chosen["English"][1],
                    english_coverage=chosen["English"][2])
    print(f"best: {t}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
