"""The index on a real Chroma server (`chroma run`): built once, published by a pointer record, rebuilt
while readers serve, a killed build never served, and two app processes sharing one server.

Each test uses its own key or corpus, so the tests share one server without seeing each other's builds.
"""

from __future__ import annotations

import concurrent.futures
import json
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from knowledge.retriever import Retriever, index_key
from knowledge.server_store import ServerStore
from knowledge.store import IndexMissing, StoreUnavailable
from tests.chroma_server import free_port

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "计划建设多少个名师工作室？"

# Publishes nothing: writes every row of a new build, then stalls before the pointer switch until killed.
_KILLED_BUILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from knowledge.server_store import ServerStore

    job = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))

    def stall(done, total):
        print(f"written {done}/{total}", flush=True)
        time.sleep(120)

    ServerStore(job["url"]).build(job["key"], job["ids"], job["texts"], job["vectors"], job["metadatas"],
                                  progress=stall)
    print("published", flush=True)
    """
)


@pytest.fixture(scope="module")
def corpus_text(assistant_settings) -> str:
    return Path(assistant_settings.corpus_path).read_text(encoding="utf-8")


@pytest.fixture()
def store(chroma_url, tmp_path) -> ServerStore:
    return ServerStore(chroma_url, lock_dir=tmp_path)


def _variant(corpus_text: str, tag: str) -> str:
    """The plan with one harmless extra line, so the test gets an index key of its own."""
    return corpus_text + f"\n\n<!-- {tag} {time.time_ns()} -->\n"


def test_build_on_the_server_then_reuse_and_same_answers_as_embedded(assistant, e5, corpus_text, store) -> None:
    text = _variant(corpus_text, "reuse")
    retriever, report = Retriever.open(assistant.plan, text, e5, store)
    assert report.built and report.key == index_key(text, e5.name)
    assert len(store._builds(report.key)) == 1
    again, second = Retriever.open(assistant.plan, text, e5, store)
    assert not second.built, "a published index on the server is reused"
    assert len(store._builds(report.key)) == 1, "reopening writes nothing"
    assert again.index.count() == report.chunks == len(assistant.retriever.chunks)
    for question in (QUESTION, "2019年学前三年毛入园率", "市财政局负责哪些任务", "留守儿童关爱"):
        served = [h.clause_id for h in again.search(question).hits]
        embedded = [h.clause_id for h in assistant.retriever.search(question).hits]
        assert served[:3] == embedded[:3], question
    rows = again.index.all()
    assert {r.id for r in rows} == {c.id for c in assistant.retriever.chunks}
    assert again.index._collection.configuration_json["hnsw"]["space"] == "cosine"


def test_rebuild_switches_the_pointer_and_readers_follow_it(assistant, e5, corpus_text, store) -> None:
    text = _variant(corpus_text, "rebuild")
    _, first = Retriever.open(assistant.plan, text, e5, store)
    reader = store.open(first.key)  # a running app holds the published build
    old = reader._collection.name
    _, report = Retriever.open(assistant.plan, text, e5, store, rebuild=True)
    assert report.built
    names = [c.name for c in store._builds(first.key)]
    assert names != [old] and len(names) == 1, "the superseded build is swept"
    hits = reader.query(e5.embed_query("名师工作室"), 3)
    assert hits and reader._collection.name == names[0], "the reader followed the pointer to the new build"


def test_killed_build_is_never_served_and_is_swept_later(assistant, e5, corpus_text, store, tmp_path) -> None:
    text = _variant(corpus_text, "killed")
    _, published = Retriever.open(assistant.plan, text, e5, store)
    key = published.key
    chunks = assistant.retriever.chunks
    job = {"url": store.url, "key": key, "ids": [c.id for c in chunks], "texts": [c.sentence for c in chunks],
           "vectors": e5.embed_documents([c.embed_text for c in chunks]),
           "metadatas": [{"clause_id": c.clause_id, "position": c.position} for c in chunks]}
    (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
    builder = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, str(ROOT), str(tmp_path / "job.json")],
                               stdout=subprocess.PIPE, text=True)
    assert builder.stdout is not None
    line = builder.stdout.readline()
    assert line.startswith(f"written {len(chunks)}/"), line
    builder.send_signal(signal.SIGKILL)
    builder.wait()
    assert len(store._builds(key)) == 2, "the killed build's rows are on the server, unpublished"
    index = store.open(key)
    assert index.count() == published.chunks and index.query(e5.embed_query("名师工作室"), 2)
    assert Retriever.open(assistant.plan, text, e5, store)[1].built is False, "the old index keeps serving"
    store.sweep(key, keep=index._collection.name)
    assert len(store._builds(key)) == 2, "a young unpublished build may still be written by someone"
    ServerStore(store.url, stale_after_s=0.0).sweep(key, keep=index._collection.name)
    assert [c.name for c in store._builds(key)] == [index._collection.name]


def test_missing_key_drop_and_an_unreachable_server(assistant, e5, corpus_text, store) -> None:
    with pytest.raises(IndexMissing):
        store.open("plan_000000000000_nothing")
    text = _variant(corpus_text, "drop")
    _, report = Retriever.open(assistant.plan, text, e5, store)
    assert store.drop(report.key) == 1
    with pytest.raises(IndexMissing):
        store.open(report.key)
    assert store._builds(report.key) == []
    with pytest.raises(StoreUnavailable, match="无法连接 Chroma 服务器"):
        ServerStore(f"http://127.0.0.1:{free_port()}")


def test_cli_reports_an_unreachable_server_in_one_line(env) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = subprocess.run([sys.executable, "-m", "cli", "--chroma-url", url, "ask", QUESTION], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert run.stderr.strip().startswith("错误:") and "Chroma" in run.stderr and "Traceback" not in run.stderr


def _get(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, "the app process exited"
        try:
            if _get(f"{base}/api/health")["status"] == "ok":
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base} not ready")


def test_two_app_processes_share_the_server_through_a_rebuild(assistant_settings, env, chroma_url, tmp_path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # The session's embedding cache, so the build on the server embeds nothing again.
    for cache in assistant_settings.cache_dir.glob("*.sqlite3"):
        (data_dir / "embedding-cache").mkdir(exist_ok=True)
        (data_dir / "embedding-cache" / cache.name).write_bytes(cache.read_bytes())
    corpus = tmp_path / "plan.md"
    corpus.write_text(_variant(Path(assistant_settings.corpus_path).read_text(encoding="utf-8"), "apps"),
                      encoding="utf-8")
    run_env = {**env, "POLICY_ASSISTANT_DATA_DIR": str(data_dir), "POLICY_ASSISTANT_CHROMA_URL": chroma_url,
               "POLICY_ASSISTANT_CORPUS_PATH": str(corpus)}
    ports = [free_port(), free_port()]
    apps = [subprocess.Popen([sys.executable, "-m", "cli", "api", "--port", str(p)], cwd=ROOT, env=run_env,
                             stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"app-{p}.log", "w")) for p in ports]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for base, app in zip(bases, apps, strict=True):
            _wait_ready(base, app)
        store = ServerStore(chroma_url)
        keys = {_get(f"{base}/api/health")["index"] for base in bases}
        assert len(keys) == 1 and len(store._builds(keys.pop())) == 1, "both apps serve one build"

        def ask(i: int) -> str:
            answer = _get(f"{bases[i % 2]}/api/ask", {"question": QUESTION, "history": []})
            return "|".join(c["clause_id"] for c in answer["citations"]) + answer["answer"]

        rebuild = subprocess.Popen([sys.executable, "-m", "cli", "ingest", "--force"], cwd=ROOT, env=run_env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answers: list[str] = []
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            while rebuild.poll() is None:  # ask both apps all through the other process's rebuild
                answers += pool.map(ask, range(8))
        out, err = rebuild.communicate()
        assert rebuild.returncode == 0 and "built" in out, err[-500:]
        assert len(answers) >= 16
        assert all(a.startswith("四（七）2") and "25个" in a for a in answers), "no answer was lost or changed"
        after = [ask(i) for i in range(4)]  # the old build is gone: both apps follow the new pointer
        assert all(a.startswith("四（七）2") for a in after)
    finally:
        for app in apps:
            app.terminate()
            app.wait(timeout=30)


def test_the_suite_assistant_uses_the_store_it_was_given(assistant, assistant_settings) -> None:
    """In the server pass (scripts/test.sh), the session's assistant answers from the Chroma server."""
    from tests.conftest import SERVER_URL

    index = assistant.retriever.index
    if SERVER_URL:
        assert assistant_settings.chroma_url == SERVER_URL and index.directory is None
        assert index._collection.name.startswith(assistant.index_report.key + ".")
        assert not (assistant_settings.data_dir / "index").exists(), "nothing indexed on local disk"
    else:
        assert index.directory is not None and index.directory.parent == assistant_settings.index_dir
