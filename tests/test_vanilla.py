"""The vanilla LangChain baseline on the real plan with the real e5 embedder, and `eval` end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from eval import metrics
from eval.command import configure
from eval.command import run as run_command
from eval.vanilla import CHUNK_SIZE, TOP_K, ClauseMatcher, VanillaPipeline

CORPUS = Path(__file__).resolve().parent.parent / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"


@pytest.fixture(scope="session")
def vanilla(corpus_plan, e5_embeddings, tmp_path_factory) -> VanillaPipeline:
    root = tmp_path_factory.mktemp("vanilla-index")
    return VanillaPipeline(CORPUS.read_text(encoding="utf-8"), corpus_plan, e5_embeddings, root)


def test_answer_shows_the_top_four_chunks_each_attributed_to_a_clause(vanilla, corpus_plan):
    answer = vanilla.answer("2019年学前三年毛入园率目标是多少？")
    assert len(answer.hits) == len(answer.citations) == TOP_K
    assert all(c.clause_id in corpus_plan for c in answer.citations)
    assert all(len(c.quote) <= CHUNK_SIZE and c.quote.strip() in answer.text for c in answer.citations)
    assert answer.text.count("【") == TOP_K and not answer.refused
    assert "96.5" in answer.text  # the chunk with the 2019 figures is retrieved
    assert answer.hits[0].score >= answer.hits[-1].score
    assert answer.timings_ms["total"] > 0


def test_chunks_are_attributed_to_the_clause_they_were_cut_from(vanilla, corpus_plan):
    assert len(vanilla.chunks) > 20 and len(vanilla.clause_ids) == len(vanilla.chunks)
    target = next(c for c in corpus_plan if "学前三年毛入园率达到96.5%" in c.text.replace(" ", ""))
    chunk = next(i for i, c in enumerate(vanilla.chunks) if c.startswith("2019 年，学前三年毛入园率"))
    assert vanilla.clause_ids[chunk] == target.id == "三（二）"
    assert vanilla.clause_ids[0] == "通知"  # the cover notice, not the plan's preamble after it
    matcher = ClauseMatcher(corpus_plan)
    item = next(c for c in corpus_plan if c.level == "item" and len(c.text) > 60)
    assert matcher.clause_id(item.text[5:55]) == item.id


def test_a_second_pipeline_reuses_the_published_index(vanilla, corpus_plan, e5_embeddings):
    again = VanillaPipeline(CORPUS.read_text(encoding="utf-8"), corpus_plan, e5_embeddings,
                            vanilla.index.directory.parent)
    assert again.index.directory == vanilla.index.directory
    assert again.index.count() == len(vanilla.chunks)


def test_faithfulness_shows_raw_chunks_are_rarely_verbatim_clause_text(vanilla, corpus_plan):
    answer = vanilla.answer("学前教育三年行动计划由哪些部门负责？")
    sentences = metrics.cited_sentences(answer, corpus_plan)
    assert len(sentences) == TOP_K
    score = metrics.faithfulness(answer, corpus_plan)
    assert score is not None and score < 1.0  # 500-character chunks cross clause boundaries


def _assistant(vanilla, plan, embeddings, data_dir: Path) -> SimpleNamespace:
    settings = SimpleNamespace(data_dir=data_dir, corpus_path=CORPUS, index_dir=vanilla.index.directory.parent)
    return SimpleNamespace(ask=vanilla.answer, plan=plan, embeddings=embeddings, settings=settings)


def test_eval_command_reports_compares_and_gates(vanilla, corpus_plan, e5_embeddings, tmp_path, capsys):
    assistant = _assistant(vanilla, corpus_plan, e5_embeddings, tmp_path)
    parser = argparse.ArgumentParser()
    configure(parser)
    report = tmp_path / "report"
    args = parser.parse_args(["--limit", "3", "--report", str(report), "--min", "hit@5=0"])
    assert run_command(args, lambda: assistant) == 0
    out = capsys.readouterr().out
    assert "| metric | policy-assistant | vanilla |" in out and "3 questions" in out
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert data["system"]["count"] == data["baseline"]["count"] == 3
    args = parser.parse_args(["--limit", "3", "--no-vanilla", "--compare", str(report / "report.json"),
                              "--min", "faithfulness=1.01"])
    assert run_command(args, lambda: assistant) == 3
    captured = capsys.readouterr()
    assert "| metric | old | new | change |" in captured.out and "| policy-assistant | vanilla |" not in captured.out
    assert "faithfulness = " in captured.err and "below the bar 1.01" in captured.err


def test_eval_command_reports_several_sets_side_by_side(vanilla, corpus_plan, e5_embeddings, tmp_path, capsys):
    from eval.questions import default_questions_path

    assistant = _assistant(vanilla, corpus_plan, e5_embeddings, tmp_path)
    parser = argparse.ArgumentParser()
    configure(parser)
    folder = default_questions_path().parent
    report = tmp_path / "sets"
    args = parser.parse_args([str(folder / "dev.jsonl"), str(folder / "test.jsonl"), "--limit", "4", "--no-vanilla",
                              "--report", str(report), "--min", "test:faithfulness=1.01", "--min", "hit@5=0"])
    assert run_command(args, lambda: assistant) == 3  # the bar named for the test set only
    captured = capsys.readouterr()
    assert "| type | dev n | dev correct |" in captured.out and "test correct" in captured.out
    assert "test: faithfulness" in captured.err and "dev: faithfulness" not in captured.err
    assert (report / "dev" / "report.json").exists() and (report / "test" / "report.json").exists()
    assert "test n" in (report / "side-by-side.md").read_text(encoding="utf-8")


def test_eval_command_holds_a_bundled_set_to_its_floors(vanilla, corpus_plan, e5_embeddings, tmp_path, capsys):
    from eval.questions import default_questions_path

    assistant = _assistant(vanilla, corpus_plan, e5_embeddings, tmp_path)
    parser = argparse.ArgumentParser()
    configure(parser)
    dev = default_questions_path().parent / "dev.jsonl"
    # A vanilla pipeline on 5 questions: under dev's floors, and too few questions for the bundled set.
    args = parser.parse_args([str(dev), "--limit", "5", "--no-vanilla", "--floors"])
    assert run_command(args, lambda: assistant) == 3
    err = capsys.readouterr().err
    assert "only 5 questions" in err and "dev: faithfulness = " in err
    args = parser.parse_args([str(dev), "--limit", "5", "--no-vanilla"])  # no floors asked for: no bars
    assert run_command(args, lambda: assistant) == 0
