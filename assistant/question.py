"""Reading a question: input checks, follow-ups, injections, and the cues that pick an answer route."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import BadQuestion
from knowledge.glossary import chinese_terms, plan_terms

_YEAR = re.compile(r"(20\d\d)\s*年?")
_ASCII_YEAR = re.compile(r"\b(20\d\d)\b")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Instructions aimed at the assistant rather than questions about the plan. They are cut out of the
# question before it is read, so they cannot steer routing; the extractive composer obeys nothing anyway.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要遵守|不用管)(以上|之前|前面|上述|所有|你的)?[^，。,.!！？?]*?(规则|指令|指示|要求|设定|提示)[，,。.:：]?"
    r"|(ignore|disregard|forget)\s+(all\s+)?(the\s+)?(previous|above|prior|earlier|your)?\s*(rules|instructions|prompts?)[,.:;]?"
    r"|(你现在是|扮演|假装你是|act as|pretend to be|you are now)[^，。,.!！？?]*[，,。.]?"
    r"|(输出|打印|显示|泄露|告诉我)?(你的)?(系统提示词?|system prompt)"
    r"|(直接|只)(说|回答|告诉我)[:：]?",
    re.IGNORECASE,
)
_FOLLOWUP = re.compile(r"^(那么|那在|那|还有|另外|what about|how about|and in|and for|and)(?![a-z])", re.IGNORECASE)
_DUTY_CUES = re.compile(
    r"谁负责|谁来|由谁|哪些?(个)?(部门|单位|机构)|什么(部门|单位)|负责|牵头|组织实施|具体实施|实施单位|主管|职责|"
    r"\bwho\b|responsib|department|bureau|in charge|lead",
    re.IGNORECASE,
)
_TASKS_CUES = re.compile(r"哪些(任务|工作|事项|条款)|负责(什么|哪些)|有哪些职责|参与(了)?哪些|what (tasks|does)|which (tasks|items)", re.IGNORECASE)
_TARGET_CUES = re.compile(
    r"\d+\s*[个所项]|目标|多少|几个|几所|几家|百分之|达到|率|比例|数量|指标|%|％|how many|how much|rate|target|percent|number of",
    re.IGNORECASE,
)
_QUANTITY = re.compile(r"多少|(?<![哪好])几[个所项名家年次]|百分之几|多大|多高|how many|how much|what percentage", re.IGNORECASE)
_MONEY = re.compile(r"钱|[万亿]?元|经费|金额|工资|学费|[保育收]费|补贴|补助|投资|预算|奖学金|分数线|录取分|salary|fee|tuition|yuan|budget|money", re.IGNORECASE)
# Requests to write or change something: the assistant quotes the plan, it does not author text.
_AUTHORING = re.compile(r"^(请|帮我|麻烦)?(写|作|编|创作|生成|翻译|补充|添加|新增|修改|改写|续写|起草)|写一[首篇段个]|补充一条|编造|\bwrite (a|an|me)\b", re.IGNORECASE)
_ELLIPTIC_START = re.compile(r"^(它|其|该|这|那|由|还有|分别|and\b|what about|how about)", re.IGNORECASE)
#: Places the Nanning plan is not about; a question about them is answered with a refusal.
OTHER_PLACES = (
    "柳州", "桂林", "梧州", "北海", "防城港", "钦州", "贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左",
    "北京", "上海", "广州", "深圳", "天津", "重庆", "杭州", "成都", "武汉", "昆明", "长沙", "南京", "西安",
    "Liuzhou", "Guilin", "Beijing", "Shanghai", "Guangzhou", "Shenzhen",
)


@dataclass(frozen=True)
class Question:
    raw: str  # what the user typed (normalized whitespace)
    core: str  # injections cut out, follow-up resolved, before any vocabulary expansion
    text: str  # with injected instructions cut out and follow-ups resolved; used for retrieval
    years: tuple[str, ...]  # years named in text, e.g. ("2019",)
    english: bool
    asks_duty: bool
    asks_tasks: bool  # "which tasks does <department> do"
    asks_target: bool
    other_place: str  # a place other than Nanning that the question is about, or ""
    asks_quantity: bool = False  # wants a number (多少, 几个, how many)
    asks_money: bool = False  # wants an amount of money or an exam score, which the plan never states
    authoring: bool = False  # asks the assistant to write or change text rather than to answer


def check(raw: object, max_chars: int) -> str:
    """The question as clean text, or BadQuestion with a message for the user."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadQuestion("问题不是有效的 UTF-8 文本，请重新输入。(The question is not valid UTF-8 text.)") from exc
    if not isinstance(raw, str):
        raise BadQuestion("问题必须是文本。(The question must be text.)")
    text = unicodedata.normalize("NFC", raw).replace("\x00", "")
    if "\ufffd" in text or any(unicodedata.category(ch) == "Cs" for ch in text):
        raise BadQuestion("问题包含无法识别的字符（可能是乱码），请重新输入。(The question contains undecodable bytes.)")
    text = " ".join(text.split())
    if not text:
        raise BadQuestion("问题为空，请输入一个关于计划的问题。(The question is empty.)")
    if len(text) > max_chars:
        raise BadQuestion(
            f"问题过长（{len(text)} 字），请控制在 {max_chars} 字以内。"
            f"(The question is {len(text)} characters long; the limit is {max_chars}.)"
        )
    printable = sum(1 for ch in text if ch.isalnum() or _CJK.match(ch))
    if printable == 0:
        raise BadQuestion("问题中没有可读的文字，请重新输入。(The question has no readable words.)")
    return text


def strip_injection(text: str) -> str:
    cleaned = _INJECTION.sub(" ", text)
    return " ".join(cleaned.split()).strip("，,。.:：;； ")


_YEAR_RANGE = re.compile(r"(20\d\d)\s*年?\s*(?:到|至|—|–|-|~)\s*(20\d\d)")


def years_in(text: str) -> tuple[str, ...]:
    """Years a question names; "2018年到2020年" names 2018, 2019 and 2020."""
    found = _YEAR.findall(text) or _ASCII_YEAR.findall(text)
    for start, end in _YEAR_RANGE.findall(text):
        if int(start) < int(end) <= int(start) + 10:
            found += [str(y) for y in range(int(start), int(end) + 1)]
    return tuple(sorted(dict.fromkeys(found)))


def resolve_followup(text: str, history: Sequence[str]) -> str:
    """Make an elliptical follow-up ("那2019年呢？") a full question using the previous one."""
    if not history:
        return text
    previous = history[-1]
    elliptical = (
        bool(_FOLLOWUP.match(text))
        or (len(text) <= 10 and text.rstrip("？?").endswith("呢"))
        or (len(text) <= 12 and bool(_ELLIPTIC_START.match(text)))
        or len(text.rstrip("？?")) <= 8
    )
    if not elliptical:
        return text
    new_years, old_years = years_in(text), years_in(previous)
    if new_years and old_years:
        return _YEAR.sub(lambda m: f"{new_years[0]}年", previous, count=1)
    core = _FOLLOWUP.sub("", text).strip().rstrip("？?呢")
    return f"{previous.rstrip('？?。')}，{core}？" if core else previous


def read(raw: str, history: Sequence[str] = ()) -> Question:
    """Analyse an already checked question."""
    cleaned = strip_injection(raw)
    clean_history = [strip_injection(h) for h in history if isinstance(h, str) and h.strip()]
    text = resolve_followup(cleaned, clean_history) if cleaned else ""
    english = not _CJK.search(raw)
    core = text
    if text:
        terms = chinese_terms(text) if english else plan_terms(text)
        if terms:
            text = f"{text} {' '.join(terms)}"
    place = next((p for p in OTHER_PLACES if p.lower() in text.lower()), "")
    return Question(
        raw=raw,
        core=core,
        text=text,
        years=years_in(text),
        english=english,
        asks_duty=bool(_DUTY_CUES.search(text)),
        asks_tasks=bool(_TASKS_CUES.search(text)),
        asks_target=bool(_TARGET_CUES.search(text)),
        other_place=place,
        asks_quantity=bool(_QUANTITY.search(text)),
        asks_money=bool(_MONEY.search(text)) and bool(_QUANTITY.search(text) or "具体" in text),
        authoring=bool(_AUTHORING.search(cleaned)),
    )


def parts(text: str) -> list[str]:
    """Sub-questions of a compound question ("A？B？"), or [text] when there is only one."""
    pieces = [p.strip() for p in re.split(r"[？?；;]", text) if len(p.strip()) >= 4]
    return pieces if len(pieces) >= 2 else [text]
