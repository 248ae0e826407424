"""Names a question shares with the plan, found in the plan's own text rather than a hand-made list.

A question that names a programme, an institution or a document ("孤独症特教班", "南宁学院",
"幼儿园工作规程") should reach every sentence that names it, wherever dense retrieval ranks them. The
plan's wording is the lexicon: a stretch of the question (≥ MIN_CHARS CJK characters) that occurs
verbatim in the plan, and in few clauses, is such a name. Common phrases ("学前教育") occur in many
clauses and are left to ranking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.chunks import Chunk

#: Shortest stretch taken as a name: 4 CJK characters (3 are often generic, e.g. 幼儿园).
MIN_CHARS = 4
#: A stretch found in more clauses than this is a common phrase, not a name …
MAX_CLAUSES = 3
#: … unless it names an institution or a programme (ends like one), which a plan mentions often.
MAX_CLAUSES_INSTITUTION = 8
_INSTITUTION_END = ("学院", "大学", "学校", "中心", "基地", "集团", "平台", "工程", "计划", "项目", "工作室",
                    "管委会", "幼儿园", "高中", "院校")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# A quoted term, or one a question glosses in brackets ("按学生人数（生均）核算的经费").
_QUOTED = re.compile(r"[“「『\"']([^”」』\"']{2,20})[”」』\"']|[（(]([\u4e00-\u9fff]{2,6})[）)]")


# Nouns a question puts after the term it asks about ("智慧校园建设", "大通铺问题").
_GENERIC_TAIL = re.compile(r"(建设|工作|问题|情况|方面|内容|相关)$")
# How a question points at the term it asks about: after the verb ("提到了智慧校园", "mentions 智慧校园"),
# or before where it is ("立德树人在方案的哪些部分", "集团化办园在学前教育里") or before the mention verb
# ("智慧校园建设：涉及哪些学段", "智慧校园涉及哪几个学段"). "集团化办" in "集团化办学在方案里" is
# neither: the question's word goes on. The term may be called a word first ("智慧校园这个词在方案里").
_MENTION_VERB_BEFORE = re.compile(r"(提到|提及|讲到|说到|谈到|写到|mentions?)\s*[了的]?\s*$", re.I)
_WHERE_AFTER = re.compile(r"^\s*((这|这个|这一)(词|词语|说法|提法|概念|字眼))?\s*(在|[：:，,]?\s*(涉及|出现|提到|提及))")


def mentioned(question: str, start: int, end: int) -> bool:
    """True when question[start:end] is the term a "where does it mention" question asks about."""
    return bool(_MENTION_VERB_BEFORE.search(question[:start]) or _WHERE_AFTER.match(question[end:]))


@dataclass(frozen=True)
class Name:
    text: str  # verbatim in the question and in the plan
    chunk_ids: tuple[str, ...]  # every sentence that contains it, in plan order
    institution: bool = False  # ends like the name of an institution or programme


class Lexicon:
    """The plan's sentences, searchable for verbatim stretches of a question."""

    def __init__(self, chunks: Sequence[Chunk]):
        self._chunks = list(chunks)
        self._text = "\n".join(c.sentence for c in self._chunks)

    def names(self, question: str, mentions: bool = False) -> list[Name]:
        """Maximal stretches of the question that the plan uses in at most MAX_CLAUSES clauses, and
        the terms the question quotes (“智慧校园”): a quoted term is a name however often it occurs.
        ``mentions``: the question asks where the plan mentions something ("哪些地方提到智慧校园"), so
        the stretch it asks about is a name up to MAX_CLAUSES_INSTITUTION clauses, like a quoted term:
        the one the mention verb takes ("提到智慧校园") or that stands before where ("立德树人在方案…"),
        not any stretch ("…出钱出力支持教育，方案里哪些地方讲到了社会力量": 支持教育 is not asked about)."""
        found: list[Name] = []
        for quoted in ("".join(groups) for groups in _QUOTED.findall(question)):
            name = self._name(quoted, quoted=True)
            if name is not None:
                found.append(name)
        for match in _CJK_RUN.finditer(question):
            run, i = match.group(), 0
            while i + MIN_CHARS <= len(run):
                j = i + MIN_CHARS
                if run[i:j] not in self._text:
                    i += 1
                    continue
                while j < len(run) and run[i : j + 1] in self._text:
                    j += 1
                start, end = match.start() + i, match.start() + j
                asked = mentions and mentioned(question, start, end)
                name = self._name(self._term(run[i:j]) if asked else run[i:j], quoted=asked)
                if name is not None and all(name.text not in f.text for f in found):
                    found.append(name)
                i = j
        return found

    def _term(self, text: str) -> str:
        """The term a stretch names without a generic noun after it ("智慧校园建设" → 智慧校园): where
        the plan mentions a term is every sentence with the term, "普通高中智慧校园" too."""
        stem = _GENERIC_TAIL.sub("", text)
        return stem if len(stem) >= MIN_CHARS and stem in self._text else text

    def _name(self, text: str, quoted: bool = False) -> Name | None:
        ids = tuple(c.id for c in self._chunks if text in c.sentence)
        clauses = {c.clause_id for c in self._chunks if text in c.sentence}
        institution = quoted or text.endswith(_INSTITUTION_END)
        if not ids or len(clauses) > (MAX_CLAUSES_INSTITUTION if institution else MAX_CLAUSES):
            return None
        return Name(text, ids, institution)
