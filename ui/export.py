"""A conversation as a Markdown file: every answer followed by its citations and their quotes."""

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


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.split("\n"))


_FOLDER = Path(tempfile.gettempdir()) / "policy-assistant-exports"
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def write_export(turns: Sequence[Turn], plan_title: str, session: str) -> Path:
    """Write the Markdown to the session's own file (overwritten as the conversation grows).

    gradio serves it from its cache, which the app clears of old files (Blocks ``delete_cache``).
    """
    folder = _FOLDER / (_SAFE.sub("", session)[:64] or "anonymous")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "问答记录.md"
    path.write_text(conversation_markdown(turns, plan_title), encoding="utf-8")
    return path
