"""What a handler returns, and the words around cited lines: leads and partial refusals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evidence import Line, Reason
from assistant.slots import ENGLISH_NUMBERS, NAMED_MEMBERS
from knowledge.clause import Hit
from knowledge.places import PLACES
from knowledge.scanners import RATE


@dataclass(frozen=True)
class Reply:
    kind: str  # an Answer kind
    lead: str  # text before the cited lines ("" for none)
    lines: list[Line]
    refused: bool = False  # a partial refusal has lines but still counts as not answered
    reason: Reason | None = None  # why a refusal refused, shown to the user
    hits: tuple[Hit, ...] = ()  # when the handler searched on its own (compound questions)

    @classmethod
    def refusal(cls, reason: Reason | None = None) -> Reply:
        return cls("refusal", "", [], True, reason)

    @classmethod
    def nothing(cls) -> Reply:
        """A handler found nothing to say: the next handler gets the question."""
        return cls("none", "", [])


# How each asked detail looks when a sentence gives it. The plan gives rates, counts and years; it
# never gives amounts of money, calendar dates, people's names or contact details.
_DETAIL = {
    "money": re.compile(r"\d+(?:\.\d+)?\s*[万亿]?元"),
    "day": re.compile(r"\d+\s*月|\d+\s*日"),
    "date": re.compile(r"\d{4}\s*年(?![）)])|\d+\s*月|\d+\s*日|每年|逐年|年内|年底|年前"),
    "contact": re.compile(r"电话|\d{7,}|www\.|https?://|@"),
    # A place: where something is set ("落户在…", "设在…"), or the principle that places it ("就近入学").
    "place": re.compile(r"(落户|设在|位于|坐落|建在|选址)[于在]?[^，。；]{2}|就近|相对集中"),
    # Steps or what to hand in, not the mere word ("简化入学手续" names a procedure, it does not give it).
    "procedure": re.compile(r"(先|首先)[^。；]{0,30}(再|然后)|步骤|流程(如下|为|是)|"
                            r"(提交|提供|携带|准备)[^。；]{0,10}(材料|证明|证件)|(到|在)[^。；]{0,10}(办理|报名|申请)"),
    "person": re.compile(r"(局长|校长|主任|书记|市长|理事长)[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])"),
    # A stated criterion: conditions or a standard spelled out, or a threshold ("1500人以上大村").
    "criterion": re.compile(r"条件(是|为|包括)|标准(是|为)|(达到|符合)[^。；]{0,10}(标准|要求|条件)|须(具备|满足)|"
                            r"\d+\s*\S{0,3}以[上下]|是指|、[^。；]{0,30}等(情况|行为|情形)"),
    # A plan states targets; it never reports how they turned out.
    "outcome": re.compile(r"实际(达到|完成)|已(经)?(达到|完成|实现)|完成情况[:：为是]"),
    # A stated purpose answers a "why" ("…，着力推动高中多样化…").
    "reason": re.compile(r"为了|旨在|目的|以便|从而|着力|促进|推动|确保|满足|有利于|因此|由于"),
    # The wording itself, quoted ("誓词如下：…").
    "text": re.compile(r"(誓词|誓言|全文|原文|条文)(如下|为)?[:：“]"),
    "figure": re.compile(
        r"\d+(?:\.\d+)?\s*(?:%|％|个|所|项|名|人|万|亿|元|家|次|倍|分)|"
        r"[一二两三四五六七八九十百千]+\s*[个所项名家次倍大]|一批|一大批|全覆盖|只增不减"
    ),
}
# A figure of the kind asked for: a rate is not an answer to "how many people".
_UNIT_FIGURE = {
    "current": re.compile(r"(目前|现有|现在|已有|已建成?|共有)[^。；]{0,20}\d"),
    "rate": RATE,
    "duration": re.compile(r"(?<![\d.])\d{1,2}\s*年|[一二两三四五六七八九十]+\s*年"),
    # or a staffing formula of counts in quotes: “两教一保” (two teachers and one carer per class)
    "people": re.compile(r"\d+\s*[名人]|[一二两三四五六七八九十百千]+\s*[名人]|"
                         r"“[一二两三四五六七八九十][\u4e00-\u9fff][一二两三四五六七八九十][\u4e00-\u9fff]”"),
    "count": re.compile(r"\d+\s*[个所项家批]|[一二两三四五六七八九十百千]+\s*[个所项家批大]|一批|一大批"),
}
_DETAIL_WORDS = {
    "money": ("金额或经费标准", "amount of money"),
    "day": ("日期", "date"),
    "date": ("时间或日期", "date"),
    "members": ("名单（计划只给出了数量或总称）", "list of members (the plan gives only a count or a collective name)"),
    "contact": ("联系方式或地址", "contact details"),
    "place": ("位置或选址", "location"),
    "procedure": ("办理流程或申请方式", "procedure"),
    "person": ("人员姓名", "names of people"),
    "criterion": ("认定标准或条件", "criteria or conditions"),
    "text": ("原文", "wording of that text"),
    "outcome": ("实际完成情况（计划只规定目标）", "actual results (the plan sets targets only)"),
    "reason": ("原因或理由", "reasons"),
    "figure": ("数字", "figure"),
}
#: How an English evidence answer opens; a compound question's parts share one such lead.
EVIDENCE_LEAD = "According to the plan (quoted in Chinese below)"
_FIGURES = re.compile(r"\d+(?:\.\d+)?\s*[%％]|\d+\s*[个所项家名]|\d+—\d+\s*[个所]|20\d\d\s*年")


# A count and what it counts ("七大帮扶计划", "七个共同"), or what and its count ("示范性普通高中2所").
_COUNT = r"[二三四五六七八九十两]+[个所项家]|\d+\s*[个所项家]"
_COUNTED = re.compile(rf"([二三四五六七八九十两]+大|{_COUNT})\s*([\u4e00-\u9fff]{{2,4}})")
_COUNTED_AFTER = re.compile(rf"([\u4e00-\u9fff]{{2,4}})\s*({_COUNT})(?![\u4e00-\u9fff])")
_LISTED_BEFORE = re.compile(r"[\u4e00-\u9fff]、[^，。；]{0,40}等\s*$")


def unlisted_members(question: str, sentences: Sequence[str]) -> bool:
    """The question asks for the members of a set the plan only counts ("七大帮扶计划具体是哪七个",
    "2所示范性普通高中是哪两所") and the sentence that counts them does not list them all before the
    count ("…、国际经济与贸易等9个…" lists six of nine: "等" ends a list the plan leaves open)."""
    if _quoted_count_unlisted(question, sentences):
        return True
    counted = _COUNTED.findall(question) + [(c, h) for h, c in _COUNTED_AFTER.findall(question)]
    for count, head in counted:
        count = re.sub(r"\s+", "", count)
        heads = {head[i : i + 2] for i in range(len(head) - 1)}
        for sentence in sentences:
            compact = re.sub(r"\s+", "", sentence)
            at = compact.find(count)
            if at < 0 and count[-1] in "个所项家":  # "哪九个部门" where the plan writes "九部门"
                at = compact.find(count[:-1] + head[:2])
            if at >= 0 and any(h in compact for h in heads):
                return _unlisted_at(compact, at, count)
    return _english_count_unlisted(question, sentences)


def _unlisted_at(compact: str, at: int, count: str) -> bool:
    """Whether the set counted at ``at`` of a sentence is left without its members."""
    if _QUOTED_BEFORE.search(compact[:at].rstrip("“")):
        return False
    if not _LISTED_BEFORE.search(compact[:at]):
        return True
    listed = re.split(r"[，。；：]", compact[:at].rstrip("等"))[-1].count("、") + 1
    number = re.match(r"\d+", count)
    return bool(number) and listed < int(number.group())


#: An English question's counted set: "the seven … programmes", "the 'three major positionings'".
_ENGLISH_COUNTED = re.compile(r"\b(?:the|these|those|its)\s+[\"“'‘]?(" + "|".join(ENGLISH_NUMBERS) + r")\b", re.I)


def _english_count_unlisted(question: str, sentences: Sequence[str]) -> bool:
    """An English question counts a set ("the seven education assistance programmes") the way a
    sentence of the plan names one ("七大教育帮扶计划") without its members."""
    for word in _ENGLISH_COUNTED.findall(question):
        forms = ENGLISH_NUMBERS[word.lower()]
        for sentence in sentences:
            compact = re.sub(r"\s+", "", sentence)
            for found in _COUNTED.finditer(compact):
                if found.group(1)[:-1] in forms:
                    return _unlisted_at(compact, found.start(), found.group(1))
    return False


# Members spelled out in a quote right before their count ("“以流入地管理为主，以公办学校为主”的“两为主”").
_QUOTED_BEFORE = re.compile(r"”的?$")
# A quoted name made of a count ("“四有”好老师", "“三全”育人"): a collective name whose members the
# plan spells out only in a list right after it ("“一个基地、一个中心、一个平台”").
_QUOTED_COUNT = re.compile(r"[“\"]([一二三四五六七八九十两]+[\u4e00-\u9fff]{1,3})[”\"]")


def _quoted_count_unlisted(question: str, sentences: Sequence[str]) -> bool:
    for term in _QUOTED_COUNT.findall(question):
        for sentence in sentences:
            at = sentence.find(f"“{term}”")
            if at >= 0:
                return not (re.match(r"[（(：:]", sentence[at + len(term) + 2 :]) or _QUOTED_BEFORE.search(sentence[:at]))
    return False


_NAMED_KIND = re.compile(NAMED_MEMBERS, re.I)
_PLACE = "|".join(PLACES)
#: A proper name of each kind: a place or an ordinal before the kind's word ("南宁市第四职业技术学校").
_PROPER = {
    "所": re.compile(rf"(?<!《)(?:{_PLACE}|第[一二三四五六七八九十]+)[^，。；、]{{0,12}}?(?:学校|幼儿园|学院|高中|中学|小学|大学)"),
    "区": re.compile(rf"(?:{_PLACE}|第[一二三四五六七八九十]+)[^，。；、]{{0,8}}?[学片]区(?!制)"),
    "省": re.compile(_PLACE),
}


def unnamed_members(question: str, sentences: Sequence[str]) -> bool:
    """The question asks which named members of a kind ("实验园具体有哪几所幼儿园", "会被划进哪个学区",
    "和哪些省市的学校结对") and no sentence names one: a proper name has a place or an ordinal in it
    (it is not a kind such as 薄弱学校 or 实验园)."""
    found = _NAMED_KIND.search(question)
    if found is None:
        return False
    kind = re.sub(r"^.*\bwhich\b", "which", found.group(0), flags=re.I).lower()  # (the words before it aside)
    school = "所" in kind or any(w in kind for w in ("school", "kindergarten", "college"))
    district = "区" in kind or "district" in kind
    pattern = _PROPER["所"] if school else _PROPER["区"] if district else _PROPER["省"]
    return not any(pattern.search(s) for s in sentences)


#: What a criterion question wants to count as ("人口要达到多少才算“人口大镇”").
_DEFINED = re.compile(r"(?:才算|才能算|才叫|才能叫|算作)[“\"]?([\u4e00-\u9fff]{2,8}?)[”\"]?(?:吗|呢|啊|呀|？|\?|，|。|$)")


def criterion_given(question: str, sentences: Sequence[str]) -> bool:
    """A sentence states the criterion asked: for a term to count as, a threshold right before the
    term or a definition after it ("1500人以上大村" defines 大村; "人口大镇" alone defines nothing)."""
    term = _DEFINED.search(question)
    if term is None:
        return any(_DETAIL["criterion"].search(s) for s in sentences)
    word = re.escape(term.group(1))
    pattern = re.compile(rf"\d+\S{{0,3}}以[上下]的?{word}|{word}(是指|指的是|即)")
    return any(pattern.search(s.replace(" ", "")) for s in sentences)


#: Details no plan sentence is likely to give in passing: asked anywhere in a question, each is
#: checked, not only the first slot ("由谁负责？哪一年挂牌成立？").
HARD_DETAILS = ("day", "money", "person", "contact", "place", "procedure", "criterion", "text", "outcome")


def missing_detail(asks: str, sentences: Sequence[str], unit: str = "", question: str = "") -> str:
    """The asked detail ("date", "money", …) that none of the sentences gives, or ""."""
    if asks == "members":
        # a roster ("成员名单") is something a plan names at most, it does not print one
        roster = "名单" in question and not any("名单" in s for s in sentences)
        return asks if roster or unlisted_members(question, sentences) or unnamed_members(question, sentences) else ""
    if asks == "criterion":
        return "" if criterion_given(question, sentences) else asks
    pattern = _UNIT_FIGURE.get(unit) if asks == "figure" and unit else _DETAIL.get(asks)
    if pattern is None or any(pattern.search(s) for s in sentences):
        return ""
    return asks


def contradicted(figure: str, sentences: Sequence[str]) -> bool:
    """A sentence gives another figure of the same unit ("5所" against "示范性普通高中2所")."""
    found = re.match(r"(\d+(?:\.\d+)?)\s*(\S)", figure)
    if found is None or found.group(2) in "年月日":
        return False
    value, unit = found.groups()
    others = re.findall(rf"(\d+(?:\.\d+)?)\s*{re.escape(unit)}", " ".join(sentences))
    return any(other != value for other in others)


#: A figure counts what the plan names within this many characters of it (quotes, 建设, 达到).
NEXT_TO = 4


def given_elsewhere(figure: str, question: str, sentences: Sequence[str]) -> bool:
    """The plan has the question's figure, but for something else: what the question counts with it
    ("建设50个“名师工作室”") the plan counts with another figure of the same unit (“名师工作室”25个),
    the claimed one belonging to other words (“跨区域互派学习交流项目”50个). The plan's figure for a
    thing is the one of that unit written right beside where the plan names it (within NEXT_TO)."""
    found = re.search(re.escape(figure) + r"[“”\"'「」]*([\u4e00-\u9fff]{3,8})", question.replace(" ", ""))
    value = re.match(r"\d+(?:\.\d+)?", figure)
    if found is None or value is None:
        return False
    said = [sentence.replace(" ", "") for sentence in sentences]
    words = found.group(1)
    noun = next((words[:n] for n in range(len(words), 2, -1) if any(words[:n] in x for x in said)), "")
    unit = re.escape(figure[-1])
    nearest: set[str] = set()
    for sentence in said if noun else []:
        figures = [(m.start(), m.end(), m.group(1)) for m in re.finditer(rf"(\d+(?:\.\d+)?){unit}", sentence)]
        for mention in re.finditer(re.escape(noun) + r"[\u4e00-\u9fff]*", sentence):
            beside = [(max(start - mention.end(), mention.start() - end, 0), v) for start, end, v in figures]
            beside = [(d, v) for d, v in beside if d <= NEXT_TO]
            if beside:
                nearest.add(min(beside)[1])
    return bool(nearest) and value.group(0) not in nearest


def not_stated_text(figure: str, english: bool) -> str:
    """A correction: the figure the question takes for granted is not the plan's."""
    if english:
        return f"The plan does not state the figure “{figure}” given in the question. What it says (quoted in Chinese):"
    return f"计划中没有问题所说的“{figure}”。计划中相关的规定如下："


def partial_text(detail: str, english: bool) -> str:
    zh, en = _DETAIL_WORDS[detail]
    if english:
        return f"The plan does not give the {en} asked for. What it says on the topic (quoted in Chinese):"
    return f"计划中未提及具体的{zh}。计划中相关的规定如下："


def evidence_lead(english: bool, lines: Sequence[Line]) -> str:
    """A short lead before the quotes: the figures they carry, and for English questions a note that
    the quotes are the plan's Chinese text."""
    if not english:
        return ""
    figures = list(dict.fromkeys(f.replace(" ", "") for line in lines for f in _FIGURES.findall(line.text)))
    lead = EVIDENCE_LEAD
    if figures:
        lead += ", key figures: " + ", ".join(figures[:6])
    return lead + ":"


def parts_not_covered(parts: list[int], english: bool) -> str:
    """The lead of a compound answer some parts of which (0-based) the plan does not cover: by their
    numbers, the question's own words are never echoed back."""
    if english:
        return (f"The plan does not cover part {', '.join(str(i + 1) for i in parts)} of the question. "
                "What it says on the rest (quoted in Chinese):")
    return f"计划中未提及问题中{'、'.join(f'第{i + 1}问' for i in parts)}所问的内容。计划中相关的规定如下："
