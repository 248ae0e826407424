"""The 职责查询 tab: a department's tasks, and an item's departments, from the parsed duty fields."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import Assistant
from knowledge.departments import all_departments, canonical_department
from ui.panel import ClausePanel, wire_open
from ui.render import CLICK_JS, WARN, chip, esc

_HINT = '<div class="meta">选择或输入一个部门（如“财政局”“市教育局”），查看它组织或具体实施的任务。</div>'
_ITEM_HINT = '<div class="meta">选择一项任务，查看它的组织实施单位和具体实施单位。</div>'


def department_tasks(assistant: Assistant, department: str) -> dict[str, Any]:
    """A department's tasks as plain data (the /duties API and the table share it); in a library of
    several plans, the tasks of every plan, their clause IDs naming the document."""
    name = " ".join(str(department or "").split())
    canonical = canonical_department(name) if name else ""
    everywhere = getattr(assistant, "tasks_everywhere", None)
    pairs = (everywhere(name) if everywhere else [("", t) for t in assistant.tasks(name)]) if name else []
    return {
        "department": canonical,
        "tasks": [
            {"clause_id": f"{doc}·{t.clause.id}" if doc else t.clause.id, "title": t.clause.title,
             "roles": list(t.roles)}
            for doc, t in pairs
        ],
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


def tasks_html(result: dict[str, Any], typed: str, role: str = "", of_all: int = 0) -> str:
    """The department's tasks as a table; ``role``: only that role is shown, of ``of_all`` tasks."""
    if not typed.strip():
        return _HINT
    if len(typed) > 100:
        return f'<div class="status notice">{WARN}部门名称过长，请输入部门名称，如“市教育局”。</div>'
    tasks = result["tasks"]
    if not tasks:
        return (
            f'<div class="status notice">{WARN}计划中没有“{esc(typed)}”负责的任务。'
            "请从下拉列表中选择部门，或检查名称（如“市财政局”可简写为“财政局”）。</div>"
        )
    organizes = sum(1 for t in tasks if "组织实施单位" in t["roles"])
    implements = sum(1 for t in tasks if "具体实施单位" in t["roles"])
    rows = "".join(
        f"<tr><td>{chip(t['clause_id'], mark='duty')}</td><td>{esc(t['title'])}</td>"
        f"<td>{esc('、'.join(t['roles']))}</td></tr>"
        for t in tasks
    )
    summary = (f"参与 {len(tasks)} 项任务：作为组织实施单位 {organizes} 项，具体实施单位 {implements} 项。"
               if not role else f"作为{esc(role)}参与 {len(tasks)} 项任务（全部角色共 {of_all} 项）。")
    return (
        f'<div class="summary"><b>{esc(result["department"])}</b> {summary}</div>'
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


ROLES = {"全部": "", "组织实施": "组织实施单位", "具体实施": "具体实施单位"}
_FOLDER = Path(tempfile.gettempdir()) / "policy-assistant-duties"
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def matching(choices: list[str], typed: str) -> list[str]:
    """Choices that contain what was typed, or whose canonical name does ("发改委" finds 市发展改革委).
    gradio's own dropdown filter does not filter in this version, so the search runs here."""
    q = " ".join(str(typed or "").split())[:100]
    if not q:
        return choices
    canonical = canonical_department(q)
    return [c for c in choices if q in c or canonical in c or c in canonical]


def with_role(result: dict[str, Any], role: str) -> dict[str, Any]:
    """Only the tasks in which the department has the chosen role (全部 keeps every task)."""
    wanted = ROLES.get(role, "")
    if not wanted:
        return result
    return {**result, "tasks": [t for t in result["tasks"] if wanted in t["roles"]]}


def write_tables(result: dict[str, Any], session: str) -> tuple[Path, Path] | None:
    """The table shown, as CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX."""
    if not result.get("tasks"):
        return None
    import pandas as pd

    frame = pd.DataFrame(
        [[result["department"], t["clause_id"], t["title"], "、".join(t["roles"])] for t in result["tasks"]],
        columns=["部门", "条款", "任务", "角色"],
    )
    folder = _FOLDER / (_SAFE.sub("", session)[:64] or "anonymous")
    folder.mkdir(parents=True, exist_ok=True)
    csv, xlsx = folder / "职责.csv", folder / "职责.xlsx"
    frame.to_csv(csv, index=False, encoding="utf-8-sig")
    frame.to_excel(xlsx, index=False, sheet_name="职责")
    return csv, xlsx


def duty_items(assistant: Assistant) -> list[tuple[str, str]]:
    """(label, clause ID) of every item with departments, in every plan served; a library's IDs and
    labels name the document."""
    plans = assistant.plans()
    several = len(plans) > 1
    return [
        (f"{doc + '·' if several else ''}{c.id}  {c.title}", f"{doc}·{c.id}" if several else c.id)
        for doc, plan in plans for c in plan if c.duty is not None
    ]


def build_duties_tab(assistant: Assistant, panel: ClausePanel) -> gr.Dropdown:
    """Lay out the tab; returns the item dropdown, whose choices change with the library."""
    plan = assistant.plan
    departments_all = list(all_departments(plan))
    items = duty_items(assistant)
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown("#### 部门 → 任务")
            search = gr.Textbox(placeholder="输入部门名称筛选，如：财政、发改委、编办", show_label=False,
                                elem_id="department-search")
            with gr.Row(equal_height=True):
                department = gr.Dropdown(
                    choices=departments_all, value=None, allow_custom_value=True, filterable=True,
                    label="部门", scale=4, elem_id="department",
                )
                lookup = gr.Button("查询", variant="primary", scale=1, min_width=80, elem_id="department-lookup")
            role = gr.Radio(list(ROLES), value="全部", label="角色", elem_id="role-filter")
            tasks = gr.HTML(_HINT, elem_id="department-tasks", js_on_load=CLICK_JS)
            with gr.Row():
                csv = gr.DownloadButton("下载 CSV", size="sm", interactive=False, elem_id="duties-csv")
                xlsx = gr.DownloadButton("下载 Excel", size="sm", interactive=False, elem_id="duties-xlsx")
        with gr.Column(scale=2):
            gr.Markdown("#### 任务 → 部门")
            item_search = gr.Textbox(placeholder="输入任务关键词筛选，如：学前、县县全覆盖", show_label=False,
                                     elem_id="item-search")
            item = gr.Dropdown(choices=items, value=None, label="任务", filterable=True, elem_id="duty-item")
            departments = gr.HTML(_ITEM_HINT, elem_id="item-departments", js_on_load=CLICK_JS)

    def show_tasks(name: str | None, chosen_role: str, request: gr.Request) -> tuple[Any, ...]:
        typed = str(name or "")
        result = department_tasks(assistant, typed) if len(typed) <= 100 else {"tasks": []}
        shown = with_role(result, chosen_role) if result.get("tasks") else result
        files = write_tables(shown, request.session_hash or "") if typed.strip() else None
        buttons = [gr.DownloadButton(value=str(f), interactive=True) for f in files] if files else [
            gr.DownloadButton(value=None, interactive=False) for _ in range(2)]
        note = ""
        if result.get("tasks") and not shown["tasks"]:
            note = f'<div class="status notice">{WARN}{esc(result["department"])}没有以“{esc(chosen_role)}”角色参与的任务。</div>'
        role_name = ROLES.get(chosen_role, "")
        table = tasks_html(shown, typed, role_name, len(result.get("tasks", []))) if role_name else tasks_html(shown, typed)
        return (note or table), *buttons

    def filter_departments(typed: str) -> gr.Dropdown:
        return gr.Dropdown(choices=matching(departments_all, typed))

    def filter_items(typed: str) -> gr.Dropdown:
        q = " ".join(str(typed or "").split())[:100]
        current = duty_items(assistant)  # the library may have changed since the page was built
        return gr.Dropdown(choices=[(label, cid) for label, cid in current if q in label] if q else current)

    def show_item(clause_id: str | None) -> str:
        return item_html(item_departments(assistant, clause_id or ""))

    shown = [tasks, csv, xlsx]
    lookup.click(show_tasks, [department, role], shown, api_visibility="private")
    department.change(show_tasks, [department, role], shown, api_visibility="private")
    role.change(show_tasks, [department, role], shown, api_visibility="private")
    search.change(filter_departments, [search], [department], api_visibility="private", show_progress="hidden",
                  trigger_mode="always_last")
    # Enter in the search box looks up what was typed (an abbreviation is resolved to the department).
    search.submit(lambda typed: typed, [search], [department], api_visibility="private")
    item_search.change(filter_items, [item_search], [item], api_visibility="private", show_progress="hidden",
                       trigger_mode="always_last")
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
    return item
