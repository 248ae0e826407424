"""The self-contained HTML report: inline CSS and SVG only (no scripts, fonts or CDN), all text escaped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from eval.metrics import METRICS, has_fact

_COLORS = ("#2b6cb0", "#a0aec0")  # system, baseline
_CSS = """
body{font-family:sans-serif;margin:1.5em;color:#1a202c;line-height:1.45}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
th,td{border:1px solid #cbd5e0;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#edf2f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td:first-child{border-left:4px solid #c53030}
.bad{color:#c53030;font-weight:bold}
.ok{color:#276749}
.answer{white-space:pre-wrap;max-width:42em}
.quote{color:#4a5568;font-size:90%}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}
small{color:#4a5568}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _chart(name: str, systems: Sequence[Mapping[str, Any]], types: Sequence[str]) -> str:
    """Grouped bars of one 0..1 metric per question type, one bar per system."""
    bar_w, gap, height, top, bottom = 16, 14, 120, 20, 56
    group_w = bar_w * len(systems) + gap
    left = 64  # room for the axis labels and the first rotated type label
    width = left + group_w * max(1, len(types))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + bottom}" '
        f'role="img" aria-label="{_e(name)} per question type">',
        f'<text x="4" y="14" font-size="13" font-weight="bold">{_e(name)}</text>',
        f'<line x1="{left - 4}" y1="{top + height}" x2="{width}" y2="{top + height}" stroke="#718096"/>',
        f'<text x="4" y="{top + 8}" font-size="10">1.0</text>',
        f'<text x="4" y="{top + height}" font-size="10">0</text>',
    ]
    for i, qtype in enumerate(types):
        x0 = left + i * group_w
        for j, system in enumerate(systems):
            value = system["by_type"].get(qtype, {}).get(name)
            x = x0 + j * bar_w
            if value is None:
                parts.append(f'<text x="{x + 2}" y="{top + height - 3}" font-size="9">–</text>')
                continue
            h = max(0.0, min(1.0, float(value))) * height
            parts.append(
                f'<rect x="{x}" y="{top + height - h:.1f}" width="{bar_w - 2}" height="{h:.1f}" '
                f'fill="{_COLORS[j % 2]}"><title>{_e(system["system"])} {_e(qtype)}: {value:.3f}</title></rect>'
            )
        label_x = x0 + (group_w - gap) / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + height + 12}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {label_x:.1f} {top + height + 12})">{_e(qtype)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(systems: Sequence[Mapping[str, Any]]) -> str:
    return " ".join(
        f'<span style="color:{_COLORS[j % 2]}">■</span> {_e(s["system"])}' for j, s in enumerate(systems)
    )


def _metrics_table(systems: Sequence[Mapping[str, Any]], fmt: Callable[[str, float | None], str]) -> str:
    head = "".join(f"<th>{_e(s['system'])}</th>" for s in systems)
    rows = [f"<tr><th>metric</th>{head}<th>averaged over</th></tr>"]
    for m in METRICS:
        cells = "".join(f'<td class="num">{_e(fmt(m.name, s["metrics"].get(m.name)))}</td>' for s in systems)
        rows.append(f"<tr><td>{_e(m.name)}</td>{cells}<td><small>{_e(m.over)}</small></td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _answer_cell(row: Mapping[str, Any]) -> str:
    answer = row["answer"]
    if answer is None:
        return '<span class="bad">no answer (error)</span>'
    refused = answer.get("refused", False)
    mark = ""
    if refused:
        mark = f'<div class="{"bad" if row["answerable"] else "ok"}">refused</div>'
    elif not row["answerable"]:
        mark = '<div class="bad">answered (should refuse)</div>'
    return f'{mark}<div class="answer">{_e(answer.get("answer", ""))}</div>'


def _citations_cell(row: Mapping[str, Any]) -> str:
    answer = row["answer"] or {}
    gold = row["gold_clauses"]
    items = []
    for c in answer.get("citations", []):
        bad = bool(gold) and c["clause_id"] not in gold
        quote = c.get("quote", "")
        short = quote if len(quote) <= 80 else quote[:80] + "…"
        items.append(
            f'<li><span class="{"bad" if bad else "ok"}">{_e(c["clause_id"])}</span> {_e(c.get("title", ""))}'
            f'<div class="quote">“{_e(short)}”</div></li>'
        )
    return "<ul>" + "".join(items) + "</ul>" if items else "<small>none</small>"


def _gold_cell(row: Mapping[str, Any]) -> str:
    answer = row["answer"] or {}
    cited = {c["clause_id"] for c in answer.get("citations", [])}
    text = answer.get("answer", "")
    ids = " ".join(
        f'<span class="{"ok" if g in cited else "bad"}">{_e(g)}</span>' for g in row["gold_clauses"]
    ) or "<small>(unanswerable)</small>"
    facts = " · ".join(
        f'<span class="{"ok" if has_fact(text, f) else "bad"}">{_e(f)}</span>' for f in row["answer_facts"]
    )
    return f"{ids}<br>{facts}" if facts else ids


def _question_rows(system: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> str:
    base_rows = {r["id"]: r for r in baseline["questions"]} if baseline else {}
    out = ["<tr><th>id</th><th>question</th><th>answer</th><th>citations</th><th>gold</th><th>result</th></tr>"]
    for row in system["questions"]:
        history = "".join(f"<div><small>earlier: {_e(h)}</small></div>" for h in row.get("history", []))
        result = (
            "<ul>" + "".join(f'<li class="bad">{_e(f)}</li>' for f in row["failures"]) + "</ul>"
            if row["failed"] else '<span class="ok">pass</span>'
        )
        other = base_rows.get(row["id"])
        if other is not None:
            verdict = "failed" if other["failed"] else "passed"
            text = (other["answer"] or {}).get("answer", "")
            result += (
                f"<details><summary>{_e(baseline['system'])} {verdict}</summary>"  # type: ignore[index]
                f'<div class="answer quote">{_e(text)}</div>'
                + "".join(f'<div class="bad">{_e(f)}</div>' for f in other["failures"])
                + "</details>"
            )
        out.append(
            f'<tr class="{"failed" if row["failed"] else "passed"}" id="{_e(row["id"])}">'
            f"<td>{_e(row['id'])}<br><small>{_e(row['type'])}</small></td>"
            f"<td>{history}{_e(row['question'])}</td><td>{_answer_cell(row)}</td>"
            f"<td>{_citations_cell(row)}</td><td>{_gold_cell(row)}</td><td>{result}</td></tr>"
        )
    return "<table>" + "".join(out) + "</table>"


def render_html(
    data: Mapping[str, Any], key_metrics: Sequence[str], fmt: Callable[[str, float | None], str]
) -> str:
    """The whole report page from report.json data."""
    system, baseline = data["system"], data.get("baseline")
    systems = [system] + ([baseline] if baseline else [])
    types = list(system["by_type"])
    charts = "".join(_chart(name, systems, types) for name in key_metrics)
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>Evaluation report: {_e(system['system'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>Evaluation report: {_e(system['system'])}</h1>"
        f"<p>{_e(system['count'])} questions, {_e(system['failed'])} failed; run {_e(system['started_at'])}. "
        "Rates are in 0..1; each metric averages only over the questions named in its row.</p>"
        f"<h2>Metrics</h2>{_metrics_table(systems, fmt)}"
        f"<h2>Per question type</h2><p>{_legend(systems)}</p><div class=\"charts\">{charts}</div>"
        f"<h2>Questions</h2>{_question_rows(system, baseline)}"
        "</body></html>\n"
    )
