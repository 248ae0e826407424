"""The bundled question set is valid, and each kind of file error is reported with its line number."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from eval.questions import (
    TYPES,
    Question,
    QuestionFileError,
    check_file,
    default_questions_path,
    load_questions,
)
from knowledge.clause import Plan
from knowledge.parser import load_plan

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"
BAD = Path(__file__).resolve().parent / "data" / "bad-questions"

#: Minimum questions per type in the bundled set (the mix users ask).
MIN_PER_TYPE = {
    "numeric": 20,
    "responsibility": 20,
    "factoid": 15,
    "paraphrase": 15,
    "multi_clause": 8,
    "list": 6,
    "english": 12,
    "adversarial": 11,
    "unanswerable": 20,
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(CORPUS)


@pytest.fixture(scope="module")
def dev(plan: Plan) -> list[Question]:
    return load_questions(default_questions_path(), plan)


def _line(**changes: object) -> str:
    obj: dict[str, object] = {
        "id": "q001",
        "question": "2019年学前三年毛入园率目标是多少？",
        "gold_clauses": ["三（二）"],
        "answer_facts": ["96.5%"],
        "answerable": True,
        "type": "numeric",
    }
    obj.update(changes)
    return json.dumps(obj, ensure_ascii=False)


# --- the bundled set -------------------------------------------------------------------------------


def test_bundled_set_has_no_problems(plan: Plan) -> None:
    assert default_questions_path().is_file()
    assert check_file(default_questions_path(), plan) == []


def test_bundled_set_size_and_type_mix(dev: list[Question]) -> None:
    assert len(dev) >= 130
    counts = Counter(q.type for q in dev)
    assert set(counts) == set(TYPES)
    short = {t: (counts[t], n) for t, n in MIN_PER_TYPE.items() if counts[t] < n}
    assert short == {}, f"types below their minimum (have, want): {short}"


def test_bundled_ids_are_sequential_and_unique(dev: list[Question]) -> None:
    assert [q.id for q in dev] == [f"q{n:03d}" for n in range(1, len(dev) + 1)]


def test_bundled_set_covers_follow_ups_injections_and_refusals(dev: list[Question]) -> None:
    follow_ups = [q for q in dev if q.history]
    assert len(follow_ups) >= 4
    assert all(q.answerable and q.gold_clauses for q in follow_ups)
    adversarial = [q for q in dev if q.type == "adversarial"]
    assert any(q.answerable for q in adversarial) and any(not q.answerable for q in adversarial)
    refusals = [q for q in dev if not q.answerable]
    assert len(refusals) >= 20
    assert all(not q.gold_clauses and not q.answer_facts for q in refusals)


def test_bundled_gold_clauses_are_canonical_and_present(plan: Plan, dev: list[Question]) -> None:
    cited = {cid for q in dev for cid in q.gold_clauses}
    assert cited <= {c.id for c in plan}
    # the set exercises items of every task subsection, not only the targets part
    assert {f"四（{n}）" for n in "一二三四五六七八九"} <= {
        plan.get(c).parent_id for c in cited if plan.get(c)
    }


def test_two_clause_target_lists_both_figures(dev: list[Question]) -> None:
    q = next(q for q in dev if q.question == "2020年高中阶段毛入学率要达到多少？")
    assert q.gold_clauses == ("三（一）", "三（二）")
    assert q.answer_facts == ("95.8%", "95%")


# --- API behaviour ---------------------------------------------------------------------------------


def test_facts_alternatives_split_on_bar() -> None:
    q = Question("q1", "?", ("三（二）",), ("97%|97％", "市教育局"), True, "numeric")
    assert q.facts_alternatives == [["97%", "97％"], ["市教育局"]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.id = "q2"  # type: ignore[misc]


def test_text_with_bom_blank_lines_history_and_alias(plan: Plan) -> None:
    text = "\ufeff" + _line(gold_clauses=["4.7.2"], answer_facts=["25个"], history=["名师工作室？"]) + "\n\n"
    [q] = load_questions(text, plan)
    assert q.gold_clauses == ("四（七）2",)
    assert q.history == ("名师工作室？",)
    assert q.note == ""


def test_bytes_with_bom_and_path_string(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _line(note="bom").encode("utf-8") + b"\n")
    assert [q.note for q in load_questions(str(path), plan)] == ["bom"]
    assert [q.id for q in load_questions(path.read_bytes(), plan)] == ["q001"]
    assert check_file(path, plan) == []


def test_missing_file_is_a_problem_not_a_crash(plan: Plan, tmp_path: Path) -> None:
    problems = check_file(tmp_path / "absent.jsonl", plan)
    assert len(problems) == 1 and problems[0].startswith("file: cannot read")


def test_error_lists_every_problem(plan: Plan) -> None:
    with pytest.raises(QuestionFileError) as caught:
        load_questions(BAD / "several-problems.jsonl", plan)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 1", "line 3", "line 4"]
    assert "type: unknown type 'trivia'" in problems[0]
    assert "invalid JSON" in problems[1]
    assert "'99%' not found" in problems[2]
    assert isinstance(caught.value, ValueError) and "3 problem(s)" in str(caught.value)


# --- each kind of error in its own file ------------------------------------------------------------

BAD_FILES = [
    ("bad-json.jsonl", 2, "invalid JSON"),
    ("not-object.jsonl", 2, "expected a JSON object, got an array"),
    ("missing-field.jsonl", 2, "missing field 'type'"),
    ("wrong-type.jsonl", 2, "answerable: expected a boolean, got a string"),
    ("unknown-type.jsonl", 2, "type: unknown type 'trivia'"),
    ("unknown-field.jsonl", 2, "unknown field 'gold_clause'"),
    ("empty-question.jsonl", 2, "question: empty question"),
    ("duplicate-id.jsonl", 3, "id: duplicate id 'q001' (first used on line 1)"),
    ("unknown-clause.jsonl", 2, "gold_clauses: unknown clause ID '四（十）1'"),
    ("blank-lines-then-error.jsonl", 4, "gold_clauses: unknown clause ID '四（十）1'"),
    ("answerable-without-gold.jsonl", 2, "answerable question needs at least one gold clause"),
    ("unanswerable-with-gold.jsonl", 2, "unanswerable question must have no gold clauses"),
    ("fact-not-found.jsonl", 2, "answer_facts: '99%|九成九' not found in the text of 三（二）"),
    ("undecodable.jsonl", 2, "not valid UTF-8"),
]


@pytest.mark.parametrize(("name", "line", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_reports_problem_on_its_line(plan: Plan, name: str, line: int, message: str) -> None:
    problems = check_file(BAD / name, plan)
    assert problems, f"{name} was accepted"
    assert any(p.startswith(f"line {line}: ") and message in p for p in problems), problems
    # the valid first line of each file is never blamed
    assert not any(p.startswith("line 1: ") for p in problems)


def test_unanswerable_with_gold_also_reports_facts(plan: Plan) -> None:
    problems = check_file(BAD / "unanswerable-with-gold.jsonl", plan)
    assert "line 2: answer_facts: an unanswerable question must have no answer facts" in problems


def test_empty_file_is_reported(plan: Plan) -> None:
    assert check_file(BAD / "empty.jsonl", plan) == ["file: no questions (the file is empty)"]
    with pytest.raises(QuestionFileError):
        load_questions("", plan)


def test_every_bad_file_is_covered() -> None:
    covered = {b[0] for b in BAD_FILES} | {"empty.jsonl", "several-problems.jsonl"}
    assert {p.name for p in BAD.glob("*.jsonl")} == covered


def test_gold_clauses_may_name_the_evaluated_document(corpus_plan) -> None:
    from eval.questions import QuestionFileError, load_questions

    line = ('{"id": "d1", "question": "2019年学前三年毛入园率目标是多少？", "gold_clauses": ["%s"], '
            '"answer_facts": ["96.5%%"], "answerable": true, "type": "numeric"}')
    ok = load_questions((line % "南府办函2018-402·三（二）") + "\n", corpus_plan)
    assert ok[0].gold_clauses == ("三（二）",)
    with pytest.raises(QuestionFileError, match="names document"):
        load_questions((line % "武府办2019-12·三（二）") + "\n", corpus_plan)
