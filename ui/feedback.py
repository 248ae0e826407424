"""The 👍/👎 log: one JSON object per line, appended under a lock (eval/feedback.py reads it back)."""

from __future__ import annotations

import json
import threading
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

    def record(self, rating: str, answer: Answer, comment: str = "") -> dict:
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
        entry = {
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
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return entry
