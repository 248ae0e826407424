"""Report files, comparison, quality bars, feedback drafts and the eval command's file handling."""

from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

import pytest

from eval.command import configure
from eval.command import run as run_command
from eval.feedback import collect_drafts, drafts_from_feedback
from eval.harness import run_eval
from eval.report import check_bars, compare, write_report
from tests.test_metrics import make_answer, make_plan, make_question

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def plan():
    return make_plan()


@pytest.fixture(scope="module")
def runs(plan):
    questions = [
        make_question("q1", facts=("2018年",)),
        make_question("q2", gold=("三（二）",), facts=("96.5%",), qtype="numeric"),
        make_question("q3", gold=(), answerable=False, qtype="unanswerable"),
    ]
    good = {
        "question q1": make_answer("2018年实现全覆盖。【四（二）3】", (("四（二）3", "全市实现"),), ("四（二）3",)),
        "question q2": make_answer(f"{SCRIPT}达到96.5%。【三（二）】", (("三（二）", "96.5%"),), ("三（二）",)),
        "question q3": make_answer("方案未涉及。", refused=True),
    }
    weak = {
        "question q1": make_answer("未找到。【四（二）】", (("四（二）", "实施"),), ("四（二）", "四（二）3")),
        "question q2": make_answer("达到96.5%。【三（二）】", (("三（二）", "96.5 %"),), ("三（二）",)),
        "question q3": make_answer("也许是。【三】", (("三", "工作目标"),), ("三",)),
    }
    system = run_eval(questions, lambda q, h: good[q], plan)
    vanilla = run_eval(questions, lambda q, h: weak[q], plan, system="vanilla")
    return system, vanilla


def test_write_report_writes_json_markdown_and_escaped_self_contained_html(runs, tmp_path):
    system, vanilla = runs
    paths = write_report(system, tmp_path / "out", baseline=vanilla)
    assert {p.name for p in paths.values()} == {"report.json", "report.md", "report.html"}
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["system"]["metrics"]["citation_recall"] == 1.0
    assert data["baseline"]["system"] == "vanilla"
    assert data["baseline"]["metrics"]["refusal_rate"] == 0.0
    assert [q["id"] for q in data["baseline"]["questions"]] == ["q1", "q2", "q3"]
    assert "over" in data["metric_definitions"]["faithfulness"]

    markdown = paths["md"].read_text(encoding="utf-8")
    assert "| metric | policy-assistant | vanilla | averaged over |" in markdown
    assert "| citation_recall | 1.000 | 0.500 |" in markdown
    assert "| numeric | 1 |" in markdown
    assert "None." in markdown  # no failed question of the system

    html = paths["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "src=" not in html and "<link" not in html and "@import" not in html
    assert html.count("<svg") == 6
    assert "answered an unanswerable question" in html  # vanilla's failure, in its details


def test_markdown_lists_failed_questions_with_reasons(runs, tmp_path):
    _, vanilla = runs
    markdown = write_report(vanilla, tmp_path)["md"].read_text(encoding="utf-8")
    assert "## Failed questions (3)" in markdown
    assert "- **q1** (factoid) question q1 — missing fact 2018年; cited 四（二） not gold 四（二）3" in markdown
    assert "q3** (unanswerable) question q3 — answered an unanswerable question" in markdown


def test_compare_shows_changes_with_direction(runs, tmp_path):
    system, vanilla = runs
    old = json.loads(write_report(vanilla, tmp_path)["json"].read_text(encoding="utf-8"))
    table = compare(old, system)
    assert "| citation_recall | 0.500 | 1.000 | +0.500 | better |" in table
    assert "| refusal_rate | 0.000 | 1.000 | +1.000 | better |" in table
    assert "| hit@5 | 1.000 | 1.000 | +0.000 |  |" in table
    assert compare(system.to_json(), vanilla.to_json()).count("worse") >= 3
    with pytest.raises(ValueError, match="not an evaluation report"):
        compare({"hello": 1}, system)


def test_check_bars_passes_fails_and_names_unknown_metrics(runs):
    metrics = runs[0].metrics
    assert check_bars(metrics, {"citation_recall": 0.9, "refusal_rate": 1.0}) == []
    failed = check_bars(runs[1].metrics, {"citation_recall": 0.8, "false_refusal_rate": 0.1})
    assert failed == ["citation_recall = 0.500 is below the bar 0.8"]
    assert check_bars({**metrics, "false_refusal_rate": 0.2}, {"false_refusal_rate": 0.1}) == [
        "false_refusal_rate = 0.200 is above the ceiling 0.1 (lower is better)"
    ]
    unknown = check_bars(metrics, {"recall": 0.5})
    assert len(unknown) == 1 and "unknown metric 'recall'" in unknown[0] and "citation_recall" in unknown[0]
    assert "has no value" in check_bars({**metrics, "hit@1": None}, {"hit@1": 0.5})[0]


def test_feedback_drafts_from_thumbs_down_skipping_malformed_lines(tmp_path):
    entry = {"time": "2024-05-01T10:00:00", "rating": "down", "comment": "数字不对",
             "question": "2019年入园率？", "answer": "是97%。【三（二）】", "citations": [{"clause_id": "三（二）"}]}
    lines = [
        json.dumps(entry, ensure_ascii=False),
        json.dumps({**entry, "rating": "up", "question": "好问题"}, ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"rating": "down", "question": ""}),
        "[1, 2]",
        json.dumps({**entry, "comment": "again"}, ensure_ascii=False),
        json.dumps({**entry, "question": "谁负责？", "comment": ""}, ensure_ascii=False),
    ]
    path = tmp_path / "feedback.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = collect_drafts(path)
    assert result.malformed_lines == (3, 5, 6)
    assert (result.thumbs_up, result.duplicates) == (1, 1)
    drafts = drafts_from_feedback(path)
    assert [d["id"] for d in drafts] == ["fb001", "fb002"]
    assert drafts[0]["question"] == "2019年入园率？" and drafts[0]["gold_clauses"] == []
    assert drafts[0]["answerable"] is True and drafts[0]["type"] == "factoid"
    assert drafts[0]["note"].startswith("from feedback 2024-05-01T10:00:00: 数字不对; answer was: 是97%。")
    assert "(no comment)" in drafts[1]["note"]


def _command(argv):
    parser = argparse.ArgumentParser()
    configure(parser)
    return parser.parse_args(argv)


def test_command_check_reports_problems_with_line_numbers(plan, tmp_path, capsys):
    valid = {"id": "a1", "question": "2019年入园率？", "gold_clauses": ["三（二）"], "answer_facts": ["96.5%"],
             "answerable": True, "type": "numeric"}
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(valid, ensure_ascii=False) + "\n", encoding="utf-8")
    assistant = SimpleNamespace(plan=plan)
    assert run_command(_command(["--check", str(good)]), lambda: assistant) == 0
    assert "valid, 1 questions" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(valid) + "\n{oops\n", encoding="utf-8")
    assert run_command(_command(["--check", str(bad)]), lambda: assistant) == 1
    assert "line 2:" in capsys.readouterr().out


def test_command_rejects_bad_input_with_exit_codes(plan, tmp_path, capsys):
    assistant = SimpleNamespace(plan=plan)
    assert run_command(_command(["--min", "citation_recall"]), lambda: assistant) == 2
    assert "METRIC=VALUE" in capsys.readouterr().err
    assert run_command(_command(["--min", "recal=0.5"]), lambda: assistant) == 3
    assert "valid metrics" in capsys.readouterr().err
    broken = tmp_path / "old.json"
    broken.write_text("{", encoding="utf-8")
    assert run_command(_command(["--compare", str(broken)]), lambda: assistant) == 2
    assert "not a JSON report" in capsys.readouterr().err
    broken.write_text('{"system": "policy-assistant"}', encoding="utf-8")
    assert run_command(_command(["--compare", str(broken)]), lambda: assistant) == 2
    assert "not an evaluation report" in capsys.readouterr().err
    assert run_command(_command(["--from-feedback", str(tmp_path / "missing.jsonl")]), lambda: assistant) == 2
    assert "cannot read feedback log" in capsys.readouterr().err
    questions = tmp_path / "q.jsonl"
    questions.write_text("{oops\n", encoding="utf-8")
    assert run_command(_command([str(questions), "--no-vanilla"]), lambda: assistant) == 2
    assert "line 1" in capsys.readouterr().err


def test_command_from_feedback_writes_drafts(tmp_path, capsys):
    log = tmp_path / "feedback.jsonl"
    log.write_text(json.dumps({"time": "t", "rating": "down", "question": "为什么？"}) + "\nxx\n", encoding="utf-8")
    settings = SimpleNamespace(feedback_path=log, data_dir=tmp_path)
    out = tmp_path / "drafts.jsonl"
    assert run_command(_command(["--from-feedback", "--out", str(out)]), lambda: SimpleNamespace(settings=settings)) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["question"] == "为什么？"
    err = capsys.readouterr().err
    assert "1 draft question(s)" in err and "skipped 1 malformed line(s)" in err
