"""The one typed settings object. Only front doors (CLI, app) read the environment, via from_env()."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"
_ENV_PREFIX = "POLICY_ASSISTANT_"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "policy-assistant"


@dataclass(frozen=True)
class Settings:
    corpus_path: Path = field(
        default=BUNDLED_CORPUS, metadata={"help": "the plan to serve (Markdown or plain text, UTF-8)"}
    )
    data_dir: Path = field(
        default_factory=_default_data_dir,
        metadata={"help": "where the Chroma index, the embedding cache and feedback are kept"},
    )
    embedder: str = field(
        default="e5",
        metadata={"help": "embedding backend: e5 (bundled, default), use (pure numpy), st:<local model dir>"},
    )
    cross_lingual_embedder: str = field(
        default="use",
        metadata={"help": "embedding backend for questions in another language than the plan's "
                          "(English); empty = use the main embedder"},
    )
    composer: str = field(
        default="extractive", metadata={"help": "answer composer; 'extractive' needs no LLM and no network"}
    )
    top_k: int = field(default=8, metadata={"help": "clauses retrieved per question"})
    max_question_chars: int = field(
        default=2000, metadata={"help": "longer questions are rejected with a message, not truncated"}
    )
    max_history_turns: int = field(
        default=6, metadata={"help": "earlier questions read for follow-ups; older ones are dropped"}
    )
    max_history_chars: int = field(
        default=6000,
        metadata={"help": "all history items together; an item longer than max_question_chars is dropped"},
    )
    time_budget_s: float = field(
        default=5.0,
        metadata={"help": "a compound question stops answering further parts after this many seconds"},
    )
    refusal_margin: float = field(
        default=0.0,
        metadata={"help": "added to the calibrated refusal threshold; > 0 refuses more, < 0 refuses less"},
    )
    host: str = field(default="127.0.0.1", metadata={"help": "address the web app binds to"})
    port: int = field(default=7860, metadata={"help": "port of the web app (0 = pick a free one)"})
    max_upload_bytes: int = field(
        default=5 * 1024 * 1024, metadata={"help": "largest file the web app accepts (evaluation uploads)"}
    )
    max_sessions: int = field(
        default=200, metadata={"help": "web sessions kept in memory; the least recently used go first"}
    )
    session_ttl_s: int = field(
        default=3600, metadata={"help": "a web conversation idle this long is forgotten"}
    )
    auth_user: str = field(default="", metadata={"help": "web app login user; empty = no login"})
    auth_password: str = field(default="", metadata={"help": "web app login password"})

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "embedding-cache"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from POLICY_ASSISTANT_<FIELD> variables, then explicit overrides (e.g. CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(_ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw, f.type)
        settings = cls(**values)  # type: ignore[arg-type]
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given) if given else settings  # type: ignore[arg-type]


def _convert(name: str, raw: str, kind: object) -> object:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind_name == "Path":
            return Path(raw).expanduser()
        if kind_name == "int":
            return int(raw)
        if kind_name == "float":
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"{_ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind_name}") from exc
    return raw
