"""Measure what the two vocabularies are worth: the English glossary and the everyday-words thesaurus.

    python -m eval.ablation [FILE …]     (default: the tuning sets and the blind test set)

Each is switched off in turn and the sets are scored again; a vocabulary stays only if it helps on
dev *and* on the blind set. Prints `correct` per set for each variant.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from assistant.service import build_assistant
from assistant.settings import Settings
from eval.harness import run_eval
from eval.questions import default_questions_path, load_questions
from knowledge import glossary

VARIANTS = ("both", "no English glossary", "no everyday thesaurus", "neither")


@contextmanager
def variant(name: str):  # type: ignore[no-untyped-def]
    patches = []
    if name in ("no English glossary", "neither"):
        patches.append(mock.patch("assistant.question.chinese_terms", lambda _text: []))
        patches.append(mock.patch("assistant.titles.chinese_terms", lambda _text: []))  # English part names
    if name in ("no everyday thesaurus", "neither"):
        patches.append(mock.patch("assistant.question.plan_terms", lambda _text: []))
    for p in patches:
        p.start()
    try:
        yield
    finally:
        for p in patches:
            p.stop()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = default_questions_path().parent
    paths = [Path(a) for a in args] or [folder / f"{n}.jsonl" for n in ("dev", "dev2", "dev3", "test")]
    assistant = build_assistant(Settings.from_env())
    sets = {p.stem: load_questions(p, assistant.plan) for p in paths}
    print("| variant | " + " | ".join(f"{name} correct" for name in sets) + " |")
    print("|---|" + "---:|" * len(sets))
    for name in VARIANTS:
        with variant(name):
            scores = [run_eval(qs, assistant.ask, assistant.plan).metrics["correct"] or 0.0 for qs in sets.values()]
        print(f"| {name} | " + " | ".join(f"{s:.3f}" for s in scores) + " |")
    print(f"\n({len(glossary.TERMS)} English glossary entries, {len(glossary.EVERYDAY)} everyday synonyms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
