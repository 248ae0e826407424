"""Draft evaluation questions from the users' 👎 feedback, for an evaluator to label."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DOWN = {"down", "👎", "-1"}
_RATINGS = _DOWN | {"up", "👍", "1"}
_ANSWER_CHARS = 200


@dataclass(frozen=True)
class FeedbackDrafts:
    drafts: list[dict[str, Any]]  # question lines in the eval/questions.py format, labels left empty
    malformed_lines: tuple[int, ...]  # line numbers that are not a feedback entry
    thumbs_up: int  # entries skipped because the user liked the answer
    duplicates: int  # 👎 entries whose question already has a draft


def _entry(line: str) -> dict[str, Any] | None:
    """The feedback entry of a line, None when the line is not one."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or str(obj.get("rating", "")).strip() not in _RATINGS:
        return None
    if not isinstance(obj.get("question"), str) or not obj["question"].strip():
        return None
    return obj


def _note(entry: dict[str, Any]) -> str:
    comment = str(entry.get("comment") or "").strip() or "(no comment)"
    answer = " ".join(str(entry.get("answer") or "").split())
    if len(answer) > _ANSWER_CHARS:
        answer = answer[:_ANSWER_CHARS] + "…"
    cited = [str(c.get("clause_id", "")) for c in entry.get("citations") or [] if isinstance(c, dict)]
    note = f"from feedback {entry.get('time', '?')}: {comment}; answer was: {answer or '(empty)'}"
    return note + (f" [cited {'、'.join(c for c in cited if c)}]" if any(cited) else "")


def collect_drafts(feedback_jsonl_path: str | Path) -> FeedbackDrafts:
    """Read a feedback log (raises OSError when unreadable) and draft one question per distinct 👎 question."""
    raw = Path(feedback_jsonl_path).read_bytes().decode("utf-8", errors="replace")
    drafts: list[dict[str, Any]] = []
    seen: set[str] = set()
    malformed: list[int] = []
    thumbs_up = duplicates = 0
    for number, line in enumerate(raw.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        entry = _entry(line)
        if entry is None:
            malformed.append(number)
            continue
        if str(entry["rating"]).strip() not in _DOWN:
            thumbs_up += 1
            continue
        question = entry["question"].strip()
        if question in seen:
            duplicates += 1
            continue
        seen.add(question)
        drafts.append({
            "id": f"fb{len(drafts) + 1:03d}",
            "question": question,
            "gold_clauses": [],
            "answer_facts": [],
            "answerable": True,
            "type": "factoid",
            "note": _note(entry),
        })
    return FeedbackDrafts(drafts, tuple(malformed), thumbs_up, duplicates)


def drafts_from_feedback(feedback_jsonl_path: str | Path) -> list[dict[str, Any]]:
    """Draft question lines from the 👎 entries; malformed lines are skipped (collect_drafts counts them)."""
    return collect_drafts(feedback_jsonl_path).drafts
