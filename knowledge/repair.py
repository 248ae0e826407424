"""Paragraphs of a PDF-converted markdown document, repaired for reading and quoting.

PDF conversion leaves three kinds of damage: a page break splits a sentence into two paragraphs
(``卫生计`` / ``生委``), markdown hard breaks (two trailing spaces) cut lines inside a paragraph, and
spaces appear between CJK text and figures (``到 2020 年``, ``96% 以上``). A paragraph that does not
end a sentence continues in the next one, unless either is a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.ids import CN_NUMERALS, cn_to_int


@dataclass(frozen=True)
class Para:
    text: str
    md_heading: bool = False  # written as a markdown heading (# …); its level means nothing


_CN = f"[{CN_NUMERALS}]"
# Numbering at the start of a paragraph, by kind (see parser._RANK for nesting).
_MARKERS = (
    ("chapter", re.compile(rf"第({_CN}{{1,4}}|\d{{1,3}})章(?![程节])\s*")),
    ("article", re.compile(rf"第({_CN}{{1,4}}|\d{{1,3}})条(?![款例件])\s*")),
    ("part", re.compile(rf"({_CN}{{1,3}})、\s*")),
    ("subsection", re.compile(rf"[（(]({_CN}{{1,3}})[）)]\s*")),
    ("item", re.compile(r"(\d{1,2})[.．、](?!\d)\s*")),
    ("subitem", re.compile(r"[（(](\d{1,2})[）)]\s*")),
)
_HR = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_META = re.compile(r"^(?:公开方式|信息公开选项|抄送|抄报)[：:]")  # document metadata, not plan text
_ENDS = set("。！？；：…!?;:.")
_CLOSERS = {"”": "“", "’": "‘", "）": "（", ")": "(", "」": "「", "』": "『", "】": "【", "》": "《", "〉": "〈"}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WIDE_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018-\u201d\u2026"
_SPACES = r"[ \t\u00a0]+"
# Spaces the extraction put next to CJK text: before/after figures, Latin words and wide punctuation.
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}{_WIDE_PUNCT}]){_SPACES}(?=[0-9A-Za-z%％{_WIDE_PUNCT}])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[0-9A-Za-z%％{_WIDE_PUNCT}]){_SPACES}(?=[{_CJK}{_WIDE_PUNCT}])")


def marker(text: str) -> tuple[str, int, str] | None:
    """(kind, number, text after the number) when a paragraph starts with numbering, else None."""
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            n = cn_to_int(m.group(1))
            if n is not None and 1 <= n <= 999:
                return kind, n, text[m.end():]
    return None


def _join(a: str, b: str) -> str:
    a, b = a.rstrip(), b.lstrip()
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"  # Latin words keep their space
    return a + b


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends a sentence. A closing quote or bracket does when the sentence ended
    inside it (``…。”``) or when what it encloses stands after a sentence end (``。（组织实施单位：…）``)."""
    t = text.rstrip()
    if not t or t[-1] in _ENDS:
        return True
    if t[-1] not in _CLOSERS:
        return False
    if len(t) > 1 and t[-2] in _ENDS:
        return True
    closer, opener, depth = t[-1], _CLOSERS[t[-1]], 0
    for i in range(len(t) - 1, -1, -1):
        if t[i] == closer:
            depth += 1
        elif t[i] == opener:
            depth -= 1
            if depth == 0:
                return i == 0 or t[i - 1] in _ENDS
    return False


def _heading_like(p: Para) -> bool:
    """A heading line: a markdown heading, or numbering followed by words but no sentence."""
    if p.md_heading:
        return True
    found = marker(p.text)
    return found is not None and not re.search(r"[。！？；，]", found[2])


def _continues(prev: Para, nxt: Para, prev_is_first: bool) -> bool:
    if _heading_like(prev) or nxt.md_heading or marker(nxt.text) or ends_sentence(prev.text):
        return False
    # A short first line without commas is the document's title, not a cut sentence.
    return not (prev_is_first and len(prev.text) <= 60 and not re.search(r"[，。]", prev.text))


def _unmark(text: str) -> str:
    text = text.replace("**", "").replace("__", "")
    text = _SPACE_AFTER_CJK.sub("", text)
    return _SPACE_BEFORE_CJK.sub("", text).strip()


def _raw_paragraphs(text: str) -> list[Para]:
    paras: list[Para] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            joined = buf[0]
            for line in buf[1:]:
                joined = _join(joined, line)
            paras.append(Para(joined.strip()))
            buf.clear()

    for line in text.split("\n"):
        if not line.strip() or _HR.match(line):
            flush()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            paras.append(Para(heading.group(1).strip(), md_heading=True))
            continue
        if marker(line.strip().lstrip("*")):  # "1. …" on its own line starts a paragraph
            flush()
        buf.append(line)
    flush()
    return [p for p in paras if p.text.strip("* ") and not _META.match(p.text)]


def repaired_paragraphs(text: str) -> list[Para]:
    """The document's paragraphs with page breaks joined, markup and extraction spaces removed."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    raw = [Para(_unmark(p.text), p.md_heading) for p in _raw_paragraphs(text)]
    out: list[Para] = []
    for p in raw:
        if not p.text:
            continue
        if out and _continues(out[-1], p, prev_is_first=len(out) == 1):
            out[-1] = Para(_join(out[-1].text, p.text), out[-1].md_heading)
        else:
            out.append(p)
    return out
