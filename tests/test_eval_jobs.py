"""`policy-assistant eval --jobs N`: several files in worker processes give the answers one process gives."""

from __future__ import annotations

import json

from tests.test_cli import ROOT, assert_usage_error, run


def test_files_evaluated_in_two_processes_answer_as_the_assistant_does(assistant, env, tmp_path) -> None:
    files = [ROOT / "eval" / "data" / "dev.jsonl", ROOT / "eval" / "data" / "dev2.jsonl"]
    done = run(env, "eval", *map(str, files), "--limit", "6", "--no-vanilla", "--jobs", "2",
               "--report", str(tmp_path / "report"), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "## per question type" in done.stdout
    for file in files:
        report = json.loads((tmp_path / "report" / file.stem / "report.json").read_text(encoding="utf-8"))
        rows = report["system"]["questions"]
        assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in file.read_text().splitlines()[:6]]
        for row in rows:  # each in its file's order, with its history, as the in-process assistant answers
            assert row["answer"]["answer"] == assistant.ask(row["question"], row["history"]).text, row["id"]


def test_a_bad_file_or_job_count_fails_before_any_file_is_evaluated(env, tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    dev = str(ROOT / "eval" / "data" / "dev.jsonl")
    done = run(env, "eval", dev, str(bad), "--jobs", "2", "--no-vanilla")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"错误: {bad}:") and "missing field 'gold_clauses'" in done.stderr
    assert "policy-assistant dev:" not in done.stderr, "no file was evaluated"
    done = run(env, "eval", dev, str(bad), "--no-vanilla")  # one process: every file is read before any run
    assert done.stderr.startswith(f"错误: {bad}:") and "policy-assistant dev:" not in done.stderr, done.stderr
    assert "--jobs" in assert_usage_error(run(env, "eval", dev, "--jobs", "0"))
