"""The `policy-assistant` command, run as a real subprocess on the session's data dir (index reused)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "policy-assistant"
# The installed console script when `pip install -e .` has run, else the same entry point via -m.
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cli"]
Q_2019 = "2019年学前三年毛入园率目标是多少？"


def run(env: dict[str, str], *args: str | bytes, timeout: float = 120) -> subprocess.CompletedProcess:
    argv = [os.fsencode(a) for a in [*COMMAND, *args]]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=timeout)
    done.stdout = done.stdout.decode("utf-8")  # type: ignore[assignment]
    done.stderr = done.stderr.decode("utf-8", errors="replace")  # type: ignore[assignment]
    return done


def assert_usage_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:"), done.stderr
    return lines[0]


def test_ask_json_prints_the_answer_shape(env, assistant) -> None:
    done = run(env, "ask", Q_2019, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"question", "answer", "citations", "refused", "retrieved", "timings_ms", "kind",
                         "composer", "dropped", "notes"}
    assert data["question"] == Q_2019 and "96.5%" in data["answer"] and data["refused"] is False
    assert data["citations"][0]["clause_id"] == "三（二）"
    for citation in data["citations"]:
        assert citation["quote"] in assistant.plan.full_text(citation["clause_id"])


def test_ask_prints_text_with_citations(env) -> None:
    done = run(env, "ask", "谁负责加强农村留守儿童关爱保护？")
    assert done.returncode == 0, done.stderr
    assert "民政局" in done.stdout and "【四（九）4】" in done.stdout
    assert "引用 Citations:" in done.stdout


def test_ask_stderr_carries_only_the_timing(env) -> None:
    done = run(env, "ask", Q_2019)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [
        line for line in done.stderr.splitlines() if line.strip().endswith(" ms)")
    ], done.stderr


def test_ask_refusal_exits_zero_without_citations(env) -> None:
    done = run(env, "ask", "柳州市的学前教育目标是什么？", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["refused"] is True and data["citations"] == [] and "计划中未提及" in data["answer"]


def test_ask_jsonl_answers_in_order_one_line_each(env, tmp_path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [
        json.dumps({"question": Q_2019, "id": "a"}, ensure_ascii=False).encode(),
        "财政局负责哪些任务？".encode(),
        b"",  # blank lines are skipped
        b"{not json",
        json.dumps({"question": "   "}).encode(),  # empty question: answered with an error record
        json.dumps({"q": "wrong field"}).encode(),
        b"\xff\xfe broken bytes",
        "柳州市的学前教育目标是什么？".encode(),
        "\ufeff".encode() + "计划要建设多少个名师工作室？".encode(),  # a BOM on the line is tolerated
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    done = run(env, "ask", "--jsonl", str(source), str(target))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 8
    assert [r.get("question") for r in records] == [
        Q_2019, "财政局负责哪些任务？", None, "   ", None, None, "柳州市的学前教育目标是什么？", "计划要建设多少个名师工作室？",
    ]
    assert "96.5%" in records[0]["answer"] and records[0]["kind"] == "target"
    assert records[1]["kind"] == "department" and len(records[1]["citations"]) >= 10
    for bad in (records[2], records[3], records[4], records[5]):
        assert bad["error"] and "answer" not in bad
    assert "JSON" in records[2]["error"] and "UTF-8" in records[5]["error"]
    assert records[6]["refused"] is True
    assert "25个" in records[7]["answer"]
    assert "8 answers" in done.stderr and "4 with errors" in done.stderr


@pytest.mark.parametrize("raw_id", ["四（二）3", "4.2.3", "四.（二）.3", "四(二)3"])
def test_clause_prints_the_clause_under_any_alias(env, assistant, raw_id: str) -> None:
    done = run(env, "clause", raw_id)
    assert done.returncode == 0, done.stderr
    clause = assistant.plan.get("四（二）3")
    assert done.stdout.startswith("【四（二）3】")
    assert clause.heading_path in done.stdout
    assert "到2019年，我市所有县区通过义务教育发展基本均衡县国家评估认定。" in done.stdout
    assert "组织实施单位: 市教育局" in done.stdout


def test_clause_of_a_subsection_includes_its_items(env) -> None:
    done = run(env, "clause", "三（二）")
    assert done.returncode == 0, done.stderr
    assert "96.5%" in done.stdout and "95.8%" in done.stdout


def test_duties_lists_tasks_with_roles(env, assistant) -> None:
    done = run(env, "duties", "财政局")
    assert done.returncode == 0, done.stderr
    expected = len(assistant.tasks("财政局"))
    lines = done.stdout.strip().splitlines()
    assert lines[0] == f"市财政局：{expected} 项任务"
    assert len(lines) == expected + 1
    assert any("【四（九）1】" in line and "具体实施单位" in line for line in lines)
    assert any("【四（一）1】" in line and "组织实施单位" in line for line in lines)


def test_targets_table_and_json(env) -> None:
    done = run(env, "targets")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if "学前三年毛入园率" in line and "2019" in line)
    assert "96.5%" in row and "【三（二）】" in row
    done = run(env, "targets", "--json")
    rows = json.loads(done.stdout)
    assert {"indicator": "名师工作室", "period": "5年内", "value": "25个", "clause_id": "四（七）2"} in rows
    assert all(set(r) == {"indicator", "period", "value", "clause_id"} for r in rows)


def test_ingest_reports_counts_and_time_and_reuses_the_index(env, assistant) -> None:
    done = run(env, "ingest")
    assert done.returncode == 0, done.stderr
    report = assistant.index_report
    line = next(line for line in done.stdout.splitlines() if "clauses" in line)
    assert f"{report.clauses} clauses, {report.chunks} chunks, index up to date in " in line
    assert report.key in line and " s (" in line


@pytest.mark.parametrize(
    "args",
    [
        ("ask", ""),
        ("ask", "   "),
        ("ask", "学" * 34_000),  # ~100 KB of UTF-8 in one argument
        ("ask", b"\xff\xfe"),  # undecodable bytes in argv
        ("ask", "？！。，"),
        ("clause", "九（九）9"),
        ("clause", "4.99.1"),
        ("duties", "不存在局"),
        ("ask", "--jsonl", "/nonexistent/in.jsonl", "/tmp/out.jsonl"),
        ("--corpus", "/nonexistent/plan.md", "ask", Q_2019),
        ("--corpus", "/nonexistent/plan.md", "clause", "4.2.3"),
        ("--corpus", "/nonexistent/plan.md", "ingest"),
    ],
    ids=["empty", "blank", "100KB", "bad-bytes", "punctuation", "unknown-clause", "unknown-alias",
         "unknown-department", "missing-jsonl", "missing-corpus-ask", "missing-corpus-clause",
         "missing-corpus-ingest"],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(env, args: tuple[str | bytes, ...]) -> None:
    done = run(env, *args)
    line = assert_usage_error(done)
    assert len(line) < 300
    assert done.stdout == ""


def test_missing_ingest_file_names_the_file(env) -> None:
    line = assert_usage_error(run(env, "ingest", "/nonexistent/other.md"))
    assert "/nonexistent/other.md" in line


def test_unknown_subcommand_is_a_usage_error(env) -> None:
    done = run(env, "frobnicate")
    assert done.returncode == 2 and "Traceback" not in done.stderr
