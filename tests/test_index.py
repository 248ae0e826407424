"""The Chroma index on disk: keyed by corpus + embedder, built once, published atomically, never half-served.

Real e5 (behind the session's embedding cache, so only changed sentences are embedded again), real Chroma.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from knowledge.chunks import chunk_clauses
from knowledge.parser import load_plan
from knowledge.retriever import Retriever, index_key
from knowledge.store import IndexMissing, VectorIndex

ROOT = Path(__file__).resolve().parent.parent
OLD_FIGURE = "建设“名师工作室”25个"
NEW_FIGURE = "建设“名师工作室”30个"

# Writes a complete collection for the new key, then "hangs" in the progress callback, i.e. after Chroma
# holds every row but before the COMPLETE marker and the pointer are written. The parent kills it there.
_KILLED_BUILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from knowledge.store import VectorIndex

    job = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))

    def stall(done, total):
        print(f"written {done}/{total}", flush=True)
        time.sleep(120)

    VectorIndex.build(Path(job["root"]), job["key"], job["ids"], job["texts"], job["vectors"],
                      job["metadatas"], progress=stall)
    print("published", flush=True)
    """
)


@pytest.fixture(scope="module")
def corpus_text(assistant_settings) -> str:
    return Path(assistant_settings.corpus_path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def modified_corpus(corpus_text, tmp_path_factory) -> Path:
    assert OLD_FIGURE in corpus_text
    path = tmp_path_factory.mktemp("modified") / "plan.md"
    path.write_text(corpus_text.replace(OLD_FIGURE, NEW_FIGURE), encoding="utf-8")
    return path


def _copy_index_root(assistant, tmp_path: Path) -> Path:
    """A private index root holding only the published index of the bundled plan."""
    source, key = assistant.settings.index_dir, assistant.index_report.key
    root = tmp_path / "index"
    root.mkdir()
    name = (source / f"{key}.current").read_text(encoding="utf-8").strip()
    shutil.copytree(source / name, root / name)
    shutil.copy2(source / f"{key}.current", root / f"{key}.current")
    return root


def test_index_is_built_once_then_reused(assistant, e5, corpus_text) -> None:
    first = assistant.index_report
    assert first.built, "a fresh data dir must build its index"
    assert first.key == index_key(corpus_text, e5.name)
    assert first.chunks == len(assistant.retriever.chunks) > first.clauses == len(assistant.plan)
    started = time.perf_counter()
    retriever, again = Retriever.open(assistant.plan, corpus_text, e5, assistant.settings.index_dir)
    assert not again.built
    assert again.key == first.key and again.chunks == first.chunks
    assert time.perf_counter() - started < 10  # nothing embedded: far below the ~40 s cold build
    assert retriever.search("名师工作室建设数量").hits[0].clause_id == "四（七）2"
    published = sorted(p.name for p in assistant.settings.index_dir.glob(f"{first.key}.*") if p.is_dir())
    assert len(published) == 1, "reopening must not write another build"


def test_collection_holds_one_row_per_chunk_with_clause_metadata(assistant) -> None:
    index = assistant.retriever.index
    rows = index.all()
    chunks = {c.id: c for c in assistant.retriever.chunks}
    assert index.count() == len(rows) == len(chunks)
    for row in rows:
        chunk = chunks[row.id]
        assert row.metadata["clause_id"] == chunk.clause_id
        assert row.metadata["position"] == chunk.position
        assert row.text == chunk.sentence
    assert {r.metadata["clause_id"] for r in rows} == {c.clause_id for c in chunks.values()}


def test_query_returns_cosine_similarities_best_first(assistant, e5) -> None:
    matches = assistant.retriever.index.query(e5.embed_query("2019年学前三年毛入园率"), k=5)
    assert len(matches) == 5
    assert matches[0].metadata["clause_id"] == "三（二）"
    similarities = [m.similarity for m in matches]
    assert similarities == sorted(similarities, reverse=True)
    assert all(0.5 < s <= 1.0 for s in similarities)
    assert len(assistant.retriever.index.query(e5.embed_query("x"), k=10_000)) == assistant.retriever.index.count()


def test_chroma_never_gets_a_default_embedding_function(assistant) -> None:
    collection = assistant.retriever.index._collection
    assert collection._embedding_function is None
    function = (collection.configuration_json or {}).get("embedding_function")
    assert not (isinstance(function, dict) and function.get("name") == "default"), function
    assert (collection.configuration_json or {}).get("hnsw", {}).get("space") == "cosine"
    # Chroma's default function would download an ONNX model on first use.
    assert not (Path.home() / ".cache" / "chroma" / "onnx_models").exists()


def test_changed_corpus_gets_a_new_key_and_a_rebuild(assistant, e5, corpus_text, modified_corpus) -> None:
    text = modified_corpus.read_text(encoding="utf-8")
    plan = load_plan(modified_corpus)
    assert index_key(text, e5.name) != assistant.index_report.key
    root = assistant.settings.index_dir
    cached_before = e5.cached_count()
    retriever, report = Retriever.open(plan, text, e5, root)
    assert report.built and report.key == index_key(text, e5.name)
    assert report.seconds < 15, "unchanged sentences come from the embedding cache"
    assert e5.cached_count() - cached_before <= 3  # only the edited sentence (and its neighbours) are new
    best = retriever.search("计划建设多少个名师工作室").hits[0]
    assert best.clause_id == "四（七）2" and any("30个" in s for s in best.sentences)
    # Both keys are published side by side; the original index still opens and is unchanged.
    assert VectorIndex.open(root, report.key).count() == report.chunks
    assert VectorIndex.open(root, assistant.index_report.key).count() == assistant.index_report.chunks
    _, again = Retriever.open(plan, text, e5, root)
    assert not again.built


def test_other_embedder_gets_a_new_key_and_its_own_index(assistant, corpus_text, tmp_path) -> None:
    from embeddings.factory import make_embeddings

    use = make_embeddings("use", cache_dir=tmp_path / "cache")
    assert index_key(corpus_text, use.name) != assistant.index_report.key
    root = _copy_index_root(assistant, tmp_path)
    retriever, report = Retriever.open(assistant.plan, corpus_text, use, root)
    assert report.built and report.key == index_key(corpus_text, use.name)
    assert retriever.index.count() == report.chunks
    assert len(use.embed_query("测试")) == 512 != len(assistant.embeddings.embed_query("测试"))
    assert retriever.search("名师工作室").hits, "the 512-d index answers 512-d queries"
    assert VectorIndex.open(root, assistant.index_report.key).count() == assistant.index_report.chunks


def test_rebuild_flag_writes_a_fresh_build_and_keeps_serving(assistant, e5, corpus_text, tmp_path) -> None:
    root = _copy_index_root(assistant, tmp_path)
    key = assistant.index_report.key
    old = (root / f"{key}.current").read_text(encoding="utf-8")
    reader = VectorIndex.open(root, key)  # a running app holds the published build
    _, report = Retriever.open(assistant.plan, corpus_text, e5, root, rebuild=True)
    assert report.built
    new = (root / f"{key}.current").read_text(encoding="utf-8")
    assert new != old and (root / new / "COMPLETE").is_file()
    assert (root / old).is_dir(), "a build a reader still holds is never swept"
    assert reader.query(e5.embed_query("名师工作室"), 3), "and the reader keeps answering from it"
    reader.close()
    _, again = Retriever.open(assistant.plan, corpus_text, e5, root, rebuild=True)
    assert not (root / old).exists(), "once no process holds it, the next build sweeps it"
    assert VectorIndex.open(root, key).count() == again.chunks


def test_killed_build_leaves_the_previous_index_serving(
    assistant, e5, corpus_text, modified_corpus, tmp_path
) -> None:
    root = _copy_index_root(assistant, tmp_path)
    old_key = assistant.index_report.key
    text = modified_corpus.read_text(encoding="utf-8")
    plan = load_plan(modified_corpus)
    new_key = index_key(text, e5.name)
    chunks = chunk_clauses(plan.clauses)
    job = {
        "root": str(root),
        "key": new_key,
        "ids": [c.id for c in chunks],
        "texts": [c.sentence for c in chunks],
        "vectors": e5.embed_documents([c.embed_text for c in chunks]),  # cached by the test above
        "metadatas": [{"clause_id": c.clause_id, "position": c.position} for c in chunks],
    }
    (tmp_path / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BUILD, str(ROOT), str(tmp_path / "job.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        line = child.stdout.readline()  # blocks until every row is in Chroma (or the child died)
        assert line.startswith(f"written {len(chunks)}/{len(chunks)}"), child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    half_built = [p for p in root.glob(f"{new_key}.*") if p.is_dir()]
    assert len(half_built) == 1, half_built
    assert any(half_built[0].iterdir()), "the child had written its Chroma files"
    assert not (half_built[0] / "COMPLETE").exists()
    assert not (root / f"{new_key}.current").exists(), "a killed build must not be published"
    with pytest.raises(IndexMissing):
        VectorIndex.open(root, new_key)

    assert VectorIndex.open(root, old_key).count() == assistant.index_report.chunks
    retriever, report = Retriever.open(assistant.plan, corpus_text, e5, root)
    assert not report.built and report.key == old_key
    best = retriever.search("计划建设多少个名师工作室").hits[0]
    assert best.clause_id == "四（七）2" and any("25个" in s for s in best.sentences)

    # The next build of the new key publishes a complete directory, never the half-built one.
    _, rebuilt = Retriever.open(plan, text, e5, root)
    assert rebuilt.built
    published = (root / f"{new_key}.current").read_text(encoding="utf-8").strip()
    assert published != half_built[0].name and (root / published / "COMPLETE").is_file()


DAMAGES = ("garbage name", "binary pointer", "empty pointer", "no marker", "wrong count", "parent escape", "gone")


def _damage(root: Path, key: str, damage: str) -> None:
    pointer = root / f"{key}.current"
    directory = root / pointer.read_text(encoding="utf-8").strip()
    if damage == "garbage name":
        pointer.write_text("no-such-build", encoding="utf-8")
    elif damage == "binary pointer":
        pointer.write_bytes(b"\xff\xfe\x00garbage")
    elif damage == "empty pointer":
        pointer.write_text("", encoding="utf-8")
    elif damage == "no marker":
        (directory / "COMPLETE").unlink()
    elif damage == "wrong count":
        (directory / "COMPLETE").write_text(json.dumps({"count": 3, "key": key}), encoding="utf-8")
    elif damage == "parent escape":
        pointer.write_text("../../", encoding="utf-8")
    else:
        shutil.rmtree(directory)


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_index_raises_index_missing(assistant, tmp_path, damage) -> None:
    root = _copy_index_root(assistant, tmp_path)
    key = assistant.index_report.key
    assert VectorIndex.open(root, key).count() == assistant.index_report.chunks
    _damage(root, key, damage)
    with pytest.raises(IndexMissing):
        VectorIndex.open(root, key)


@pytest.mark.parametrize(
    "damage", DAMAGES
)
def test_damaged_index_is_rebuilt_not_served(assistant, e5, corpus_text, tmp_path, damage) -> None:
    root = _copy_index_root(assistant, tmp_path)
    key = assistant.index_report.key
    _damage(root, key, damage)
    retriever, report = Retriever.open(assistant.plan, corpus_text, e5, root)
    assert report.built, "a damaged index is rebuilt rather than served"
    assert VectorIndex.open(root, key).count() == report.chunks == retriever.index.count()


def test_missing_root_and_bad_keys(tmp_path) -> None:
    with pytest.raises(IndexMissing):
        VectorIndex.open(tmp_path / "nothing-here", "plan_abc_e5")
    for key in ("../escape", "a", "plan key", "计划"):
        with pytest.raises(ValueError):
            VectorIndex.open(tmp_path, key)
    with pytest.raises(ValueError):
        VectorIndex.build(tmp_path, "plan_empty", [], [], [], [])
