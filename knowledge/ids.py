"""Clause IDs: turning what people type (``4.2.3``, ``四(二)3``, ``第3条``) into canonical IDs.

Canonical forms (see knowledge.clause): ``一``, ``二（三）``, ``四（二）3``, ``四（二）3（1）``,
``第一章``, ``第一章第三条``, ``第三条``, ``通知``, ``引言``, ``段2``. Position decides the level of a
bare number: ``4.2.3`` is part 4, subsection 2, item 3, whatever script each number is written in.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.clause import Plan

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
CN_NUMERALS = "一二三四五六七八九十百零〇两"

_SPECIAL = {"通知": "通知", "印发通知": "通知", "封面通知": "通知", "引言": "引言", "前言": "引言",
            "序言": "引言", "导言": "引言"}


def cn_to_int(text: str) -> int | None:
    """Chinese or Arabic numeral below 1000 → int (``十二`` → 12, ``3`` → 3); None if it is neither."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:  # two digits in a row ("二三") is not a number
                return None
            digit = _CN_DIGITS[ch]
        else:
            unit = 10 if ch == "十" else 100
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)


def int_to_cn(n: int) -> str:
    """1..999 → Chinese numeral as documents write it (10 → 十, 12 → 十二, 21 → 二十一)."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += digits[ones]
    return out or "零"


# One level of a dotted/compact ID: (二) subsection, (1) sub-item, a Chinese or Arabic number.
_TOKEN = re.compile(
    rf"[.、]*(?:\((?P<pc>[{CN_NUMERALS}]+)\)|\((?P<pd>\d+)\)|(?P<c>[{CN_NUMERALS}]+)|(?P<d>\d+))"
)
_CHAPTER_ARTICLE = re.compile(
    rf"(?:第(?P<ch>[{CN_NUMERALS}\d]+)章)?(?:第(?P<art>[{CN_NUMERALS}\d]+)条)?(?P<rest>(?:\(\d+\))*)"
)
_PART_WORD = re.compile(rf"第([{CN_NUMERALS}\d]+)部分(.*)")


def _tokens(s: str) -> list[tuple[bool, int]] | None:
    """``四(二)3`` → [(False, 4), (True, 2), (False, 3)]: (written in parentheses, value)."""
    out: list[tuple[bool, int]] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None or m.end() == pos:
            return None
        raw = m.group("pc") or m.group("pd") or m.group("c") or m.group("d")
        value = cn_to_int(raw)
        if value is None or not 1 <= value <= 99:
            return None
        out.append((bool(m.group("pc") or m.group("pd")), value))
        pos = m.end()
    return out


def _render(tokens: list[tuple[bool, int]], start_level: int) -> str:
    pieces = []
    for level, (_, value) in enumerate(tokens, start=start_level):
        if level == 0:
            pieces.append(int_to_cn(value))
        elif level == 1:
            pieces.append(f"（{int_to_cn(value)}）")
        elif level == 2:
            pieces.append(str(value))
        else:
            pieces.append(f"（{value}）")
    return "".join(pieces)


def _resolve_suffix(suffix: str, plan: Plan | None) -> str | None:
    """A partial ID (``（二）3``, ``第三条``) → the one plan clause it ends, if exactly one."""
    if plan is None:
        return None
    found = [c.id for c in plan if c.id.endswith(suffix) and c.id != suffix and c.id[: -len(suffix)] in plan]
    return found[0] if len(found) == 1 else None


def _parse(s: str) -> tuple[str | None, bool]:
    """(canonical ID or partial suffix, whether it is partial)."""
    if s in _SPECIAL:
        return _SPECIAL[s], False
    if m := re.fullmatch(r"段(\d+)", s):
        return f"段{int(m.group(1))}", False
    if m := _PART_WORD.fullmatch(s):
        return _parse(m.group(1) + m.group(2))
    if s.startswith("第"):
        m = _CHAPTER_ARTICLE.fullmatch(s)
        if m is None or not (m.group("ch") or m.group("art")):
            return None, False
        out = ""
        for key, word in (("ch", "章"), ("art", "条")):
            if m.group(key):
                n = cn_to_int(m.group(key))
                if n is None or n < 1:
                    return None, False
                out += f"第{int_to_cn(n)}{word}"
        out += "".join(f"（{int(d)}）" for d in re.findall(r"\d+", m.group("rest")))
        return out, not m.group("ch")  # an article without its chapter may sit under one
    tokens = _tokens(s)
    if not tokens or len(tokens) > 4:
        return None, False
    if tokens[0][0]:  # starts with "(二)": relative to some part
        start = 1 if re.match(rf"\([{CN_NUMERALS}]", s) else 3
        if start + len(tokens) > 4:
            return None, False
        return _render(tokens, start), True
    return _render(tokens, 0), False


def normalize(raw: str) -> str:
    """Half-width, no spaces, no trailing punctuation: the form IDs are parsed from."""
    s = unicodedata.normalize("NFKC", raw)
    s = re.sub(r"\s+", "", s).replace("．", ".")
    s = re.sub(r"^(?:条款|第?条目|clause)", "", s, flags=re.IGNORECASE)
    return s.strip("。.、，,：:；;【】[]\"'“”")


def canonical_id(raw: str, plan: Plan | None = None) -> str | None:
    """The canonical clause ID for ``raw`` (an alias or the ID itself); None if it does not parse or,
    when ``plan`` is given, names no clause of it."""
    if not raw or len(raw) > 40:
        return None
    cid, partial = _parse(normalize(raw))
    if cid is None:
        return None
    if plan is None:
        return None if partial and not cid.startswith("第") else cid
    if cid in plan:
        return cid
    return _resolve_suffix(cid, plan) if partial or cid.startswith("第") else None


_CN = f"[{CN_NUMERALS}]"
# Clause mentions inside free text, tried on the NFKC-normalized question.
_MENTION = re.compile(
    rf"(?P<ca>第{_CN}{{1,4}}章(?:第[{CN_NUMERALS}\d]{{1,4}}条)?(?:\(\d{{1,2}}\))?"
    rf"|第[{CN_NUMERALS}\d]{{1,4}}条(?:\(\d{{1,2}}\))?)"
    rf"|(?P<part>第{_CN}{{1,3}}部分)"
    rf"|(?P<cn>(?<!{_CN}){_CN}{{1,3}}[.、]?\({_CN}{{1,3}}\)(?:\.?\d{{1,2}}(?![\d%.年月日个所项元万亿人倍])"
    rf"(?:\(\d{{1,2}}\))?)?)"
    r"|(?P<dot>(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.%]|\s*[%年月日个所项元万亿人倍]))"
    # 通知 is also an everyday word ("学校什么时候通知家长"): only as the document's notice.
    r"|(?P<word>(?:(?<=封面)|(?<=印发)|(?<=这份)|(?<=这个)|(?<=该)|(?<=本))通知"
    r"|(?<![\u4e00-\u9fff])通知|通知(?=部分|原文|正文|全文|内容|里|中|讲|说|写)|引言|段\d{1,3})"
)


def find_clause_ids(text: str, plan: Plan | None = None) -> list[str]:
    """Canonical IDs of the clauses a free text names (``四（二）3讲了什么`` → [``四（二）3``]), in
    order of mention, without repeats; with ``plan`` only IDs that exist in it."""
    out: list[str] = []
    for m in _MENTION.finditer(unicodedata.normalize("NFKC", text or "")):
        cid = canonical_id(m.group(0), plan)
        if cid is not None and cid not in out:
            out.append(cid)
    return out
