"""A question's structure: what it asks for (the slot type) and what it names (slots), read once.

Handlers read the frame, not the raw text, so one cue list serves every route and a route never
re-parses wording. The cues are general question words (多少, 什么时候, 谁, which, how many), not
phrases of particular questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.facets import hide_words, show_words
from assistant.question import Question
from assistant.slots import ADOPTION as _ADOPTION
from assistant.slots import ASKS as _ASKS
from assistant.slots import LIST as _LIST
from assistant.slots import PLAN_ITSELF
from assistant.slots import ROLES as _ROLE
from assistant.slots import TASKS as _TASKS
from assistant.slots import UNITS as _UNITS
from assistant.titles import named_in_english, named_parts, named_within
from knowledge.chunks import keyword_tokens
from knowledge.clause import Clause, Plan
from knowledge.departments import department_mentions, find_departments
from knowledge.lexicon import Lexicon, Name
from knowledge.scanners import FIGURE

# Asking where the plan mentions something ("哪些地方提到", "出现在哪些地方", "where does the plan mention").
_MENTIONS = re.compile(r"(提到|提及|说到|讲到|出现|涉及)[^，。？?]{0,8}(哪|几)|(哪|几)[^，。？?]{0,8}(提到|提及|说到|讲到|出现|涉及)|"
                       r"where (does|do|is) .*mention", re.I)
# Only in a role ("只作为具体实施单位"), not only one department ("只安排了教育局一个组织实施单位").
# A claim about who is responsible, put as a question ("是教育局一家负责的吧", "民政局不用管吗", "是教育局来
# 组织吗").
_CLAIMED_DUTY = re.compile(r"(负责|管|承担|牵头|组织|实施)[^，。？?]{0,6}(吧|吗)|不用管|一家(负责|管)|"
                           r"\b(leads?|organi[sz]\w*|responsible|in charge)\b[^?]{0,80}\b(right|correct|isn'?t it|doesn'?t it)\b",
                           re.I)
# A question that states something and asks whether it is so ("是财政局负责的吧", "…, right?", "Is the tax
# bureau responsible …?"); beside _CLAIMED_DUTY and _VERIFY, which read what such a claim asks for.
_WHETHER = re.compile(r"吧|吗|对不对|是不是|是否|^\s*(is|are|does|do|did|was|were)\b|\bright\b|\bisn'?t it\b|"
                      r"\bdoesn'?t it\b|\bcorrect\b|\btrue\b", re.I)
_ONLY = re.compile(r"(只|仅|单单)(是|以|当|做|作为|担任|在)|only (as|in)\b", re.I)
_SCOPE_NOUN = re.compile(r"工程|计划|措施|目标|原则|部分|板块|方面")
# How a question says a department takes part: the asking, not a topic of the tasks.
_INVOLVEMENT = re.compile(r"作为|参[与加]|提到|提及|(好?几|哪些|多)个?地方|每一?[项条个]|共同|一起|同时|出现|担任|承担|负责|涉及|扮演|角色|单位|部门|机构|工作|任务|事项|方案|文件|里面?|其中|这些|那些")
_CONJUNCTION = re.compile(r"以及|和|与|及|跟")
_DEMONSTRATIVE = re.compile(r"那个|这个|那一|这一|那|这|的")


@dataclass(frozen=True)
class QueryFrame:
    question: Question
    # money | outcome | day | date | procedure | criterion | reason | text | person | members | contact | place |
    # document | figure | department | "" (assistant.slots.ASKS, in that order)
    asks: str
    wants_list: bool  # a list or an overview, not one fact
    asks_tasks: bool  # "which tasks does <department> take part in"
    departments: tuple[str, ...]  # canonical, in order of mention
    role: str  # 组织实施单位 | 具体实施单位 | "" (either)
    role_only: bool  # "only as 具体实施单位"
    scope: str  # id of the part or subsection the question names by its title, or ""
    scopes: tuple[str, ...]  # every one it names ("A工程和B工程的组织实施单位有什么区别"), in order
    about_scope: bool  # the question asks about that part as a whole ("基本原则有哪些"), nothing more
    about_plan: bool  # how the plan itself was adopted or issued ("这个方案是哪次会议定下来的")
    names: tuple[Name, ...]  # stretches the question shares with few clauses of the plan
    claimed: tuple[str, ...]  # figures stated in the question ("98%"), to check against the plan
    unit: str  # for a figure question, what is counted: "people", "count", "rate", or "" (any)
    also_asks: tuple[str, ...] = ()  # every slot type asked, ``asks`` first ("建多少个，由谁负责": figure, department)
    mentions: bool = False  # asks where (or how often) the plan mentions what it names
    topic: str = ""  # for a department question: what it is about besides the department ("在留学生方面"); 、 between topics
    asks_whether: bool = False  # states something and asks whether it is so ("是财政局负责的吧", "Is X …?")

    @property
    def english(self) -> bool:
        return self.question.english


def read_frame(question: Question, plan: Plan, lexicon: Lexicon, reader: PlanReader | None = None) -> QueryFrame:
    text = question.text
    # In a follow-up, what the user's own words ask for wins over what the history asked.
    # The glossary's Chinese terms added to an English question ("implement" → 具体实施) name roles
    # to search for; they do not say what is asked.
    asks = _asks(question.own) or _asks(question.core if question.english else text)
    departments = tuple(find_departments(text))
    if not asks and departments and _CLAIMED_DUTY.search(text):
        asks = "department"  # "是教育局一家负责的吧，民政局不用管？": who is responsible, claimed
    if asks == "members" and _ROLE_UNITS.search(question.core):
        asks = "department"  # "组织实施单位名单…都有哪些": every item prints its units in full
    roles = [name for name, pattern in _ROLE if pattern.search(text)]
    role = roles[0] if len(roles) == 1 else ""  # "是组织还是具体实施单位": either
    mentions = bool(_MENTIONS.search(question.core))
    named_scopes = _scopes(question.text, plan)
    # The longest name when it names several.
    scope, stretch = max(named_scopes, key=lambda n: len(n[1]), default=("", ""))
    return QueryFrame(
        question=question,
        asks=asks,
        wants_list=bool(_LIST.search(text)) or _claims(question.core) > 1,
        asks_tasks=bool(departments) and bool(_TASKS.search(text)),
        departments=departments,
        role=role,
        role_only=bool(role) and bool(_ONLY.search(text)),
        scope=scope,
        scopes=tuple(c for c, _ in named_scopes),
        about_plan=asks != "document" and bool(PLAN_ITSELF.search(question.core) and _ADOPTION.search(question.core)),
        # A word beside the part's title that narrows it ("保障措施里要求宣传什么") makes the question
        # about that word there, not about the part as a whole.
        about_scope=bool(scope) and not _has_topic(_PLAN_NOUN.sub(" ", _without_name(question.core, plan, scope, stretch)),
                                                   reader, BESIDES_IDF),
        names=tuple(lexicon.names(question.core, mentions=mentions)),
        mentions=mentions,
        claimed=tuple(f.replace(" ", "").replace("％", "%") for f in FIGURE.findall(question.raw)),
        unit=next((name for name, pattern in _UNITS if pattern.search(question.own or text)), ""),
        also_asks=_all_asks(asks, question.core),
        topic=_topic_besides(question.core, reader) if departments else "",
        asks_whether=bool(_WHETHER.search(question.core)),
    )


# The units of an item's role: a roster the plan prints, not a set it may only count or name.
_ROLE_UNITS = re.compile(r"(组织|具体|牵头|执行|责任)[^，。？?]{0,2}单位")


# "…，对吧？": the user states claims and asks whether they hold; each claim needs its evidence.
_VERIFY = re.compile(r"[，,]?\s*(对吧|对吗|对不对|是这样吗|是不是这样|没错吧|是吗|right\?|correct\?|is that (right|correct))\s*[？?]?\s*$",
                     re.I)


def _claims(text: str) -> int:
    """How many claims a verification question states ("市本级负责义务教育，高中由县区出钱，对吧" → 2)."""
    found = _VERIFY.search(text)
    if found is None:
        return 0
    return len([c for c in re.split(r"[，,；;]", text[: found.start()]) if len(c.strip()) >= 4])


def _all_asks(first: str, text: str) -> tuple[str, ...]:
    text = _without_indefinites(text)
    found = [first, *(name for name, pattern in _ASKS if pattern.search(text))]
    return tuple(name for name in dict.fromkeys(found) if name)


def _topic_besides(text: str, reader: PlanReader | None) -> str:
    """What a question about a department asks about besides the department and the asking
    ("南宁学院在留学生方面要做什么" → "留学生"), or "" when nothing of its own is left."""
    rest = text
    for mention in department_mentions(text):
        rest = rest.replace(mention, "")
    # Topics joined by a conjunction ("在师德和师资培养方面") stay apart: each narrows on its own.
    # Involvement words go first: a conjunction inside one ("参与") is not a join.
    rest = _SCOPE_NOUN.sub("", _strip_cues(show_words(_CONJUNCTION.sub("、", hide_words(_INVOLVEMENT.sub("", rest)))))).strip("、")
    # Next to a department, a rarer word than usual for a topic already narrows its tasks.
    return rest if rest and reader is not None and reader.has_topic(rest, BESIDES_IDF) else ""


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_FUNCTION_CHARS = re.compile(r"一起|[是的了吗呢啊在和与及有都要个这那该其哪些什么怎么如何样呀吧还也又，,。？?！! ]")


def slot_only(text: str) -> bool:
    """Whether a question only asks (具体实施单位是谁, 目标是多少) and names no subject of its own."""
    rest = _strip_cues(text)
    return len(re.findall(r"[\u3400-\u9fff]", rest)) <= 2 and not re.search(r"[A-Za-z]{4,}", rest)


#: A word in at most about three of the plan's sentences (idf ≥ this) is a topic of its own.
TOPIC_IDF = 4.5
#: Besides a named department, a word in at most about ten of the plan's sentences (idf ≥ this) narrows it.
BESIDES_IDF = 3.3


class PlanReader:
    """Reads follow-ups against one plan: which subjects a text names, and what it asks."""

    def __init__(self, finders: tuple[Callable[[str], list[str]], ...], idf: dict[str, float],
                 scopes: Callable[[str], list[str]] = lambda _text: [], rates: tuple[str, ...] = ()):
        self.finders = finders
        self.scopes = scopes
        self.rates = rates
        self.departments = department_mentions
        self._idf = idf

    def has_topic(self, text: str, min_idf: float = 0.0) -> bool:
        """Whether a text names a subject: a department, an indicator, a name of the plan, or a word in
        few of its sentences (idf ≥ ``min_idf``, by default TOPIC_IDF)."""
        if any(find(text) for find in self.finders):
            return True
        rest = _strip_cues(text)
        floor = min_idf or TOPIC_IDF
        return any(self._idf.get(t, 0.0) >= floor for t in keyword_tokens(rest) if _CJK_CHAR.match(t))

    def asked(self, text: str) -> str:
        for _, pattern in (*_ASKS, *_ROLE):
            found = pattern.search(text)
            if found:
                return found.group(0)
        found = _TASKS.search(text)
        return found.group(0) if found else ""


#: Verbs of responsibility ask who does something ("由哪些单位负责"); they name no subject. 负责 is rare
#: in the plan (duties are listed as 组织/具体实施单位), so its idf alone would make it look like a topic.
_DUTY_VERBS = re.compile(r"负责|承担|参与|主管|分管|落实|管理")


def _strip_cues(text: str) -> str:
    rest = text
    for pattern in (*(p for _, p in _ASKS), *(p for _, p in _ROLE), _TASKS, _LIST, _DUTY_VERBS):
        rest = pattern.sub("", rest)
    return _FUNCTION_CHARS.sub("", rest)


#: The plan calling itself (实施方案的基本原则): no subject of a question.
_PLAN_NOUN = re.compile(r"(实施)?方案")


def _without_name(core: str, plan: Plan, scope: str, stretch: str) -> str:
    """The question without the part's name: its title when written in full (the stretch found may
    carry a neighbouring character, "案的基本原则"), else the stretch. Its own sub-clauses named
    beside it ("保障措施里，除了加强领导和加大投入，还有哪几条") are members of it, no narrowing."""
    clause = plan.get(scope)
    title = clause.title if clause is not None else ""
    rest = core.replace(title, " ") if title and title in core else core.replace(stretch, " ")
    titles = [child.title for child in plan.children(scope)]
    return "".join(" " if any(_abbreviates(piece, t) for t in titles) else piece
                   for piece in _MEMBER_SPLIT.split(rest))


#: Where a list of sub-clause names breaks: punctuation, 和/及/与, and 除了 before them.
_MEMBER_SPLIT = re.compile(r"([，,、；;？?。\s]|和|及|与|除了)")


#: The shortest stretch that may name a sub-clause in short.
MEMBER_MIN_CHARS = 4


def _abbreviates(piece: str, title: str) -> bool:
    """Whether a stretch names a title in short, its characters in the title's order ("加强领导" for
    加强组织领导, "加大投入" for 加大教育投入); MEMBER_MIN_CHARS at least, so that no common pair does."""
    if len(piece) < MEMBER_MIN_CHARS:
        return False
    chars = iter(title)
    return all(ch in chars for ch in piece)


def _has_topic(text: str, reader: PlanReader | None, min_idf: float = 0.0) -> bool:
    return reader.has_topic(text, min_idf) if reader is not None else not slot_only(text)


# Who pays ("学前教育的钱谁出", "how is responsibility for spending divided"): the plan's division of
# spending (支出责任), not a department's duty list and not an amount.
_PAYER = re.compile(r"谁(来)?(出钱|出资|掏钱|买单)|谁(来)?出(?![\u4e00-\u9fff])|"
                    r"(钱|经费|资金|费用|支出)[^，。？?]{0,6}(靠谁|谁出|谁来出|谁负担|谁承担|由谁|哪一?级)|"
                    r"(支出|spending|funding|expenditure)[^，。？?]{0,12}(责任|responsib)|"
                    r"responsib\w* for (\w+ ){0,2}(spending|funding|expenditure)|who (pays|funds|finances|bears)", re.I)


def _asks(text: str) -> str:
    text = _without_indefinites(text)
    payer = bool(_PAYER.search(text))
    return next((name for name, pattern in _ASKS
                 if pattern.search(text) and not (payer and name in ("department", "money"))), "")


# 有几个 + a noun is also "there are a few …" ("我们学校有几个自闭症的孩子，能不能单独开个班"), and 想招几个
# "wants to take a few" ("也想招几个外国学生来读书。方案…给了什么政策"): in a clause (or sentence) that a
# later one's own question follows, it states, it does not ask ("要建几个，由谁负责" asks).
_INDEFINITE = re.compile(r"(?:有|(?:想|打算|准备|希望)[\u4e00-\u9fff]{0,2}?)几[个所名位家](?=[\u3400-\u9fff]{2})")
_LATER_ASKS = re.compile(r"吗|能不能|可不可以|会不会|是不是|有没有|是否|怎么|如何|怎样|什么|哪|谁|多少|几")


#: Any 几 with a measure word: in a sentence that tells, "a few".
_SOME = re.compile(r"几[个所名位家]")


def _without_indefinites(text: str) -> str:
    clauses = re.split(r"(?<=[，,；;。])", text)
    # A sentence the asker ends with 。 before asking tells, whatever 几 it holds ("几个年级混在一起上课。").
    told = 0
    for i in range(len(clauses) - 1):
        later = _LATER_ASKS.search("".join(clauses[i + 1 :]))
        if _INDEFINITE.search(clauses[i]) and later:
            clauses[i] = _INDEFINITE.sub("有些", clauses[i])
        if clauses[i].endswith("。") and later:
            for j in range(told, i + 1):
                clauses[j] = _SOME.sub("有些", clauses[j])
            told = i + 1
    return "".join(clauses)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


#: The shortest name of a 工程 that names it without its noun (教师队伍提质增量, not 基本原则).
WHOLE_NAME_CHARS = 6


def _scopes(text: str, plan: Plan) -> list[tuple[str, str]]:
    """Each part or subsection whose title the question names, in order ("学前教育工程和义务教育工程").

    A name is the longest stretch before a title noun (工程, 计划, …) whose character bigrams nearly
    all occur in one title.
    """
    found: list[tuple[str, str]] = []
    headed = _headed(plan)
    for match in _SCOPE_NOUN.finditer(text):
        best, best_len, stretch = "", 0, ""
        end, noun = match.start(), match.group(0)
        for length in range(2, min(12, end) + 1):
            # 工程, 计划 … are part of titles; 部分, 方面 only point at one.
            own_noun = noun if noun in ("工程", "计划", "措施", "目标", "原则") else ""
            # Question words inside the stretch ("学前教育有哪些工程") are not part of the name.
            name = _FUNCTION_CHARS.sub("", _DEMONSTRATIVE.sub("", text[end - length : end]))
            wanted = _bigrams(name + own_noun)
            if len(wanted) < 2:
                continue
            for clause in headed:
                share = len(wanted & _bigrams(clause.title)) / len(wanted)
                if share >= 0.7 and length > best_len:
                    best, best_len, stretch = clause.id, length, text[end - length : match.end()]
        if not best and noun == "工程":
            best, stretch = _abbreviated(text, end, match.end(), headed)
        if best and best not in (f[0] for f in found):
            found.append((best, stretch))
    # "在教师队伍建设中" and "within the preschool education project": a part named without a title noun
    items = [c for c in plan if c.level == "item"]
    # A 工程 named whole without its noun ("特殊群体教育保障包括哪几类人"): a name of WHOLE_NAME_CHARS or more
    whole = [(cid, name) for name, cid in named_parts(plan) if len(name) >= WHOLE_NAME_CHARS and name in text]
    for holder, stretch in (*named_within(text, headed, items), *named_in_english(text, headed), *whole):
        if holder not in (f[0] for f in found):
            found.append((holder, stretch))
    return found


def _abbreviated(text: str, end: int, noun_end: int, headed: list[Clause]) -> tuple[str, str]:
    """The one 工程 a name before 工程 abbreviates, its characters in its title's order ("职教工程" for
    实施职业教育提升工程), as Chinese shortens names; the longest such name, "" when none or several."""
    best, stretch = "", ""
    for length in range(2, min(8, end) + 1):
        name = _FUNCTION_CHARS.sub("", _DEMONSTRATIVE.sub("", text[end - length : end]))
        if len(name) < 2:
            continue
        holders = [c.id for c in headed if c.title.endswith("工程") and _abbreviates(name + "工程", c.title)]
        if len(holders) == 1:
            best, stretch = holders[0], text[end - length : noun_end]
    return best, stretch


def _headed(plan: Plan) -> list[Clause]:
    return [c for c in plan if c.level in ("part", "subsection", "chapter") and plan.children(c.id)]
