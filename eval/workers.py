"""Evaluate several question files at once, one process per core (`policy-assistant eval --jobs N`).

Why processes: answering is Python work plus e5 query embeddings, and the e5 engine spreads even one
short query over every core with OpenMP, which buys little for a 30-token query. One process per core,
each with its own assistant and one engine thread, evaluated the twenty-five bundled sets in 206 s on two
cores, against 263 s in one process. Each file stays whole in one worker, so follow-ups keep their order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.harness import EvalRun

_assistant: Any = None  # the worker's own assistant, built once by _start


def _start(settings: Any, threads: int) -> None:
    # Set before the engine's OpenMP runtime loads (models load lazily, in build_assistant).
    os.environ["OMP_NUM_THREADS"] = str(threads)
    from assistant.service import build_assistant

    global _assistant
    _assistant = build_assistant(settings)


def _evaluate(path: Path, limit: int | None, vanilla: bool) -> tuple[EvalRun, EvalRun | None]:
    from eval.command import evaluate_file

    return evaluate_file(_assistant, path, limit, vanilla)


def evaluate_files(
    settings: Any, paths: Sequence[Path], jobs: int, limit: int | None, vanilla: bool,
    sizes: Sequence[int],
) -> dict[str, tuple[EvalRun, EvalRun | None]]:
    """Each file's run (and vanilla baseline), by file stem in the order given, from ``jobs`` workers.

    The caller has already opened the indexes once (so no worker builds one) and checked the files;
    ``sizes`` (questions per file) lets the largest files start first, so no worker is left with a
    big file at the end."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    context = multiprocessing.get_context("spawn")  # a fork would copy the parent's loaded engine threads
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                             initargs=(settings, threads)) as pool:
        order = sorted(range(len(paths)), key=lambda i: -sizes[i])
        futures = {i: pool.submit(_evaluate, paths[i], limit, vanilla) for i in order}
        return {Path(paths[i]).stem: futures[i].result() for i in range(len(paths))}
