"""Index builds on disk: leases, atomic pointers, sweeping, and a build lock (no chromadb here).

Each index lives in its own directory ``root/<key>.<build-id>/`` and is published by atomically
replacing the pointer file ``root/<key>.current``. A build that is killed half-way leaves a directory
without pointer, which is ignored (and swept later), so the previous index keeps serving.

Every process that has a build open (or is writing one) holds a shared ``flock`` on its ``LEASE`` file;
the sweep deletes only builds whose lease it can take exclusively, so a running server never loses
its index to ``ingest --force`` in another process. The kernel drops the lock of a killed process.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

LEASE = "LEASE"


def lease(directory: Path) -> int | None:
    """A shared lock on the build's lease file, held until the fd is closed (or the process dies)."""
    if not directory.is_dir():  # never let Chroma create an empty store where a build was
        raise FileNotFoundError(f"index build {directory} does not exist")
    try:
        fd = os.open(directory / LEASE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:  # a read-only build can still be leased through a read-only descriptor
            fd = os.open(directory / LEASE, os.O_RDONLY)
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


@contextlib.contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """An exclusive flock on lock_file for the block (several workers starting at once build an index
    once: the others wait, then find it published). Without a writable directory, no lock is taken."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def private_copy(directory: Path) -> Path:
    """A copy of a build in a temporary directory, removed at exit."""
    target = Path(tempfile.mkdtemp(prefix="policy-assistant-index-"))
    atexit.register(shutil.rmtree, target, True)
    shutil.copytree(directory, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(LEASE))
    return target


def write_atomically(path: Path, content: str) -> None:
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
            fd = os.open(path / LEASE, os.O_RDWR)
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


def unpublish(root: Path, prefix: str) -> int:
    """Remove the pointer of every index whose key starts with prefix, and its builds no process holds
    (a running reader keeps its build until it closes; a later sweep takes it). Returns the keys dropped."""
    pointers = list(root.glob(f"{prefix}*.current")) if root.is_dir() else []
    for pointer in pointers:
        key = pointer.name[: -len(".current")]
        pointer.unlink(missing_ok=True)
        sweep(root, key, keep=set(), min_age_s=0.0)
    return len(pointers)
