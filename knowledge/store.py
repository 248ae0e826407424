"""Chroma on disk: the only module that imports chromadb.

Each index lives in its own directory ``root/<key>.<build-id>/`` and is published by atomically
replacing the pointer file ``root/<key>.current``. A build that is killed half-way leaves a directory
without pointer, which is ignored (and swept later), so the previous index keeps serving.

Every process that has a build open (or is writing one) holds a shared ``flock`` on its ``LEASE`` file;
the sweep deletes only builds whose lease it can take exclusively, so a running server never loses
its index to ``ingest --force`` in another process. The kernel drops the lock of a killed process.

A data directory that cannot be written (a read-only mount, a full disk) still serves: a complete
build is copied to a temporary directory and opened there, since Chroma needs write access to open.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
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

log = logging.getLogger(__name__)

_COLLECTION = "sentences"
_LEASE = "LEASE"
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


class IndexWriteError(OSError):
    """A new build could not be written (a full disk, a failing store); the published one is untouched."""


def _lease(directory: Path) -> int | None:
    """A shared lock on the build's lease file, held until the fd is closed (or the process dies)."""
    if not directory.is_dir():  # never let Chroma create an empty store where a build was
        raise FileNotFoundError(f"index build {directory} does not exist")
    try:
        fd = os.open(directory / _LEASE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:  # a read-only build can still be leased through a read-only descriptor
            fd = os.open(directory / _LEASE, os.O_RDONLY)
        except OSError:
            return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    if not directory.is_dir():  # a sweep removed the build while we waited for the lock
        os.close(fd)
        raise FileNotFoundError(f"index build {directory} was removed")
    return fd


def writable(directory: Path) -> bool:
    """Whether files can be created in directory (creating it if needed): False on a read-only mount."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
            return True
    except OSError:
        return False


def _private_copy(directory: Path) -> Path:
    """A copy of a build in a temporary directory, removed at exit."""
    target = Path(tempfile.mkdtemp(prefix="policy-assistant-index-"))
    atexit.register(shutil.rmtree, target, True)
    shutil.copytree(directory, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(_LEASE))
    return target


def _client(path: Path) -> Any:
    return chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
    )


class VectorIndex:
    """One complete, immutable Chroma collection of embedded texts."""

    def __init__(self, directory: Path, lease: int | None = None) -> None:
        self.directory = directory
        self._lease = _lease(directory) if lease is None else lease
        try:
            self._collection = _client(directory).get_collection(_COLLECTION, embedding_function=None)
        except BaseException:
            self.close()
            raise
        self._count: int | None = None

    def close(self) -> None:
        """Give up the lease (the build may then be swept); the object must not be used afterwards."""
        lease, self._lease = getattr(self, "_lease", None), None
        if lease is not None:
            os.close(lease)

    def __del__(self) -> None:
        self.close()

    @staticmethod
    def check_key(key: str) -> str:
        if not _KEY_RE.match(key):
            raise ValueError(f"index key must be ASCII letters, digits, '_', '-', '.': {key!r}")
        return key

    @classmethod
    def open(cls, root: Path, key: str) -> VectorIndex:
        """The published index for key; raises IndexMissing when there is none (or it is damaged).

        A build swept between reading the pointer and leasing it is replaced by a newer one: the
        pointer is read again.
        """
        pointer = root / f"{cls.check_key(key)}.current"
        tried: set[str] = set()
        while True:
            try:
                name = pointer.read_text(encoding="utf-8").strip()
            except (OSError, ValueError) as exc:
                raise IndexMissing(f"no complete index {key!r} in {root}") from exc
            if name in tried:
                raise IndexMissing(f"index {key!r} in {root} cannot be opened")
            tried.add(name)
            try:
                return cls._open_build(root / name, key, root)
            except FileNotFoundError:
                continue

    @classmethod
    def _open_build(cls, directory: Path, key: str, root: Path) -> VectorIndex:
        try:
            marker = json.loads((directory / "COMPLETE").read_text(encoding="utf-8"))
            index = cls._open_dir(directory)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMissing(f"no complete index {key!r} in {root}") from exc
        except Exception as exc:  # chromadb raises its own types for damaged stores
            raise IndexMissing(f"index {key!r} in {root} cannot be opened: {exc}") from exc
        if index.count() != marker.get("count"):
            index.close()
            raise IndexMissing(f"index {key!r} in {root} is incomplete")
        return index

    @classmethod
    def _open_dir(cls, directory: Path) -> VectorIndex:
        try:
            return cls(directory)
        except FileNotFoundError:
            raise
        except Exception as exc:
            # Chroma opens its store read-write: a read-only mount or a full disk refuses that. The
            # build is complete (it has its marker), so a private copy elsewhere serves it; a damaged
            # build fails there too and is rebuilt by the caller.
            log.warning("index %s cannot be opened in place (%s); serving a temporary copy", directory, exc)
            try:
                return cls(_private_copy(directory))
            except Exception:
                raise exc from None

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
        directory.mkdir()
        lease = _lease(directory)  # held from the start, so a concurrent sweep leaves this build alone
        try:
            cls._write(directory, ids, texts, vectors, metadatas, progress)
        except Exception as exc:
            # A full disk or a failing store: drop the half-written build, keep the published one.
            if lease is not None:
                os.close(lease)
            shutil.rmtree(directory, ignore_errors=True)
            if isinstance(exc, OSError):
                raise
            raise IndexWriteError(f"无法写入索引 {directory}: {exc}") from exc
        total = len(ids)
        marker = {"count": total, "key": key, "built_at": time.time()}
        (directory / "COMPLETE").write_text(json.dumps(marker), encoding="utf-8")
        pointer = root / f"{key}.current"
        _write_atomically(pointer, name)
        # Earlier builds go unless a process still holds them (a running app): see sweep().
        sweep(root, key, keep={name})
        return cls(directory, lease)

    @staticmethod
    def _write(
        directory: Path,
        ids: Sequence[str],
        texts: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
        progress: Callable[[int, int], None] | None,
    ) -> None:
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
    """Remove this key's unpublished or superseded build directories that no process holds (best effort).

    A build is removed only when its lease can be locked exclusively: no running reader or builder
    has it. A directory without a lease file (made by an older version) is removed after min_age_s.
    """
    now = time.time()
    for path in root.glob(f"{key}.*"):
        if path.name in keep or not path.is_dir():
            continue
        try:
            fd = os.open(path / _LEASE, os.O_RDWR)
        except FileNotFoundError:
            try:
                if now - path.stat().st_mtime >= min_age_s:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a reader or a builder
            os.close(fd)
            continue
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


def drop(root: Path, prefix: str) -> int:
    """Unpublish every index whose key starts with prefix and remove its builds that no process holds
    (a running reader keeps its build until it closes; a later sweep takes it). Returns the keys dropped."""
    pointers = list(root.glob(f"{prefix}*.current")) if root.is_dir() else []
    for pointer in pointers:
        key = pointer.name[: -len(".current")]
        pointer.unlink(missing_ok=True)
        sweep(root, key, keep=set(), min_age_s=0.0)
    return len(pointers)
