"""Sentence chunks: splitting, the token budget (real tiktoken counts) and keyword tokens."""

from __future__ import annotations

import pytest

from knowledge.chunks import TOKEN_BUDGET, chunk_clauses, count_tokens, keyword_tokens, split_sentences
from knowledge.clause import Clause

DUTY = "（组织实施单位：市教育局、财政局、发展改革委；具体实施单位：各县区人民政府、开发区管委会）"


@pytest.fixture(scope="module")
def chunks(corpus_plan):
    return chunk_clauses(corpus_plan.clauses)


def _clause(text: str, cid: str = "四（九）9") -> Clause:
    return Clause(cid, "四（九）", "item", "测试条款", "9. 测试条款", ("四、主要任务", "9. 测试条款"), text, 0)


def test_responsibility_parenthetical_stays_one_sentence() -> None:
    text = f"9. 测试条款。做好甲工作；做好乙工作。{DUTY}"
    assert split_sentences(text) == ["9. 测试条款。", "做好甲工作；", "做好乙工作。", DUTY]


def test_every_real_responsibility_parenthetical_is_one_whole_sentence(corpus_plan) -> None:
    items = [c for c in corpus_plan if c.duty is not None]
    assert len(items) >= 25
    for clause in items:
        start = clause.text.rfind("（组织实施单位")
        parenthetical = clause.text[start : clause.text.index("）", start) + 1]
        assert parenthetical in split_sentences(clause.text), clause.id


def test_split_on_line_ends_and_enders_but_not_inside_quotes_or_book_titles() -> None:
    text = "贯彻《规程；指南》精神。\n推进“课堂用；经常用”！再见"
    assert split_sentences(text) == ["贯彻《规程；指南》精神。", "推进“课堂用；经常用”！", "再见"]


def test_unbalanced_bracket_does_not_swallow_the_next_line() -> None:
    # A bracket opened on one line and never closed must not glue the rest of the clause together.
    assert split_sentences("甲（未闭合；乙\n丙。丁。") == ["甲（未闭合；乙", "丙。", "丁。"]


def test_blank_and_whitespace_only_text_gives_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_every_chunk_sentence_is_verbatim_in_its_clause_text(corpus_plan, chunks) -> None:
    assert len(chunks) > len(corpus_plan)
    for chunk in chunks:
        clause = corpus_plan.get(chunk.clause_id)
        assert clause is not None
        assert chunk.sentence and chunk.sentence in clause.text, chunk.id


def test_chunk_ids_are_unique_and_positions_count_up_per_clause(chunks) -> None:
    assert len({c.id for c in chunks}) == len(chunks)
    positions: dict[str, list[int]] = {}
    for chunk in chunks:
        assert chunk.id == f"{chunk.clause_id}#{chunk.position}"
        positions.setdefault(chunk.clause_id, []).append(chunk.position)
    assert all(p == list(range(len(p))) for p in positions.values())


def test_embed_text_is_heading_path_plus_sentence(corpus_plan, chunks) -> None:
    for chunk in chunks:
        path = corpus_plan.get(chunk.clause_id).heading_path
        assert chunk.embed_text == (f"{path}：{chunk.sentence}" if path else chunk.sentence)


def test_real_plan_chunks_respect_the_token_budget(corpus_plan, chunks) -> None:
    long = [s for c in corpus_plan for s in split_sentences(c.text) if count_tokens(s) > TOKEN_BUDGET]
    assert long, "the plan has sentences over the budget, so splitting is exercised"
    assert max(count_tokens(c.sentence) for c in chunks) <= TOKEN_BUDGET
    joined = {c.clause_id: "".join(x.sentence for x in chunks if x.clause_id == c.clause_id) for c in chunks}
    for sentence in long:
        # Its pieces, in order, rebuild the long sentence (separators kept, nothing rewritten).
        assert any(sentence in text for text in joined.values())


def test_long_sentence_is_split_into_verbatim_pieces_under_the_budget() -> None:
    parts = [f"第{i}项任务要扎实推进城乡义务教育学校标准化建设" for i in range(40)]
    sentence = "，".join(parts) + "。"
    assert count_tokens(sentence) > 4 * 60
    pieces = [c.sentence for c in chunk_clauses([_clause(sentence)], budget=60)]
    assert len(pieces) >= 4
    for piece in pieces:
        assert piece in sentence
        assert count_tokens(piece) <= 60
    assert "".join(pieces) == sentence


def test_short_sentence_is_not_split() -> None:
    chunks = chunk_clauses([_clause("推进学校标准化建设。")], budget=60)
    assert [c.sentence for c in chunks] == ["推进学校标准化建设。"]


def test_count_tokens_uses_cl100k_counts() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2  # cl100k_base: "hello", " world"
    assert count_tokens("学前三年毛入园率") > 4  # CJK costs about one token per character or more
    assert count_tokens("<|endoftext|>") > 1  # special tokens in text are counted as plain text, not refused


def test_keyword_tokens_bigrams_latin_and_numbers() -> None:
    assert keyword_tokens("入园率达到96.5%") == ["入园", "园率", "率达", "达到", "96.5%"]
    assert keyword_tokens("Gross Enrollment 率") == ["gross", "enrollment", "率"]
    assert keyword_tokens("建设25个") == ["建设", "25", "个"]
    assert keyword_tokens("，。！？") == []


def test_a_one_character_alternative_in_brackets_is_one_word() -> None:
    # the plan writes 县（区）, questions write 县区: the keyword leg must see the same word
    assert "县区" in keyword_tokens("各县（区）出台本地普惠性民办幼儿园认定管理办法")
    assert "乡镇" in keyword_tokens("对县（区）、乡（镇）贫困家庭子女")
    assert "迁建" in keyword_tokens("新建（迁建）小学") and "建迁" not in keyword_tokens("新建（迁建）小学")
