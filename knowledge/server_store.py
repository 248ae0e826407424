"""A Chroma server (``chroma run``) shared by several app processes or machines.

Each build is a versioned collection ``<key>.<build-id>``; it is published by upserting the key's record
in the pointer collection, which every reader consults when it opens an index. A reader whose build was
swept under it (a newer build replaced it) reads the pointer again and carries on, so two app processes
never see a half-built index.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from knowledge import builds
from knowledge.store import (
    SPACE,
    Gone,
    IndexMissing,
    IndexWriteError,
    Progress,
    StoreUnavailable,
    VectorIndex,
    build_name,
    check_key,
    http_client,
    write,
)

log = logging.getLogger(__name__)

_POINTERS = "policy_assistant_pointers"


class ServerStore:
    """A Chroma server (``chroma run``): versioned collections and a pointer collection.

    ``lock_dir`` (a local directory) serializes builds of the same key by processes on this machine;
    builds from other machines may race, and then the last one published wins (both are complete).
    """

    def __init__(self, url: str, lock_dir: Path | None = None, stale_after_s: float = 3600.0) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if not parts.hostname:
            raise ValueError(f"Chroma 服务器地址无效: {url!r}（示例：http://127.0.0.1:8000）")
        self.url = f"{parts.scheme}://{parts.hostname}:{parts.port or 8000}"
        self.lock_dir = lock_dir
        self.stale_after_s = stale_after_s  # an unpublished build older than this is abandoned
        try:
            self._client = http_client(parts.hostname, parts.port or 8000, parts.scheme == "https")
            self._pointers = self._client.get_or_create_collection(_POINTERS, embedding_function=None)
        except Exception as exc:
            raise StoreUnavailable(f"无法连接 Chroma 服务器 {self.url}: {exc}") from exc

    def describe(self) -> str:
        return self.url

    def writable(self) -> bool:
        return True

    def building(self, key: str) -> AbstractContextManager[None]:
        if self.lock_dir is None:
            return nullcontext()
        return builds.exclusive(self.lock_dir / f".{check_key(key)}.server-build-lock")

    def _pointer(self, key: str) -> dict[str, Any] | None:
        try:
            got = self._pointers.get(ids=[check_key(key)], include=["metadatas"])
        except Exception as exc:
            raise StoreUnavailable(f"Chroma 服务器 {self.url} 不可用: {exc}") from exc
        return dict(got["metadatas"][0]) if got["ids"] else None

    def open(self, key: str) -> VectorIndex:
        pointer = self._pointer(key)
        if pointer is None:
            raise IndexMissing(f"no complete index {key!r} on {self.url}")
        try:
            collection = self._client.get_collection(str(pointer["build"]), embedding_function=None)
            index = VectorIndex(collection, reopen=lambda: self.open(key))
            complete = index.count() == pointer.get("count")
        except Gone as exc:
            raise IndexMissing(f"index {key!r} on {self.url} was removed") from exc
        except Exception as exc:
            raise StoreUnavailable(f"Chroma 服务器 {self.url} 不可用: {exc}") from exc
        if not complete:
            raise IndexMissing(f"index {key!r} on {self.url} is incomplete")
        return index

    def build(self, key: str, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
              metadatas: Sequence[dict[str, Any]], progress: Progress | None = None) -> VectorIndex:
        """Write a new versioned collection, then switch the key's pointer record to it."""
        name = build_name(check_key(key))
        try:
            collection = self._client.create_collection(
                name, embedding_function=None, configuration=SPACE,
                metadata={"policy_assistant_key": key, "created": time.time()})
        except Exception as exc:
            raise StoreUnavailable(f"Chroma 服务器 {self.url} 不可用: {exc}") from exc
        try:
            write(collection, ids, texts, vectors, metadatas, progress)
        except Gone:
            # Another process published a newer build meanwhile and swept this one: serve that.
            return self.open(key)
        except Exception as exc:
            self._delete(name)
            if isinstance(exc, OSError | ValueError):
                raise
            raise IndexWriteError(f"无法写入 Chroma 服务器 {self.url} 上的索引 {name}: {exc}") from exc
        try:
            if int(collection.count()) != len(ids):
                raise IndexWriteError(f"索引 {name} 写入不完整")
            self._pointers.upsert(ids=[key], embeddings=[[1.0]], documents=[name],
                                  metadatas=[{"build": name, "count": len(ids), "built_at": time.time()}])
        except Exception as exc:
            self._delete(name)  # the published build (if any) is untouched
            if isinstance(exc, OSError | ValueError):
                raise
            raise IndexWriteError(f"无法写入 Chroma 服务器 {self.url} 上的索引 {name}: {exc}") from exc
        self.sweep(key, keep=name)
        return VectorIndex(collection, reopen=lambda: self.open(key))

    def _delete(self, name: str) -> None:
        try:
            self._client.delete_collection(name)
        except Exception as exc:  # best effort: a later sweep tries again
            log.warning("could not delete collection %s: %s", name, exc)

    def _builds(self, key: str) -> list[Any]:
        return [c for c in self._client.list_collections() if c.name.startswith(f"{key}.")]

    def sweep(self, key: str, keep: str) -> None:
        """Remove this key's superseded builds (readers follow the pointer to the new one) and builds
        never published that are older than stale_after_s (a builder killed half-way); a younger
        unpublished build may still be being written by another process, and stays."""
        now = time.time()
        found = {c.name: float((c.metadata or {}).get("created", 0.0)) for c in self._builds(key)}
        published = found.get(keep, now)
        for name, created in found.items():
            if name != keep and (created < published or now - created >= self.stale_after_s):
                self._delete(name)

    def drop(self, prefix: str) -> int:
        got = self._pointers.get(include=[])
        keys = [k for k in got["ids"] if k.startswith(prefix)]
        if keys:
            self._pointers.delete(ids=keys)
        for collection in self._client.list_collections():
            if collection.name.startswith(prefix):
                self._delete(collection.name)
        return len(keys)
