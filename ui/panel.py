"""The clause side panel (a right-hand gr.Sidebar) that every tab opens clauses in."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.duties import duty_quote
from assistant.service import Assistant
from ui.render import clause_html, missing_clause_html


@dataclass(frozen=True)
class ClausePanel:
    sidebar: gr.Sidebar
    body: gr.HTML


def build_panel() -> ClausePanel:
    with gr.Sidebar(open=False, position="right", width=460, elem_id="clause-sidebar") as sidebar:
        body = gr.HTML('<div class="clause-view meta">点击条款编号查看原文。</div>', elem_id="clause-panel")
    return ClausePanel(sidebar, body)


def clause_or_missing(assistant: Assistant, raw_id: str, quote: str = "") -> str:
    clause = assistant.clause(raw_id)
    # A library's qualified ID (武府办2019-12·三（二）) names the plan the clause is read from.
    plan = assistant.clause_plan(raw_id) or assistant.plan
    return missing_clause_html(raw_id) if clause is None else clause_html(plan, clause, quote)


def wire_open(component: gr.HTML, assistant: Assistant, panel: ClausePanel) -> None:
    """Clicks on chips (data-action="open") in ``component`` show that clause in the side panel."""

    def open_clause(evt: gr.EventData) -> tuple[str, gr.Sidebar]:
        data = evt._data or {}
        raw_id = str(data.get("clause", ""))
        clause = assistant.clause(raw_id)
        # Tables of duties ask for the （组织实施单位：…） passage to be marked; it is found server-side.
        quote = duty_quote(clause) if clause is not None and clause.duty and data.get("mark") == "duty" else ""
        return clause_or_missing(assistant, raw_id, quote), gr.Sidebar(open=True)

    component.open(open_clause, None, [panel.body, panel.sidebar], api_visibility="private")
