"""Evaluation reports (JSON, Markdown, HTML), comparison with an earlier report, and quality bars."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.harness import EvalRun
from eval.metrics import METRIC_BY_NAME, METRICS
from eval.report_html import render_html

FORMAT = "policy-assistant-eval/1"
#: Metrics the per-type tables and charts show.
KEY_METRICS = ("hit@5", "citation_recall", "fact_recall", "faithfulness", "refusal_rate", "false_refusal_rate")


def format_value(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    unit = METRIC_BY_NAME[name].unit if name in METRIC_BY_NAME else "rate"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "chars":
        return f"{value:.0f}"
    return f"{value:.3f}"


def report_json(run: EvalRun, baseline: EvalRun | None = None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "metric_definitions": {
            m.name: {"over": m.over, "higher_is_better": m.higher_is_better, "unit": m.unit} for m in METRICS
        },
        "system": run.to_json(),
        "baseline": baseline.to_json() if baseline is not None else None,
    }


def metrics_table(run: EvalRun | Mapping[str, Any], baseline: EvalRun | Mapping[str, Any] | None = None) -> str:
    """Markdown table: one row per metric, the system and (when given) the vanilla baseline side by side."""
    system = run_part(run)
    base = run_part(baseline) if baseline is not None else None
    header = f"| metric | {system['system']} |"
    rule = "|---|---:|"
    if base is not None:
        header += f" {base['system']} |"
        rule += "---:|"
    lines = [header + " averaged over |", rule + "---|"]
    for m in METRICS:
        row = f"| {m.name} | {format_value(m.name, system['metrics'].get(m.name))} |"
        if base is not None:
            row += f" {format_value(m.name, base['metrics'].get(m.name))} |"
        lines.append(row + f" {m.over} |")
    return "\n".join(lines)


def _type_table(system: dict[str, Any], base: dict[str, Any] | None) -> str:
    counts: dict[str, int] = {}
    for row in system["questions"]:
        counts[row["type"]] = counts.get(row["type"], 0) + 1
    lines = ["| type | n | " + " | ".join(KEY_METRICS) + " |", "|---|---:|" + "---:|" * len(KEY_METRICS)]
    for qtype, values in system["by_type"].items():
        cells = []
        for name in KEY_METRICS:
            cell = format_value(name, values.get(name))
            if base is not None:
                cell += f" ({format_value(name, base['by_type'].get(qtype, {}).get(name))})"
            cells.append(cell)
        lines.append(f"| {qtype} | {counts.get(qtype, 0)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _composer_lines(system: Mapping[str, Any]) -> list[str]:
    summary = system.get("composer") or {}
    if not summary.get("written_by_model") and not summary.get("fallbacks"):
        return []  # the extractive composer alone: nothing to say
    return ["## Composer", "", f"The model wrote {summary['written_by_model']} of {summary['answers']} answers "
            f"({summary['sentences_kept']} sentences kept, {summary['sentences_dropped']} dropped).", "",
            "- dropped by check: " + json.dumps(summary["dropped_by_check"], ensure_ascii=False),
            "- fallbacks to the extractive answer: " + json.dumps(summary["fallbacks"], ensure_ascii=False), ""]


def render_markdown(data: Mapping[str, Any]) -> str:
    system, base = data["system"], data.get("baseline")
    out = [
        f"# Evaluation report: {system['system']}",
        "",
        f"{system['count']} questions, {system['failed']} failed, run {system['started_at']} "
        f"in {system['duration_s']:.1f} s. Rates are in 0..1; each metric averages only over the questions "
        "named in the last column.",
        "",
        "## Metrics",
        "",
        metrics_table(system, base),
        "",
        "## Per question type",
        "",
        "Values of " + system["system"] + (f" (and {base['system']} in parentheses)." if base else "."),
        "",
        _type_table(system, base),
        "",
        *_composer_lines(system),
        f"## Failed questions ({system['failed']})",
        "",
    ]
    failed = [row for row in system["questions"] if row["failed"]]
    for row in failed:
        question = row["question"].replace("\n", " ")
        out.append(f"- **{row['id']}** ({row['type']}) {question} — " + "; ".join(row["failures"]))
    if not failed:
        out.append("None.")
    return "\n".join(out) + "\n"


def write_report(run: EvalRun, directory: Path, baseline: EvalRun | None = None) -> dict[str, Path]:
    """Write report.json, report.md and a self-contained report.html into directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = report_json(run, baseline)
    paths = {"json": directory / "report.json", "md": directory / "report.md", "html": directory / "report.html"}
    paths["json"].write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(render_markdown(data), encoding="utf-8")
    paths["html"].write_text(render_html(data, KEY_METRICS, format_value), encoding="utf-8")
    return paths


def run_part(obj: EvalRun | Mapping[str, Any]) -> dict[str, Any]:
    """The run part of an EvalRun, a report.json, or a run's own JSON."""
    if isinstance(obj, EvalRun):
        return obj.to_json()
    if not isinstance(obj, Mapping):
        raise ValueError("not an evaluation report: expected a JSON object")
    for part in (obj.get("system"), obj):
        if isinstance(part, Mapping) and isinstance(part.get("metrics"), Mapping):
            return dict(part)
    raise ValueError("not an evaluation report: expected report.json with a 'system' entry holding 'metrics'")


def compare(old_report_json: Mapping[str, Any], new: EvalRun | Mapping[str, Any]) -> str:
    """Markdown table of every metric in the old and new report with the change and whether it is better."""
    old, current = run_part(old_report_json), run_part(new)
    lines = [
        f"Comparing {current['system']} ({current.get('count', '?')} questions) with the earlier report "
        f"of {old.get('system', '?')} ({old.get('count', '?')} questions, {old.get('started_at', '?')}).",
        "",
        "| metric | old | new | change | |",
        "|---|---:|---:|---:|---|",
    ]
    for m in METRICS:
        before, after = old["metrics"].get(m.name), current["metrics"].get(m.name)
        if before is None or after is None:
            delta, verdict = "—", ""
        else:
            diff = after - before
            delta = f"{diff:+.0f}" if m.unit != "rate" else f"{diff:+.3f}"
            better = diff > 0 if m.higher_is_better else diff < 0
            verdict = "" if abs(diff) < 1e-9 else ("better" if better else "worse")
        lines.append(
            f"| {m.name} | {format_value(m.name, before)} | {format_value(m.name, after)} | {delta} | {verdict} |"
        )
    return "\n".join(lines)


def check_bars(metrics: Mapping[str, float | None], bars: Mapping[str, float]) -> list[str]:
    """Violations of quality bars; empty when all pass.

    A bar is a minimum for metrics where higher is better and a ceiling for the others (false refusal
    rate, error rate, answer length, latency). An unknown metric name or a metric without a value
    (no question it applies to) is a violation too.
    """
    violations: list[str] = []
    for name, bar in bars.items():
        metric = METRIC_BY_NAME.get(name)
        if metric is None:
            violations.append(f"unknown metric {name!r}; valid metrics: {', '.join(METRIC_BY_NAME)}")
            continue
        value = metrics.get(name)
        if value is None:
            violations.append(f"{name} has no value (no question in the set it applies to), bar {bar:g}")
        elif metric.higher_is_better and value < bar:
            violations.append(f"{name} = {format_value(name, value)} is below the bar {bar:g}")
        elif not metric.higher_is_better and value > bar:
            violations.append(f"{name} = {format_value(name, value)} is above the ceiling {bar:g} (lower is better)")
    return violations
