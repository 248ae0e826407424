"""Disk cache of document embeddings (one sqlite file per backend) and an in-memory LRU for queries."""

from __future__ import annotations

import errno
import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

from embeddings.base import embed_queries

log = logging.getLogger(__name__)

# Stay well under SQLite's bound-parameter limit (999 on old builds).
_CHUNK = 500
_CORRUPTION = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
T = TypeVar("T")


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class CachedEmbeddings(Embeddings):
    """Wraps a backend so a restart or re-index never embeds the same document text twice.

    Document vectors live in `<cache_dir>/<backend name>.sqlite3`, keyed by the sha256 of the
    text and stored as float32 blobs; the backend name in the file name keeps vectors of
    different models apart. Every call opens its own connection (no sharing across threads) in
    WAL mode, so readers never block each other or a writer, and each batch is written in one
    transaction, so a killed process leaves either all of a batch or none of it.

    Query vectors are not taken from the disk cache: e5 embeds queries differently from passages
    ("query: " vs "passage: "). They are memoized in memory instead, as evaluation repeats them.

    The cache must never break embedding: a corrupt file is moved aside and rebuilt, and any
    other SQLite failure (read-only disk, lock timeout) is logged and the call goes uncached.
    """

    memoizes_queries = True  # a vector asked for twice is embedded once

    def __init__(self, inner: Embeddings, cache_dir: Path, query_cache_size: int = 1024) -> None:
        self.inner = inner
        self.name: str = inner.name  # same vectors as the inner backend, so the same Chroma collection
        self.dim: int | None = getattr(inner, "dim", None)
        self.path = Path(cache_dir) / f"{self.name}.sqlite3"
        self._queries: OrderedDict[str, tuple[float, ...]] = OrderedDict()  # least recently used first
        self._query_cache_size = query_cache_size
        self._queries_lock = threading.Lock()
        self._reported: set[tuple[str, str, str]] = set()
        self._guarded(lambda connection: None, "open")  # create the schema, recover a corrupt file early

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [text_key(text) for text in texts]
        found = self._guarded(lambda connection: self._lookup(connection, set(keys)), "read") or {}
        misses: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found:
                misses.setdefault(key, text)  # a text repeated in the batch is embedded once
        if misses:
            vectors = np.asarray(self.inner.embed_documents(list(misses.values())), dtype=np.float32)
            fresh = dict(zip(misses, vectors, strict=True))
            self._guarded(lambda connection: self._store(connection, fresh), "write")
            found.update((key, vector.tolist()) for key, vector in fresh.items())
        return [list(found[key]) for key in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors, memoized; the ones not yet known are embedded in one call."""
        with self._queries_lock:
            known = {t: self._queries[t] for t in texts if t in self._queries}
            for text in known:
                self._queries.move_to_end(text)
        misses = list(dict.fromkeys(t for t in texts if t not in known))
        if misses:
            fresh = {t: tuple(v) for t, v in zip(misses, embed_queries(self.inner, misses), strict=True)}
            known.update(fresh)
            with self._queries_lock:
                self._queries.update(fresh)
                while len(self._queries) > self._query_cache_size:
                    self._queries.popitem(last=False)
        return [list(known[t]) for t in texts]  # copies: callers must not be able to edit the memo

    def _lookup(self, connection: sqlite3.Connection, keys: set[bytes]) -> dict[bytes, list[float]]:
        found: dict[bytes, list[float]] = {}
        ordered = list(keys)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk)
            for key, blob in rows:
                if self.dim is None or len(blob) == 4 * self.dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    @staticmethod
    def _store(connection: sqlite3.Connection, fresh: dict[bytes, np.ndarray]) -> None:
        with connection:  # one transaction: all rows or none
            connection.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                ((key, vector.tobytes()) for key, vector in fresh.items()),
            )

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # the directory may have been removed since
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives a killed process (only a power cut can lose the last batch).
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS vectors"
                " (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
            )
        except BaseException:
            connection.close()
            raise
        return connection

    def _guarded(self, action: Callable[[sqlite3.Connection], T], what: str) -> T | None:
        """Run `action(connection)`; rebuild the file once if it is corrupt; never raise SQLite errors."""
        for attempt in range(2):
            try:
                with closing(self._connect()) as connection:
                    return action(connection)
            except sqlite3.DatabaseError as error:
                if getattr(error, "sqlite_errorname", "") in _CORRUPTION and attempt == 0:
                    log.warning("embedding cache %s is corrupt (%s); rebuilding it", self.path, error)
                    if self._move_aside():
                        continue
                self._report(logging.WARNING, what, error)
                return None
            except OSError as error:  # e.g. the cache directory cannot be created
                # A read-only data dir is a supported setup (the index is served from a copy): not a fault.
                level = logging.INFO if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else logging.WARNING
                self._report(level, what, error)
                return None
        return None

    def _report(self, level: int, what: str, error: Exception) -> None:
        """Log a failure once per kind of error: a full disk fails every batch of a build alike."""
        kind = (what, type(error).__name__, str(error))
        if kind not in self._reported:
            self._reported.add(kind)
            log.log(level, "embedding cache %s unusable for %s, going uncached: %s", self.path, what, error)

    def _move_aside(self) -> bool:
        # Kept next to the cache for inspection; only the latest corrupt copy is kept.
        try:
            self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            for suffix in ("-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot move the corrupt embedding cache %s aside: %s", self.path, error)
            return False
        return True

    def cached_count(self) -> int:
        """Number of document vectors on disk (for reports and tests)."""
        row = self._guarded(lambda c: c.execute("SELECT COUNT(*) FROM vectors").fetchone(), "count")
        return int(row[0]) if row else 0
