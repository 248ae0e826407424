"""HTML for the page. Every piece of text from a user, an answer or the plan goes through ``esc``.

Nothing here imports gradio: it turns domain objects into escaped HTML strings, so the escaping can be
tested on its own. Interactive elements carry ``data-action`` attributes that ``CLICK_JS`` forwards
to the server as gradio events; no inline handlers (onclick=…) are ever written.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer import Answer, Citation
from knowledge.clause import Clause, Plan

#: Runs once per gr.HTML component (its js_on_load): clicks on [data-action] become gradio events.
#: The action names are listed literally because gradio only creates listeners for quoted names.
CLICK_JS = """
const ACTIONS = ['cite', 'rate', 'open'];
async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) {}
  const area = document.createElement('textarea');  // fallback where the Clipboard API is refused
  area.value = text; area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  const done = document.execCommand('copy'); area.remove(); return done;
}
element.addEventListener('click', async (event) => {
  const el = event.target.closest('[data-action]');
  if (!el || !element.contains(el)) return;
  if (el.dataset.action === 'copy') {  // handled here: the server is not involved
    event.preventDefault();
    const source = element.querySelector('#copy-' + el.dataset.turn);
    const ok = source && await copyText(source.value);
    el.textContent = ok ? '已复制' : '复制失败';
    setTimeout(() => { el.textContent = '复制'; }, 1500);
    return;
  }
  if (!ACTIONS.includes(el.dataset.action)) return;
  event.preventDefault();
  trigger(el.dataset.action, Object.assign({}, el.dataset));
});
"""

# Icons as inline SVG and CSS, not emoji: many office machines have no emoji font and show empty boxes.
THUMB = (
    '<svg class="icon{flip}" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">'
    '<path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 '
    '6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>'
)
ICON_UP = THUMB.format(flip="")
ICON_DOWN = THUMB.format(flip=" flip")
WARN = '<span class="icon-warn" aria-hidden="true">!</span>'

_MARK = re.compile(r"【([^【】\n]{1,40})】")
QUESTION_PREVIEW_CHARS = 300


def esc(text: object) -> str:
    """HTML-escape any text, quotes included (it may land in an attribute)."""
    return html.escape(str(text), quote=True)


def chip(clause_id: str, action: str = "open", label: str = "", **data: object) -> str:
    attrs = "".join(f' data-{esc(k)}="{esc(v)}"' for k, v in data.items())
    return (
        f'<button type="button" class="cite-chip" data-action="{esc(action)}" data-clause="{esc(clause_id)}"'
        f'{attrs} title="查看条款原文">{esc(label or clause_id)}</button>'
    )


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation; exactly one of ``answer`` and ``error`` is set once it is done."""

    question: str
    answer: Answer | None = None
    error: str = ""  # the user-facing message of a rejected question
    rating: str = ""  # "up" / "down" once the user rated the answer
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # names the answer in the feedback log
    draft: str = ""  # while a model writes: its verified sentences so far (plain text)


def citation_for_mark(answer: Answer, clause_id: str, before: str, seen: int) -> int | None:
    """Index in answer.citations of the citation a 【clause_id】 mark stands for.

    The mark follows the sentence it supports, so prefer the citation whose quote overlaps that
    sentence; otherwise the n-th mark of a clause stands for its n-th citation (the composer's order).
    """
    candidates = [i for i, c in enumerate(answer.citations) if c.clause_id == clause_id]
    if not candidates:
        return None
    sentence = before.rsplit("\n", 1)[-1]
    for i in candidates:
        quote = answer.citations[i].quote
        if quote and (quote in sentence or (len(sentence) > 6 and sentence.strip() in quote)):
            return i
    return candidates[min(seen, len(candidates) - 1)]


def answer_text_html(answer: Answer, turn: int, text: str | None = None) -> str:
    """The answer text (or a streamed prefix of it) with each known 【id】 mark turned into a chip."""
    text = answer.text if text is None else text
    out: list[str] = []
    pos = 0
    seen: dict[str, int] = {}
    for match in _MARK.finditer(text):
        clause_id = match.group(1)
        index = citation_for_mark(answer, clause_id, text[: match.start()], seen.get(clause_id, 0))
        out.append(esc(text[pos : match.start()]))
        if index is None:
            out.append(esc(match.group(0)))
        else:
            seen[clause_id] = seen.get(clause_id, 0) + 1
            # The label keeps the brackets, so text selected from the answer reads as the plan cites.
            out.append(chip(clause_id, "cite", label=f"【{clause_id}】", turn=turn, cite=index))
        pos = match.end()
    out.append(esc(text[pos:]))
    return "<br>".join("".join(out).split("\n"))


def _sources_html(answer: Answer, turn: int) -> str:
    """The cited clauses, once each, by ID and title, folded: the quotes are already in the answer,
    and a chip opens the clause's full text in the panel."""
    first: dict[str, int] = {}
    for i, c in enumerate(answer.citations):
        first.setdefault(c.clause_id, i)
    items = "".join(
        f'<li>{chip(cid, "cite", turn=turn, cite=i)} <span class="src-title">{esc(answer.citations[i].title)}</span></li>'
        for cid, i in first.items()
    )
    return f'<details class="sources"><summary>依据条款（{len(first)}）</summary><ol>{items}</ol></details>'


def copy_html(answer: Answer, turn: int) -> str:
    """A copy button and the plain text it copies: the answer with its 【】 citations, nothing else."""
    return (
        f'<textarea id="copy-{turn}" class="copy-source" hidden readonly>{html.escape(answer.text)}</textarea>'
        f'<button type="button" class="copy" data-action="copy" data-turn="{turn}" title="复制回答（含出处）">复制</button>'
    )


def composer_html(answer: Answer) -> str:
    """已核验 when a model wrote the answer (every sentence checked), and why sentences were dropped or
    the answer fell back. Model output and notes are text: escaped, never HTML or links."""
    badge = ('<span class="verified" title="模型撰写；每句的数字、引文和部门均已与所引条款核对">已核验</span> '
             if answer.composer == "llm" else "")
    notes = "".join(f'<span class="composer-note">{esc(note)}</span> ' for note in answer.notes)
    return badge + notes


def timings_text(answer: Answer) -> str:
    t = answer.timings_ms
    parts = []
    if "retrieve" in t:
        parts.append(f"检索 {t['retrieve']:.0f} ms")
    if "compose" in t:
        parts.append(f"组织答案 {t['compose']:.0f} ms")
    if "total" in t:
        parts.append(f"总计 {t['total']:.0f} ms")
    return " · ".join(parts)


def _rating_html(turn: int, rating: str) -> str:
    if rating:
        return f'<span class="rated">已反馈（{"有用" if rating == "up" else "有误"}），谢谢！</span>'
    return (
        f'<button type="button" class="rate" data-action="rate" data-turn="{turn}" data-rating="up" '
        f'title="回答有帮助">{ICON_UP} 有用</button>'
        f'<button type="button" class="rate" data-action="rate" data-turn="{turn}" data-rating="down" '
        f'title="回答有问题">{ICON_DOWN} 有误</button>'
    )


def question_html(question: str) -> str:
    shown = question if len(question) <= QUESTION_PREVIEW_CHARS else question[:QUESTION_PREVIEW_CHARS] + "…"
    note = f'<div class="meta">（共 {len(question)} 字，仅显示开头）</div>' if shown != question else ""
    return f'<div class="msg user"><div class="bubble">{esc(shown)}{note}</div></div>'


def turn_html(index: int, turn: Turn, streamed: str | None = None) -> str:
    """One exchange; ``streamed`` is the prefix of the answer shown while it is being streamed."""
    parts = [question_html(turn.question)]
    if turn.error:
        parts.append(f'<div class="msg bot"><div class="bubble notice">{WARN}{esc(turn.error)}</div></div>')
    elif turn.answer is None and turn.draft:
        lines = "".join(f"<p>{esc(line)}</p>" for line in turn.draft.split("\n") if line.strip())
        parts.append(f'<div class="msg bot"><div class="bubble answer draft">{lines}<span class="cursor">▍</span>'
                     '<div class="meta">已核验的句子；模型仍在作答…</div></div></div>')
    elif turn.answer is None:
        parts.append('<div class="msg bot"><div class="bubble pending">正在检索计划原文…</div></div>')
    elif turn.answer.refused:
        body = esc(turn.answer.text if streamed is None else streamed)
        meta = "" if streamed is not None else (
            f'<div class="meta">{copy_html(turn.answer, index)}{esc(timings_text(turn.answer))}</div>'
        )
        parts.append(
            f'<div class="msg bot" data-turn="{index}"><div class="bubble refusal">'
            f'<div class="tag">未找到依据</div>{body}{meta}</div></div>'
        )
    else:
        answer = turn.answer
        body = answer_text_html(answer, index, streamed)
        if streamed is not None:
            body += '<span class="cursor">▍</span>'
            tail = ""
        else:
            tail = (
                _sources_html(answer, index)
                + f'<div class="meta">{copy_html(answer, index)}{composer_html(answer)}{esc(timings_text(answer))}'
                + '<span class="rating">'
                + _rating_html(index, turn.rating)
                + "</span></div>"
            )
        parts.append(
            f'<div class="msg bot" data-turn="{index}"><div class="bubble answer">{body}{tail}</div></div>'
        )
    return "".join(parts)


EMPTY_CHAT = (
    '<div class="chat-empty">请输入关于《南宁市贯彻〈广西教育提升三年行动计划（2018—2020年）〉实施方案》的问题，'
    "回答中的每句话都会标注出处条款，点击条款编号可查看原文。</div>"
)


def transcript_html(turns: Sequence[Turn], streamed: str | None = None) -> str:
    """The whole conversation; ``streamed`` applies to the last turn."""
    if not turns:
        return EMPTY_CHAT
    last = len(turns) - 1
    body = "".join(turn_html(i, t, streamed if i == last else None) for i, t in enumerate(turns))
    return f'<div class="chat-log">{body}</div>'


def highlighted(text: str, quote: str) -> str:
    """Clause text as paragraphs (one per line) with the first occurrence of ``quote`` in <mark>."""
    start = text.find(quote) if quote else -1
    end = start + len(quote)
    out: list[str] = []
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        if start < 0 or b <= start or a >= end:
            out.append(f"<p>{esc(line)}</p>")
        else:  # the quote may span several lines: mark this line's share of it
            s, e = max(start, a) - a, min(end, b) - a
            out.append(f"<p>{esc(line[:s])}<mark>{esc(line[s:e])}</mark>{esc(line[e:])}</p>")
    return "".join(out)


def duty_html(plan: Plan, clause: Clause) -> str:
    if clause.duty is not None:
        rows = f"<dt>组织实施单位</dt><dd>{esc('、'.join(clause.duty.organizers))}</dd>"
        if clause.duty.implementers:
            rows += f"<dt>具体实施单位</dt><dd>{esc('、'.join(clause.duty.implementers))}</dd>"
        return f'<dl class="duty">{rows}</dl>'
    names: list[str] = []
    for d in plan.descendants(clause.id):
        if d.duty is not None:
            names += [n for n in (*d.duty.organizers, *d.duty.implementers) if n not in names]
    if names:
        return f'<dl class="duty"><dt>下属各项的责任单位</dt><dd>{esc("、".join(names))}</dd></dl>'
    return '<p class="meta">本条未列明责任单位。</p>'


def clause_html(plan: Plan, clause: Clause, quote: str = "") -> str:
    """The side panel / detail pane: heading path, full text with the quote marked, departments."""
    full = plan.full_text(clause.id)
    children = plan.children(clause.id)
    child_list = ""
    if children:
        items = "".join(f"<li>{chip(c.id)} {esc(c.title)}</li>" for c in children)
        child_list = f'<h4>下级条款</h4><ul class="children">{items}</ul>'
    quote_note = ""
    if quote and quote not in full:
        quote_note = f'<p class="meta">引用：“{esc(quote)}”</p>'
    return (
        f'<div class="clause-view" data-clause="{esc(clause.id)}">'
        f'<div class="path">{esc(clause.heading_path or clause.heading)}</div>'
        f'<h3><span class="cid">{esc(clause.id)}</span> {esc(clause.title)}</h3>'
        f'<div class="clause-text">{highlighted(full, quote)}</div>{quote_note}'
        f"<h4>责任单位</h4>{duty_html(plan, clause)}{child_list}</div>"
    )


def missing_clause_html(raw_id: str) -> str:
    return f'<div class="clause-view notice">未找到条款“{esc(raw_id)}”。条款编号形如 四（二）3、4.2.3。</div>'


def citation_quote(turns: Sequence[Turn], turn: object, cite: object) -> Citation | None:
    """The citation a chip points at, from the session's own answers (never from the page's DOM)."""
    try:
        answer = turns[int(str(turn))].answer
        return answer.citations[int(str(cite))] if answer is not None else None
    except (ValueError, IndexError):
        return None
