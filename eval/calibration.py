"""Calibrate the refusal thresholds on a labelled question file.

    python -m eval.calibration [FILE]

e5 similarities are compressed (relevant ≈0.9, unrelated ≈0.85), so the thresholds are read off
labelled data instead of guessed: every candidate is scored on refusal rate (unanswerable questions)
and false-refusal rate (answerable ones); the best candidate that refuses ≥ 90 % is printed, and the
values go into ``assistant.composer.Thresholds``.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

from assistant.composer import Thresholds
from assistant.service import Assistant, build_assistant
from assistant.settings import Settings
from eval.harness import run_eval
from eval.questions import Question, default_questions_path, load_questions


def score(assistant: Assistant, questions: list[Question], thresholds: Thresholds) -> tuple[float, float, float]:
    assistant.composer.thresholds = thresholds
    run = run_eval(questions, assistant.ask, assistant.plan)
    m = run.metrics
    return m["refusal_rate"] or 0.0, m["false_refusal_rate"] or 0.0, m["all_facts"] or 0.0


def calibrate(assistant: Assistant, questions: list[Question]) -> list[tuple[Thresholds, float, float, float]]:
    rows = []
    base = Thresholds()
    for dense, with_kw, coverage in itertools.product(
        (0.875, 0.88, 0.885, 0.89), (0.84, 0.85, 0.86, 0.865, 0.87), (0.0, 0.2, 0.4)
    ):
        if with_kw > dense:
            continue
        t = replace(base, dense=dense, dense_with_keywords=with_kw, coverage=coverage)
        rows.append((t, *score(assistant, questions, t)))
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    assistant = build_assistant(Settings.from_env())
    path = Path(args[0]) if args else default_questions_path()
    questions = load_questions(path, assistant.plan)
    rows = calibrate(assistant, questions)
    print("dense  dense+kw  coverage  refusal  false_refusal  all_facts")
    for t, refusal, false_refusal, facts in rows:
        print(f"{t.dense:.3f}  {t.dense_with_keywords:.3f}     {t.coverage:.2f}      "
              f"{refusal:.3f}    {false_refusal:.3f}          {facts:.3f}")
    ok = [r for r in rows if r[1] >= 0.9] or rows
    best = min(ok, key=lambda r: (r[2], -r[3], -r[1]))
    print(f"best: {best[0]}  refusal={best[1]:.3f} false_refusal={best[2]:.3f} all_facts={best[3]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
