"""The 目标指标 tab: every numeric target by indicator and period, and a chart of the three yearly rates."""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr

from assistant.service import Assistant
from knowledge.clause import Target
from knowledge.scanners import NUMBER
from ui.chart import rates_svg, series_of
from ui.panel import ClausePanel, wire_open
from ui.render import CLICK_JS, chip, esc

RATES = ("学前三年毛入园率", "九年义务教育巩固率", "高中阶段毛入学率")
YEARS = ("2018", "2019", "2020")
OVERALL_CLAUSE = "三（一）"  # 总体目标: the figures the plan sets for the end of 2020
_COLORS = ("#2563eb", "#16a34a", "#d97706")


def _period_key(period: str) -> tuple[int, str]:
    return (0, period) if period.isdigit() else (1, period)


def targets_html(targets: Sequence[Target], prefix: str = "") -> str:
    """Indicators as rows, periods as columns; each figure carries a chip to the clause that sets it."""
    if not targets:
        return '<div class="meta">计划中未解析到数值目标。</div>'
    indicators = list(dict.fromkeys(t.indicator for t in targets))
    periods = sorted(dict.fromkeys(t.period for t in targets), key=_period_key)
    cells: dict[tuple[str, str], list[str]] = {}
    for t in targets:
        label = "（总体目标）" if t.clause_id == OVERALL_CLAUSE else ""
        cells.setdefault((t.indicator, t.period), []).append(
            f'<span class="figure" title="{esc(t.sentence)}">{esc(t.value)}{esc(label)}</span> '
            f'{chip(prefix + t.clause_id, label=t.clause_id)}'
        )
    head = "".join(f"<th>{esc(p)}{'年' if p.isdigit() else ''}</th>" for p in periods)
    rows = "".join(
        f"<tr><th>{esc(ind)}</th>"
        + "".join(f"<td>{'<br>'.join(cells.get((ind, p), ['—']))}</td>" for p in periods)
        + "</tr>"
        for ind in indicators
    )
    # The table scrolls inside its own box: on a phone the later columns stay reachable.
    return (
        '<div class="table-scroll"><table class="grid targets">'
        f"<thead><tr><th>指标</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def number(value: str) -> float | None:
    match = NUMBER.search(value)
    return float(match.group()) if match else None


def build_targets_tab(assistant: Assistant, panel: ClausePanel) -> gr.Dropdown:
    """Lay out the tab; returns its document picker (shown for a library of several plans)."""
    targets = assistant.targets()
    document = gr.Dropdown([], label="文件", visible=False, elem_id="targets-doc", interactive=True)
    series = series_of(targets, RATES, YEARS, OVERALL_CLAUSE, _COLORS, number)
    chart = gr.HTML(rates_svg(series, YEARS), elem_id="rates-chart")
    table = gr.HTML(targets_html(targets), elem_id="targets-table", js_on_load=CLICK_JS)
    wire_open(table, assistant, panel)

    def show_document(doc_id: str | None) -> tuple[str, str]:
        for found_id, plan in assistant.plans():
            if found_id and found_id == doc_id:
                chosen = plan.targets()
                shown = series_of(chosen, RATES, YEARS, OVERALL_CLAUSE, _COLORS, number)
                return rates_svg(shown, YEARS), targets_html(chosen, f"{found_id}·")
        return rates_svg(series, YEARS), targets_html(targets)

    document.change(show_document, [document], [chart, table], api_visibility="private")

    def targets_api() -> list[dict[str, str]]:
        """Every numeric target of the plan: indicator, period, value, the clause and its sentence."""
        return [
            {
                "indicator": t.indicator,
                "period": t.period,
                "value": t.value,
                "clause_id": t.clause_id,
                "sentence": t.sentence,
            }
            for t in assistant.targets()
        ]

    gr.api(targets_api, api_name="targets")
    return document
