"""Library benchmark: 1, 5 and 20 plans. Prints time to add one plan (cold and with cached embeddings),
query p50/p95 over the dev questions, peak RSS and the index size on disk.

    python bench/library_bench.py [--sizes 1,5,20]

The extra plans are realistic variants of the bundled one: another county's plan, with its own title,
文号 and figures (every sentence that names the place or a figure changes, so it is embedded anew).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.library import open_assistant  # noqa: E402
from assistant.service import index_plan  # noqa: E402
from assistant.settings import BUNDLED_CORPUS, Settings  # noqa: E402
from embeddings.factory import make_embeddings  # noqa: E402
from knowledge.library import Library  # noqa: E402

COUNTIES = ["武鸣", "横县", "宾阳", "上林", "马山", "隆安", "青秀", "兴宁", "江南", "西乡塘", "良庆", "邕宁",
            "宾州", "那马", "金陵", "苏圩", "吴圩", "伶俐", "南晓", "大塘", "双定"]


def variant(markdown: str, i: int) -> str:
    place = COUNTIES[i % len(COUNTIES)]
    text = markdown.replace("南府办函〔2018〕402号", f"{place[:1]}府办〔2019〕{10 + i}号")
    text = text.replace("南宁市", f"{place}区")
    # Shift the yearly figures a little, as another county's targets would differ.
    for old, new in (("96.5%", f"{95 + i % 4}.{i % 10}%"), ("95.6%", f"{94 + i % 3}.{(i * 3) % 10}%")):
        text = text.replace(old, new)
    return text


def index_size(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1024 / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5,20")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    questions = [json.loads(line)["question"] for line in
                 (Path(__file__).resolve().parent.parent / "eval" / "data" / "dev.jsonl").read_text("utf-8").splitlines()
                 if line.strip()]
    markdown = BUNDLED_CORPUS.read_text(encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="library-bench-"))
    settings = Settings(data_dir=work / "data")
    embeddings = make_embeddings("e5", cache_dir=settings.cache_dir)
    library = Library(settings.library_dir, settings.corpus_path)
    rows = []
    count = 1
    open_assistant(settings, embeddings=embeddings)  # the bundled plan's index
    for size in sizes:
        add_times = []
        while count < size:
            source = work / f"plan-{count}.md"
            source.write_text(variant(markdown, count), encoding="utf-8")
            started = time.perf_counter()
            library.add(source, prepare=lambda copy: index_plan(settings.replace(corpus_path=copy), embeddings))
            add_times.append(time.perf_counter() - started)
            count += 1
        assistant = open_assistant(settings, embeddings=embeddings)
        for q in questions[:10]:
            assistant.ask(q)  # warm
        timings = []
        for q in questions:
            started = time.perf_counter()
            assistant.ask(q)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        rows.append({
            "documents": size,
            "add one plan s (mean)": round(statistics.mean(add_times), 2) if add_times else None,
            "query p50 ms": round(statistics.median(timings), 1),
            "query p95 ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
            "peak RSS MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "index on disk MB": round(index_size(settings.index_dir), 1),
        })
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
