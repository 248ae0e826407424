"""The 职责查询 tab: a department's tasks, and an item's departments, from the parsed duty fields."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.service import Assistant
from knowledge.departments import all_departments, canonical_department
from ui.panel import ClausePanel, wire_open
from ui.render import CLICK_JS, chip, esc

_HINT = '<div class="meta">选择或输入一个部门（如“财政局”“市教育局”），查看它组织或具体实施的任务。</div>'
_ITEM_HINT = '<div class="meta">选择一项任务，查看它的组织实施单位和具体实施单位。</div>'


def department_tasks(assistant: Assistant, department: str) -> dict[str, Any]:
    """A department's tasks as plain data (the /duties API and the table share it)."""
    name = " ".join(str(department or "").split())
    canonical = canonical_department(name) if name else ""
    tasks = assistant.tasks(name) if name else []
    return {
        "department": canonical,
        "tasks": [{"clause_id": t.clause.id, "title": t.clause.title, "roles": list(t.roles)} for t in tasks],
    }


def item_departments(assistant: Assistant, clause_id: str) -> dict[str, Any]:
    clause = assistant.clause(str(clause_id or ""))
    if clause is None:
        return {"clause_id": None, "title": "", "organizers": [], "implementers": []}
    duty = clause.duty
    return {
        "clause_id": clause.id,
        "title": clause.title,
        "organizers": list(duty.organizers) if duty else [],
        "implementers": list(duty.implementers) if duty else [],
        "organizers_text": duty.organizers_text if duty else "",
        "implementers_text": duty.implementers_text if duty else "",
    }


def tasks_html(result: dict[str, Any], typed: str) -> str:
    if not typed.strip():
        return _HINT
    if len(typed) > 100:
        return '<div class="status notice">⚠️ 部门名称过长，请输入部门名称，如“市教育局”。</div>'
    tasks = result["tasks"]
    if not tasks:
        return (
            f'<div class="status notice">⚠️ 计划中没有“{esc(typed)}”负责的任务。'
            "请从下拉列表中选择部门，或检查名称（如“市财政局”可简写为“财政局”）。</div>"
        )
    organizes = sum(1 for t in tasks if "组织实施单位" in t["roles"])
    implements = sum(1 for t in tasks if "具体实施单位" in t["roles"])
    rows = "".join(
        f"<tr><td>{chip(t['clause_id'], mark='duty')}</td><td>{esc(t['title'])}</td>"
        f"<td>{esc('、'.join(t['roles']))}</td></tr>"
        for t in tasks
    )
    return (
        f'<div class="summary"><b>{esc(result["department"])}</b> 参与 {len(tasks)} 项任务：'
        f"作为组织实施单位 {organizes} 项，具体实施单位 {implements} 项。</div>"
        f'<table class="grid duties"><thead><tr><th>条款</th><th>任务</th><th>角色</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def item_html(result: dict[str, Any]) -> str:
    if not result["clause_id"]:
        return _ITEM_HINT
    if not result["organizers"]:
        return f'<div class="meta">{chip(result["clause_id"])} {esc(result["title"])}：本条未列明责任单位。</div>'
    rows = f"<tr><th>组织实施单位</th><td>{esc('、'.join(result['organizers']))}</td></tr>"
    if result["implementers"]:
        rows += f"<tr><th>具体实施单位</th><td>{esc('、'.join(result['implementers']))}</td></tr>"
    original = f"原文：组织实施单位：{result['organizers_text']}"
    if result["implementers_text"]:
        original += f"；具体实施单位：{result['implementers_text']}"
    return (
        f'<div class="summary">{chip(result["clause_id"], mark="duty")} <b>{esc(result["title"])}</b></div>'
        f'<table class="grid"><tbody>{rows}</tbody></table><div class="meta">{esc(original)}</div>'
    )


def build_duties_tab(assistant: Assistant, panel: ClausePanel) -> None:
    plan = assistant.plan
    items = [(f"{c.id}  {c.title}", c.id) for c in plan if c.duty is not None]
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown("#### 部门 → 任务")
            with gr.Row(equal_height=True):
                department = gr.Dropdown(
                    choices=list(all_departments(plan)),
                    value=None,
                    allow_custom_value=True,
                    filterable=True,
                    label="部门",
                    scale=4,
                    elem_id="department",
                )
                lookup = gr.Button("查询", variant="primary", scale=1, min_width=80, elem_id="department-lookup")
            tasks = gr.HTML(_HINT, elem_id="department-tasks", js_on_load=CLICK_JS)
        with gr.Column(scale=2):
            gr.Markdown("#### 任务 → 部门")
            item = gr.Dropdown(choices=items, value=None, label="任务", filterable=True, elem_id="duty-item")
            departments = gr.HTML(_ITEM_HINT, elem_id="item-departments", js_on_load=CLICK_JS)

    def show_tasks(name: str | None) -> str:
        typed = str(name or "")
        return tasks_html(department_tasks(assistant, typed) if len(typed) <= 100 else {"tasks": []}, typed)

    def show_item(clause_id: str | None) -> str:
        return item_html(item_departments(assistant, clause_id or ""))

    lookup.click(show_tasks, [department], [tasks], api_visibility="private")
    department.change(show_tasks, [department], [tasks], api_visibility="private")
    item.change(show_item, [item], [departments], api_visibility="private")
    wire_open(tasks, assistant, panel)
    wire_open(departments, assistant, panel)

    def duties(department: str) -> dict[str, Any]:
        """The tasks a department organizes (组织实施单位) or implements (具体实施单位)."""
        return department_tasks(assistant, department)

    def responsible(clause_id: str) -> dict[str, Any]:
        """The departments responsible for one item, by clause ID (aliases like 4.2.3 accepted)."""
        return item_departments(assistant, clause_id)

    gr.api(duties, api_name="duties")
    gr.api(responsible, api_name="responsible")
