"""The assistant as a LangChain Runnable chain, and its composition root ``build_assistant``."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable, RunnableLambda

from assistant import question as questions
from assistant.answer import Answer
from assistant.composer import ExtractiveComposer
from assistant.duties import Task, tasks_of
from assistant.figures import TargetBook
from assistant.settings import Settings
from assistant.thresholds import Thresholds
from embeddings.base import embed_queries
from knowledge.clause import Clause, Plan, Target
from knowledge.departments import canonical_department
from knowledge.ids import canonical_id
from knowledge.parser import read_plan
from knowledge.retriever import IndexReport, Retriever, merged
from knowledge.store import DiskStore, Store

log = logging.getLogger(__name__)


@dataclass
class _State:
    """What flows through the chain for one question."""

    question: questions.Question
    started: float
    vector: list[float] | None = None
    retrieval: Any = None
    searcher: Any = None  # the retriever that searched this question (the cross-lingual one for English)
    timings: dict[str, float] | None = None
    on_partial: Callable[[str], None] | None = None  # a streaming composer's verified sentences so far
    history: tuple[str, ...] = ()  # the conversation's earlier questions (bounded), oldest first


class PlanLookups:
    """Lookups that read the parsed plan only (the CLI and the UI use them; no model needed)."""

    plan: Plan

    def clause(self, raw_id: str) -> Clause | None:
        cid = canonical_id(raw_id, self.plan)
        return self.plan.get(cid) if cid else None

    def clause_plan(self, raw_id: str) -> Plan | None:
        """The plan a clause ID refers to (one plan here; a library picks the document)."""
        return self.plan

    def plans(self) -> list[tuple[str, Plan]]:
        """(document ID, plan) of every plan served; one plan has no ID (its citations are plain)."""
        return [("", self.plan)]

    def tasks(self, department: str) -> list[Task]:
        return tasks_of(self.plan, canonical_department(department))

    def targets(self) -> list[Target]:
        return self.plan.targets()


class Assistant(PlanLookups):
    """Answers questions about one plan. Thread-safe for concurrent ask() calls."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan,
        corpus_text: str,
        embeddings: Embeddings,
        retriever: Retriever,
        composer: ExtractiveComposer,
        index_report: IndexReport,
        cross_lingual: Callable[[], Retriever | None] | None = None,
    ):
        self.settings = settings
        self.plan = plan
        self.corpus_text = corpus_text
        self.embeddings = embeddings
        self.retriever = retriever
        self.composer = composer
        self.index_report = index_report
        self._open_cross_lingual = cross_lingual
        self._cross_lingual: Retriever | None = None
        self._cross_lingual_lock = threading.Lock()
        self.chain: Runnable[dict[str, Any], Answer] = (
            RunnableLambda(self._read, name="read_question")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._compose, name="compose")
        )

    def ask(self, question: object, history: Sequence[str] = (),
            on_partial: Callable[[str], None] | None = None) -> Answer:
        """Answer one question; raises BadQuestion (with a user-facing message) for unusable input.

        ``on_partial``: with a composer that writes as it goes (the LLM composer), called with the
        verified text so far; the returned Answer is what counts."""
        s = self.settings
        text = questions.check(question, s.max_question_chars)
        kept = questions.bound_history(history, s.max_question_chars, s.max_history_turns, s.max_history_chars)
        return self.chain.invoke({"question": text, "history": kept, "on_partial": on_partial})

    def closeness(self, text: str) -> float:
        """How close the plan's nearest sentence is to ``text`` (cosine): a library ranks its documents
        by this before answering from the best ones. One nearest-neighbour query; the question's
        vector is cached by the embeddings, so several plans embed it once."""
        nearest = self.retriever.index.similarities(self.embeddings.embed_query(text), 1)
        return max(nearest.values(), default=0.0)

    def _read(self, payload: dict[str, Any]) -> _State:
        started = time.perf_counter()
        question = questions.read(payload["question"], payload.get("history", ()), self.composer.reader)
        return _State(question, started, on_partial=payload.get("on_partial"),
                      history=tuple(payload.get("history", ())))

    def cross_lingual(self) -> Retriever | None:
        """The retriever for questions in another language than the plan's, opened at first use."""
        if self._open_cross_lingual is None:
            return None
        with self._cross_lingual_lock:
            if self._cross_lingual is None:
                self._cross_lingual = self._open_cross_lingual()
                if self._cross_lingual is None:
                    self._open_cross_lingual = None
            return self._cross_lingual

    def _retrieve(self, state: _State) -> _State:
        t0 = time.perf_counter()
        query = state.question.text or state.question.raw
        # e5 ranks English questions against the Chinese plan poorly and its scores cannot separate
        # them (shared/notes/measured.md); the multilingual USE leg does both better, and embeds the
        # question itself.
        retriever = (self.cross_lingual() if state.question.english else None) or self.retriever
        parts: list[questions.Question] = []
        if retriever is self.retriever:
            # A compound question ("A？B？") is answered part by part: its parts are embedded (the
            # composer then finds their vectors in the embeddings' memo) and searched, and what they
            # retrieve is what the question retrieves. The whole question's own vector would be used
            # for nothing else, and is the longest text to embed (~25 ms).
            memo = getattr(self.embeddings, "memoizes_queries", False)
            parts = getattr(self.composer, "parts", lambda q: [])(state.question) if memo else []
            texts = [p.text for p in parts] or [query]
            vectors = embed_queries(self.embeddings, texts)
            state.vector = None if parts else vectors[0]
        t1 = time.perf_counter()
        if parts:
            found = retriever.search_many(texts, vectors, k=self.settings.top_k)
            state.retrieval = merged(found, self.settings.top_k, texts)
        else:
            state.retrieval = retriever.search(query, k=self.settings.top_k, vector=state.vector)
        state.searcher = retriever
        t2 = time.perf_counter()
        state.timings = {"embed": (t1 - t0) * 1000, "retrieve": (t2 - t0) * 1000}
        return state

    def _compose(self, state: _State) -> Answer:
        t0 = time.perf_counter()
        # A model-writing composer also gets the conversation and reports its verified sentences.
        writes = getattr(self.composer, "streams", False)
        extra: dict[str, Any] = {"history": state.history} if writes else {}
        if writes and state.on_partial is not None:
            extra["on_partial"] = state.on_partial
        answer = self.composer.compose(state.question, state.retrieval, state.vector or [],
                                       searcher=state.searcher, **extra)
        t1 = time.perf_counter()
        timings = dict(state.timings or {})
        timings["compose"] = (t1 - t0) * 1000
        timings["total"] = (t1 - state.started) * 1000
        return replace(answer, timings_ms=timings)


def make_composer(settings: Settings, plan: Plan, retriever: Retriever, embeddings: Embeddings) -> Any:
    if settings.composer not in ("extractive", "llm"):
        raise ValueError(f"unknown composer {settings.composer!r}; available: extractive, llm")
    thresholds = Thresholds().shifted(settings.refusal_margin)
    extractive = ExtractiveComposer(plan, retriever, TargetBook(plan, embeddings), thresholds,
                                    settings.time_budget_s)
    if settings.composer == "extractive":
        return extractive
    if not settings.llm_base_url or not settings.llm_model:
        raise ValueError("POLICY_ASSISTANT_COMPOSER=llm needs POLICY_ASSISTANT_LLM_BASE_URL and _LLM_MODEL")
    try:
        import langchain_openai  # noqa: F401
    except ImportError:
        raise ValueError("POLICY_ASSISTANT_COMPOSER=llm needs langchain-openai: pip install -e '.[llm]'") from None
    from assistant.llm_composer import LlmComposer

    return LlmComposer(extractive, plan, settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                       settings.llm_timeout_s, settings.llm_max_chars)


def build_assistant(
    settings: Settings,
    embeddings: Embeddings | None = None,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Assistant:
    """The composition root: parse the plan, open (or build) the index, wire the chain.

    Pass ``embeddings`` to share one loaded model between several assistants (tests, benchmarks).
    """
    from embeddings.factory import make_embeddings

    corpus_path = Path(settings.corpus_path)
    # Any format (PDF, Word, HTML, text in UTF-8 or GB18030); the text read from it keys the index.
    plan, corpus_text = read_plan(corpus_path)
    for warning in plan.warnings:
        log.warning("%s: %s", corpus_path.name, warning)
    if embeddings is None:
        embeddings = make_embeddings(settings.embedder, cache_dir=settings.cache_dir)
    retriever, report = Retriever.open(
        plan, corpus_text, embeddings, open_store(settings), rebuild=rebuild, progress=progress
    )
    composer = make_composer(settings, plan, retriever, embeddings)
    return Assistant(settings, plan, corpus_text, embeddings, retriever, composer, report,
                     _cross_lingual_opener(settings, plan, corpus_text, embeddings))


def index_plan(settings: Settings, embeddings: Embeddings) -> IndexReport:
    """Build (or find) the index of settings.corpus_path only: what adding a document to the library
    needs before the library lists it. The answering parts are built when the library is opened."""
    plan, corpus_text = read_plan(Path(settings.corpus_path))
    _, report = Retriever.open(plan, corpus_text, embeddings, open_store(settings))
    return report


def open_store(settings: Settings) -> Store:
    """Where the indexes live: the Chroma server of settings.chroma_url, else embedded in the data dir."""
    if settings.chroma_url:
        return _server_store(settings.chroma_url, settings.data_dir)
    return DiskStore(settings.index_dir)


@functools.lru_cache(maxsize=4)
def _server_store(url: str, lock_dir: Path) -> Store:
    """One client per server and process (it holds a connection pool)."""
    from knowledge.server_store import ServerStore

    return ServerStore(url, lock_dir=lock_dir)


@functools.lru_cache(maxsize=4)
def _shared_embeddings(spec: str, cache_dir: Path) -> Embeddings:
    """One loaded cross-lingual model per process, however many plans a library serves."""
    from embeddings.factory import make_embeddings

    return make_embeddings(spec, cache_dir=cache_dir)


def _cross_lingual_opener(
    settings: Settings, plan: Plan, corpus_text: str, embeddings: Embeddings
) -> Callable[[], Retriever | None] | None:
    spec = settings.cross_lingual_embedder.strip()
    if not spec or spec == settings.embedder or getattr(embeddings, "name", "").startswith(spec):
        return None

    def open_index() -> Retriever | None:
        try:
            other = _shared_embeddings(spec, settings.cache_dir)
            retriever, _ = Retriever.open(plan, corpus_text, other, open_store(settings))
        except Exception as exc:  # a missing optional model must not break Chinese questions
            log.warning("cross-lingual embedder %r unavailable (%s); English questions use %s",
                        spec, exc, settings.embedder)
            return None
        return retriever

    return open_index
