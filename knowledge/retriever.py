"""Hybrid retrieval over a plan's sentence chunks: dense (Chroma) + keyword (BM25), fused per clause."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.chunks import Chunk, chunk_clauses, keyword_tokens
from knowledge.clause import Hit, Plan
from knowledge.store import DiskStore, IndexMissing, Store, VectorIndex

#: Bump when chunking or the stored metadata change, so old indexes are rebuilt automatically.
INDEX_FORMAT = 3
_RRF_K = 60
_DENSE_POOL = 400  # sentences fetched from Chroma per query: a plan has a few hundred, so all of them


class IndexUnavailable(OSError):
    """No usable index, and none can be built here (the directory cannot be written)."""


@dataclass(frozen=True)
class IndexReport:
    key: str
    clauses: int
    chunks: int
    built: bool  # False when an existing complete index was reused
    seconds: float


@dataclass(frozen=True)
class Retrieval:
    """Everything one search found: clause hits plus per-sentence evidence for the composer."""

    hits: tuple[Hit, ...]
    dense: dict[str, float] = field(default_factory=dict)  # chunk id -> cosine similarity (pool only)
    keyword: dict[str, float] = field(default_factory=dict)  # chunk id -> BM25 score (> 0 only)
    top_dense: float = 0.0  # best sentence similarity
    coverage: float = 0.0  # share of the question's keyword tokens that occur in the plan at all
    seconds: float = 0.0
    parts: dict[str, Retrieval] = field(default_factory=dict)  # a question asked in parts: each part's own


def merged(retrievals: Sequence[Retrieval], k: int, texts: Sequence[str] = ()) -> Retrieval:
    """One retrieval for a question asked in parts ("A？B？"): the parts' clauses taken in turn by rank
    (each part's best, then each one's second, …), k of them, more only so that every part's best is
    in; each sentence's scores the best any part gave it. With the parts' ``texts``, each part's own
    retrieval is kept (``parts``), for answering the part without searching it again."""
    hits: dict[str, Hit] = {}
    for rank in range(max((len(r.hits) for r in retrievals), default=0)):
        for r in retrievals:
            if rank < len(r.hits) and (len(hits) < k or rank == 0):
                hits.setdefault(r.hits[rank].clause_id, r.hits[rank])
    dense: dict[str, float] = {}
    keyword: dict[str, float] = {}
    for r in retrievals:
        for chunk_id, score in r.dense.items():
            dense[chunk_id] = max(dense.get(chunk_id, score), score)
        for chunk_id, score in r.keyword.items():
            keyword[chunk_id] = max(keyword.get(chunk_id, score), score)
    return Retrieval(
        hits=tuple(hits.values()),
        dense=dense,
        keyword=keyword,
        top_dense=max((r.top_dense for r in retrievals), default=0.0),
        coverage=max((r.coverage for r in retrievals), default=0.0),
        seconds=sum(r.seconds for r in retrievals),
        parts=dict(zip(texts, retrievals, strict=True)) if texts else {},
    )


def index_key(corpus_text: str, embedder_name: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in embedder_name)
    return f"{_key_prefix(corpus_text)}{safe}"


def _key_prefix(corpus_text: str) -> str:
    digest = hashlib.sha256(f"{INDEX_FORMAT}\n{corpus_text}".encode()).hexdigest()[:12]
    return f"plan_{digest}_"


def drop_indexes(store: Store | Path, corpus_text: str) -> int:
    """Remove a plan's indexes, for every embedder (when its document leaves the library)."""
    return as_store(store).drop(_key_prefix(corpus_text))


def as_store(store: Store | Path | str) -> Store:
    """A store; a plain directory means the embedded store there."""
    return DiskStore(Path(store)) if isinstance(store, str | Path) else store


class Retriever:
    """A plan's sentences in Chroma and in a BM25 index."""

    def __init__(self, plan: Plan, chunks: Sequence[Chunk], index: VectorIndex, embeddings: Embeddings):
        import bm25s

        # bm25s sets its own logger to DEBUG at import, which prints on every index build.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.plan = plan
        self.chunks = list(chunks)
        self.chunk_by_id = {c.id: c for c in self.chunks}
        self.chunks_of: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            self.chunks_of.setdefault(chunk.clause_id, []).append(chunk)
        self.index = index
        self.embeddings = embeddings
        self._tokens = [keyword_tokens(c.sentence) for c in self.chunks]
        self._vocab = {t for tokens in self._tokens for t in tokens}
        self._bm25 = bm25s.BM25()
        self._bm25.index(self._tokens, show_progress=False)

    @classmethod
    def open(
        cls,
        plan: Plan,
        corpus_text: str,
        embeddings: Embeddings,
        store: Store | Path,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[Retriever, IndexReport]:
        """Open the index for this corpus and embedder, building it first when missing or stale."""
        started = time.perf_counter()
        chunks = chunk_clauses(plan.clauses)
        key = index_key(corpus_text, getattr(embeddings, "name", type(embeddings).__name__))
        store = as_store(store)
        index = None if rebuild else _published(store, key)
        built = False
        if index is None:
            # One builder per key at a time: workers starting together build once, the others wait
            # and then find the index published.
            with store.building(key):
                index = None if rebuild else _published(store, key)
                if index is None:
                    if not store.writable():
                        # Never rebuild where nothing can be written: say so instead of failing half-way.
                        raise IndexUnavailable(
                            f"索引目录不可写（只读或磁盘已满），其中也没有可用的完整索引: {store.describe()}")
                    vectors = _embed_in_batches(embeddings, [c.embed_text for c in chunks], progress)
                    metadatas = [{"clause_id": c.clause_id, "position": c.position} for c in chunks]
                    index = store.build(
                        key, [c.id for c in chunks], [c.sentence for c in chunks], vectors, metadatas)
                    built = True
        report = IndexReport(key, len(plan), len(chunks), built, time.perf_counter() - started)
        return cls(plan, chunks, index, embeddings), report

    def search(self, question: str, k: int = 8, vector: Sequence[float] | None = None) -> Retrieval:
        if vector is None:
            vector = self.embeddings.embed_query(question)
        return self.search_many([question], [vector], k)[0]

    def search_many(self, questions: Sequence[str], vectors: Sequence[Sequence[float]],
                    k: int = 8) -> list[Retrieval]:
        """``search`` for several texts with their vectors, in one request to the index."""
        started = time.perf_counter()
        nearest_each = self.index.similarities_many(vectors, _DENSE_POOL)
        return [self._rank(q, nearest, k, started) for q, nearest in zip(questions, nearest_each, strict=True)]

    def _rank(self, question: str, nearest: dict[str, float], k: int, started: float) -> Retrieval:
        # the chunks themselves are in memory: the index gives ids and similarities only
        dense = {i: similarity for i, similarity in nearest.items() if i in self.chunk_by_id}
        tokens = keyword_tokens(question)
        known = [t for t in tokens if t in self._vocab]
        coverage = len(set(known)) / len(set(tokens)) if tokens else 0.0
        keyword: dict[str, float] = {}
        if known:  # without a matching token BM25 would rank in document order: pure noise
            scores = self._bm25.get_scores(known)
            keyword = {self.chunks[i].id: float(scores[i]) for i in np.flatnonzero(scores > 0)}
        hits = self._fuse(dense, keyword, k)
        return Retrieval(
            hits=tuple(hits),
            dense=dense,
            keyword=keyword,
            top_dense=max(dense.values(), default=0.0),
            coverage=coverage,
            seconds=time.perf_counter() - started,
        )

    def _fuse(self, dense: dict[str, float], keyword: dict[str, float], k: int) -> list[Hit]:
        """Reciprocal-rank fusion at clause level; a clause scores by its best sentence in each leg."""
        best_dense: dict[str, float] = {}
        best_kw: dict[str, float] = {}
        for cid, sim in dense.items():
            clause = self.chunk_by_id[cid].clause_id
            best_dense[clause] = max(best_dense.get(clause, -1.0), sim)
        for cid, score in keyword.items():
            clause = self.chunk_by_id[cid].clause_id
            best_kw[clause] = max(best_kw.get(clause, 0.0), score)
        fused: dict[str, float] = {}
        for ranking in (best_dense, best_kw):
            for rank, clause in enumerate(sorted(ranking, key=ranking.__getitem__, reverse=True)):
                fused[clause] = fused.get(clause, 0.0) + 1.0 / (_RRF_K + rank + 1)
        ordered = sorted(fused, key=lambda c: (fused[c], best_dense.get(c, 0.0)), reverse=True)[:k]
        hits = []
        for clause in ordered:
            ranked = sorted(
                self.chunks_of[clause], key=lambda c: (dense.get(c.id, 0.0) + 0.02 * keyword.get(c.id, 0.0)), reverse=True
            )
            hits.append(
                Hit(
                    clause_id=clause,
                    score=fused[clause],
                    dense=best_dense.get(clause, 0.0),
                    keyword=best_kw.get(clause, 0.0),
                    sentences=tuple(c.sentence for c in ranked[:3]),
                )
            )
        return hits


def _published(store: Store, key: str) -> VectorIndex | None:
    try:
        return store.open(key)
    except IndexMissing:
        return None


def _embed_in_batches(
    embeddings: Embeddings, texts: list[str], progress: Callable[[int, int], None] | None, batch: int = 32
) -> list[list[float]]:
    vectors: list[list[float]] = []
    for start in range(0, len(texts), batch):
        vectors.extend(embeddings.embed_documents(texts[start : start + batch]))
        if progress:
            progress(min(start + batch, len(texts)), len(texts))
    return vectors
