"""What every local embedding backend shares: one ``_encode(texts, is_query)``, one lock, float32 lists."""

from __future__ import annotations

import threading

import numpy as np
from langchain_core.embeddings import Embeddings


class EncoderEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a local encoder. Subclasses set ``name`` and ``dim`` and
    implement ``_encode``; calls are serialized because no backend here gains from concurrent calls
    on 2 cores, and some are not thread-safe (shared tokenizers, process-wide BLAS limits)."""

    name: str
    dim: int | None = None

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """A (len(texts), dim) array of L2-normalized vectors; ``is_query`` picks the query side of
        asymmetric models (e5's "query: " prefix, bge's instruction)."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._encode(list(texts), False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries in one engine call: a compound question's parts cost less together
        (e5: three parts 58 ms one by one, 52 ms at once) and come out identical."""
        if not texts:
            return []
        with self._lock:
            vectors = self._encode(list(texts), True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1).tolist()


def embed_queries(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Query vectors for ``texts``, in one call when the backend can batch them."""
    batch = getattr(embeddings, "embed_queries", None)
    return batch(texts) if callable(batch) else [embeddings.embed_query(t) for t in texts]
