"""The 问答 tab: streamed answers with citation chips, feedback, export; plus the JSON ``/ask`` API."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import gradio as gr

from assistant.answer import Answer, BadQuestion
from assistant.question import check
from assistant.service import Assistant
from ui.export import write_export
from ui.feedback import FeedbackLog
from ui.panel import ClausePanel, clause_or_missing
from ui.render import (
    CLICK_JS,
    EMPTY_CHAT,
    WARN,
    Turn,
    citation_quote,
    esc,
    transcript_html,
)

EXAMPLES = [
    "2018年学前三年毛入园率目标是多少？",
    "市财政局负责哪些任务？",
    "实现义务教育基本均衡发展县县全覆盖由哪些单位负责？",
    "四（二）3 的内容是什么？",
    "如何加强教师队伍建设？",
    "柳州市的学前教育目标是什么？",
]
def with_drafts(ask: Callable[[Callable[[str], None]], Answer]) -> Iterator[str | Answer]:
    """Runs ``ask(report)`` in a thread: yields each text it reports, then its Answer (or raises its error)."""
    steps: queue.Queue[tuple[str, Any]] = queue.Queue()

    def run() -> None:
        try:
            steps.put(("answer", ask(lambda text: steps.put(("draft", text)))))
        except BaseException as exc:  # handed to the caller's thread, raised there
            steps.put(("error", exc))

    threading.Thread(target=run, daemon=True, name="answer").start()
    while True:
        kind, value = steps.get()
        if kind == "draft":
            yield value
        elif kind == "error":
            raise value
        else:
            yield value
            return


def notice(message: str) -> str:
    return f'<div class="status notice">{WARN}{esc(message)}</div>' if message else ""


@dataclass(frozen=True)
class ChatTab:
    transcript: gr.HTML
    turns: gr.State
    picker: gr.Dropdown


def build_chat_tab(assistant: Assistant, log: FeedbackLog, panel: ClausePanel, documents: list[str] | None = None
                   ) -> ChatTab:
    """Lay out the chat tab inside the current gr.Tab and wire its events."""
    # list[Turn], one list per browser session; forgotten when idle, so memory stays flat.
    turns = gr.State([], time_to_live=assistant.settings.session_ttl_s)
    transcript = gr.HTML(EMPTY_CHAT, elem_id="chat-log", js_on_load=CLICK_JS, autoscroll=True, min_height=320)
    status = gr.HTML("", elem_id="chat-status")
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            placeholder="例如：2019年学前三年毛入园率目标是多少？（Enter 发送，Shift+Enter 换行）",
            show_label=False,
            lines=1,
            max_lines=6,
            scale=8,
            elem_id="question",
        )
        send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
    # Which documents to answer from (a library of several plans); hidden while there is one plan.
    picker = gr.Dropdown(["全部文件", *(documents or [])], value="全部文件", label="查找范围", elem_id="doc-picker",
                         visible=documents is not None, interactive=True)
    gr.Examples(EXAMPLES, inputs=[question], label="示例问题", examples_per_page=len(EXAMPLES))
    with gr.Row():
        new_chat = gr.Button("新对话", size="sm", elem_id="new-chat")
        export = gr.DownloadButton("导出 Word", size="sm", interactive=False, elem_id="export")
        export_txt = gr.DownloadButton("导出文本", size="sm", interactive=False, elem_id="export-txt")
        export_md = gr.DownloadButton("导出 Markdown", size="sm", interactive=False, elem_id="export-md")
        comment = gr.Textbox(
            placeholder="反馈意见（可选，点击回答下方的“有用/有误”时一并提交）",
            show_label=False,
            scale=4,
            elem_id="feedback-comment",
        )

    def respond(text: str, state: list[Turn], scope: str = "全部文件") -> Iterator[tuple[str, list[Turn], Any, str]]:
        state = list(state or [])
        history = [t.question for t in state if t.answer is not None]
        try:  # the assistant's own input check, before the question is shown as asked
            shown = check(text, assistant.settings.max_question_chars)
        except BadQuestion as exc:
            yield gr.skip(), state, gr.skip(), notice(str(exc))
            return
        state.append(Turn(question=shown))
        yield transcript_html(state), state, "", ""  # the question and a placeholder, at once
        document = "" if not scope or scope == "全部文件" else scope
        extra = {"document": document} if document else {}
        try:
            # The extractive answer comes whole (composed in tens of milliseconds; replaying it piece by
            # piece would only pretend to stream). A model's answer shows its verified sentences as
            # they pass, and is then replaced by the final answer (which may be the extractive one).
            # No thread for a composer that never reports drafts (the default).
            steps = (with_drafts(lambda report: assistant.ask(text, history, on_partial=report, **extra))
                     if assistant.settings.composer == "llm" else [assistant.ask(text, history, **extra)])
            for step in steps:
                if isinstance(step, str):
                    state[-1] = replace(state[-1], draft=step)
                    yield transcript_html(state), state, gr.skip(), gr.skip()
                else:
                    state[-1] = replace(state[-1], answer=step, draft="")
        except BadQuestion as exc:
            yield transcript_html(state[:-1]), state[:-1], text, notice(str(exc))
            return
        yield transcript_html(state), state, gr.skip(), gr.skip()

    def open_citation(state: list[Turn], evt: gr.EventData) -> tuple[str, gr.Sidebar]:
        data = evt._data or {}
        citation = citation_quote(state or [], data.get("turn"), data.get("cite"))
        raw_id = citation.clause_id if citation else str(data.get("clause", ""))
        return clause_or_missing(assistant, raw_id, citation.quote if citation else ""), gr.Sidebar(open=True)

    def rate(state: list[Turn], remark: str, evt: gr.EventData) -> tuple[str, list[Turn], str, str]:
        data = evt._data or {}
        state = list(state or [])
        try:
            index = int(str(data.get("turn")))
            turn = state[index]
        except (ValueError, IndexError):
            return gr.skip(), state, gr.skip(), notice("找不到要反馈的回答，请刷新页面后重试。")
        rating = str(data.get("rating"))
        if turn.answer is None or rating not in ("up", "down"):
            return gr.skip(), state, gr.skip(), ""
        # Idempotent per answer: quick repeated clicks (which can see a stale state) update one entry.
        log.record(rating, turn.answer, remark, answer_id=turn.id)
        state[index] = replace(turn, rating=rating)
        return transcript_html(state), state, "", '<div class="status ok">已记录您的反馈，谢谢！</div>'

    def export_files(state: list[Turn], request: gr.Request) -> tuple[gr.DownloadButton, ...]:
        if not state:
            return tuple(gr.DownloadButton(value=None, interactive=False) for _ in range(3))
        paths = write_export(state, assistant.plan.title, request.session_hash or "", assistant.plan.doc_number)
        return tuple(gr.DownloadButton(value=str(paths[k]), interactive=True) for k in ("docx", "txt", "md"))

    def reset() -> tuple[Any, ...]:
        off = [gr.DownloadButton(value=None, interactive=False) for _ in range(3)]
        return EMPTY_CHAT, [], "", "", "", *off, gr.Sidebar(open=False)

    outputs = [transcript, turns, question, status]
    exports = [export, export_txt, export_md]
    send.click(respond, [question, turns, picker], outputs, api_name="chat").then(
        export_files, [turns], exports, api_visibility="private"
    )
    question.submit(respond, [question, turns, picker], outputs, api_visibility="private").then(
        export_files, [turns], exports, api_visibility="private"
    )
    transcript.cite(open_citation, [turns], [panel.body, panel.sidebar], api_visibility="private")
    transcript.rate(rate, [turns, comment], [transcript, turns, comment, status], api_visibility="private")
    new_chat.click(
        reset, None, [transcript, turns, question, status, comment, *exports, panel.sidebar], api_name="new_chat"
    )

    def ask(question: str, history: list[str]) -> dict[str, Any]:
        """Answer one question; ``history`` holds the conversation's previous questions, oldest first."""
        try:
            return assistant.ask(question, history if isinstance(history, list) else []).to_json()
        except BadQuestion as exc:
            raise gr.Error(str(exc)) from exc

    # Off gradio's queue: a program's call is one request to POST /gradio_api/run/ask (the route gradio's
    # page client uses for such events), without a queue join and an event stream, which cost as much
    # server CPU per answer as the answer itself. gradio_client and /gradio_api/call/ask still work.
    gr.api(ask, api_name="ask", queue=False)
    return ChatTab(transcript, turns, picker)
