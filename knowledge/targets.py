"""Numeric targets a clause sets: (indicator, period, value) read off its repaired text.

Two shapes occur in plans: rates (``学前三年毛入园率达到96.5%``) and counts, written either object
first (``建设“名师工作室”25个``, ``创建自治区示范性普通高中2所``) or count first
(``争取建设1—2个自治区级重点学科``). A count only counts when a verb or an enumeration introduces it,
so conditions such as ``贫困县1500人以上大村`` are not taken for targets.
"""

from __future__ import annotations

import re

from knowledge.clause import Target

_FIGURE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?(?:\s*[—–\-~～至]\s*\d+(?:\.\d+)?)?)\s*"
    r"(?:(?P<pct>[%％]|个百分点)"
    r"|(?P<unit>万平方米|平方米|万人次|人次|万人|万元|亿元|公里|所|个|项|家|名|人|座|支|门|套|台|间|户|种))"
    r"(?P<qual>以上|以下|左右|以内)?"
)
_TIME = re.compile(
    r"(?P<range>(?P<a>\d{4})\s*[—–\-~～至到]\s*(?P<b>\d{4})\s*年)"
    r"|(?P<year>(?P<y>\d{4})\s*年)"
    r"|(?P<within>(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*年内)"
)
_SENTENCE_END = "。！？；!?;"
_DELIMS = "，。；：、！？,;:!?"
# Words that introduce a count-first figure ("新建1—2所…", "…等9个…").
_TRIGGERS = ("新建", "建设", "建成", "创建", "遴选", "实施", "培育", "打造", "认定", "扶持", "支持", "新增",
             "增加", "培训", "引进", "招聘", "开展", "争取", "达到", "设立", "举办", "评选", "完成", "改扩建",
             "资助", "等", "约", "共", "累计")
_LEAD = re.compile(
    r"^(?:(?:到|至|在|截至)?\d{4}\s*年(?:底|末|前)?[，,]?|\d{1,2}年内[，,]?|力争|争取|全市|我市|本市|全区|全县|"
    r"使(?!用)|确保|实现|重点(?=建设|支持|推进|打造|培育|实施)|创建|建设|遴选|实施|支持|新建|建成|打造|培育|"
    r"开展|推动|推进|其中|累计|共计|逐步|进一步)"
)
_RATE_VERB = re.compile(
    r"(?:要|应|应当|将|须|必须)?"
    r"(?:达到|达|提高到|提升到|增长到|增至|提高至|保持在|稳定在|控制在|不低于|不少于|超过|高于|低于|为|到)$"
)


def _clean(indicator: str) -> str:
    s = re.sub(r"[“”\"‘’]", "", indicator).strip()
    while (m := _LEAD.match(s)) and m.end() < len(s):
        s = s[m.end():]
    return s.strip()


def _after_last(text: str, delims: str) -> str:
    cut = max(text.rfind(d) for d in delims)
    return text[cut + 1:]


def _object_after(text: str) -> str:
    """The noun phrase after a count-first figure, up to the clause delimiter (outside parentheses)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        elif depth <= 0 and ch in "，。；：！？,;:!?":
            return text[:i]
    return text


def _count_indicator(line: str, m: re.Match[str]) -> str:
    before, after = line[: m.start()], line[m.end():]
    if not after or after[0] in _DELIMS + "）)":  # object first: "建设“名师工作室”25个。"
        segment = _after_last(before, "，。；：！？,;:!?")
        quoted = re.search(r"[“\"]([^“”\"]+)[”\"]$", segment)
        if quoted:
            return _clean(quoted.group(1))
        return _clean(_after_last(segment, "、"))
    prefix = _after_last(before, _DELIMS)
    if prefix and not prefix.endswith(_TRIGGERS):
        return ""  # "贫困县1500人以上大村": a condition, not a target
    obj = _object_after(after)
    if "作为" in obj:  # "遴选90所优质中小学、中职学校作为市级教师培训基地学校"
        obj = obj.rsplit("作为", 1)[1]
    obj = re.sub(r"(?:的?建设|工作)$", "", obj)
    lead = "" if prefix.endswith("等") else _clean(prefix)
    if lead in _TRIGGERS:
        lead = ""
    return _clean(lead + obj)


def _rate_indicator(before: str) -> str:
    segment = _after_last(before, _DELIMS + "（(")
    return _clean(_RATE_VERB.sub("", segment.strip()))


def _period(before: str, default_period: str) -> str:
    found = list(_TIME.finditer(before))
    if not found:
        return default_period
    t = found[-1]
    if t.group("range"):
        return f"{t.group('a')}—{t.group('b')}"
    if t.group("year"):
        return t.group("y")
    return re.sub(r"\s+", "", t.group("within"))


def _sentence(line: str, start: int, end: int) -> str:
    left = max(line.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    rights = [i for i in (line.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(line)
    return line[left:right].strip()


def _mask_titles(line: str) -> str:
    """Blank out 《…》 titles (same length) so years and numbers inside them are not read as targets."""
    return re.sub(r"《[^《》]*》", lambda m: "《" + "□" * (len(m.group(0)) - 2) + "》", line)


def extract_targets(clause_id: str, text: str, default_period: str) -> tuple[Target, ...]:
    """Every target figure stated in ``text`` (one clause's own text). The period is the last time
    expression before the figure in the same paragraph (``到2020年``, ``2019年``, ``5年内``), else
    ``default_period``; each Target quotes its sentence verbatim from ``text``."""
    out: list[Target] = []
    for line in text.split("\n"):
        masked = _mask_titles(line)
        for m in _FIGURE.finditer(masked):
            indicator = _rate_indicator(line[: m.start()]) if m.group("pct") else _count_indicator(line, m)
            if len(indicator) < 2:
                continue
            target = Target(
                indicator=indicator,
                period=_period(masked[: m.start()], default_period),
                value=re.sub(r"\s+", "", m.group(0)),
                clause_id=clause_id,
                sentence=_sentence(line, m.start(), m.end()),
            )
            if target not in out:
                out.append(target)
    return tuple(out)
