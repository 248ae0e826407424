"""A library of several plans through the real CLI: add (atomic, even under SIGKILL), docs, remove,
document-qualified citations, a document filter when the question names one, duties across documents."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.plan_files import county_plan, write_docx
from tests.test_cli import COMMAND, ROOT, assert_usage_error, run

COUNTY_ID = "武府办2019-12"
CITY_ID = "南府办函2018-402"


@pytest.fixture(scope="module")
def county_docx(tmp_path_factory) -> Path:
    from assistant.settings import BUNDLED_CORPUS

    folder = tmp_path_factory.mktemp("county")
    return write_docx(county_plan(BUNDLED_CORPUS.read_text(encoding="utf-8")), folder / "武鸣区实施方案.docx")


@pytest.fixture
def library_env(env, assistant_settings, tmp_path) -> dict[str, str]:
    """A private data dir with the session's index and embedding cache (so builds are quick)."""
    data = tmp_path / "data"
    shutil.copytree(assistant_settings.data_dir, data, ignore=shutil.ignore_patterns("LEASE", "library"))
    return {**env, "POLICY_ASSISTANT_DATA_DIR": str(data)}


def _docs(env: dict[str, str]) -> list[dict]:
    done = run(env, "docs", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_bundled_plan_is_there_by_default(library_env) -> None:
    assert [d["id"] for d in _docs(library_env)] == [CITY_ID]


def test_two_plans_answer_with_qualified_citations_and_a_document_filter(library_env, county_docx) -> None:
    added = run(library_env, "add", str(county_docx), timeout=300)
    assert added.returncode == 0, added.stderr
    assert COUNTY_ID in added.stdout
    assert [d["id"] for d in _docs(library_env)] == [CITY_ID, COUNTY_ID]

    named = json.loads(run(library_env, "ask", "武鸣区2019年学前三年毛入园率目标是多少？", "--json").stdout)
    assert "95.2%" in named["answer"] and "96.5%" not in named["answer"], "only the document it names"
    assert {c["clause_id"] for c in named["citations"]} == {f"{COUNTY_ID}·三（二）"}

    both = json.loads(run(library_env, "ask", "2019年学前三年毛入园率目标是多少？", "--json").stdout)
    assert "95.2%" in both["answer"] and "96.5%" in both["answer"]
    assert f"（{CITY_ID}）：" in both["answer"] and f"（{COUNTY_ID}）：" in both["answer"], "each part says whose"
    assert {c["clause_id"].split("·")[0] for c in both["citations"]} == {CITY_ID, COUNTY_ID}

    duties = run(library_env, "duties", "发改委")
    assert duties.returncode == 0 and f"【{CITY_ID}·四（一）1】" in duties.stdout
    assert f"【{COUNTY_ID}·四（一）1】" in duties.stdout

    chosen = json.loads(run(library_env, "ask", "2019年学前三年毛入园率目标是多少？", "--doc", CITY_ID, "--json").stdout)
    assert "96.5%" in chosen["answer"] and "95.2%" not in chosen["answer"], "--doc: the chosen document only"

    targets = run(library_env, "targets", "--json")
    assert targets.returncode == 0, targets.stderr
    rows = {(r["clause_id"], r["value"]) for r in json.loads(targets.stdout)}
    assert (f"{COUNTY_ID}·三（二）", "95.2%") in rows and (f"{CITY_ID}·三（二）", "96.5%") in rows

    clause = run(library_env, "clause", f"{COUNTY_ID}·三（二）")
    assert clause.returncode == 0 and "95.2%" in clause.stdout

    again = run(library_env, "add", str(county_docx))
    assert "已有相同内容" in assert_usage_error(again)
    not_a_plan = Path(library_env["POLICY_ASSISTANT_DATA_DIR"]).parent / "minutes.txt"
    not_a_plan.write_text("Meeting notes\n\nWe met on Tuesday and agreed to meet again.\n", encoding="utf-8")
    assert "不像是一份计划" in assert_usage_error(run(library_env, "add", str(not_a_plan)))
    assert [d["id"] for d in _docs(library_env)] == [CITY_ID, COUNTY_ID], "the library is unchanged"

    removed = run(library_env, "remove", COUNTY_ID)
    assert removed.returncode == 0, removed.stderr
    assert [d["id"] for d in _docs(library_env)] == [CITY_ID]
    answer = json.loads(run(library_env, "ask", "2019年学前三年毛入园率目标是多少？", "--json").stdout)
    assert "96.5%" in answer["answer"] and "95.2%" not in answer["answer"]
    assert "·" not in answer["answer"], "one document again: plain citations"


def test_a_killed_add_leaves_the_library_unchanged(library_env, county_docx, tmp_path) -> None:
    from assistant.settings import BUNDLED_CORPUS

    # Every sentence new, so the add spends seconds embedding before it could publish anything.
    fresh = county_plan(BUNDLED_CORPUS.read_text(encoding="utf-8")).replace("。", "。 ").replace("，", "， ")
    fresh = "\n".join(line + ("（新）" if len(line) > 30 and not line.startswith("#") else "")
                      for line in fresh.splitlines())
    source = write_docx(fresh, tmp_path / "fresh.docx")
    before = _docs(library_env)
    manifest = Path(library_env["POLICY_ASSISTANT_DATA_DIR"]) / "library" / "manifest.json"
    snapshot = manifest.read_bytes() if manifest.exists() else None
    proc = subprocess.Popen([*COMMAND, "add", str(source)], cwd=ROOT, env=library_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(4.0)
    assert proc.poll() is None, "the add must still be running when it is killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert (manifest.read_bytes() if manifest.exists() else None) == snapshot
    assert _docs(library_env) == before
    added = run(library_env, "add", str(county_docx), timeout=300)
    assert added.returncode == 0, added.stderr
    assert [d["id"] for d in _docs(library_env)] == [CITY_ID, COUNTY_ID]
