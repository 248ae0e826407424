"""Each metric on hand-made answers with known scores, and the harness around them."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, BadQuestion, Citation
from eval import metrics
from eval.harness import run_eval
from eval.questions import Question
from knowledge.clause import Clause, Hit, Plan

ITEM_TEXT = "3. 实现义务教育基本均衡发展县县全覆盖。2018年，全市实现义务教育基本均衡发展县县全覆盖。"
TARGET_TEXT = "（二）年度目标。2019 年，学前三年毛入园率达到 96.5%，九年义务教育巩固率达到 96%以上。"


def _clause(cid: str, parent: str | None, level: str, text: str, order: int) -> Clause:
    title = text.split("。")[0]
    return Clause(cid, parent, level, title, title, (title,), text, order)


def make_plan() -> Plan:
    """A five-clause plan shaped like the real one: 三 › 三（二）, 四 › 四（二） › 四（二）3."""
    return Plan(
        title="测试方案",
        doc_number="",
        clauses=(
            _clause("三", None, "part", "三、工作目标", 0),
            _clause("三（二）", "三", "subsection", TARGET_TEXT, 1),
            _clause("四", None, "part", "四、主要任务", 2),
            _clause("四（二）", "四", "subsection", "（二）实施义务教育均衡发展工程。", 3),
            _clause("四（二）3", "四（二）", "item", ITEM_TEXT, 4),
        ),
    )


def make_answer(text: str = "", cites: tuple[tuple[str, str], ...] = (), hits: tuple[str, ...] = (),
                refused: bool = False, total_ms: float | None = 10.0) -> Answer:
    return Answer(
        question="q",
        text=text,
        citations=tuple(Citation(cid, cid, quote) for cid, quote in cites),
        refused=refused,
        hits=tuple(Hit(cid, 1.0 / (i + 1), 0.5, 0.0) for i, cid in enumerate(hits)),
        timings_ms={} if total_ms is None else {"total": total_ms},
    )


def make_question(qid: str = "q1", gold: tuple[str, ...] = ("四（二）3",), facts: tuple[str, ...] = (),
                  answerable: bool = True, qtype: str = "factoid") -> Question:
    return Question(qid, f"question {qid}", gold, facts, answerable, qtype)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan()


def test_hit_at_k_and_reciprocal_rank_follow_the_hit_order():
    answer = make_answer(hits=("四（二）", "三（二）", "四（二）3", "四"))
    gold = ["四（二）3"]
    assert [metrics.hit_at(answer, gold, k) for k in (1, 3, 5)] == [0.0, 1.0, 1.0]
    assert metrics.reciprocal_rank(answer, gold) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(make_answer(hits=("三",)), gold) == 0.0


def test_citation_precision_and_recall_exact_and_with_partial_credit(plan):
    # cites the parent of the gold item (partial) and an unrelated clause (wrong)
    answer = make_answer(cites=(("四（二）", "x"), ("三（二）", "y"), ("四（二）", "x")))
    gold = ["四（二）3"]
    assert metrics.citation_precision(answer, gold, plan) == 0.0
    assert metrics.citation_recall(answer, gold, plan) == 0.0
    assert metrics.citation_precision(answer, gold, plan, partial=True) == pytest.approx(0.25)
    assert metrics.citation_recall(answer, gold, plan, partial=True) == pytest.approx(0.5)
    exact = make_answer(cites=(("四（二）3", "x"), ("三（二）", "y")))
    assert metrics.citation_precision(exact, ["四（二）3", "三"], plan) == pytest.approx(0.5)
    assert metrics.citation_recall(exact, ["四（二）3", "三"], plan) == pytest.approx(0.5)
    # a cited descendant of a gold subsection earns half a gold clause
    assert metrics.citation_recall(exact, ["四（二）3", "三"], plan, partial=True) == pytest.approx(0.75)
    assert metrics.citation_precision(make_answer(), gold, plan) is None


def test_fact_recall_ignores_spaces_full_width_percent_and_citation_quotes():
    text = "2019年学前三年毛入园率达到 96.5 ％。"
    assert metrics.fact_recall(text, ["96.5%"]) == 1.0
    assert metrics.fact_recall(text, ["96.5%", "二〇二〇|2020"]) == 0.5
    assert metrics.fact_recall(text, ["95%|96.5%"]) == 1.0
    assert metrics.fact_recall(text, []) is None
    answer = make_answer("见原文。【三（二）】", cites=(("三（二）", "96.5%"),))
    assert metrics.fact_recall(answer.text, ["96.5%"]) == 0.0  # the quote holds it, the answer does not


def test_faithfulness_checks_ids_citations_and_verbatim_quotes(plan):
    text = (
        "入园率达到96.5%。【三（二）】"  # faithful
        "全覆盖。【四（二）3】"  # quote is not verbatim
        "另见。【九（九）】"  # not a clause
        "还有。【四】"  # real clause but not cited
        "结尾没有引用。"
    )
    answer = make_answer(text, cites=(("三（二）", "学前三年毛入园率达到 96.5%"), ("四（二）3", "全市全覆盖")))
    sentences = metrics.cited_sentences(answer, plan)
    assert [s.clause_ids for s in sentences] == [("三（二）",), ("四（二）3",), ("九（九）",), ("四",)]
    assert [s.faithful for s in sentences] == [True, False, False, False]
    assert "not verbatim" in sentences[1].problems[0]
    assert metrics.faithfulness(answer, plan) == pytest.approx(0.25)
    assert metrics.faithfulness(make_answer("无法回答。", refused=True), plan) is None
    empty_quote = make_answer("全覆盖。【四（二）3】", cites=(("四（二）3", ""),))
    assert metrics.faithfulness(empty_quote, plan) == 0.0


def test_sentence_with_several_markers_needs_all_of_them_faithful(plan):
    answer = make_answer("两处都写了。【三（二）】【四（二）3】", cites=(("三（二）", "96.5%"),))
    assert metrics.faithfulness(answer, plan) == 0.0
    both = make_answer("两处都写了。【三（二）】【四（二）3】", cites=(("三（二）", "96.5%"), ("四（二）3", "全覆盖")))
    assert metrics.faithfulness(both, plan) == 1.0


def test_score_question_applies_refusal_metrics_to_the_right_questions(plan):
    refusal = make_answer("方案未涉及。", refused=True)
    unanswerable = metrics.score_question(make_question(gold=(), answerable=False), refusal, plan)
    assert unanswerable["refusal_rate"] == 1.0
    assert unanswerable["false_refusal_rate"] is None and unanswerable["hit@1"] is None
    answerable = metrics.score_question(make_question(facts=("2018年",)), refusal, plan)
    assert answerable["false_refusal_rate"] == 1.0 and answerable["refusal_rate"] is None
    assert answerable["fact_recall"] == 0.0 and answerable["all_facts"] == 0.0
    assert answerable["answer_length"] == len("方案未涉及。")


def test_percentile_and_aggregate_skip_inapplicable_rows():
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 50) == pytest.approx(25.0)
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 95) == pytest.approx(38.5)
    assert metrics.percentile([], 50) is None
    rows = [{"hit@1": 1.0, "latency_ms": 100.0}, {"hit@1": None, "latency_ms": 300.0}, {"hit@1": 0.0}]
    result = metrics.aggregate(rows)
    assert result["hit@1"] == 0.5
    assert result["latency_p50_ms"] == pytest.approx(200.0)
    assert result["refusal_rate"] is None
    assert list(result) == [m.name for m in metrics.METRICS]


def test_run_eval_scores_records_failures_and_survives_exceptions(plan):
    questions = [
        make_question("q1", facts=("2018年",), qtype="factoid"),
        make_question("q2", gold=("三（二）",), facts=("96.5%", "97%"), qtype="numeric"),
        make_question("q3", gold=(), answerable=False, qtype="unanswerable"),
        make_question("q4", qtype="factoid"),
        make_question("q5", gold=(), answerable=False, qtype="unanswerable"),
    ]
    answers = {
        "question q1": make_answer("2018年实现全覆盖。【四（二）3】", (("四（二）3", "全市实现"),), ("四（二）3",)),
        "question q2": make_answer("2019年达到96.5%。【四（二）】", (("四（二）", "实施义务教育"),), ("四（二）",)),
        "question q3": make_answer("方案未涉及。", refused=True),
    }
    seen_history = []

    def answer_fn(question, history):
        seen_history.append(history)
        if question == "question q5":
            raise BadQuestion("问题太长")
        if question not in answers:
            raise RuntimeError("boom")
        return answers[question]

    progress = []
    run = run_eval(questions, answer_fn, plan, progress=lambda d, t: progress.append((d, t)))
    by_id = {r.question.id: r for r in run.results}
    assert progress[-1] == (5, 5) and seen_history[0] == ()
    assert not by_id["q1"].failed and by_id["q1"].failures == ()
    assert by_id["q2"].failures == ("missing fact 97%", "cited 四（二） not gold 三（二）")
    assert not by_id["q3"].failed
    assert by_id["q4"].failed and by_id["q4"].failures[0] == "error: RuntimeError: boom"
    assert by_id["q4"].answer is None and by_id["q4"].scores["error_rate"] == 1.0
    assert not by_id["q5"].failed and by_id["q5"].answer["refused"]  # BadQuestion is a refusal
    assert run.metrics["error_rate"] == pytest.approx(0.2)
    assert run.metrics["hit@1"] == pytest.approx(1 / 3)  # q1 hit, q2 and q4 (error) missed
    assert run.metrics["refusal_rate"] == 1.0
    assert run.metrics["fact_recall"] == pytest.approx(0.75)  # q1 1.0, q2 0.5; q4 has no facts
    assert run.by_type["numeric"]["all_facts"] == 0.0
    assert sorted(run.by_type) == ["factoid", "numeric", "unanswerable"]
    assert run.to_json()["failed"] == 2
