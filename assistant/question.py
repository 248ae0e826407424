"""Reading a question: input checks, follow-ups, injections, and the cues that pick an answer route."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.answer import BadQuestion
from assistant.slots import STAGES
from assistant.year_phrases import spell_out_years
from knowledge.glossary import chinese_terms, english_spans, plan_terms
from knowledge.scanners import ASCII_YEAR, YEAR, YEAR_RANGE

_CJK = re.compile(r"[\u3400-\u9fff]")
# Instructions aimed at the assistant rather than questions about the plan. They are cut out of the
# question before it is read, so they cannot steer routing; the extractive composer obeys nothing anyway.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要遵守|不用管)(以上|之前|前面|上述|所有|你的)?[^，。,.!！？?]*?(规则|指令|指示|要求|设定|提示)[，,。.:：]?"
    r"|(ignore|disregard|forget)\s+(all\s+)?(the\s+)?(previous|above|prior|earlier|your)?\s*(rules|instructions|prompts?)[,.:;]?"
    # (a role given to the assistant, not "税务局扮演什么角色": what part a department plays)
    r"|(你现在是|(请你?|你)扮演|扮演(一个|一名|一位)|假装你是|act as|pretend to be|you are now)[^，。,.!！？?]*[，,。.]?"
    r"|(输出|打印|显示|泄露|告诉我)?(你的)?(系统提示词?|system prompt)"
    r"|(直接|只)(说|回答|告诉我)[:：]?",
    re.IGNORECASE,
)
_FOLLOWUP = re.compile(r"^(那么|那在|那|还有|另外|what about|how about|and in|and for|and)(?![a-z])", re.IGNORECASE)
# Requests to write or change something: the assistant quotes the plan, it does not author text.
_AUTHORING = re.compile(
    r"^(请你?|帮我|麻烦你?|能不能|可以|你)?(帮我|替我|给我)?(写|编写|撰写|创作|生成|翻译|改写|续写|起草|拟写|拟定|润色|修改|删除|删掉)"
    r"|(写|编|拟|起草)一[首篇段个份条]|(补充|添加|新增|增加|加上|插入)一(条|段|项|句)"
    r"|把[^。？?]{0,30}(改成|改为|写成|换成|删掉|删除|重写|重新写|翻译成|译成)|重新写一遍|重写一"
    r"|(设计|策划|拟定|起草|撰写|编写|写)(一|个)(个|份|套|篇|段|条)"
    r"|^(please\s+)?(write|draft|compose|rewrite|translate|edit|modify)\b",
    re.IGNORECASE,
)
# What makes the clauses after a request a question of their own ("…，再告诉我…是什么"); "并注明出自哪一条"
# is still the request.
_THEN_ASK = re.compile(r"告诉我|请问|问一下|是什么|是多少|有哪些|有什么|是哪|是谁|吗|多少|几[个所项名]")
#: "Among those": the follow-up narrows the previous question's set, so it keeps that subject even when it
#: names one of its own ("其中哪项由市卫计委参与？").
_WITHIN = re.compile(r"^(在|那)?(其中|这其中|这些|那些|上述|以上|它们|这里面|里面)")
#: A follow-up that asks about both subjects, the previous one and its own ("那X呢？这两项分别…").
_BOTH = re.compile(r"这两(?:项|个|类|者|件|方面|部分)?(?:部门|单位|工作|任务|群体|政策|地方|阶段)?|两者|二者")
# "It" in a follow-up ("那它…", "它的…"): the previous question's subject (not 它们: the items said).
_PRONOUN = re.compile(r"它(?!们)")
# "那对高职院校呢": a preposition before a follow-up's subject belongs to the previous question's wording.
_PREPOSITION = re.compile(r"^(对于?|关于)(?=[\u4e00-\u9fff]{2})")
# "这项" / "该条任务": the clause the previous question was about, like 它.
_CLAUSE_POINTER = re.compile(r"(这|该)一?[项条](任务|工作|措施|规定)?")
_ELLIPTIC_START = re.compile(r"^(它|其|该|这|那|由|还有|分别|and\b|what about|how about)", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    raw: str  # what the user typed (normalized whitespace)
    core: str  # injections cut out, follow-up resolved, before any vocabulary expansion
    text: str  # core plus the plan's terms for everyday or English words; used for retrieval
    own: str  # the user's own words without the history (equals core unless it is a follow-up)
    years: tuple[str, ...]  # years named in text, e.g. ("2019",)
    english: bool
    authoring: bool = False  # asks the assistant to write or change text rather than to answer
    declined: bool = False  # a request to write or change text was left out; the rest is a question
    shared: str = ""  # a sub-question's list names no subject of its own: the part before it, which does

    @property
    def followup(self) -> bool:
        return self.own != self.core


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


def bound_history(history: object, max_item_chars: int, max_turns: int, max_total_chars: int) -> list[str]:
    """The part of a client-supplied history the assistant reads: the last ``max_turns`` text items,
    each no longer than a question may be, at most ``max_total_chars`` in all. Anything else is
    dropped, never read: a history item is not checked like a question, and an unbounded one would
    cost unbounded time (a 200 KB item once took minutes of regex work)."""
    if not isinstance(history, (list, tuple)):
        return []
    kept: list[str] = []
    total = 0
    for item in reversed(history[-max_turns:] if max_turns > 0 else []):
        if not isinstance(item, str) or not item.strip() or len(item) > max_item_chars:
            continue
        if total + len(item) > max_total_chars:
            break
        kept.append(item)
        total += len(item)
    return kept[::-1]


def strip_injection(text: str) -> str:
    cleaned = _INJECTION.sub(" ", text)
    return " ".join(cleaned.split()).strip("，,。.:：;； ")



def years_in(text: str) -> tuple[str, ...]:
    """Years a question names; "2018年到2020年" names 2018, 2019 and 2020."""
    found = YEAR.findall(text) or ASCII_YEAR.findall(text)
    for start, end in YEAR_RANGE.findall(text):
        if int(start) < int(end) <= int(start) + 10:
            found += [str(y) for y in range(int(start), int(end) + 1)]
    return tuple(sorted(dict.fromkeys(found)))


#: A follow-up longer than this is a question of its own, whatever it names: 40 characters, or 16 words
#: in English (an English word carries about what two or three Chinese characters do).
LONGEST_FOLLOWUP = 40
LONGEST_ENGLISH_FOLLOWUP = 16
#: Words by which an English question points back at the one before it.
_EN_POINTER = re.compile(r"\b(it|its|they|them|their|this|these|those|that|such|same|there|then|each|both|also)\b", re.I)
_EN_OWN_WORDS = 5

Finder = Callable[[str], list[str]]


class Reader(Protocol):
    """What reading a follow-up needs to know of the plan (built by the composer)."""

    finders: Sequence[Finder]  # each finds one kind of subject (departments, indicators…) as written
    scopes: Finder  # finds the words that name a part of the plan ("义务教育", "普通高中")
    departments: Finder  # finds the departments a text names ("市财政局", "人社局")
    rates: Sequence[str]  # the plan's rates by name ("学前三年毛入园率", "高中阶段毛入学率")

    def has_topic(self, text: str) -> bool:
        """Whether the text names a subject of its own (a department, an indicator, a rare word)."""

    def asked(self, text: str) -> str:
        """The words of the text that ask ("谁", "多少"), or ""."""


def resolve_followup(text: str, history: Sequence[str], reader: Reader | None = None) -> str:
    """Make a follow-up a full question using the previous one.

    A follow-up is a short question with the usual cues (那…, …呢) or one that names no subject of its
    own. What it names wins over the history: its years replace the previous years, a subject it names
    replaces the previous one of the same kind, anything else is added. A cued follow-up that names a
    topic of its own ("那中小学老师的工资呢？") keeps its topic and only borrows what was asked.
    """
    bare = text.rstrip("？?。.！! ")
    english = is_english(bare)
    if not history or (len(bare.split()) > LONGEST_ENGLISH_FOLLOWUP if english else len(bare) > LONGEST_FOLLOWUP):
        return text
    within = bool(_WITHIN.match(bare))
    cued = within or bool(_FOLLOWUP.match(text)) or bool(_CLAUSE_POINTER.match(bare)) or (
        len(bare) <= 12 and (bare.endswith("呢") or bool(_ELLIPTIC_START.match(text))))
    topic = _has_topic(bare, reader)
    if not cued and topic:
        return text
    if english and not cued and not _EN_POINTER.search(bare) and len(bare.split()) >= _EN_OWN_WORDS:
        # An English question of five words or more that points back at nothing ("how does the plan
        # make sure the money keeps coming?") asks its own thing about the previous one's subject: the
        # plan terms of that one's words, not its whole question.
        borrowed = " ".join(t for t in chinese_terms(history[-1]) if t not in chinese_terms(text))
        return f"{text} {borrowed}".strip()
    previous = history[-1].rstrip("？?。. ")
    if len(history) > 1:  # the previous question may itself have been a follow-up
        previous = resolve_followup(previous, history[:-1], reader).rstrip("？?。. ")
    core = _FOLLOWUP.sub("", text).strip().rstrip("？?。.！! ").removesuffix("呢").strip("，, ")
    # "那对高职院校呢": the preposition is the previous question's ("方案里对中职学校…"), not the subject's
    core = _PREPOSITION.sub("", core) if _FOLLOWUP.match(text) else core
    pronoun = _PRONOUN.match(core)
    if reader and pronoun and _ASKING.search(core):
        # "那它在社区教育方面承担什么任务？": "it" opening a follow-up is the previous question's subject,
        # the rest is its own ("那X呢，…提到它" and "那2020年呢？它和…" name their own).
        subject = next((found[0] for find in (reader.departments, *reader.finders) if (found := find(previous))), "")
        if subject:
            return f"{subject}{core[pronoun.end():]}？"
    both = _both(core, previous, reader)
    if both:
        return both
    # "那X呢，方案在哪些地方提到它？": a subject of its own and a question of its own; nothing is borrowed.
    own = re.match(r"(.+?)呢[，,]\s*(.+)", core)
    if own and _ASKING.search(own.group(2)) and _has_topic(own.group(1), reader):
        return f"{own.group(1)}，{own.group(2)}？"
    # "那2020年呢？跟总体目标里写的一样吗？": the elliptical part is resolved on the previous question, and
    # the question after it asks about that (not "它…": that names the previous subject itself).
    then = re.match(r"(.+?)呢[？?]\s*(.+)", core)
    if then and _ASKING.search(then.group(2)) and not _PRONOUN.match(then.group(2)):
        first = resolve_followup(f"{then.group(1)}呢？", history, reader).rstrip("？?。. ")
        return f"{first}，{then.group(2)}？"
    core = spell_out_years(core, previous)  # "后两年" after a question about 2018: 2019 and 2020
    new_years = years_in(core)
    if len(new_years) == 1 and years_in(previous):
        previous = YEAR.sub(f"{new_years[0]}年", previous, count=1)
        core = YEAR.sub("", core).strip("，, 的")
    elif new_years:  # "from 2018 to 2020": the follow-up's own span of years replaces the previous ones
        previous = YEAR.sub("", previous)
    replaced = False
    if reader and english:  # the same, on the plan terms the English phrases translate to, or a part of
        # the plan named by them ("And for vocational schools?" after "… for general senior high schools …")
        rate = next((span for span, term in english_spans(previous) if term in reader.rates), "")
        own = _rate_named(" ".join(chinese_terms(core)), reader) if rate else []
        if len(own) == 1:  # "What about high school?" after "…the kindergarten enrollment target…":
            # that stage's rate, in the plan's term (the English words name no indicator of their own)
            previous, core, replaced = previous.replace(rate, own[0], 1), "", True
        for find in (*reader.finders, reader.scopes) if not replaced else ():
            old = _english_subject(find, previous)
            if old and _english_subject(find, core) not in ("", old):
                # The follow-up's words take the place of the previous subject's phrase, whole.
                subject = re.sub(r"^(the|a|an)\s+", "", core.strip(" ,"), flags=re.I)
                previous = re.sub(re.escape(old) + r"(e?s)?\b", lambda _, s=subject: s, previous, count=1)
                core, replaced = "", True
                break
    for find in reader.finders if reader else ():
        new, old = find(core), find(previous)
        if new and old and old[0] in previous:
            previous = previous.replace(old[0], new[0], 1)
            core = core.replace(new[0], "").strip("，, 的")
            replaced = True
    if reader and not replaced:  # "那义务教育呢？" after "普通高中的毛入学率…": the part of the plan asked about
        # (only when that part is all the follow-up names: "那义务教育的老师呢" has a subject of its own)
        new, old = reader.scopes(core), reader.scopes(previous)
        if not new and old and core and _has_topic(core, reader) and not _ASKING.search(core) \
                and not _has_topic(previous.replace(old[0], ""), reader):
            new = [core]  # "那高中阶段呢" after "学前教育2020年的目标…": the part was all it named; so is this
        if new and old and new[0] != old[0] and not _has_topic(core.replace(new[0], ""), reader):
            previous = previous.replace(old[0], new[0], 1)
            core = core.replace(new[0], "").strip("，, 的")
            replaced = True
        elif new and not old and reader.departments(previous) and not reader.departments(core) \
                and not _has_topic(core.replace(new[0], ""), reader):
            # "那义务教育呢？" after "市财政局负责哪些任务？": that department's tasks in that part of the plan
            return f"{previous}，{core}？"
    if reader and not replaced and not english and not reader.departments(previous):
        # "那幼儿园老师呢？" after "方案对中小学老师的工资待遇…", "那初中呢？" after "普通高中的大班额…":
        # the stage of schooling it names takes the previous one's place, when that is all it names new
        new, old = STAGES.findall(core), STAGES.findall(previous)
        rest = STAGES.sub("", core).strip("，, 的")
        if new and old and new[0] != old[0] and (not rest or rest in previous):
            # A stage within a rate's name ("学前三年毛入园率") names that indicator: the follow-up's stage
            # names the plan's rate of its own ("那高中呢？": 高中阶段毛入学率), if the plan has one.
            rate = re.search(re.escape(old[0]) + r"[^，,。？?]{0,6}率", previous)
            own = _rate_named(new[0], reader)
            if rate is None or len(own) == 1:
                previous = previous.replace(rate.group(0), own[0], 1) if rate else previous.replace(old[0], new[0], 1)
                core, replaced = "", True
    pointer = bool(_CLAUSE_POINTER.match(core))  # "这项…": about the previous subject, whatever else it names
    if reader and not replaced and not within and not pointer and core and _has_topic(core, reader):
        # What was asked before is borrowed only by a follow-up that asks nothing itself ("那孤独症的
        # 孩子有专门安排吗" asks its own question, not the previous figure).
        asks_nothing = not reader.asked(core) and not _ASKING.search(core)
        if asks_nothing and "、" in core:
            # "那残疾孩子上幼儿园、读职校这块呢？": several things of its own, each asked about, whatever
            # the question before asked of its own subject
            return f"{core}，分别怎么说？"
        asked = reader.asked(previous) if asks_nothing else ""
        return f"{core}，{asked}？" if asked else f"{core}？"
    return f"{previous}，{core}？" if core else f"{previous}？"


def _both(core: str, previous: str, reader: Reader | None) -> str:
    """"那农村留守儿童呢？这两项分别是哪些部门组织实施的？" after a question about 随迁子女 asks about
    both: "随迁子女和农村留守儿童分别是哪些部门组织实施的？". "" when the follow-up is not of that kind."""
    own = re.match(r"(.+?)呢[？?，,]\s*(.+)", core)
    found = _BOTH.search(own.group(2)) if own else None
    if reader is None or own is None or found is None:
        return ""
    subject = own.group(1).strip("，, ")
    for find in reader.finders:
        old, new = find(previous), find(subject) or ([subject] if _has_topic(subject, reader) else [])
        if old and new and old[0] != new[0]:
            return f"{own.group(2).replace(found.group(0), f'{old[0]}和{new[0]}', 1)}？"
    return ""


def _rate_named(terms: str, reader: Reader) -> list[str]:
    """The plan's rate a follow-up's terms name: the first indicator found ("义务教育" → 九年义务教育巩固率),
    else the one rate with the stage in its name ("高中" → 高中阶段毛入学率)."""
    found = [r for find in reader.finders for r in find(terms) if r in reader.rates]
    stages = STAGES.findall(terms)
    return found[:1] or [r for r in reader.rates if stages and stages[0] in r]


def _english_subject(find: Finder, text: str) -> str:
    """The first English phrase of a text whose plan term ``find`` knows as a subject, or ""."""
    return next((span for span, term in english_spans(text) if find(term)), "")


def _has_topic(text: str, reader: Reader | None) -> bool:
    """Whether a follow-up names a subject of its own; an English one by the plan's terms its words
    translate to ("the cross-regional exchange projects" → 跨区域, 交流, 项目)."""
    if reader is None:
        return bool(years_in(text))
    if is_english(text):
        return reader.has_topic(" ".join(chinese_terms(text)))
    return reader.has_topic(text)


def is_english(text: str) -> bool:
    # English with a Chinese term in brackets ("the 'two mains' principle (两为主)") is still English.
    return len(re.findall(r"[A-Za-z]", text)) > 2 * len(_CJK.findall(text))


# Colloquial question words read as the standard ones ("有啥说法", "咋办"): what is asked, not a topic.
_COLLOQUIAL = (("咋样", "怎么样"), ("咋办", "怎么办"), ("咋", "怎么"), ("啥", "什么"))


def standard_words(text: str) -> str:
    for colloquial, standard in _COLLOQUIAL:
        text = text.replace(colloquial, standard)
    return text


def without_request(text: str) -> str:
    """The question in a message that also asks to write or change text ("请先把“第57次”改成“第58次”，
    再告诉我文号是什么"): the clauses after the last request, when one of them asks; else ""."""
    clauses = [c.strip() for c in re.split(r"[，,。；;！!]", text) if c.strip()]
    last = max((i for i, c in enumerate(clauses) if _AUTHORING.search(c)), default=-1)
    rest = clauses[last + 1 :] if last >= 0 else []
    if not rest or not _THEN_ASK.search(rest[0]):
        return ""
    return re.sub(r"^(再|然后|之后|接着|另外|同时|并且?|顺便)", "", "，".join(rest)).strip()


def read(raw: str, history: Sequence[str] = (), reader: Reader | None = None) -> Question:
    """Analyse an already checked question; ``reader`` knows the plan's subjects for follow-ups."""
    cleaned = standard_words(strip_injection(raw))
    authoring = bool(_AUTHORING.search(cleaned))
    asked = without_request(cleaned) if authoring else ""
    if asked:  # the request is declined, the question is answered
        cleaned, authoring = asked, False
    clean_history = [standard_words(strip_injection(h)) for h in history if isinstance(h, str) and h.strip()]
    text = resolve_followup(cleaned, clean_history, reader) if cleaned else ""
    english = is_english(raw)
    core = text
    if text:
        terms = chinese_terms(text) if english else plan_terms(text)
        if terms:
            text = f"{text} {' '.join(terms)}"
    return Question(
        raw=raw,
        core=core,
        text=text,
        own=cleaned or core,
        years=years_in(text),
        english=english,
        authoring=authoring,
        declined=bool(asked),
    )


def parts(text: str) -> list[str]:
    """Sub-questions of a compound question ("A？B？"), or [text] when there is only one."""
    pieces = [p.strip() for p in re.split(r"[？?；;]", text) if len(p.strip()) >= 4]
    pieces = [q for p in pieces for q in announced(p)]
    # A remark after the last question ("…哪些任务？我们科室要对一下口径。") asks nothing of its own.
    # One that enumerates ("本地培训、出国培训都算进去") names the parts wanted.
    last = pieces[-1] if pieces else ""
    if len(pieces) >= 2 and not re.search(r"[？?；;]\s*$", text) and not _ASKING.search(last) and "、" not in last:
        pieces = pieces[:-1]
    return pieces if len(pieces) >= 2 else [text]


def announced(text: str) -> list[str]:
    """The questions a colon announces ("我关心三件事：A是多少，B有几所，还有C由谁出" → A是多少, B有几所,
    还有C由谁出) when every clause after it asks; else [text]. What comes before the colon is the
    asker's preamble ("作为高中校长，我关心三件事"): each question is read without it (with it, each
    part's answer took in what the preamble's words matched, two to three times as long)."""
    _, colon, rest = text.partition("：")
    clauses = [c.strip() for c in re.split(r"[，,、]", rest) if c.strip()]
    if not colon or len(clauses) < 2 or not all(_ASKING.search(c) and len(c) >= 4 for c in clauses):
        return [text]
    return clauses


# A question word, or a request to tell ("都列一下", "说说"): a part that has neither only remarks.
_ASKING = re.compile(r"吗|呢|什么|啥|哪|谁|多少|几|怎么|咋|如何|怎样|是否|有没有|能不能|会不会|是不是|可不可以|要不要|"
                     r"列(一下|出|举)|说说|讲讲|谈谈|介绍|告诉|说明|解释|总结|概括")


# "…, and how/what/about …" (or "…, and by when/through which …"): where an English question starts asking
# its next thing.
_EN_NEXT = re.compile(r",?\s+(?:and|as well as)\s+(?=(?:(?:by|in|at|from|for|to|with|under|through|on)\s+)?"
                      r"(?:about|how|what|which|who|when|where|whether|does|do|is|are|will|can)\b)|[?;]\s*(?=\S)", re.I)
#: An English sub-question has at least this many words: "how many X and how many Y are…" is one.
_EN_PART_WORDS = 5


# "… on A and on B": the preposition said again starts the second facet of the same question.
_EN_FACETS = re.compile(r"^(?P<head>.*?\b(?P<prep>on|for|about|in|to|regarding|of))\s+(?P<a>.+?),?\s+and\s+"
                        r"(?P=prep)\s+(?P<b>[^?;]+?)(?:,?\s+respectively)?(?P<tail>[?;].*)?$", re.I)


def english_facets(text: str) -> list[str]:
    """The facets of "What is planned for A and for B, respectively?" as whole questions ("What is
    planned for A?", "What is planned for B?"): each stands alone, none leans on the other. Or []."""
    facets = _EN_FACETS.match(text.strip())
    if facets is None or _EN_NEXT.search(facets.group("a")):
        return []
    head, tail = facets.group("head"), facets.group("tail") or "?"
    pieces = [f"{head} {facets.group('a')}?", f"{head} {facets.group('b')}{tail}"]
    return pieces if all(len(p.split()) >= _EN_PART_WORDS for p in pieces) else []


# "how many A and how many B are planned": a count asked of a noun with no verb of its own yet shares
# the verb (and the frame) of the count after it.
_EN_BARE_COUNT = re.compile(r"\bhow (?:many|much)(?:\s+(?!(?:will|would|is|are|was|were|be|does|do|did|can|"
                            r"could|should|must|has|have|had)\b)[\w'()（）\u4e00-\u9fff-]+){1,6}$", re.I)


def english_parts(text: str) -> list[str]:
    """Sub-questions of a compound English question ("What does the plan say about A, and about
    B?"), or [text]."""
    pieces = [p.strip(" ,") for p in _EN_NEXT.split(text) if p.strip(" ,")]
    if any(_EN_BARE_COUNT.search(p) and re.match(r"how (?:many|much)\b", q, re.I)
           for p, q in zip(pieces, pieces[1:], strict=False)):
        return [text]
    if len(pieces) < 2 or any(len(p.split()) < _EN_PART_WORDS for p in pieces):
        return [text]
    return pieces
