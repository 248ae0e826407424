"""The 目标指标 tab: every numeric target by indicator and period, and a chart of the three yearly rates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import gradio as gr
import pandas as pd

from assistant.service import Assistant
from knowledge.clause import Target
from ui.panel import ClausePanel, wire_open
from ui.render import CLICK_JS, chip, esc

RATES = ("学前三年毛入园率", "九年义务教育巩固率", "高中阶段毛入学率")
YEARS = ("2018", "2019", "2020")
OVERALL_CLAUSE = "三（一）"  # 总体目标: the figures the plan sets for the end of 2020
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_COLORS = ("#2563eb", "#16a34a", "#d97706")
_OVERALL_COLORS = ("#93c5fd", "#86efac", "#fcd34d")


def _period_key(period: str) -> tuple[int, str]:
    return (0, period) if period.isdigit() else (1, period)


def targets_html(targets: Sequence[Target]) -> str:
    """Indicators as rows, periods as columns; each figure carries a chip to the clause that sets it."""
    if not targets:
        return '<div class="meta">计划中未解析到数值目标。</div>'
    indicators = list(dict.fromkeys(t.indicator for t in targets))
    periods = sorted(dict.fromkeys(t.period for t in targets), key=_period_key)
    cells: dict[tuple[str, str], list[str]] = {}
    for t in targets:
        label = "（总体目标）" if t.clause_id == OVERALL_CLAUSE else ""
        cells.setdefault((t.indicator, t.period), []).append(
            f'<span class="figure" title="{esc(t.sentence)}">{esc(t.value)}{esc(label)}</span> {chip(t.clause_id)}'
        )
    head = "".join(f"<th>{esc(p)}{'年' if p.isdigit() else ''}</th>" for p in periods)
    rows = "".join(
        f"<tr><th>{esc(ind)}</th>"
        + "".join(f"<td>{'<br>'.join(cells.get((ind, p), ['—']))}</td>" for p in periods)
        + "</tr>"
        for ind in indicators
    )
    return (
        f'<table class="grid targets"><thead><tr><th>指标</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def number(value: str) -> float | None:
    match = _NUMBER.search(value)
    return float(match.group()) if match else None


def rate_frame(targets: Sequence[Target]) -> pd.DataFrame:
    """Yearly figures of the three rates plus, as flat reference lines, their 2020 overall targets."""
    rows: list[dict[str, Any]] = []
    for rate in RATES:
        overall = [t for t in targets if t.indicator == rate and t.clause_id == OVERALL_CLAUSE]
        for t in targets:
            if t.indicator == rate and t.period in YEARS and t.clause_id != OVERALL_CLAUSE:
                value = number(t.value)
                if value is not None:
                    rows.append({"年份": t.period, "目标（%）": value, "系列": rate, "原文": t.value})
        if overall and number(overall[0].value) is not None:
            for year in YEARS:
                rows.append(
                    {
                        "年份": year,
                        "目标（%）": number(overall[0].value),
                        "系列": f"{rate}·2020总体目标",
                        "原文": overall[0].value,
                    }
                )
    return pd.DataFrame(rows, columns=["年份", "目标（%）", "系列", "原文"])


def rate_colors() -> dict[str, str]:
    colors = {rate: color for rate, color in zip(RATES, _COLORS, strict=True)}
    colors.update({f"{rate}·2020总体目标": c for rate, c in zip(RATES, _OVERALL_COLORS, strict=True)})
    return colors


def build_targets_tab(assistant: Assistant, panel: ClausePanel) -> None:
    targets = assistant.targets()
    frame = rate_frame(targets)
    values = frame["目标（%）"].tolist()
    low, high = (min(values), max(values)) if values else (90.0, 100.0)
    gr.LinePlot(
        frame,
        x="年份",
        y="目标（%）",
        color="系列",
        color_map=rate_colors(),
        title="三项入学率的年度目标（2018—2020）与 2020 年总体目标（浅色线，三（一））",
        y_lim=[low - 0.5, high + 0.5],
        tooltip=["系列", "年份", "原文"],
        height=320,
        elem_id="rates-chart",
    )
    table = gr.HTML(targets_html(targets), elem_id="targets-table", js_on_load=CLICK_JS)
    wire_open(table, assistant, panel)

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
