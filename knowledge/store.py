"""Chroma, embedded on disk or as a server: the only module that imports chromadb.

Both stores publish an index atomically, so a reader never sees a half-built one:
- ``DiskStore`` (the default): each build is a directory with its own embedded Chroma, published by
  replacing a pointer file (see knowledge/builds.py for leases and sweeping). A data directory that
  cannot be written still serves: a complete build is copied to a temporary directory and opened there,
  since Chroma needs write access to open.
- ``ServerStore`` (knowledge/server_store.py): a Chroma server shared by several app processes, through
  ``http_client`` here.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from knowledge import builds

# Chroma reads this at import; telemetry must be off before the first import anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.config import Settings  # noqa: E402
from chromadb.errors import ChromaError, NotFoundError  # noqa: E402

log = logging.getLogger(__name__)

_COLLECTION = "sentences"
_BATCH = 1000
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,120}$")
SPACE = {"hnsw": {"space": "cosine"}}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Match:
    id: str
    text: str
    metadata: dict[str, Any]
    similarity: float  # cosine similarity, 1 = identical direction


class IndexMissing(LookupError):
    """No complete index exists for the key."""


class IndexWriteError(OSError):
    """A new build could not be written (a full disk, a failing store); the published one is untouched."""


class StoreUnavailable(OSError):
    """The Chroma server cannot be reached (or answers with an error)."""


#: What Chroma raises for a collection that no longer exists (re-exported for the server store).
Gone = NotFoundError


def check_key(key: str) -> str:
    if not _KEY_RE.match(key):
        raise ValueError(f"index key must be ASCII letters, digits, '_', '-', '.': {key!r}")
    return key


def build_name(key: str) -> str:
    return f"{key}.{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"


class VectorIndex:
    """One complete, immutable Chroma collection of embedded texts."""

    def __init__(self, collection: Any, lease: int | None = None,
                 reopen: Callable[[], VectorIndex] | None = None, directory: Path | None = None) -> None:
        self.directory = directory  # the build's directory (embedded store); None on a server
        self._collection = collection
        self._lease = lease
        self._reopen = reopen
        self._count: int | None = None

    # The disk store's entry points, kept on the class for callers that hold a plain directory.
    @classmethod
    def open(cls, root: Path, key: str) -> VectorIndex:
        return DiskStore(root).open(key)

    @classmethod
    def build(cls, root: Path, key: str, ids: Sequence[str], texts: Sequence[str],
              vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]],
              progress: Progress | None = None) -> VectorIndex:
        return DiskStore(root).build(key, ids, texts, vectors, metadatas, progress)

    check_key = staticmethod(check_key)

    def close(self) -> None:
        """Give up the lease (the build may then be swept); the object must not be used afterwards."""
        lease, self._lease = getattr(self, "_lease", None), None
        if lease is not None:
            os.close(lease)

    def __del__(self) -> None:
        self.close()

    def count(self) -> int:
        # A published index is never written again, so its size is read once.
        if self._count is None:
            self._count = int(self._call(lambda c: c.count()))
        return self._count

    def _call(self, request: Callable[[Any], Any]) -> Any:
        collection = self._collection  # this request's build (another thread may switch it meanwhile)
        try:
            return request(collection)
        except ChromaError:
            if self._reopen is None:
                raise
            # A newer build replaced ours and the old one was swept (a query racing the deletion sees
            # "not found" or a missing segment): follow the pointer. Same key, so the same corpus and
            # embedder: the rows are the same. The error stands if the pointer still names our build.
            fresh = self._reopen()._collection
            if fresh.id == collection.id:
                raise
            self._collection = fresh
            return request(fresh)

    def query(self, vector: Sequence[float], k: int) -> list[Match]:
        """The k nearest records, with their texts and metadata (``similarities`` for ids only)."""
        k = max(1, min(k, self.count()))
        embedding = [list(map(float, vector))]
        include = ["documents", "metadatas", "distances"]
        result = self._call(lambda c: c.query(query_embeddings=embedding, n_results=k, include=include))
        return [
            Match(id=i, text=doc or "", metadata=dict(meta or {}), similarity=1.0 - float(dist))
            for i, doc, meta, dist in zip(result["ids"][0], result["documents"][0], result["metadatas"][0],
                                          result["distances"][0], strict=False)
        ]

    def similarities(self, vector: Sequence[float], k: int) -> dict[str, float]:
        """The k nearest records' ids and cosine similarities, nothing else: what a caller holding
        the records itself needs (a plain dict, as building k records per query costs ~2.5 ms)."""
        return self.similarities_many([vector], k)[0]

    def similarities_many(self, vectors: Sequence[Sequence[float]], k: int) -> list[dict[str, float]]:
        """``similarities`` for several vectors in one request: a request costs ~3 ms whatever it
        holds, three vectors ~3.7 ms (measured, 274 records)."""
        if not vectors:
            return []
        k = max(1, min(k, self.count()))
        embeddings = [list(map(float, v)) for v in vectors]
        result = self._call(lambda c: c.query(query_embeddings=embeddings, n_results=k, include=["distances"]))
        return [{i: 1.0 - float(d) for i, d in zip(ids, distances, strict=False)}
                for ids, distances in zip(result["ids"], result["distances"], strict=True)]

    def all(self) -> list[Match]:
        """Every stored text with its metadata (similarity 0); for the keyword leg and inspection."""
        got = self._call(lambda c: c.get(include=["documents", "metadatas"]))
        return [
            Match(id=i, text=doc or "", metadata=dict(meta or {}), similarity=0.0)
            for i, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False)
        ]


class Store(Protocol):
    """Where indexes are kept: open the published one, build and publish a new one, drop some."""

    def open(self, key: str) -> VectorIndex: ...
    def build(self, key: str, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
              metadatas: Sequence[dict[str, Any]], progress: Progress | None = None) -> VectorIndex: ...
    def drop(self, prefix: str) -> int: ...
    def writable(self) -> bool: ...
    def building(self, key: str) -> AbstractContextManager[None]: ...
    def describe(self) -> str: ...


def write(collection: Any, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
           metadatas: Sequence[dict[str, Any]], progress: Progress | None) -> None:
    if not (len(ids) == len(texts) == len(vectors) == len(metadatas)) or not ids:
        raise ValueError("ids, texts, vectors and metadatas must be non-empty and of equal length")
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


def _disk_client(path: Path) -> Any:
    return chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
    )


class DiskStore:
    """Embedded Chroma, one directory per build under root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return str(self.root)

    def writable(self) -> bool:
        return builds.writable(self.root)

    def building(self, key: str) -> AbstractContextManager[None]:
        return builds.exclusive(self.root / f".{check_key(key)}.build-lock")

    def open(self, key: str) -> VectorIndex:
        """The published index for key; raises IndexMissing when there is none (or it is damaged).

        A build swept between reading the pointer and leasing it is replaced by a newer one: the
        pointer is read again.
        """
        pointer = self.root / f"{check_key(key)}.current"
        tried: set[str] = set()
        while True:
            try:
                name = pointer.read_text(encoding="utf-8").strip()
            except (OSError, ValueError) as exc:
                raise IndexMissing(f"no complete index {key!r} in {self.root}") from exc
            if name in tried:
                raise IndexMissing(f"index {key!r} in {self.root} cannot be opened")
            tried.add(name)
            try:
                return self._open_build(self.root / name, key)
            except FileNotFoundError:
                continue

    def _open_build(self, directory: Path, key: str) -> VectorIndex:
        try:
            marker = json.loads((directory / "COMPLETE").read_text(encoding="utf-8"))
            index = self._open_dir(directory)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMissing(f"no complete index {key!r} in {self.root}") from exc
        except Exception as exc:  # chromadb raises its own types for damaged stores
            raise IndexMissing(f"index {key!r} in {self.root} cannot be opened: {exc}") from exc
        if index.count() != marker.get("count"):
            index.close()
            raise IndexMissing(f"index {key!r} in {self.root} is incomplete")
        return index

    @staticmethod
    def _open_at(directory: Path, lease: int | None = None) -> VectorIndex:
        lease = builds.lease(directory) if lease is None else lease
        try:
            collection = _disk_client(directory).get_collection(_COLLECTION, embedding_function=None)
        except BaseException:
            if lease is not None:
                os.close(lease)
            raise
        return VectorIndex(collection, lease, directory=directory)

    def _open_dir(self, directory: Path) -> VectorIndex:
        try:
            return self._open_at(directory)
        except FileNotFoundError:
            raise
        except Exception as exc:
            # Chroma opens its store read-write: a read-only mount or a full disk refuses that. The
            # build is complete (it has its marker), so a private copy elsewhere serves it; a damaged
            # build fails there too and is rebuilt by the caller.
            log.warning("index %s cannot be opened in place (%s); serving a temporary copy", directory, exc)
            try:
                return self._open_at(builds.private_copy(directory))
            except Exception:
                raise exc from None

    def build(self, key: str, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
              metadatas: Sequence[dict[str, Any]], progress: Progress | None = None) -> VectorIndex:
        """Write a new collection in a fresh directory, then publish it atomically."""
        check_key(key)
        if not ids:
            raise ValueError("ids, texts, vectors and metadatas must be non-empty and of equal length")
        self.root.mkdir(parents=True, exist_ok=True)
        name = build_name(key)
        directory = self.root / name
        directory.mkdir()
        lease = builds.lease(directory)  # held from the start, so a concurrent sweep leaves this build alone
        try:
            collection = _disk_client(directory).create_collection(
                _COLLECTION, embedding_function=None, configuration=SPACE)
            write(collection, ids, texts, vectors, metadatas, progress)
        except Exception as exc:
            # A full disk or a failing store: drop the half-written build, keep the published one.
            if lease is not None:
                os.close(lease)
            shutil.rmtree(directory, ignore_errors=True)
            if isinstance(exc, OSError | ValueError):
                raise
            raise IndexWriteError(f"无法写入索引 {directory}: {exc}") from exc
        marker = {"count": len(ids), "key": key, "built_at": time.time()}
        (directory / "COMPLETE").write_text(json.dumps(marker), encoding="utf-8")
        builds.write_atomically(self.root / f"{key}.current", name)
        # Earlier builds go unless a process still holds them (a running app): see builds.sweep().
        builds.sweep(self.root, key, keep={name})
        return self._open_at(directory, lease)

    def drop(self, prefix: str) -> int:
        return builds.unpublish(self.root, prefix)


def http_client(host: str, port: int, ssl: bool) -> Any:
    """A client of a Chroma server (for knowledge/server_store.py, so chromadb stays imported here only)."""
    return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=Settings(anonymized_telemetry=False))
