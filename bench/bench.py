"""Core benchmark: prints numbers, asserts nothing (timed tests are flaky on shared machines).

    python bench/bench.py [--questions N]

Measures, on the default embedder: cold index build (empty cache), warm rebuild (cached embeddings),
process start to first answer with a persisted index, warm query latency p50/p95 over the labelled
questions, peak RSS; and the same for a vanilla LangChain pipeline (RecursiveCharacterTextSplitter
500/50 over the whole file + the same embedder + Chroma top-4) in the same run.
Targets (2-core machine): p50 ≤ 20 ms, p95 ≤ 60 ms, warm rebuild ≤ 1 s, start to first answer ≤ 3 s,
peak RSS ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.service import build_assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from embeddings.factory import make_embeddings  # noqa: E402
from eval.questions import default_questions_path, load_questions  # noqa: E402

_FIRST_ANSWER = """
import sys, time
t = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant.service import build_assistant
from assistant.settings import Settings
a = build_assistant(Settings(data_dir=Path({data!r})))
a.ask("2019年学前三年毛入园率目标是多少？")
print(time.perf_counter() - t)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=0, help="limit (0 = all labelled questions)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pa-bench-"))
    settings = Settings(data_dir=data)
    rows: dict[str, float | str] = {}

    t = time.perf_counter()
    embeddings = make_embeddings(settings.embedder, cache_dir=settings.cache_dir)
    embeddings.embed_query("预热")
    rows["model load s"] = time.perf_counter() - t

    t = time.perf_counter()
    assistant = build_assistant(settings, embeddings=embeddings)
    rows["cold index build s (embed all + Chroma)"] = time.perf_counter() - t
    rows["clauses / chunks"] = f"{assistant.index_report.clauses} / {assistant.index_report.chunks}"

    t = time.perf_counter()
    assistant = build_assistant(settings, embeddings=embeddings, rebuild=True)
    rows["warm rebuild s (cached embeddings)"] = time.perf_counter() - t

    out = subprocess.run(
        [sys.executable, "-c", _FIRST_ANSWER.format(root=str(ROOT), data=str(data))],
        capture_output=True, text=True, check=True,
    )
    rows["process start to first answer s"] = float(out.stdout.strip().splitlines()[-1])

    questions = load_questions(default_questions_path(), assistant.plan)
    if args.questions:
        questions = questions[: args.questions]
    for warm in ("学前教育", "教师待遇", "职业教育布局"):
        assistant.ask(warm)
    # As the served app starts (assistant.startup): the English index opened, what is loaded frozen.
    assistant.cross_lingual()
    gc.freeze()
    latencies = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q.question, list(q.history))
        latencies.append((time.perf_counter() - t) * 1000)
    rows["questions"] = len(latencies)
    rows["query p50 ms"] = statistics.median(latencies)
    rows["query p95 ms"] = percentile(latencies, 0.95)
    rows["peak RSS MB (this process)"] = peak_rss_mb()

    from eval.vanilla import VanillaPipeline

    t = time.perf_counter()
    # The uncached model: the assistant's wrapper remembers the query vectors it just computed.
    vanilla = VanillaPipeline(
        Path(settings.corpus_path).read_text(encoding="utf-8"),
        assistant.plan,
        getattr(embeddings, "inner", embeddings),
        data / "vanilla",
    )
    vanilla.answer("预热")
    rows["vanilla index build s"] = time.perf_counter() - t
    v_lat = []
    for q in questions:
        t = time.perf_counter()
        vanilla.answer(q.question)
        v_lat.append((time.perf_counter() - t) * 1000)
    rows["vanilla query p50 ms"] = statistics.median(v_lat)
    rows["vanilla query p95 ms"] = percentile(v_lat, 0.95)
    rows["peak RSS MB (after vanilla)"] = peak_rss_mb()

    width = max(len(k) for k in rows)
    for key, value in rows.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in rows.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
