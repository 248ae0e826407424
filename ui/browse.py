"""The 原文 tab: the plan as a clause tree, a search within it, and a detail pane (deep-linkable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import Assistant
from knowledge.clause import Clause, Plan
from ui.panel import clause_or_missing
from ui.render import CLICK_JS, WARN, chip, esc

MAX_QUERY_CHARS = 100
MAX_RESULTS = 40
_SNIPPET = 40  # characters of context either side of a search match
_DETAIL_HINT = '<div class="clause-view meta">在左侧目录或搜索结果中点击条款，在此查看原文。</div>'


def _node(plan: Plan, clause: Clause, prefix: str = "") -> str:
    children = plan.children(clause.id)
    label = (
        f'<button type="button" class="node" data-action="open" data-clause="{esc(prefix + clause.id)}">'
        f'<span class="cid">{esc(clause.id)}</span> {esc(clause.title)}</button>'
    )
    if not children:
        return f"<li>{label}</li>"
    inner = "".join(_node(plan, c, prefix) for c in children)
    opened = " open" if clause.level in ("part", "notice", "preamble") else ""
    return f"<li><details{opened}><summary>{label}</summary><ul>{inner}</ul></details></li>"


def tree_html(plan: Plan, prefix: str = "") -> str:
    """The plan's outline; ``prefix`` ("武府办2019-12·") qualifies the clause IDs of a library document."""
    roots = "".join(_node(plan, c, prefix) for c in plan if c.parent_id is None)
    return f'<nav class="tree" aria-label="计划目录"><div class="plan-title">{esc(plan.title)}</div><ul>{roots}</ul></nav>'


def _snippet(text: str, start: int, length: int) -> str:
    a, b = max(0, start - _SNIPPET), min(len(text), start + length + _SNIPPET)
    return (
        ("…" if a > 0 else "")
        + esc(text[a:start])
        + f"<mark>{esc(text[start : start + length])}</mark>"
        + esc(text[start + length : b])
        + ("…" if b < len(text) else "")
    )


def search_html(plan: Plan, query: str, prefix: str = "") -> str:
    """Clauses whose own text contains ``query`` (case-insensitive), with the match marked."""
    q = " ".join(str(query or "").split())
    if not q:
        return ""
    if len(q) > MAX_QUERY_CHARS:
        return f'<div class="status notice">{WARN}搜索词过长（{len(q)} 字），请控制在 {MAX_QUERY_CHARS} 字以内。</div>'
    found = []
    for clause in plan:
        start = clause.text.lower().find(q.lower())
        if start >= 0:
            found.append((clause, start))
    if not found:
        return f'<div class="status notice">未找到包含“{esc(q)}”的条款。</div>'
    items = "".join(
        f'<li>{chip(prefix + c.id, label=c.id)} <b>{esc(c.title)}</b><div class="snippet">{_snippet(c.text, s, len(q))}</div></li>'
        for c, s in found[:MAX_RESULTS]
    )
    more = f'<div class="meta">仅显示前 {MAX_RESULTS} 条（共 {len(found)} 条）。</div>' if len(found) > MAX_RESULTS else ""
    return f'<div class="meta">共 {len(found)} 条匹配：</div><ol class="results">{items}</ol>{more}'


def clause_data(assistant: Assistant, raw_id: str) -> dict[str, Any]:
    clause = assistant.clause(str(raw_id or ""))
    if clause is None:
        return {"clause_id": None}
    duty = clause.duty
    return {
        "clause_id": clause.id,
        "title": clause.title,
        "heading_path": list(clause.path),
        "text": clause.text,
        "full_text": assistant.plan.full_text(clause.id),
        "organizers": list(duty.organizers) if duty else [],
        "implementers": list(duty.implementers) if duty else [],
    }


#: On a phone the detail column sits below the tree: bring the opened clause into view.
SHOW_DETAIL_JS = """() => {
  const detail = document.querySelector('#clause-detail');
  if (detail && window.innerWidth <= 768) detail.scrollIntoView({block: 'start'});
}"""


@dataclass(frozen=True)
class BrowseTab:
    detail: gr.HTML
    document: gr.Dropdown


def build_browse_tab(assistant: Assistant) -> BrowseTab:
    plan = assistant.plan
    with gr.Row():
        with gr.Column(scale=2, min_width=280):
            # A library of several plans: which one to read (refreshed at page load, see page.py).
            document = gr.Dropdown([], label="文件", visible=False, elem_id="browse-doc", interactive=True)
            query = gr.Textbox(placeholder="在原文中搜索，如：集团化办学", show_label=False, elem_id="plan-search")
            results = gr.HTML("", elem_id="search-results", js_on_load=CLICK_JS)
            tree = gr.HTML(tree_html(plan), elem_id="plan-tree", js_on_load=CLICK_JS, max_height=640)
        with gr.Column(scale=3):
            detail = gr.HTML(_DETAIL_HINT, elem_id="clause-detail", js_on_load=CLICK_JS)

    def chosen(doc_id: str | None) -> tuple[Plan, str]:
        for found_id, found in assistant.plans():
            if found_id and found_id == doc_id:
                return found, f"{found_id}·"
        return plan, ""

    def search(text: str, doc_id: str | None = None) -> str:
        found, prefix = chosen(doc_id)
        return search_html(found, text, prefix)

    def show_document(doc_id: str | None) -> tuple[str, str]:
        found, prefix = chosen(doc_id)
        return tree_html(found, prefix), ""

    def open_detail(evt: gr.EventData) -> str:
        return clause_or_missing(assistant, str((evt._data or {}).get("clause", "")))

    query.submit(search, [query, document], [results], api_visibility="private")
    query.change(search, [query, document], [results], api_visibility="private", trigger_mode="always_last")
    document.change(show_document, [document], [tree, results], api_visibility="private")
    for source in (results, tree, detail):
        source.open(open_detail, None, [detail], api_visibility="private").then(
            None, None, None, js=SHOW_DETAIL_JS, api_visibility="private"
        )

    def clause(clause_id: str) -> dict[str, Any]:
        """One clause by ID (aliases like 4.2.3 accepted): heading path, texts and departments."""
        return clause_data(assistant, clause_id)

    gr.api(clause, api_name="clause")
    return BrowseTab(detail, document)
