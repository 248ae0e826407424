"""The 评测 tab — a placeholder a colleague fills in (evaluation results in the browser).

``add_eval_tab`` is called by ui/page.py inside the page's ``gr.Tabs``; it must create its own
``gr.Tab(..., id="eval")`` and may read anything from ``assistant``. Keep gradio imports in ui/.
"""

from __future__ import annotations

import gradio as gr

from assistant.service import Assistant


def add_eval_tab(assistant: Assistant) -> None:
    with gr.Tab("评测", id="eval"):
        gr.Markdown(
            "#### 评测\n"
            "本页将展示问答评测结果（检索命中率、引用准确率、拒答正确率等）。"
            "目前请在命令行运行 `policy-assistant eval` 查看评测报告。"
        )
