"""A conversation as files for a report: Word (DOCX), plain text and Markdown.

Each answer is followed by its citations: clause ID, title and the verbatim quote.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ui.render import Turn, timings_text


def conversation_markdown(turns: Sequence[Turn], plan_title: str) -> str:
    lines = [f"# 问答记录：{plan_title}", "", f"导出时间：{datetime.now():%Y-%m-%d %H:%M}", ""]
    for number, turn in enumerate(turns, start=1):
        lines += [f"## 问题 {number}", "", _quoted(turn.question), ""]
        if turn.error:
            lines += [f"**未能回答：** {turn.error}", ""]
            continue
        answer = turn.answer
        if answer is None:
            continue
        if answer.refused:
            lines += ["**回答（未找到依据）：**", "", answer.text, ""]
            continue
        lines += ["**回答：**", "", *answer.text.split("\n"), ""]
        lines += ["**依据条款：**", ""]
        for i, c in enumerate(answer.citations, start=1):
            lines.append(f"{i}. 【{c.clause_id}】{c.title}")
            lines.append(f"   > {c.quote}")
        lines += ["", f"*{timings_text(answer)}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def conversation_text(turns: Sequence[Turn], plan_title: str, doc_number: str = "") -> str:
    """Plain text without markup: what a Word user pastes into a report."""
    head = plan_title + (f"（{doc_number}）" if doc_number else "")
    lines = [f"问答记录：{head}", f"导出时间：{datetime.now():%Y-%m-%d %H:%M}", ""]
    for number, turn in enumerate(turns, start=1):
        lines += [f"问题 {number}：{turn.question}", ""]
        if turn.error:
            lines += [f"未能回答：{turn.error}", ""]
            continue
        if turn.answer is None:
            continue
        lines += ["回答：", *turn.answer.text.split("\n"), ""]
        if turn.answer.citations:
            lines.append("依据条款：")
            lines += [f"{i}. 【{c.clause_id}】{c.title}：“{c.quote}”" for i, c in enumerate(turn.answer.citations, 1)]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def conversation_docx(turns: Sequence[Turn], plan_title: str, doc_number: str, path: Path) -> Path:
    """A Word document: the plan's title and 文号, the date, then each question, answer and citations."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # CJK text needs an East Asian font name
    document.add_heading("问答记录", level=1)
    document.add_paragraph(plan_title + (f"（{doc_number}）" if doc_number else ""))
    document.add_paragraph(f"导出时间：{datetime.now():%Y-%m-%d %H:%M}")
    for number, turn in enumerate(turns, start=1):
        document.add_heading(f"问题 {number}", level=2)
        document.add_paragraph(turn.question)
        if turn.error:
            document.add_paragraph(f"未能回答：{turn.error}")
            continue
        if turn.answer is None:
            continue
        document.add_paragraph().add_run("回答").bold = True
        for line in turn.answer.text.split("\n"):
            document.add_paragraph(line)
        if turn.answer.citations:
            document.add_paragraph().add_run("依据条款").bold = True
            for c in turn.answer.citations:
                item = document.add_paragraph(style="List Number")
                item.add_run(f"【{c.clause_id}】{c.title}").bold = True
                item.add_run(f"：“{c.quote}”")
    document.save(str(path))
    return path


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.split("\n"))


_FOLDER = Path(tempfile.gettempdir()) / "policy-assistant-exports"
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def write_export(turns: Sequence[Turn], plan_title: str, session: str, doc_number: str = "") -> dict[str, Path]:
    """Write the conversation as DOCX, TXT and Markdown to the session's own files (overwritten as the
    conversation grows); returns {"docx": path, "txt": path, "md": path}.

    gradio serves them from its cache, which the app clears of old files (Blocks ``delete_cache``).
    """
    folder = _FOLDER / (_SAFE.sub("", session)[:64] or "anonymous")
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / "问答记录.md"
    md.write_text(conversation_markdown(turns, plan_title), encoding="utf-8")
    txt = folder / "问答记录.txt"
    txt.write_text(conversation_text(turns, plan_title, doc_number), encoding="utf-8")
    docx = conversation_docx(turns, plan_title, doc_number, folder / "问答记录.docx")
    return {"docx": docx, "txt": txt, "md": md}
