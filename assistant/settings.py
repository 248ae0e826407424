"""The one typed settings object. Only front doors (CLI, app) read the environment, via from_env().

``Settings`` is a frozen pydantic model: every field is typed, validated and described. Building one
never reads the environment; ``Settings.from_env()`` does, through pydantic-settings
(``POLICY_ASSISTANT_<FIELD>`` variables), and explicit overrides (CLI flags) win over it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"
ENV_PREFIX = "POLICY_ASSISTANT_"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "policy-assistant"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    corpus_path: Path = Field(BUNDLED_CORPUS, description="the plan to serve (Markdown or plain text, UTF-8)")
    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="where the Chroma index, the embedding cache and feedback are kept")
    embedder: str = Field("e5", description="embedding backend: e5 (bundled, default), use (pure numpy), "
                                            "st:<local model dir>")
    cross_lingual_embedder: str = Field("use", description="embedding backend for questions in another "
                                                           "language than the plan's (English); empty = the main one")
    chroma_url: str = Field("", description="a Chroma server (`chroma run`) shared by several app processes, "
                                             "e.g. http://127.0.0.1:8000; empty = embedded Chroma in data_dir")
    composer: str = Field("extractive", description="answer composer: 'extractive' (no LLM, no network) or "
                                                    "'llm' (your OpenAI-compatible endpoint, every sentence verified)")
    llm_base_url: str = Field("", description="the LLM composer's OpenAI-compatible endpoint, e.g. "
                                              "http://127.0.0.1:11434/v1 (Ollama)")
    llm_model: str = Field("", description="the model name the endpoint serves")
    llm_api_key: str = Field("", description="the endpoint's API key, if it needs one")
    llm_timeout_s: float = Field(30.0, gt=0, description="a model answer slower than this falls back to "
                                                         "the extractive answer")
    llm_max_chars: int = Field(2000, ge=100, description="model output beyond this is cut off")
    top_k: int = Field(8, ge=1, le=100, description="clauses retrieved per question")
    max_question_chars: int = Field(2000, ge=1, description="longer questions are rejected with a message")
    max_history_turns: int = Field(6, ge=0, description="earlier questions read for follow-ups; older ones "
                                                        "are dropped")
    max_history_chars: int = Field(6000, ge=0, description="all history items together; an item longer than "
                                                           "max_question_chars is dropped")
    time_budget_s: float = Field(5.0, gt=0, description="a compound question stops answering further parts "
                                                        "after this many seconds")
    refusal_margin: float = Field(0.0, description="added to the calibrated refusal threshold; > 0 refuses "
                                                   "more, < 0 refuses less")
    host: str = Field("127.0.0.1", description="address the web app binds to")
    port: int = Field(7860, ge=0, le=65535, description="port of the web app (0 = pick a free one)")
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1, description="largest file the web app accepts "
                                                                     "(evaluation uploads)")
    max_sessions: int = Field(100, ge=1, description="web sessions kept in memory; the least recently used "
                                                     "go first")
    session_ttl_s: int = Field(3600, ge=1, description="a web conversation idle this long is forgotten")
    api_keys: str = Field("", description="comma-separated bearer keys the HTTP API requires; empty = open")
    auth_user: str = Field("", description="web app login user; empty = no login")
    auth_password: str = Field("", description="web app login password")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "embedding-cache"

    @property
    def library_dir(self) -> Path:
        return self.data_dir / "library"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    def to_env(self) -> dict[str, str]:
        """These settings as POLICY_ASSISTANT_<FIELD> variables: what from_env() reads back (a worker
        process started by `serve --workers` gets the parent's settings this way)."""
        return {f"{ENV_PREFIX}{name.upper()}": str(value) for name, value in self.model_dump().items()}

    def replace(self, **changes: Any) -> Settings:
        """A validated copy with some fields changed (``model_copy`` would skip validation)."""
        return type(self).model_validate({**self.model_dump(), **changes})

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from POLICY_ASSISTANT_<FIELD> variables, then explicit overrides (e.g. CLI flags);
        an override of None means "not given". Raises ValueError with a one-line message."""
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls.model_validate(_Environment(**given).model_dump())
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            source = f"{ENV_PREFIX}{name.upper()}" if name not in given else name
            raise ValueError(f"{source}={error.get('input')!r}: {error['msg']}") from None


class _Environment(BaseSettings, Settings):
    """The same fields, read from the environment by pydantic-settings (init values win)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True, extra="ignore")
