"""The library: the plans a user has added, kept in ``data_dir/library`` with a manifest.

Adding is atomic: the file is read and parsed, copied into the library and its index built first; the
library changes only when the manifest is replaced (``os.replace``). A killed or failed ``add`` leaves
the manifest, and so the library, exactly as it was; leftovers are swept by the next change. Without a
manifest the library holds the configured default plan (the bundled one), which ``remove`` can drop.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.clause import Plan
from knowledge.parser import read_plan

_DOC_NUMBER = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{1,10})[〔\[【（(](?P<year>\d{4})[〕\]】）)](?P<n>\d+)号$")
_MANIFEST = "manifest.json"
#: A plan has at least this many Chinese characters; a shorter or foreign text is not one.
_MIN_CHINESE = 100


class LibraryError(ValueError):
    """A change the library refuses (a duplicate, an unknown document); str() is for the user."""


@dataclass(frozen=True)
class Document:
    id: str  # short, stable, human-readable: from the 发文字号 when there is one, else the title
    title: str
    doc_number: str
    path: str  # the file the plan is read from (a copy inside the library, or the default plan)
    digest: str  # of the text read from the file: the same plan added twice is refused
    added: str
    clauses: int
    warnings: tuple[str, ...] = ()


def document_id(plan: Plan, taken: set[str]) -> str:
    """"南府办函〔2018〕402号" → "南府办函2018-402"; without a 文号, the title's first 8 characters."""
    match = _DOC_NUMBER.match(plan.doc_number or "")
    if match:
        base = f"{match['issuer']}{match['year']}-{match['n']}"
    else:
        letters = re.sub(r"[^\w\u4e00-\u9fff]", "", plan.title or "") or "文件"
        base = letters[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class Library:
    def __init__(self, root: Path, default_plan: Path) -> None:
        self.root = Path(root)
        self.default_plan = Path(default_plan)

    @property
    def manifest(self) -> Path:
        return self.root / _MANIFEST

    def documents(self) -> list[Document]:
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [self._describe(self.default_plan, set(), "")]
        except (OSError, ValueError) as exc:
            raise LibraryError(f"文件库清单已损坏（{self.manifest}）：{exc}") from exc
        return [Document(**{**d, "warnings": tuple(d.get("warnings", ()))}) for d in data["documents"]]

    def get(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents() if d.id == doc_id), None)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time, across processes: two adds must not both write the manifest they read."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, source: Path, title: str = "", prepare: Callable[[Path], None] | None = None) -> Document:
        """Add a plan file; ``prepare`` (the index build) runs on the copy before the library changes."""
        with self._locked():
            return self._add(source, title, prepare)

    def _add(self, source: Path, title: str, prepare: Callable[[Path], None] | None) -> Document:
        current = self.documents()
        plan, text = read_plan(Path(source))
        digest = hashlib.sha256(text.encode()).hexdigest()
        twin = next((d for d in current if d.digest == digest), None)
        if twin is not None:
            raise LibraryError(f"文件库中已有相同内容的文件：{twin.id}（{twin.title}）")
        if not len(plan) or len(re.findall(r"[\u4e00-\u9fff]", text)) < _MIN_CHINESE:
            raise LibraryError("文件中几乎没有中文正文，不像是一份计划")
        doc_id = document_id(plan, {d.id for d in current})
        staging = self.root / "docs" / f".{uuid.uuid4().hex[:8]}.tmp"
        staging.mkdir(parents=True)
        try:
            copy = staging / f"source{Path(source).suffix.lower()[:8] or '.txt'}"
            shutil.copyfile(source, copy)
            if prepare is not None:
                prepare(copy)  # e.g. build the document's index; a failure leaves the library as it was
            final = self.root / "docs" / doc_id
            shutil.rmtree(final, ignore_errors=True)  # a leftover of a killed add under the same id
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        entry = Document(doc_id, title or plan.title, plan.doc_number, str(final / copy.name), digest,
                         time.strftime("%Y-%m-%d %H:%M"), len(plan), plan.warnings)
        self._write(current + [entry])
        return entry

    def remove(self, doc_id: str) -> Document:
        with self._locked():
            return self._remove(doc_id)

    def _remove(self, doc_id: str) -> Document:
        current = self.documents()
        entry = next((d for d in current if d.id == doc_id), None)
        if entry is None:
            raise LibraryError(f"文件库中没有“{doc_id}”；现有：{'、'.join(d.id for d in current)}")
        self._write([d for d in current if d.id != doc_id])
        shutil.rmtree(self.root / "docs" / doc_id, ignore_errors=True)
        return entry

    def _describe(self, path: Path, taken: set[str], added: str) -> Document:
        plan, text = read_plan(path)
        return Document(document_id(plan, taken), plan.title, plan.doc_number, str(path),
                        hashlib.sha256(text.encode()).hexdigest(), added, len(plan), plan.warnings)

    def _write(self, documents: list[Document]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"documents": [asdict(d) for d in documents]}, ensure_ascii=False, indent=2)
        tmp = self.root / f".{_MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.manifest)
        self._sweep({d.id for d in documents})

    def _sweep(self, keep: set[str]) -> None:
        """Folders of documents no longer listed, and staging folders of killed adds (best effort)."""
        folder = self.root / "docs"
        for path in folder.glob("*") if folder.is_dir() else ():
            stale = path.name.startswith(".") and time.time() - path.stat().st_mtime > 3600
            if (path.name not in keep and not path.name.startswith(".")) or stale:
                shutil.rmtree(path, ignore_errors=True)
