"""Quality floors of the bundled question sets: what CI gates on (`policy-assistant eval … --floors`).

Each floor sits a little under what the current system measures (README, Evaluation). The blind sets'
are lower: they were written without seeing the code and are never tuned on. Every set also gets the
bars all answers must keep: no error, faithfulness 1.0, and at most FALSE_REFUSALS of its answerable
questions refused.
"""

from __future__ import annotations

FLOORS: dict[str, dict[str, float]] = {
    "dev": {"correct": 0.96, "fact_recall": 0.93, "citation_precision": 0.85, "refusal_rate": 0.95},
    "dev2": {"correct": 0.95, "fact_recall": 0.92, "refusal_rate": 0.88},
    "dev3": {"correct": 0.84, "fact_recall": 0.75, "refusal_rate": 0.8},
    "dev4": {"correct": 0.91, "fact_recall": 0.8, "refusal_rate": 0.85},
    # Multi-clause questions only (60), helper-written from the plan text.
    "dev5": {"correct": 0.8, "fact_recall": 0.9},
    # Near misses (answerable and not), English and multi-clause (130), helper-written; 0.862 before tuning.
    "dev6": {"correct": 0.93, "fact_recall": 0.93, "refusal_rate": 0.9},
    # Multi-clause, near misses, English (130), helper-written; 0.777 before tuning.
    "dev7": {"correct": 0.86, "fact_recall": 0.9, "refusal_rate": 0.95},
    # The refusal decision: 60 unanswerable near misses, 35 answerable look-alikes (130); 0.777 before tuning.
    "dev8": {"correct": 0.9, "fact_recall": 0.9, "refusal_rate": 0.92},
    # Multi-clause questions of many kinds (65 of 130), helper-written; 0.746 before tuning, 0.800 now.
    "dev9": {"correct": 0.77, "fact_recall": 0.86, "refusal_rate": 0.85},
    # English-heavy (60 English of 130, 12 of them unanswerable) and multi-clause, helper-written;
    # 0.815 before tuning, 0.923 after.
    "dev10": {"correct": 0.89, "fact_recall": 0.91, "refusal_rate": 0.9},
    # English (50 of 130, 10 unanswerable), multi-clause, colloquial paraphrase, helper-written;
    # 0.715 before tuning, 0.869 after.
    "dev11": {"correct": 0.84, "fact_recall": 0.86, "refusal_rate": 0.93},
    # Multi-clause (55 of 130), paraphrase, English, near misses, follow-ups, helper-written;
    # 0.808 before tuning, 0.854 after.
    "dev12": {"correct": 0.83, "fact_recall": 0.89, "refusal_rate": 0.95},
    # Multi-clause-heavy (54 and 50 of 90: institutions, topics and departments across parts, follow-ups,
    # English), helper-written at stop 35 from the plan alone; 0.878 and 0.889 before tuning,
    # 0.933 and 0.911 after.
    "dev13": {"correct": 0.9, "fact_recall": 0.94, "refusal_rate": 0.95},
    "dev14": {"correct": 0.88, "fact_recall": 0.94, "refusal_rate": 0.95},
    # Multi-clause-heavy, colloquial Chinese (55 of 90) and English-heavy (52 multi-clause of 90, 30 of them in
    # English), helper-written at stop 35; 0.689 and 0.767 before tuning (dev16: 0.051 of its answerable
    # questions refused then, 0.026 after the first English fixes); 0.722 and 0.800 after.
    "dev15": {"correct": 0.67, "fact_recall": 0.83, "refusal_rate": 0.75},
    "dev16": {"correct": 0.76, "fact_recall": 0.88, "refusal_rate": 0.95},
    # Multi-clause-heavy: principals describing their school first (55 of 90, 13 in English) and close
    # readers' structured questions (50 of 90, 16 in English), helper-written at stop 36 from the plan alone;
    # 0.667 and 0.822 before tuning, 0.700 and 0.878 after.
    "dev17": {"correct": 0.67, "fact_recall": 0.82, "refusal_rate": 0.75},
    "dev18": {"correct": 0.84, "fact_recall": 0.9, "refusal_rate": 0.95},
    # Multi-clause-heavy (55 and 50 of 90), helper-written at stop 37 from the plan alone: dev19 from
    # district staff and teachers (a group across the plan, several numbers at once), dev20 from parents,
    # journalists and evaluators (everyday words, the plan as a whole); 0.856 and 0.711 before tuning,
    # 0.878 and 0.767 after.
    "dev19": {"correct": 0.85, "fact_recall": 0.91, "refusal_rate": 0.85},
    "dev20": {"correct": 0.74, "fact_recall": 0.82, "refusal_rate": 0.95},
    # Multi-clause-heavy (50 of 90 each; 15 questions in English), helper-written at stop 38 from the plan
    # alone: dev21 from heads of particular kinds of schools (a 教学点, a kindergarten, a vocational or
    # special school, a private one) and county planners, dev22 from evaluators, auditors and researchers
    # (a department or topic across the plan, goals against measures); 0.800 and 0.867 before tuning,
    # 0.889 and 0.933 after.
    "dev21": {"correct": 0.86, "fact_recall": 0.92, "refusal_rate": 0.95},
    "dev22": {"correct": 0.9, "fact_recall": 0.94, "refusal_rate": 0.88},
    "test": {"correct": 0.87, "fact_recall": 0.88, "citation_precision": 0.71, "refusal_rate": 0.88},
    # Each further blind set was written the same way once the one before had served many measurements.
    # Stop 27: a list's piece gives its two best sentences, so citation precision fell by ≤ 0.015 on the
    # blind sets (test2 0.749 → 0.744, test7 0.757 → 0.742, test10 0.718 → 0.703): those floors sit 0.01 lower.
    # Stop 28: a question of two or more concerns is answered as a list, list word or not. Correct rose on
    # every blind set (+22 questions in all, none lost) and citation precision fell by 0.02–0.04 (test2
    # 0.733 → 0.694, test3 0.727 → 0.690): the precision floors sit about 0.01 under the new figures.
    "test2": {"correct": 0.86, "fact_recall": 0.86, "citation_precision": 0.68, "refusal_rate": 0.88},
    "test3": {"correct": 0.84, "fact_recall": 0.87, "citation_precision": 0.68, "refusal_rate": 0.81},
    # 0.058 of test4's answerable questions refused when first measured, 0.050 since (stop 25).
    # Stop 35: each piece's own sentence, every mention of a named word and list answers to a colon's or a
    # comparison's parts quote a little more; citation precision fell on the tuning sets by up to 0.015
    # (dev14 0.712 → 0.697, dev5 0.568 → 0.556) and on the blind ones by up to 0.013 (test 0.726 → 0.716,
    # test4 0.725 → 0.712): those two precision floors sit about 0.01 under the new figures.
    "test4": {"correct": 0.86, "fact_recall": 0.9, "citation_precision": 0.70, "refusal_rate": 0.88},
    "test5": {"correct": 0.84, "fact_recall": 0.88, "citation_precision": 0.69, "refusal_rate": 0.92},
    "test6": {"correct": 0.87, "fact_recall": 0.9, "citation_precision": 0.73, "refusal_rate": 0.84},
    "test7": {"correct": 0.88, "fact_recall": 0.92, "citation_precision": 0.73, "refusal_rate": 0.92},
    "test8": {"correct": 0.86, "fact_recall": 0.9, "citation_precision": 0.74, "refusal_rate": 0.88},
    # Committed before any answer change of its stop (0.884 then, 0.903 at the stop's end).
    "test9": {"correct": 0.88, "fact_recall": 0.93, "citation_precision": 0.71, "refusal_rate": 0.84},
    # Committed before any answer change of its stop (0.903 then).
    "test10": {"correct": 0.88, "fact_recall": 0.89, "citation_precision": 0.68, "refusal_rate": 0.88},
    "test11": {"correct": 0.89, "fact_recall": 0.92, "citation_precision": 0.74, "refusal_rate": 0.92},
    # Committed before any answer change of its stop (0.884 then).
    "test12": {"correct": 0.86, "fact_recall": 0.91, "citation_precision": 0.73, "refusal_rate": 0.9},
    # Written at stop 26 and measured on that stop's first and last commits alike (0.917 both).
    "test13": {"correct": 0.89, "fact_recall": 0.94, "citation_precision": 0.72, "refusal_rate": 0.88},
}
#: Sets smaller than the usual 120 questions (a truncated file would pass its floors on fewer, easier ones).
MIN_QUESTIONS = {"dev5": 60, "dev13": 90, "dev14": 90, "dev15": 90, "dev16": 90, "dev17": 90, "dev18": 90, "dev19": 90, "dev20": 90,
                 "dev21": 90, "dev22": 90}
DEFAULT_MIN_QUESTIONS = 120
#: At most this share of a set's answerable questions refused (every set now keeps the default).
FALSE_REFUSALS: dict[str, float] = {}
DEFAULT_FALSE_REFUSALS = 0.05


def bars_for(name: str) -> dict[str, float]:
    """Every bar of one set (its stem), as `--min` bars: floors, and ceilings for the lower-is-better."""
    return {
        **FLOORS.get(name, {}),
        "faithfulness": 1.0,
        "error_rate": 0.0,
        "false_refusal_rate": FALSE_REFUSALS.get(name, DEFAULT_FALSE_REFUSALS),
    }
