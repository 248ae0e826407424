"""Turn a backend spec (`e5`, `use`, `st:<model>`) into a ready Embeddings instance."""

from __future__ import annotations

import logging
from pathlib import Path

from langchain_core.embeddings import Embeddings

from embeddings.cache import CachedEmbeddings
from embeddings.e5 import CPUINFO, E5Embeddings, E5Unavailable
from embeddings.sentence_transformer import SentenceTransformerEmbeddings
from embeddings.use import USEEmbeddings

log = logging.getLogger(__name__)

DEFAULT_SPEC = "e5"
VALID_SPECS = (
    "e5",
    "use",
    "st:<local model directory, Hugging Face name in the local cache, or bundled name>",
)


def make_embeddings(
    spec: str = DEFAULT_SPEC, cache_dir: Path | None = None, cpuinfo: Path = CPUINFO
) -> Embeddings:
    """Build the backend named by `spec`, wrapped in a disk cache when `cache_dir` is given.

    `e5` falls back to `use` (with a warning) on machines where the e5 engine cannot run; an
    explicitly requested `use` or `st:` backend never falls back. `cpuinfo` is where AVX2 support
    is read from (a parameter so the fallback can be exercised on any machine).
    """
    backend = _make_backend(spec, cpuinfo)
    return CachedEmbeddings(backend, cache_dir) if cache_dir is not None else backend


def _make_backend(spec: str, cpuinfo: Path) -> Embeddings:
    key = spec.strip()
    if key.lower() == "e5":
        try:
            return E5Embeddings(cpuinfo)
        except E5Unavailable as error:
            log.warning("e5 embeddings unavailable (%s); falling back to 'use'", error)
            return USEEmbeddings()
    if key.lower() == "use":
        return USEEmbeddings()
    if key.lower().startswith("st:") and key[3:].strip():
        return SentenceTransformerEmbeddings(key[3:].strip())
    raise ValueError(f"unknown embeddings spec {spec!r}; valid specs: {', '.join(VALID_SPECS)}")
