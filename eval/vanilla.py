"""The vanilla LangChain RAG baseline the assistant is compared with, side by side.

What a tutorial pipeline does: split the whole file into 500-character chunks (50 overlap) with
RecursiveCharacterTextSplitter, embed them with the same embedder, and show the top 4 chunks for any
question, never refusing. To score it like the assistant, each chunk is attributed to the clause it
shares the most text with and "cites" that clause with the raw chunk as quote, so faithfulness
measures how often a raw chunk is not verbatim clause text.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.answer import Answer, Citation
from knowledge.clause import Hit, Plan
from knowledge.store import IndexMissing, VectorIndex

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 4
_GRAM = 4  # characters; long enough to be specific in Chinese text, short enough to survive line breaks
_SPACE = re.compile(r"\s+")


def _normalize(text: str) -> str:
    return _SPACE.sub("", text)


def vanilla_key(corpus_text: str, embedder_name: str) -> str:
    digest = hashlib.sha256(f"{CHUNK_SIZE}/{CHUNK_OVERLAP}\n{corpus_text}".encode()).hexdigest()[:12]
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in embedder_name)
    return f"vanilla_{digest}_{safe}"


class ClauseMatcher:
    """Attributes a piece of raw text to the clause whose repaired text shares the most characters with it.

    Shared characters are those of the (whitespace-free) piece covered by a 4-character sequence that
    also occurs in the clause's own text; a piece too short or too mangled for that falls back to
    single characters.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._texts = [_normalize(c.text) for c in plan.clauses]
        self._by_gram: dict[int, dict[str, set[int]]] = {}

    def _grams(self, n: int) -> dict[str, set[int]]:
        if n not in self._by_gram:
            index: dict[str, set[int]] = {}
            for position, text in enumerate(self._texts):
                for i in range(len(text) - n + 1):
                    index.setdefault(text[i:i + n], set()).add(position)
            self._by_gram[n] = index
        return self._by_gram[n]

    def shared(self, piece: str, n: int = _GRAM) -> dict[int, int]:
        """Clause position -> number of the piece's characters it shares (via n-character sequences)."""
        text = _normalize(piece)
        grams = self._grams(n)
        covered: dict[int, set[int]] = {}
        for i in range(len(text) - n + 1):
            for position in grams.get(text[i:i + n], ()):
                covered.setdefault(position, set()).update(range(i, i + n))
        return {position: len(chars) for position, chars in covered.items()}

    def clause_id(self, piece: str) -> str:
        counts = self.shared(piece) or self.shared(piece, 1)
        if not counts:
            return self.plan.clauses[0].id
        best = max(counts, key=lambda position: (counts[position], -position))
        return self.plan.clauses[best].id


class VanillaPipeline:
    """Chunk, embed, retrieve top 4, show them: the baseline, built once per corpus and embedder."""

    def __init__(self, corpus_text: str, plan: Plan, embeddings: Embeddings, index_root: Path) -> None:
        if not plan.clauses:
            raise ValueError("the plan has no clauses to attribute chunks to")
        self.plan = plan
        self.embeddings = embeddings
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.chunks = [c for c in splitter.split_text(corpus_text) if c.strip()]
        if not self.chunks:
            raise ValueError("the corpus text is empty")
        matcher = ClauseMatcher(plan)
        self.clause_ids = [matcher.clause_id(c) for c in self.chunks]
        self.key = vanilla_key(corpus_text, getattr(embeddings, "name", type(embeddings).__name__))
        ids = [f"chunk-{i:05d}" for i in range(len(self.chunks))]
        self._position = {chunk_id: i for i, chunk_id in enumerate(ids)}
        try:
            self.index = VectorIndex.open(Path(index_root), self.key)
        except IndexMissing:
            metadatas = [{"clause_id": cid, "position": i} for i, cid in enumerate(self.clause_ids)]
            vectors = embeddings.embed_documents(self.chunks)
            self.index = VectorIndex.build(Path(index_root), self.key, ids, self.chunks, vectors, metadatas)

    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        """The top 4 chunks, each followed by 【clause】; history is ignored, as in a vanilla chain."""
        started = time.perf_counter()
        matches = self.index.query(self.embeddings.embed_query(question), TOP_K)
        retrieved = time.perf_counter()
        picked = [(self._position[m.id], m.similarity) for m in matches if m.id in self._position]
        hits, citations, parts = [], [], []
        for position, similarity in picked:
            chunk, clause_id = self.chunks[position], self.clause_ids[position]
            title = self.plan.get(clause_id).title if clause_id in self.plan else ""  # type: ignore[union-attr]
            hits.append(Hit(clause_id, similarity, similarity, 0.0, (chunk,)))
            citations.append(Citation(clause_id, title, chunk))
            parts.append(f"{chunk.strip()}【{clause_id}】")
        total = time.perf_counter()
        return Answer(
            question=question,
            text="\n\n".join(parts),
            citations=tuple(citations),
            refused=False,
            hits=tuple(hits),
            timings_ms={"retrieve": (retrieved - started) * 1000, "total": (total - started) * 1000},
            kind="passage",
        )
