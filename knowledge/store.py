"""Chroma on disk: the only module that imports chromadb.

Each index lives in its own directory ``root/<key>.<build-id>/`` and is published by atomically
replacing the pointer file ``root/<key>.current``. A build that is killed half-way leaves a directory
without pointer, which is ignored (and swept later), so the previous index keeps serving.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Chroma reads this at import; telemetry must be off before the first import anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.config import Settings  # noqa: E402

_COLLECTION = "sentences"
_BATCH = 1000
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,120}$")


@dataclass(frozen=True)
class Match:
    id: str
    text: str
    metadata: dict[str, Any]
    similarity: float  # cosine similarity, 1 = identical direction


class IndexMissing(LookupError):
    """No complete index exists for the key."""


def _client(path: Path) -> Any:
    return chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
    )


class VectorIndex:
    """One complete, immutable Chroma collection of embedded texts."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._collection = _client(directory).get_collection(_COLLECTION, embedding_function=None)
        self._count: int | None = None

    @staticmethod
    def check_key(key: str) -> str:
        if not _KEY_RE.match(key):
            raise ValueError(f"index key must be ASCII letters, digits, '_', '-', '.': {key!r}")
        return key

    @classmethod
    def open(cls, root: Path, key: str) -> VectorIndex:
        """The published index for key; raises IndexMissing when there is none (or it is damaged)."""
        pointer = root / f"{cls.check_key(key)}.current"
        try:
            name = pointer.read_text(encoding="utf-8").strip()
            directory = root / name
            marker = json.loads((directory / "COMPLETE").read_text(encoding="utf-8"))
            index = cls(directory)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMissing(f"no complete index {key!r} in {root}") from exc
        except Exception as exc:  # chromadb raises its own types for damaged stores
            raise IndexMissing(f"index {key!r} in {root} cannot be opened: {exc}") from exc
        if index.count() != marker.get("count"):
            raise IndexMissing(f"index {key!r} in {root} is incomplete")
        return index

    @classmethod
    def build(
        cls,
        root: Path,
        key: str,
        ids: Sequence[str],
        texts: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
        progress: Callable[[int, int], None] | None = None,
    ) -> VectorIndex:
        """Write a new collection in a fresh directory, then publish it atomically."""
        cls.check_key(key)
        if not (len(ids) == len(texts) == len(vectors) == len(metadatas)) or not ids:
            raise ValueError("ids, texts, vectors and metadatas must be non-empty and of equal length")
        root.mkdir(parents=True, exist_ok=True)
        name = f"{key}.{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        directory = root / name
        collection = _client(directory).create_collection(
            _COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        total = len(ids)
        for start in range(0, total, _BATCH):
            end = min(start + _BATCH, total)
            collection.add(
                ids=list(ids[start:end]),
                documents=list(texts[start:end]),
                embeddings=[list(map(float, v)) for v in vectors[start:end]],
                metadatas=list(metadatas[start:end]),
            )
            if progress:
                progress(end, total)
        marker = {"count": total, "key": key, "built_at": time.time()}
        (directory / "COMPLETE").write_text(json.dumps(marker), encoding="utf-8")
        pointer = root / f"{key}.current"
        try:
            previous = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):  # absent or damaged: nothing to keep
            previous = ""
        _write_atomically(pointer, name)
        # The previous build may still be open in another process (a running app): keep it one round.
        sweep(root, key, keep={name, previous})
        return cls(directory)

    def count(self) -> int:
        # A published index is never written again, so its size is read once.
        if self._count is None:
            self._count = int(self._collection.count())
        return self._count

    def query(self, vector: Sequence[float], k: int, with_text: bool = True) -> list[Match]:
        """The k nearest records; ``with_text=False`` skips documents and metadata (ids and
        similarities only), which is what a caller holding the records itself needs, and is faster."""
        k = max(1, min(k, self.count()))
        include = ["documents", "metadatas", "distances"] if with_text else ["distances"]
        result = self._collection.query(query_embeddings=[list(map(float, vector))], n_results=k, include=include)
        ids, distances = result["ids"][0], result["distances"][0]
        documents = result["documents"][0] if with_text else [""] * len(ids)
        metadatas = result["metadatas"][0] if with_text else [{}] * len(ids)
        return [
            Match(id=i, text=doc or "", metadata=dict(meta or {}), similarity=1.0 - float(dist))
            for i, doc, meta, dist in zip(ids, documents, metadatas, distances, strict=False)
        ]

    def all(self) -> list[Match]:
        """Every stored text with its metadata (similarity 0); for the keyword leg and inspection."""
        got = self._collection.get(include=["documents", "metadatas"])
        return [
            Match(id=i, text=doc or "", metadata=dict(meta or {}), similarity=0.0)
            for i, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False)
        ]


def _write_atomically(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def sweep(root: Path, key: str, keep: set[str], min_age_s: float = 600.0) -> None:
    """Remove this key's unpublished or superseded build directories (best effort).

    Directories younger than min_age_s are kept, since another process may still be building them.
    """
    now = time.time()
    for path in root.glob(f"{key}.*"):
        if path.name in keep or not path.is_dir():
            continue
        try:
            if now - path.stat().st_mtime >= min_age_s:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass
