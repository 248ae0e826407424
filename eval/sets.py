"""Several question sets side by side (dev beside the blind test set), overall and per question type.

The dev set tunes the assistant; the blind set, written from the plan alone, judges it. Printing them
side by side keeps the gap between the two in view.
"""

from __future__ import annotations

from collections.abc import Mapping

from eval.harness import EvalRun
from eval.report import format_value

#: The metrics shown per set and per type.
COLUMNS = ("correct", "all_facts", "citation_recall", "citation_precision", "refusal_rate",
           "false_refusal_rate", "faithfulness", "answer_length")
#: Follow-ups are typed by what they ask; they are also reported as a group of their own.
FOLLOWUP = "(follow-ups)"


def per_type(run: EvalRun) -> dict[str, dict[str, float | None]]:
    """run.by_type plus a row for all questions and one for the follow-ups (questions with history)."""
    from eval import metrics

    rows: dict[str, dict[str, float | None]] = {"all": dict(run.metrics), **run.by_type}
    followups = [r.scores for r in run.results if r.question.history]
    if followups:
        rows[FOLLOWUP] = metrics.aggregate(followups)
    return rows


def side_by_side(runs: Mapping[str, EvalRun], columns: tuple[str, ...] = ("correct",)) -> str:
    """A Markdown table: one row per question type, for each set its count and the given metrics."""
    tables = {name: per_type(run) for name, run in runs.items()}
    counts = {name: _counts(run) for name, run in runs.items()}
    types = ["all"] + sorted({t for rows in tables.values() for t in rows} - {"all", FOLLOWUP}) + [FOLLOWUP]
    header = "| type | " + " | ".join(f"{name} n | " + " | ".join(f"{name} {c}" for c in columns)
                                     for name in runs) + " |"
    rule = "|---|" + "---:|" * ((1 + len(columns)) * len(runs))
    lines = [header, rule]
    for t in types:
        if not any(t in rows for rows in tables.values()):
            continue
        cells = []
        for name in runs:
            row = tables[name].get(t)
            cells.append(str(counts[name].get(t, 0)))
            cells += [format_value(c, row.get(c)) if row else "—" for c in columns]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _counts(run: EvalRun) -> dict[str, int]:
    counts: dict[str, int] = {"all": len(run.results)}
    for r in run.results:
        counts[r.question.type] = counts.get(r.question.type, 0) + 1
        if r.question.history:
            counts[FOLLOWUP] = counts.get(FOLLOWUP, 0) + 1
    return counts
