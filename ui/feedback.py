"""The 👍/👎 log: one JSON object per line, written under a lock (eval/feedback.py reads it back).

Several app processes (`serve --workers N`) share the file: every change holds an exclusive ``flock`` on
``<file>.lock`` and reads the file afresh under it, so no process appends between another's read and
its atomic rewrite, and none works from a stale view of the entries.

Feedback is idempotent per answer: each entry carries the answer's id, a repeated click with the same
rating and comment changes nothing, and a changed rating or comment replaces the answer's entry (the
file is rewritten atomically) instead of adding a second one.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer import Answer

RATINGS = ("up", "down")
MAX_COMMENT_CHARS = 2000


class FeedbackLog:
    """Appends feedback entries to a JSONL file shared by every session of the process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()  # whole lines only: concurrent sessions must not interleave

    def record(self, rating: str, answer: Answer, comment: str = "", answer_id: str = "") -> dict:
        """Record (or update) the rating of one answer; ``answer_id`` names the answer across clicks."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
        answer_id = answer_id or uuid.uuid4().hex
        entry = {
            "answer_id": answer_id,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "comment": " ".join(str(comment or "").split())[:MAX_COMMENT_CHARS],
            "question": answer.question,
            "answer": answer.text,
            "citations": [
                {"clause_id": c.clause_id, "title": c.title, "quote": c.quote} for c in answer.citations
            ],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
            ids = self._known()
            if ids.get(answer_id) == (rating, entry["comment"]):
                return entry
            if answer_id in ids:
                self._replace(answer_id, line)
            else:
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line)
        return entry

    def _known(self) -> dict[str, tuple[str, str]]:
        """answer id -> (rating, comment), as the file says now (another process may have written)."""
        ids = {}
        for entry in self._entries():
            if isinstance(entry.get("answer_id"), str):
                ids[entry["answer_id"]] = (str(entry.get("rating")), str(entry.get("comment", "")))
        return ids

    def _entries(self) -> list[dict]:
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []
        entries = []
        for text in lines:
            try:
                entry = json.loads(text)
            except (ValueError, RecursionError):
                entry = None
            entries.append(entry if isinstance(entry, dict) else {"_raw": text})
        return entries

    def _replace(self, answer_id: str, line: str) -> None:
        lines = [
            line if entry.get("answer_id") == answer_id else entry.get("_raw") or json.dumps(entry, ensure_ascii=False) + "\n"
            for entry in self._entries()
        ]
        lines = [x if x.endswith("\n") else x + "\n" for x in lines]
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, self.path)
