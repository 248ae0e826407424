"""Query understanding, sentence selection and the refusal decision, on the real plan but without a model.

None of these depend on an embedder's exact scores: retrieval results are built by hand where needed.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant import area
from assistant import question as questions
from assistant.context import SHORT_SENTENCE, whole_sentence, with_short_neighbours
from assistant.coverage import (
    CLAUSE_MARGIN,
    DEEPEN,
    OWN_FLOOR,
    OWN_LEAD,
    SEGMENT_MIN,
    SEGMENT_OWN_MIN,
    SEGMENT_PER,
    cover_clauses,
    cover_facets,
    cover_quoted,
    cover_segments,
    deepen,
)
from assistant.facets import english_parts, facet_queries, lacks_subject, segments
from assistant.frame import BESIDES_IDF, PlanReader, read_frame, slot_only
from assistant.reply import missing_detail
from assistant.selection import TYPE_BONUS, Scored, SentenceScorer, of_asked_type, select
from assistant.thresholds import Thresholds
from assistant.titles import cover_titles, part_names, scope_finder, title_names
from knowledge.chunks import chunk_clauses
from knowledge.departments import department_mentions
from knowledge.ids import find_clause_ids
from knowledge.lexicon import Lexicon
from knowledge.retriever import Retrieval


@pytest.fixture(scope="module")
def chunks(corpus_plan):
    return chunk_clauses(corpus_plan.clauses, counter=len)


@pytest.fixture(scope="module")
def lexicon(chunks):
    return Lexicon(chunks)


@pytest.fixture(scope="module")
def reader(chunks):
    return PlanReader((department_mentions,), SentenceScorer(chunks).idf)


@pytest.fixture(autouse=True)
def _reader(reader):
    global READER
    READER = reader


READER = None


def read(text, history=()):
    return questions.read(text, history, READER)


def frame_of(text, plan, lexicon, history=()):
    return read_frame(read(text, history), plan, lexicon)


@pytest.mark.parametrize(("text", "asks"), [
    ("每个名师工作室能拿到多少经费？", "money"),
    ("名师工作室的预算是多少？", "money"),
    # 元 in 多元 (diverse) is no yuan
    ("要认定多少所多元普惠幼儿园？", "figure"),
    ("What is the budget for the famous teacher studios?", "money"),
    # a budget that funds something is no amount asked for
    ("What stage of education does the city-level budget mainly fund?", ""),
    ("公办幼儿园的补助标准是多少钱", "money"),
    ("新幼儿园什么时候开始招生？", "date"),
    ("南宁市教育局局长是谁？", "person"),
    ("报名电话是多少", "contact"),
    ("这份方案的发文字号是什么", "document"),
    ("要建几所示范性普通高中？", "figure"),
    ("How many studios will be set up?", "figure"),
    ("谁来管留守儿童？", "department"),
    ("Which bureau is in charge of school safety?", "department"),
    ("怎样防止幼儿园小学化？", ""),
    ("What is the 2019 target for the retention rate?", "figure"),
    ("What is the college expected to achieve according to the annual targets?", ""),
    # English roles and genres: the noun "implementation plan" asks nothing; "organizers" asks who.
    ("What are the basic principles of this implementation plan?", ""),
    ("How will county governments be evaluated on implementing this plan?", ""),
    ("Which city departments organize the work on school safety?", "department"),
    ("Which body is listed first among the organizers of the teacher training?", "department"),
    ("Who is the current director of the city's education bureau?", "person"),
    # A budget's size is an amount of money; a budget named as a source of money asks nothing of it.
    ("How much of the city budget goes to kindergartens?", "money"),
    ("Besides the ordinary budget, which channels can schools use to raise money?", ""),
    # A salary asked for as an amount; one asked how it is set asks for the rule.
    ("What salary will a rural teacher get?", "money"),
    ("How is the average salary of teachers pegged in the plan?", ""),
    ("班里好几个学生挤一张床的情况会改善吗", ""),
    # 有几个 + a noun, followed by a question of its own, states; asked on its own, or at a clause's end, it asks.
    ("我们学校有几个自闭症的孩子，能不能单独开个班？", ""),
    ("我们也打算招几个外国学生来读书。方案有什么支持政策？", ""),
    # a sentence the asker ends with 。 before asking tells: its 几 is "a few"
    ("我们村小几个年级混在一起上课。方案对农村小学有什么安排？", ""),
    ("孤独症特教班有几个？", "figure"),
    ("名师工作室要建几个，由谁负责？", "figure"),
    # A set's names, a title holder's name, what to hand in and where, an English subsidy's amount.
    ("“六大职业教育专业集团”都叫什么名字？", "members"),
    ("南宁职业技术学院现在的院长叫什么名字？", "person"),
    ("孩子转学需要准备哪些证明材料，去哪里办？", "procedure"),
    ("How much per-student subsidy does a kindergarten get?", "money"),
    # Who pays is the plan's division of spending, not a duty list and not an amount.
    ("学前教育的钱到底谁出？", ""),
    ("How is responsibility for education spending divided between the city and the counties?", ""),
    ("哪些部门负责学前教育？", "department"),
    # English members: a counted set by its count, or which named schools.
    ('What exactly are the "seven commons" (七个共同)?', "members"),
    ("Which specific kindergartens are the experimental ones?", "members"),
    # "这几年" is these few years, not a duration asked; "配多少老师" asks for people.
    ("我们这几年经营挺吃力的，对民办园配多少老师有没有硬性要求？", "figure"),
    # The members of a counted set, or the rest of them; "这两项" refers back, it counts nothing.
    ("9个重点专业实训基地都是哪些专业？", "members"),
    ("除了酒店管理，另外3个是哪几个专业？", "members"),
    ("随迁子女和留守儿童这两项分别是哪些部门组织实施的？", "department"),
    # English question words for a date, an amount, a counted set's members, a ratio, documents
    # (phrasings in no question set).
    ("On which exact day was the plan adopted?", "day"),
    ("How much will each rural teacher's monthly allowance go up?", "money"),
    ("What are the names of the six vocational groups?", "members"),
    ("What do the 'four cities' stand for?", "members"),
    ("“五个扎实”到底指的是什么？", "members"),
    ("“四个城市”和“六大升级”分别具体是指什么？", "members"),
    # several parts named, not a count asked
    ("名师工作室在教师和信息化几个方面分别怎么提？", ""),
    ("教师队伍工程有几个方面？", "figure"),
    ("What teacher-pupil ratio must kindergartens keep?", "figure"),
    ("Which national documents should schools follow on ethics?", "document"),
    ("What is the procedure for applying to the Hong Kong youth subsidy?", "procedure"),
    # (phrasings in no question set) a title's holder, a charter's text, the actual value
    ("教研基地由哪位专家担任主任？", "person"),
    ("社区教育学院的章程是怎么写的？", "text"),
    ("去年的毛入园率实际上是多少？", "outcome"),
    ("How can a school apply for the teacher studio funding?", "procedure"),
    ("Which departments are involved in the rural teachers' housing?", "department"),
])
def test_the_asked_slot_type(text, asks, corpus_plan, lexicon) -> None:
    assert frame_of(text, corpus_plan, lexicon).asks == asks


def test_scope_role_and_departments_are_read_from_the_plan(corpus_plan, lexicon) -> None:
    frame = frame_of("在学前教育工程中，财政局只作为具体实施单位的任务有哪些？", corpus_plan, lexicon)
    assert frame.scope == "四（一）"
    assert frame.departments == ("市财政局",)
    assert frame.role == "具体实施单位" and frame.role_only
    assert frame.wants_list
    # "only one organizer" is a claim about a task, not a role the department only plays
    frame = frame_of("随迁子女就学这件事，方案只安排了财政局一个组织实施单位吗？", corpus_plan, lexicon)
    assert frame.role == "组织实施单位" and not frame.role_only
    assert frame_of("高等学校综合实力提升工程由谁组织实施", corpus_plan, lexicon).scope == "四（五）"
    assert frame_of("学校什么时候放假", corpus_plan, lexicon).scope == ""
    # Question words inside the name do not hide it; "which item does X take part in" asks for tasks.
    frame = frame_of("职业教育有哪些工程任务？哪几项由卫计委参与？", corpus_plan, lexicon)
    assert frame.scope == "四（四）" and frame.asks_tasks and frame.departments == ("市卫生计生委",)


def test_names_come_from_the_plan_text(lexicon) -> None:
    names = [n.text for n in lexicon.names("孤独症孩子能去哪里上学")]
    assert names == ["孤独症"] or any("孤独症" in n for n in names) or names == []
    found = [n.text for n in lexicon.names("港澳台青少年文化交流创新创业基地在哪里")]
    assert any("港澳台青少年文化交流创新创业基地" in n for n in found)
    assert lexicon.names("学前教育") == []  # in many clauses: a common phrase, not a name
    # A phrase in four clauses is common, unless the question asks where the plan mentions it.
    assert lexicon.names("智慧校园在哪") == []
    wide = lexicon.names("智慧校园在哪", mentions=True)
    assert [n.text for n in wide] == ["智慧校园"] and wide[0].institution and len(wide[0].chunk_ids) == 4


def test_only_the_term_a_mention_question_points_at_counts_as_mentioned(lexicon) -> None:
    from knowledge.lexicon import mentioned

    question = "想出钱出力支持教育，方案里哪些地方讲到了社会力量的参与？"
    assert mentioned(question, question.index("社会力量"), question.index("社会力量") + 4)
    assert not mentioned(question, question.index("支持教育"), question.index("支持教育") + 4)
    assert mentioned("立德树人在方案的哪些部分出现？", 0, 4)
    assert not mentioned("集团化办学在方案里涉及哪些学段？", 0, 4), "the question's word goes on: 集团化办学"
    assert mentioned("Where does the plan mention 智慧校园?", 28, 32)
    wide = {n.text: n.institution for n in lexicon.names(question, mentions=True)}
    assert wide.get("社会力量") is True and not wide.get("支持教育")
    # the term without the generic noun the question adds: every sentence with 智慧校园
    found = lexicon.names("方案里哪些地方提到了智慧校园建设？", mentions=True)
    assert [n.text for n in found] == ["智慧校园"] and len(found[0].chunk_ids) == 4


def test_a_question_about_mentions_names_what_it_asks_about(corpus_plan, lexicon) -> None:
    for text in ("方案里有哪些地方提到智慧校园？", "智慧校园在方案里出现了几次？"):
        frame = frame_of(text, corpus_plan, lexicon)
        assert [n.text for n in frame.names] == ["智慧校园"], text
    assert frame_of("智慧校园要做什么？", corpus_plan, lexicon).names == ()
    assert frame_of("智慧校园在方案里出现了几次？", corpus_plan, lexicon).mentions


@pytest.mark.parametrize(("text", "history", "expected"), [
    ("那2019年呢？", ["2018年学前三年毛入园率目标是多少？"], "2019年学前三年毛入园率目标是多少？"),
    ("人社局呢？", ["财政局负责哪些任务？"], "人社局负责哪些任务？"),
    ("具体实施单位是谁？", ["随迁子女就学遵循什么原则？"], "随迁子女就学遵循什么原则，具体实施单位是谁？"),
    ("那中小学老师的工资呢？", ["公办幼儿园里没编制的老师工资偏低，方案怎么说？"], "中小学老师的工资？"),
    # A verb of responsibility asks who; it names no subject.
    ("由哪些单位负责？", ["名师工作室要建多少个？"], "名师工作室要建多少个，由哪些单位负责？"),
    ("这事归谁承担？", ["留守儿童关爱保护怎么做？"], "留守儿童关爱保护怎么做，这事归谁承担？"),
    # "Among those" narrows the previous set, even when it names a department of its own.
    ("其中哪项由市卫计委参与？", ["学前教育有哪些工程任务？"], "学前教育有哪些工程任务，其中哪项由市卫计委参与？"),
    # English: what the follow-up names (read through the plan terms it translates to) wins as well.
    ("What about the education bureau?", ["Which tasks does the finance bureau organize?"],
     "Which tasks does the education bureau organize？"),
    ("And the cross-regional exchange projects?", ["How many famous teacher studios will be built?"],
     "the cross-regional exchange projects，How many？"),
    ("And in 2020?", ["What is the 2019 target for the retention rate?"],
     "What is the 2020年target for the retention rate？"),
])
def test_followups_take_what_the_new_question_names(text, history, expected) -> None:
    q = read(text, history)
    assert q.core == expected
    assert q.followup and q.own == text


@pytest.mark.parametrize("text, history, years", [
    ("那后两年呢？", ["2018年学前三年毛入园率目标是多少？"], ("2019", "2020")),
    ("次年呢？", ["2019年九年义务教育巩固率要达到多少？"], ("2020",)),
    ("And for the following two years?", ["What is the preschool gross enrollment target for 2018?"],
     ("2019", "2020")),
    ("What about the year before?", ["What is the 2020 target for the retention rate?"], ("2019",)),
])
def test_years_relative_to_the_previous_question_are_spelled_out(text, history, years) -> None:
    assert read(text, history).years == years


def test_a_year_phrase_needs_a_year_before_it_and_yields_to_years_named() -> None:
    from assistant.year_phrases import spell_out_years

    assert spell_out_years("后两年呢", "学前教育怎么发展") == "后两年呢"
    assert spell_out_years("那2020年，后两年呢", "2018年的目标") == "那2020年，后两年呢"
    assert spell_out_years("最后一年呢", "2018年的目标") == "最后一年呢", "the plan's last year, not the next"


def test_a_question_with_its_own_subject_ignores_the_history() -> None:
    q = read("人社局管什么？", ["市财政局负责哪些任务？"])
    assert q.core == "人社局管什么？" and not q.followup
    q = read("学校什么时候通知家长报名？", ["2019年学前三年毛入园率目标是多少？"])
    assert not q.followup


def test_it_opening_a_followup_is_the_previous_subject(reader) -> None:
    q = questions.read("那它在教育投入方面要做什么？", ["市财政局负责哪些任务？"], reader)
    assert q.core == "市财政局在教育投入方面要做什么？"
    # "it" after a subject of the follow-up's own is that subject: nothing is borrowed
    q = questions.read("那人社局呢，它要做什么？", ["市财政局负责哪些任务？"], reader)
    assert "市财政局" not in q.core


def test_a_preposition_left_of_a_followup_is_no_question_of_its_own(reader) -> None:
    q = questions.read("那对高等职业院校呢？", ["关于中等职业学校的校舍建设有哪些安排？"], reader)
    assert q.core == "关于高等职业院校的校舍建设有哪些安排？"
    q = questions.read("那对普通高中呢？", ["方案里对中等职业学校在建设上有哪些安排？"], reader)
    assert q.core == "方案里对普通高中在建设上有哪些安排？"


def test_a_cued_followup_with_a_question_of_its_own_borrows_nothing(reader) -> None:
    q = questions.read("那名师工作室呢，方案在哪些地方提到它？", ["南宁学院在师资方面有哪些任务？"], reader)
    assert q.core == "名师工作室，方案在哪些地方提到它？"
    # a year is no subject: "那2020年呢，…" still borrows the indicator asked before
    q = questions.read("那2020年呢，要达到多少？", ["2019年学前三年毛入园率目标是多少？"], reader)
    assert q.core.startswith("2020年学前三年毛入园率")


def test_a_followup_about_both_subjects_names_both(chunks, lexicon) -> None:
    # The plan's names (as the composer's reader knows them) find the previous subject.
    reader = PlanReader((department_mentions, lambda t: [n.text for n in lexicon.names(t)]), SentenceScorer(chunks).idf)
    q = questions.read("那农村留守儿童呢？这两项分别是哪些部门组织实施的？", ["随迁子女在南宁上学，方案有什么保障？"], reader)
    assert q.core == "随迁子女和农村留守儿童分别是哪些部门组织实施的？"
    q = questions.read("那跨区域互派学习交流项目呢？这两者加起来多少个？", ["名师工作室要建几个？"], reader)
    assert q.core == "名师工作室和跨区域互派学习交流项目加起来多少个？"
    # without "these two" the follow-up's subject replaces the previous one
    q = questions.read("那农村留守儿童呢？", ["随迁子女在南宁上学，方案有什么保障？"], reader)
    assert "随迁子女" not in q.core and "农村留守儿童" in q.core


def test_a_followup_naming_another_part_of_the_plan_asks_the_same_of_it(corpus_plan, chunks) -> None:
    names = part_names(corpus_plan)
    assert "义务教育优质均衡" in names and "普通高中优质普及" in names  # from the plan's own titles
    find = scope_finder(names)
    assert find("那义务教育呢") == ["义务教育"] and find("高中阶段") == []
    reader = PlanReader((department_mentions,), SentenceScorer(chunks).idf, find)
    q = questions.read("那义务教育呢？", ["普通高中的毛入学率2020年要达到多少？"], reader)
    assert q.core == "义务教育的毛入学率2020年要达到多少？"
    q = questions.read("那职业教育呢？", ["学前教育方面政府给钱的方式有哪些？"], reader)
    assert q.core == "职业教育方面政府给钱的方式有哪些？"
    # a follow-up that names no other part borrows as before
    q = questions.read("那2020年呢？", ["普通高中的毛入学率2019年要达到多少？"], reader)
    assert q.core.startswith("普通高中的毛入学率2020年")
    # (a subject in other words than a title, "那高中阶段呢", takes its place too: tests/test_answers.py)
    q = questions.read("那具体呢？", ["学前教育2020年的目标是什么？"], reader)
    assert q.core.startswith("学前教育2020年"), "a word that names no subject replaces nothing"
    # a department's tasks, then a part of the plan: that department's tasks in that part
    q = questions.read("那义务教育呢？", ["市财政局负责哪些任务？"], reader)
    assert "市财政局" in q.core and "义务教育" in q.core
    q = questions.read("那人社局呢？", ["市财政局负责哪些任务？"], reader)
    assert q.core == "人社局负责哪些任务？"


def test_every_scope_a_question_names_is_read(corpus_plan, lexicon) -> None:
    frame = frame_of("普通高中优质普及工程和现代职业教育提升发展工程，分别由哪些单位组织实施？", corpus_plan, lexicon)
    assert frame.scopes == ("四（三）", "四（四）") and frame.scope in frame.scopes
    assert frame_of("学前教育普及普惠工程由谁组织实施？", corpus_plan, lexicon).scopes == ("四（一）",)
    # a part named where something happens, without 工程 or 方面: 在教师队伍建设中 is 四（七）'s 教师队伍
    assert frame_of("市财政局在教师队伍建设中承担哪些任务？", corpus_plan, lexicon).scope == "四（七）"
    assert frame_of("人社局在职业教育工作里负责什么？", corpus_plan, lexicon).scope == "四（四）"
    # words no single title holds name no part ("在城里" is no part; 教育 is in every title)
    assert frame_of("在城里上学的孩子里有哪些要求？", corpus_plan, lexicon).scopes == ()
    # or before 工作中 / 相关的任务中, without 在
    assert frame_of("教育信息化工作中公安局要做什么？", corpus_plan, lexicon).scope == "四（八）"
    assert frame_of("职业教育相关的任务中，人社局负责哪些？", corpus_plan, lexicon).scope == "四（四）"
    # "高中" holds 中 but is no place: "义务教育和普通高中分别…" names no part this way
    assert frame_of("义务教育和普通高中分别有什么要求？", corpus_plan, lexicon).scopes == ()
    # an item's title, when no 工程's title holds any of the name
    assert frame_of("市卫生计生委在特殊教育中负责什么？", corpus_plan, lexicon).scope == "四（九）2"
    # a 工程 named in short, its title's characters in order (义教 for 义务教育), when only one title has them
    assert frame_of("义教工程里，哪几项任务的组织实施单位有城乡建委？", corpus_plan, lexicon).scope == "四（二）"
    assert frame_of("高校工程由谁组织实施？", corpus_plan, lexicon).scope == "四（五）"
    assert frame_of("教育工程由谁组织实施？", corpus_plan, lexicon).scopes == ()


def test_which_of_a_parts_tasks_a_department_takes_part_in_asks_for_tasks(corpus_plan, lexicon) -> None:
    frame = frame_of("市发改委作为组织实施单位参与了学前教育工程的哪几项？", corpus_plan, lexicon)
    assert frame.asks_tasks and frame.role == "组织实施单位" and frame.scope == "四（一）"
    assert frame_of("人社局负责了职业教育里的几项？", corpus_plan, lexicon).asks_tasks


def test_english_questions_about_a_departments_tasks_and_the_project_they_are_in(corpus_plan, lexicon) -> None:
    frame = frame_of("How many tasks does the Disabled Persons' Federation take part in?", corpus_plan, lexicon)
    assert frame.asks_tasks and frame.departments == ("市残联",)
    # "which of the … tasks": the tasks of the 工程 it names, those the department takes part in
    frame = frame_of("Which of the vocational education tasks list the finance bureau as an organizer?", corpus_plan, lexicon)
    assert frame.asks_tasks and frame.scope == "四（四）"
    frame = frame_of("Within the teacher workforce project, what is the human resources and social security bureau "
                     "responsible for?", corpus_plan, lexicon)
    assert frame.asks_tasks and frame.scope == "四（七）"
    assert frame_of("What does the finance bureau do in the preschool education project?", corpus_plan,
                    lexicon).scope == "四（一）"


def test_a_claim_about_who_is_responsible_asks_who(corpus_plan, lexicon) -> None:
    assert frame_of("随迁子女就学是教育局一家负责的吧，公安局不用管？", corpus_plan, lexicon).asks == "department"
    assert frame_of("提高本科教学质量这一条，是市教育局来组织吗？", corpus_plan, lexicon).asks == "department"
    assert frame_of("The plan says the tax bureau leads the teacher training work, right?", corpus_plan,
                    lexicon).asks == "department"
    # without a department named, "有人管吗" asks what the plan does about it
    assert frame_of("没证的幼儿园有人管吗？", corpus_plan, lexicon).asks == ""


def test_claims_to_verify_each_need_their_evidence(corpus_plan, lexicon) -> None:
    frame = frame_of("名师工作室要建50个，由财政局牵头，对吧？", corpus_plan, lexicon)
    assert frame.wants_list
    assert not frame_of("名师工作室要建50个，对吧？", corpus_plan, lexicon).wants_list


def test_how_the_plan_itself_was_adopted_is_about_its_front_matter(corpus_plan, lexicon) -> None:
    assert frame_of("这个方案是在政府哪次会上审议的？", corpus_plan, lexicon).about_plan
    assert not frame_of("这个方案要求哪些县区通过评估？", corpus_plan, lexicon).about_plan
    assert not frame_of("幼儿园的会议制度是怎么规定的？", corpus_plan, lexicon).about_plan


def test_an_english_followup_is_measured_in_words_and_keeps_its_span_of_years() -> None:
    q = read("And by how many points should that rate rise from 2018 to 2020?",
             ["What preschool gross enrollment rate is the city aiming for in 2019?"])
    assert q.followup and q.core.startswith("What preschool gross enrollment rate")
    assert "2018 to 2020" in q.core and "2019" not in q.core
    # a sentence of more than 16 words is a question of its own
    long = "And which departments are responsible for carrying out the work on rural teachers' housing and their pay?"
    assert not read(long, ["How many famous teacher studios will be built?"]).followup


def test_an_english_question_that_points_back_at_nothing_borrows_only_the_subject(reader) -> None:
    from assistant.question import resolve_followup

    before = ["What does the plan require on campus networks in schools"]
    # its own words stay whole; of the previous question only its plan terms come along
    assert resolve_followup("how can schools pay for digital teaching resources?", before, reader) == \
        "how can schools pay for digital teaching resources? 校区 校园"
    # "it", "that", "these" point back: the previous question is borrowed whole
    assert resolve_followup("Who is responsible for it?", before, reader).startswith(before[0])


def test_an_english_followup_naming_another_part_of_the_plan_takes_its_place(chunks, corpus_plan) -> None:
    from assistant.question import resolve_followup

    reader = PlanReader((department_mentions,), SentenceScorer(chunks).idf, scope_finder(part_names(corpus_plan)))
    before = ["What does the plan do for ordinary senior high schools in terms of buildings and facilities?"]
    # vocational schools (职业教育) replace ordinary senior high schools (普通高中): parts of the plan both
    assert resolve_followup("And for vocational schools?", before, reader) == \
        "What does the plan do for vocational schools in terms of buildings and facilities？"


def test_a_followup_naming_another_stage_of_schooling_takes_the_previous_ones_place(chunks, corpus_plan) -> None:
    from assistant.question import resolve_followup

    reader = PlanReader((department_mentions,), SentenceScorer(chunks).idf, scope_finder(part_names(corpus_plan)))
    # 小学 and 初中 name no part of the plan; the stage is what the follow-up changes, the rest is borrowed
    assert resolve_followup("那小学老师呢？", ["方案对高中老师的培训有什么安排？"], reader) == "方案对小学老师的培训有什么安排？"
    assert resolve_followup("那初中呢？", ["普通高中的大班额问题，方案怎么说？"], reader) == "初中的大班额问题，方案怎么说？"
    # a stage inside a rate's name names that indicator: not rewritten into "高中三年毛入园率"
    assert "高中三年" not in resolve_followup("那高中呢？", ["2020年学前三年毛入园率目标是多少？"], reader)


def test_a_followup_with_a_question_of_its_own_after_the_ellipsis_asks_it_of_the_resolved_one() -> None:
    q = read("那2019年呢？比上一年高多少？", ["2018年高中阶段毛入学率的目标是多少？"])
    assert q.text == "2019年高中阶段毛入学率的目标是多少，比上一年高多少？", q.text


def test_a_chain_of_followups_is_resolved_in_order() -> None:
    q = read("2020年呢？", ["2019年高中阶段毛入学率目标是多少？", "那2018年呢？"])
    assert q.core.startswith("2020年高中阶段毛入学率")


def test_plan_facts_come_from_the_plan(corpus_plan) -> None:
    assert corpus_plan.period_years == ("2018", "2019", "2020")
    text = "\n".join(c.text for c in corpus_plan)
    assert area.foreign_place("柳州市的学前教育目标是什么", text) == "柳州"
    assert area.foreign_place("南宁学院的目标是什么", text) == ""
    # a place someone went to is where they are, not what the question asks the plan about
    assert area.foreign_place("孩子爸妈都到深圳上班了，留守孩子方案怎么照顾？", text) == ""
    assert area.foreign_place("My parents moved to Shenzhen; who looks after left-behind kids?", text) == ""
    assert area.foreign_place("深圳的学前教育目标是什么？我爸妈去了深圳", text) == "深圳"
    # 提到, 说到 … mention a place, they go nowhere
    assert area.foreign_place("方案有没有提到柳州的学校？", text) == "柳州"
    assert area.foreign_place("方案里说到桂林了吗？", text) == "桂林"


def test_slot_only_questions_name_no_subject() -> None:
    assert slot_only("具体实施单位是谁")
    assert slot_only("还有哪些部门一起")
    assert not slot_only("学校什么时候通知家长报名")


def test_authoring_requests_but_not_questions_that_start_like_them() -> None:
    assert questions.read("帮我写一段关于师德的宣传稿").authoring
    assert questions.read("请在方案里补充一条关于校车的规定").authoring
    assert questions.read("帮我把方案里的目标改成98%").authoring
    assert not questions.read("作为组织实施单位，财政局参与了哪些任务？").authoring
    assert not questions.read("新增了哪些公办幼儿园？").authoring


def test_notice_is_a_clause_only_as_the_document() -> None:
    assert find_clause_ids("学校什么时候通知家长报名？") == []
    assert find_clause_ids("封面通知讲了什么") == ["通知"]


def _scored(chunks, ids_scores, tokens):
    by_id = {c.id: c for c in chunks}
    return [Scored(by_id[i], s, frozenset(t)) for (i, s), t in zip(ids_scores, tokens, strict=True)]


def test_selection_keeps_near_equals_and_new_subtopics_in_plan_order(chunks, corpus_plan) -> None:
    weights = {"留守": 1.0, "轮岗": 1.0, "班额": 1.0}
    ids = [c.id for c in chunks if c.clause_id in ("四（九）4", "四（七）3", "四（二）2")]
    pick = {"四（九）4": None, "四（七）3": None, "四（二）2": None}
    for i in ids:
        cid = i.split("#")[0]
        if pick[cid] is None and not i.endswith("#0"):
            pick[cid] = i
    scored = _scored(chunks, [(pick["四（九）4"], 0.9), (pick["四（七）3"], 0.7), (pick["四（二）2"], 0.69)],
                     [{"留守"}, {"轮岗"}, {"班额"}])
    chosen = select(scored, weights, wants_list=False, plan=corpus_plan)
    # 0.2 below the best is outside the margin, but each covers a sub-topic nobody covered yet.
    assert [s.chunk.clause_id for s in chosen] == ["四（二）2", "四（七）3", "四（九）4"]
    narrow = _scored(chunks, [(pick["四（九）4"], 0.9), (pick["四（七）3"], 0.5)], [{"留守"}, {"留守"}])
    assert len(select(narrow, weights, wants_list=True, plan=corpus_plan)) == 1


def test_parallel_sentences_about_different_subjects_are_not_duplicates(chunks, corpus_plan) -> None:
    # "…对城区新建（迁建）小学和初中给予定额补助" and "…对城区新建、改扩建公办幼儿园进行定额补助":
    # the same wording about two kinds of school; a question about both needs both.
    schools = next(c for c in chunks if c.clause_id == "四（二）2" and "定额补助" in c.sentence)
    kindergartens = next(c for c in chunks if c.clause_id == "四（一）1" and "定额补助" in c.sentence)
    tokens = frozenset({"城区", "定额", "补助"})
    scored = [Scored(schools, 0.87, tokens), Scored(kindergartens, 0.70, tokens)]
    chosen = select(scored, dict.fromkeys(tokens, 1.0), wants_list=True, plan=corpus_plan)
    assert [s.chunk.clause_id for s in chosen] == ["四（一）1", "四（二）2"]
    # A sentence repeated inside a longer one is still one statement.
    same = [Scored(schools, 0.87, tokens), Scored(replace(schools, id="copy", sentence="对城区新建（迁建）小学和初中给予定额补助。"),
                                                   0.86, tokens)]
    assert len(select(same, dict.fromkeys(tokens, 1.0), wants_list=True, plan=corpus_plan)) == 1


def test_a_conjunction_inside_a_word_joins_nothing(chunks) -> None:
    # 与 in 参与, 及 in 普及 and 涉及 are parts of words: the question is not cut there.
    assert segments("卫健委参与了哪些任务，跟残联比呢？") == ["卫健委参与了哪些任务", "残联比呢"]
    assert segments("高中阶段普及和学前普及的目标分别是多少？") == ["高中阶段普及", "学前普及的目标分别是多少"]
    assert segments("计划涉及的民办学校和公办学校有什么不同？") == ["计划涉及的民办学校", "公办学校有什么不同"]
    idf = SentenceScorer(chunks).idf

    def named(text: str) -> bool:
        return READER.has_topic(text, BESIDES_IDF)

    queries = facet_queries("民政局和残联在学前教育普及普惠工程里分别参与哪几项？", named, idf)
    assert any("学前教育普及普惠工程" in q for q in queries), queries
    assert not any(q.endswith("普") or q.split()[-1].startswith("普惠") for q in queries), queries


def test_each_piece_of_a_question_gets_its_own_best_sentences(chunks, corpus_plan) -> None:
    assert segments("学生出国游学和外国学生来南宁读书，方案怎么说？") == ["学生出国游学", "外国学生来南宁读书", "方案怎么说"]
    first = {c.clause_id: c for c in reversed(chunks)}  # each clause's first sentence
    second = {c.clause_id: c for c in chunks if c.position == 2}
    chosen = [Scored(first["四（六）2"], 1.0, frozenset())]
    ranked = {"出国游学": [Scored(first["四（六）1"], SEGMENT_MIN + 0.05, frozenset()),  # not chosen: added
                           Scored(first["四（六）2"], SEGMENT_MIN + 0.04, frozenset()),  # chosen already
                           # another sentence of a chosen clause: added, the piece's second
                           Scored(second["四（六）2"], SEGMENT_MIN + 0.03, frozenset()),
                           Scored(second["四（六）1"], SEGMENT_MIN + 0.02, frozenset())],  # past SEGMENT_PER
              "怎么说": [Scored(first["五（一）"], SEGMENT_OWN_MIN - 0.05, frozenset())]}  # a weak match: framing
    out = cover_segments(chosen, list(ranked), ranked.__getitem__, corpus_plan)
    assert SEGMENT_PER == 2
    assert [s.chunk for s in out] == [first["四（六）1"], first["四（六）2"], second["四（六）2"]], "in plan order"
    assert cover_segments(chosen, ["怎么说"], ranked.__getitem__, corpus_plan) == chosen


def test_a_long_lists_last_piece_is_heard_though_the_answer_is_already_full(chunks, corpus_plan) -> None:
    from assistant.coverage import SEGMENT_CAP
    from assistant.selection import MAX_SENTENCES

    body = [c for c in chunks if c.clause_id.startswith("四（") and c.position > 0]
    # MAX_SENTENCES + 2 sentences already chosen (the earlier cap), from clauses other than 四（九）2
    chosen = [Scored(c, 0.9, frozenset()) for c in body if c.clause_id != "四（九）2"][: MAX_SENTENCES + 2]
    last = next(c for c in body if c.clause_id == "四（九）2")
    ranked = {"残疾 上大学": [Scored(last, SEGMENT_MIN + 0.1, frozenset())]}
    out = cover_segments(chosen, list(ranked), ranked.__getitem__, corpus_plan)
    assert last in [s.chunk for s in out] and len(out) == MAX_SENTENCES + 3 <= SEGMENT_CAP


def test_each_piece_hears_from_its_own_best_clauses(chunks, corpus_plan) -> None:
    from assistant.coverage import PIECE_CLAUSES, cover_piece_clauses

    first = {c.clause_id: c for c in reversed(chunks)}
    chosen = [Scored(first["四（七）1"], 0.9, frozenset())]
    ranked = {"校长 交流": [Scored(first["四（七）3"], SEGMENT_OWN_MIN + 0.05, frozenset()),
                          Scored(first["四（六）1"], SEGMENT_OWN_MIN - 0.05, frozenset())],
              "校长 学习": [Scored(first["四（七）2"], SEGMENT_OWN_MIN + 0.1, frozenset())]}
    hits = {"校长 交流": ["四（七）3", "四（六）1"],
            # a subsection with items is no unit to add; 四（七）2 is the third clause: past PIECE_CLAUSES
            "校长 学习": ["四（七）", "四（七）1", "四（七）2"]}
    out = cover_piece_clauses(chosen, list(ranked), ranked.__getitem__, hits.__getitem__, corpus_plan)
    assert PIECE_CLAUSES == 2
    # 四（七）3 joins; 四（六）1 scores under SEGMENT_OWN_MIN; 四（七）1 is chosen already.
    assert [s.chunk.clause_id for s in out] == ["四（七）1", "四（七）3"]


def test_each_piece_gets_the_sentence_it_scores_most_above_the_other_pieces(chunks, corpus_plan) -> None:
    first = {c.clause_id: c for c in reversed(chunks)}
    shared, own, weak = first["五（三）"], first["四（三）2"], first["四（七）3"]
    # The shared sentence is every piece's best; 学生's own is below SEGMENT_MIN yet far above 质量's score.
    ranked = {"评价 学生怎么评": [Scored(shared, 0.83, frozenset()), Scored(own, SEGMENT_OWN_MIN + 0.05, frozenset())],
              "评价 质量怎么评": [Scored(shared, 0.80, frozenset()), Scored(own, 0.2, frozenset()),
                              Scored(weak, OWN_FLOOR - 0.05, frozenset())]}
    chosen = [Scored(shared, 0.83, frozenset())]
    out = cover_segments(chosen, list(ranked), ranked.__getitem__, corpus_plan)
    assert OWN_FLOOR < SEGMENT_OWN_MIN < SEGMENT_MIN
    assert [s.chunk.clause_id for s in out] == ["四（三）2", "五（三）"], "质量's own scores under OWN_FLOOR"
    # A piece whose best sentence is another's best too is ranked by their shared subject: its own
    # sentence counts from OWN_FLOOR when it leads the other pieces by OWN_LEAD …
    ranked["评价 质量怎么评"][2] = Scored(weak, OWN_FLOOR + 0.05, frozenset())
    out = cover_segments(chosen, list(ranked), ranked.__getitem__, corpus_plan)
    assert [s.chunk.clause_id for s in out] == ["四（三）2", "四（七）3", "五（三）"]
    # … but not when its best sentence is its own (then that one is what it asks about)
    ranked["评价 质量怎么评"][0] = Scored(shared, 0.80 - OWN_LEAD - 0.3, frozenset())
    ranked["评价 质量怎么评"].insert(0, Scored(weak, SEGMENT_OWN_MIN - 0.05, frozenset()))
    out = cover_segments(chosen, list(ranked), ranked.__getitem__, corpus_plan)
    assert "四（七）3" not in [s.chunk.clause_id for s in out]
    # From a clause already chosen the piece's own sentence adds nothing: that clause says more anyway.
    second = next(c for c in chunks if c.clause_id == "四（三）2" and c.position == 2)
    with_own = [Scored(shared, 0.83, frozenset()), Scored(second, 0.9, frozenset())]
    assert [s.chunk for s in cover_segments(with_own, list(ranked), ranked.__getitem__, corpus_plan)] == [
        second, shared]


def test_the_asked_year_goes_first_and_a_span_or_a_document_number_dates_nothing(chunks) -> None:
    from assistant.dating import YEAR_MARGIN, dated, year_first

    siblings = [c for c in chunks if c.clause_id == "三（二）"]
    y2018, y2019 = (next(c for c in siblings if c.sentence.startswith(y)) for y in ("2018", "2019"))
    college = next(c for c in siblings if c.sentence.startswith("南宁学院持续推进"))
    assert dated(college, siblings) == {"2019"}, "dated by the year that opens its enumeration"
    preamble = next(c for c in chunks if c.clause_id == "引言")
    assert dated(preamble, [preamble]) == set(), "（2018—2020年） and 桂政发〔2018〕5号 are no dates"
    dates = {c.id: dated(c, siblings) for c in (y2018, y2019)}
    content = [Scored(y2018, 1.0, frozenset()), Scored(y2019, 1.0 - YEAR_MARGIN / 2, frozenset())]
    ordered, pool = year_first(content, {"2019"}, lambda c: dates[c.id])
    assert [s.chunk for s in ordered] == [y2019] and [s.chunk for s in pool] == [y2019]
    far = [content[0], Scored(y2019, 1.0 - 2 * YEAR_MARGIN, frozenset())]
    ordered, pool = year_first(far, {"2019"}, lambda c: dates[c.id])
    assert [s.chunk for s in ordered] == [y2018, y2019], "a much better sentence stays first"
    assert [s.chunk for s in pool] == [y2018, y2019]
    assert year_first([], {"2019"}, lambda c: set()) == ([], [])


def test_an_enumeration_stays_whole(chunks) -> None:
    siblings = [c for c in chunks if c.clause_id == "三（二）"]
    middle = next(c for c in siblings if c.sentence.startswith("南宁职业技术学院扎实推进"))
    whole = whole_sentence(middle, siblings)
    assert whole[0].sentence.startswith("2019") and whole[-1].sentence.endswith("。")


def test_scorer_weights_rare_words_over_question_words(chunks) -> None:
    scorer = SentenceScorer(chunks)
    weights = scorer.weights("哪些措施支持孤独症儿童？")
    assert "哪些" not in weights
    assert weights["孤独"] > weights.get("儿童", 0.0)
    retrieval = Retrieval(hits=(), dense={}, keyword={})
    best = scorer.score("孤独症儿童", retrieval, chunks)[0]
    assert "孤独症" in best.chunk.sentence


def test_the_unit_of_a_figure_asked(corpus_plan, lexicon) -> None:
    assert frame_of("我们这几年经营挺吃力的，对民办园配多少老师有没有硬性要求？", corpus_plan, lexicon).unit == "people"
    assert frame_of("乡村教师要教满几年才能评职称？", corpus_plan, lexicon).unit == "duration"
    assert frame_of("南宁要率先普及多少年的教育？", corpus_plan, lexicon).unit == "duration"  # 率先: no rate
    # "这几个" points back at what was named ("these few"); it does not ask for a count.
    assert frame_of("这几个阶段到2020年的普及目标分别是多少？", corpus_plan, lexicon).unit == ""
    assert frame_of("要建几个名师工作室？", corpus_plan, lexicon).unit == "count"


def test_partial_refusal_when_the_asked_detail_is_missing() -> None:
    assert missing_detail("money", ["对经认定的多元普惠幼儿园按有关规定给予生均补助。"]) == "money"
    assert missing_detail("date", ["到2019年，我市所有县区通过义务教育发展基本均衡县国家评估认定。"]) == ""
    assert missing_detail("figure", ["建设“名师工作室”25个。"]) == ""
    assert missing_detail("", ["任何句子"]) == ""
    # The word for a procedure is not the procedure: its steps or what to hand in are.
    assert missing_detail("procedure", ["通过降低门槛，简化入学手续"]) == "procedure"
    assert missing_detail("procedure", ["家长须提交户籍证明材料到学校办理"]) == ""
    # How many there are now: a target's figure is not a count of today.
    assert missing_detail("figure", ["重点支持人口大镇新建1—2所公办幼儿园"], "current") == "figure"
    assert missing_detail("figure", ["全市现有公办幼儿园120所"], "current") == ""
    # How many people: a staffing formula of counts in quotes gives them; a rate does not.
    assert missing_detail("figure", ["引导民办幼儿园按“两教一保”标准补足配齐教职工"], "people") == ""
    assert missing_detail("figure", ["学前三年毛入园率达到97%"], "people") == "figure"


def test_a_criterion_is_given_by_a_threshold_before_the_term_or_a_definition() -> None:
    sentence = "重点支持人口大镇新建1—2所公办幼儿园，贫困县1500人以上大村建设一批村级公办性质幼儿园"
    assert missing_detail("criterion", [sentence], question="多少人才算大村？") == ""
    assert missing_detail("criterion", [sentence], question="人口要多少才算“人口大镇”？") == "criterion"
    assert missing_detail("criterion", ["妥善解决校医岗位设置和职称晋升问题"], question="评职称要满足什么条件") == (
        "criterion")
    assert missing_detail("text", ["探索建立教师入职宣誓制度"]) == "text"


def test_results_durations_and_quoted_counts() -> None:
    from assistant.reply import unlisted_members

    assert missing_detail("outcome", ["2019年，学前三年毛入园率达到96.5%"]) == "outcome"
    # a reason: a stated purpose answers it, a bare measure does not
    assert missing_detail("reason", ["建设市教育局直属第一、第二幼儿园"]) == "reason"
    assert missing_detail("reason", ["创建自治区特色高中6所，着力推动高中多样化发展"]) == ""
    assert missing_detail("figure", ["深入推进教师、校长交流轮岗"], "duration") == "figure"
    assert missing_detail("figure", ["5年内，支持开展交流项目50个"], "duration") == ""
    assert missing_detail("figure", ["到2019年，我市所有县区通过评估认定"], "duration") == "figure"
    # a quoted count names a set; listed right before it in quotes, it is spelled out
    assert unlisted_members("“四有”好老师是哪四有？", ["引导广大教师争做“四有”好老师"])
    assert not unlisted_members("“两为主”是哪两个为主？", ["严格按照“以流入地管理为主，以公办学校为主”的“两为主”原则"])
    # "哪九个部门" where the plan writes "九部门" without a measure word
    assert unlisted_members("是哪九个部门联合发的？", ["深入贯彻落实教育部等九部门《关于推进社区教育发展的意见》"])


def test_a_claimed_figure_is_contradicted_by_another_of_its_unit() -> None:
    from assistant.reply import contradicted

    sentence = "创建自治区示范性普通高中2所，自治区特色高中6所"
    assert contradicted("5所", [sentence])
    assert not contradicted("5个", [sentence])  # no figure of that unit: absent, not contradicted
    assert not contradicted("2020年", ["到2019年，所有县区通过评估认定"])  # a year dates, it does not count


def test_a_claimed_figure_the_plan_gives_for_something_else_is_caught() -> None:
    from assistant.reply import given_elsewhere

    sentence = ("鼓励从市内外引进省部级及以上荣誉称号的名师创建“名师工作室”，5年内，支持我市教育系统开展"
                "“跨区域互派学习交流项目”50个，建设“名师工作室”25个。")
    assert given_elsewhere("50个", "方案提出5年内建设50个“名师工作室”，我们学校怎么申报？", [sentence])
    assert given_elsewhere("25个", "支持25个跨区域互派学习交流项目吗", [sentence])
    assert not given_elsewhere("25个", "建设25个名师工作室由谁负责？", [sentence])  # the plan's own figure
    assert not given_elsewhere("50个", "有50个什么项目？", [sentence])  # nothing named after the figure
    assert not given_elsewhere("3所", "建设3所示范幼儿园吗", [sentence])  # not named in these sentences


def test_a_look_alike_sentence_with_figures_of_its_own_is_no_duplicate() -> None:
    from assistant.selection import _repeats

    y2018 = "2018年，学前三年毛入园率达到96%，九年义务教育巩固率达到96%以上，高中阶段毛入学率达到95.5%；"
    y2019 = "2019年，学前三年毛入园率达到96.5%，九年义务教育巩固率达到96%以上，高中阶段毛入学率达到95.6%；"
    assert not _repeats(y2019, y2018)
    assert _repeats(y2018.replace("2018年，", ""), y2018)  # the same words and no figure of its own


def test_every_hard_detail_asked_is_checked_not_only_the_first(corpus_plan, lexicon) -> None:
    # The first slot is the year; the title's holder is asked too, and the plan names no one.
    frame = frame_of("职业教育集团哪一年组建，由谁担任理事长？", corpus_plan, lexicon)
    assert frame.asks == "date" and "person" in frame.also_asks[1:]
    sentences = ["到2020年，组建南宁职业教育集团，促进我市中高职教育和区域产业联动发展。"]
    assert missing_detail("date", sentences) == ""
    assert missing_detail("person", sentences) == "person"


def test_a_figure_for_a_wider_area_than_the_plan_s_is_named() -> None:
    plan_text = "在全区率先普及更高水平的十五年教育。贯彻落实全国教育大会精神。"
    assert area.wider_area("全区义务教育巩固率2020年要到多少？", plan_text) == "全区"
    assert area.wider_area("What is the nationwide target for the rate?", plan_text) == "nationwide"
    # the plan's own phrases name no scope of a figure; a city-wide figure is the plan's own
    assert area.wider_area("方案说要在全区率先普及几年教育？", plan_text) == ""
    assert area.wider_area("全市学前三年毛入园率是多少？", plan_text) == ""
    assert area.wider_area("How does the 97% compare with the national average?", plan_text) == "national average"


def test_refusal_thresholds_are_per_language() -> None:
    t = Thresholds(dense=0.88, dense_with_keywords=0.84, coverage=0.2,
                   english_dense=0.4, english_dense_with_keywords=0.3, english_coverage=0.2)
    english_like = Retrieval(hits=(), top_dense=0.45, coverage=0.0)
    assert t.answerable(english_like, english=True)
    assert not t.answerable(english_like, english=False)
    assert t.answerable(Retrieval(hits=(), top_dense=0.85, coverage=0.3))
    assert not t.answerable(Retrieval(hits=(), top_dense=0.85, coverage=0.1))
    assert not t.shifted(0.1).answerable(Retrieval(hits=(), top_dense=0.89, coverage=0.0))


def test_members_of_a_counted_set_are_missing_unless_listed() -> None:
    from assistant.reply import unlisted_members

    counted = "推进教育脱贫攻坚，精准实施七大教育帮扶计划，做到精准建设、精准帮扶"
    listed = "加强机电一体化、移动通信技术、酒店管理、国际经济与贸易等9 个重点专业实训基地建设"
    assert unlisted_members("七大教育帮扶计划具体是哪七个？", [counted])
    # "等" leaves a list open: four named of nine is not the nine.
    assert unlisted_members("那9个重点专业实训基地分别叫什么？", [listed])
    whole = "建设语文、数学、英语等3个学科教研基地"  # not the plan's: the rule is about any such list
    assert not unlisted_members("3个学科教研基地分别是哪些？", [whole])
    assert unlisted_members("5个学科教研基地分别是哪些？", ["建设语文、数学等5个学科教研基地"])
    assert not unlisted_members("教育帮扶有哪些措施？", [counted])
    # An English count finds the plan's counted name by its numeral.
    assert unlisted_members("What are the names of the seven assistance programmes?", [counted])
    assert not unlisted_members("What are the names of the five assistance programmes?", [counted])
    # a roster is missing unless a sentence gives one
    council = "成立由政府主导、学校主体、南宁主要行业企业共同参与的高等职业院校理事会"
    assert missing_detail("members", [council], question="理事会的成员名单有哪些单位？") == "members"
    spelled = "严格按照“以流入地管理为主，以公办学校为主”的“两为主”原则"
    assert not unlisted_members("What do the two principles of enrolment refer to?", [spelled])


@pytest.mark.parametrize(("text", "asks"), [
    ("名师工作室怎么申报？", "procedure"),
    ("随迁子女入学要准备哪些材料，流程是什么", "procedure"),
    ("七大教育帮扶计划具体是哪七个", "members"),
    ("我们学校会被划进哪个学区？", "members"),
    ("实验园具体有哪几所幼儿园？", "members"),
    ("随迁子女入学的组织实施单位是哪几家？", "department"),
    ("这个通知是哪天印发的", "day"),
    ("哪一年实现县县全覆盖", "date"),
    # criteria, the wording of a named text, a title's holder (phrasings in no question set)
    ("班里要超过多少人才算大班额？", "criterion"),
    ("特教班的老师评优需要满足什么条件？", "criterion"),
    ("名师工作室的认定标准是什么", "criterion"),
    ("《南宁市提升普通中学教育教学质量指导意见》的全文能发我看看吗", "text"),
    ("新教师入职宣誓时念的誓词是怎么写的？", "text"),
    ("社区教育学院由谁担任院长？", "person"),
    ("Who heads the community education college?", "person"),
    # results, durations, locations, named experts, counted members without a measure word
    ("2019年的入园率实际达到96.5%了吗？", "outcome"),
    ("Was the 2020 retention target actually met?", "outcome"),
    ("名师工作室的带头名师都是谁？", "person"),
    ("Who will chair the vocational education group?", "person"),
    ("这些实训基地会建在哪个区？", "place"),
    ("“三全”育人具体指哪三全？", "members"),
    ("为什么要在五象新区建两所实验幼儿园？", "reason"),
    ("学前教育这块要落实的上级文件是哪个？", "document"),
    # a basis need not be a document: "根据班额及建设情况" is the basis of the fixed subsidies
    ("城区新建学校的定额补助，依据是什么？", ""),
])
def test_more_asked_slots(text, asks, corpus_plan, lexicon) -> None:
    assert frame_of(text, corpus_plan, lexicon).asks == asks


def test_every_asked_slot_and_a_department_question_s_own_topic(corpus_plan, lexicon) -> None:
    frame = read_frame(read("名师工作室要建多少个，由哪些单位负责？"), corpus_plan, lexicon, READER)
    assert frame.asks == "figure" and frame.also_asks == ("figure", "department")
    assert read_frame(read("南宁学院在留学生方面要做什么？"), corpus_plan, lexicon, READER).topic == "留学生"
    two = read_frame(read("南宁职业技术学院在师德和师资培养方面分别要做什么？"), corpus_plan, lexicon, READER)
    assert two.topic == "师德、师资培养", "topics joined by 和 stay apart"
    for plain in ("财政局参与组织实施哪些任务？", "人社局管什么？", "外侨办在哪些工作里出现？",
                  "市残联作为参与单位，出现在哪几项任务中？"):  # 与 inside 参与 joins nothing
        assert read_frame(read(plain), corpus_plan, lexicon, READER).topic == "", plain  # the asking only


def test_target_lines_quote_the_plan_words(corpus_plan) -> None:
    from assistant.figures import fragment

    target = next(t for t in corpus_plan.targets() if t.indicator == "自治区示范性普通高中")
    assert fragment(target.sentence, target.value) == "创建自治区示范性普通高中2所"


def test_an_indicator_is_named_by_an_end_the_plan_uses_only_in_its_name(corpus_plan) -> None:
    from assistant.figures import short_names

    plan_text = "\n".join(c.text for c in corpus_plan)
    indicators = list(dict.fromkeys(t.indicator for t in corpus_plan.targets()))
    short = short_names(indicators, plan_text)
    assert "入园率" in short["学前三年毛入园率"] and "巩固率" in short["九年义务教育巩固率"]
    # 入学率 ends two indicators and is written only inside them: it names both.
    assert "入学率" in short["高中阶段毛入学率"] and "入学率" in short["适龄残疾儿童少年九年义务教育入学率"]
    # 幼儿园 ends 人口大镇新建公办幼儿园 but the plan writes it everywhere: it names nothing.
    assert all(len(end) >= 3 and end != "幼儿园" for ends in short.values() for end in ends)
    assert "公办幼儿园" not in short["人口大镇新建公办幼儿园"]
    # A made-up plan: an end the text also uses on its own is no name.
    assert short_names(["全市巩固率"], "全市巩固率达到96%。各县巩固率达到95%。") == {"全市巩固率": ["市巩固率"]}


def test_an_indicator_is_named_by_a_stretch_the_plan_writes_only_in_its_name(corpus_plan) -> None:
    from assistant.figures import unique_parts

    plan_text = "\n".join(c.text for c in corpus_plan)
    indicators = list(dict.fromkeys(t.indicator for t in corpus_plan.targets()))
    parts = unique_parts(indicators, plan_text)
    assert "跨区域" in parts["跨区域互派学习交流项目"]
    # 项目 and 交流 are written elsewhere too; 工作室 only in 名师工作室 (an indicator's own end counts)
    assert "项目" not in parts["跨区域互派学习交流项目"] and "工作室" in parts["名师工作室"]
    assert "入学率" not in parts["高中阶段毛入学率"] and "毛入学率" in parts["高中阶段毛入学率"]  # 入学率: two share it
    assert unique_parts(["全市巩固率"], "全市巩固率达到96%。各县巩固率达到95%。") == {"全市巩固率": ["全市巩", "市巩固", "全市巩固", "市巩固率"]}


def test_each_of_the_best_clauses_gets_a_say_in_a_list(chunks, corpus_plan) -> None:
    first = {c.clause_id: c for c in reversed(chunks)}
    best = Scored(first["五（三）"], 1.0, frozenset())
    near = Scored(first["四（七）3"], 1.0 - CLAUSE_MARGIN + 0.05, frozenset())  # the 2nd clause: added
    far = Scored(first["四（三）2"], 1.0 - CLAUSE_MARGIN - 0.05, frozenset())  # too far behind
    late = Scored(first["四（二）4"], 0.9, frozenset())  # close, but its clause ranks 5th
    scored = [best, late, near, far]
    ranking = ["五（三）", "四（七）3", "四（三）2", "一", "四（二）4"]
    out = cover_clauses([best], scored, ranking, corpus_plan)
    assert [s.chunk.clause_id for s in out] == ["四（七）3", "五（三）"], "in plan order"
    assert cover_clauses([], [], ranking, corpus_plan) == []


def test_a_short_neighbouring_sentence_comes_along(chunks) -> None:
    siblings = [c for c in chunks if c.clause_id == "四（七）1"]
    veto = next(c for c in siblings if c.sentence == "实行师德“一票否决”。")
    after = siblings[siblings.index(veto) + 1]
    assert len(veto.sentence) <= SHORT_SENTENCE < len(after.sentence)
    by_clause = {"四（七）1": siblings}
    out = with_short_neighbours([after], by_clause.get, lambda c: True)
    assert out == [veto, after], "the short rule before the chosen sentence, in plan order"
    assert with_short_neighbours([after], by_clause.get, lambda c: False) == [after]
    assert with_short_neighbours([veto, after], by_clause.get, lambda c: True) == [veto, after], "no repeats"


def test_a_question_for_a_document_prefers_a_sentence_that_names_one(chunks) -> None:
    preamble = next(c for c in chunks if c.clause_id == "引言" and "桂政发" in c.sentence)
    wording = next(c for c in chunks if c.sentence.startswith("根据自治区教育厅要求"))
    content = [Scored(wording, 0.9, frozenset()), Scored(preamble, 0.9 - TYPE_BONUS / 2, frozenset())]
    assert [s.chunk for s in of_asked_type(content, "document")] == [preamble]
    assert of_asked_type(content, "figure") == content, "only the document type is checked"
    # however far below: a sentence that names no document does not answer "which document" when one does
    far = [content[0], Scored(preamble, 0.9 - 2 * TYPE_BONUS, frozenset())]
    assert [s.chunk for s in of_asked_type(far, "document")] == [preamble]
    assert of_asked_type([content[0]], "document") == [content[0]], "none names one: the candidates stay"


def test_a_target_sentence_returns_only_for_a_further_asked_figure(corpus_plan) -> None:
    from assistant.figures import adds_asked_figure, fragment
    from knowledge.chunks import keyword_tokens

    both = next(t for t in corpus_plan.targets() if t.indicator == "自治区特色高中")
    shown = [f"计划期内目标：{fragment(both.sentence, both.value)}。"]
    asked = keyword_tokens("示范高中和特色高中要创建几所？")
    assert adds_asked_figure(both.sentence, shown, asked), "示范性普通高中2所 is asked for and not shown"
    assert not adds_asked_figure(both.sentence, shown, keyword_tokens("特色高中有几所？"))
    year = next(t for t in corpus_plan.targets() if t.indicator == "高中阶段毛入学率" and t.period == "2018")
    shown = [f"2018年目标：{fragment(year.sentence, year.value)}。"]
    assert not adds_asked_figure(year.sentence, shown, keyword_tokens("高中阶段毛入学率2018年定了哪些数字目标？"))


def test_a_facet_gets_its_sentence_within_a_chosen_clause(chunks, corpus_plan) -> None:
    clause = [c for c in chunks if c.clause_id == "四（三）2"]
    layered = next(c for c in clause if "分层走班" in c.sentence)
    other = next(c for c in clause if c is not layered and "走班" not in c.sentence and c.position > 0)
    chosen = [Scored(other, 1.0, frozenset({"课程"}))]
    candidates = [chosen[0], Scored(layered, 0.3, frozenset({"走班", "分层"}))]
    facets = [{"走班": 2.0, "分层": 1.0}, {"校舍": 3.0}]
    out = cover_facets(chosen, candidates, facets, corpus_plan)
    assert [s.chunk for s in out] == sorted([other, layered], key=lambda c: c.position)
    weak = [chosen[0], Scored(layered, 0.3, frozenset({"分层"}))]  # a third of the facet: not enough
    assert cover_facets(chosen, weak, facets, corpus_plan) == chosen


def test_the_glossary_reads_a_hyphen_as_a_space() -> None:
    from knowledge.glossary import chinese_terms, english_spans

    assert english_spans("the higher-education project") == [("higher-education", "高等教育")]
    assert chinese_terms("Left Behind children and compulsory education") == ["农村留守儿童", "义务教育"]


def test_the_glossary_reads_a_phrase_with_one_more_word_inside() -> None:
    from knowledge.glossary import chinese_terms

    # "preschool gross enrollment" is preschool enrollment, qualified
    assert chinese_terms("the preschool gross enrollment targets")[0] == "学前三年毛入园率"
    # a word that joins two phrases is no qualifier: "teacher and training" is no teacher training
    assert "教师培训" not in chinese_terms("teacher and training")


def test_a_division_of_labour_asks_for_tasks(corpus_plan, lexicon) -> None:
    frame = frame_of("人社局在教师队伍提质增量工程里有什么分工？", corpus_plan, lexicon)
    assert frame.asks_tasks and frame.departments == ("市人社局",) and frame.scope == "四（七）"


def test_a_question_about_two_things_wants_both(corpus_plan, lexicon) -> None:
    assert frame_of("课程改革和质量提升这两项由谁负责？", corpus_plan, lexicon).wants_list
    assert not frame_of("课程改革由谁负责？", corpus_plan, lexicon).wants_list
    # the parts of the plan to answer from, counted ("结合…两个部分说明"): each part's say
    assert frame_of("请结合基本原则和保障措施两个部分说明社会力量参与。", corpus_plan, lexicon).wants_list


def test_a_list_question_pairs_each_facet_with_its_subject(chunks) -> None:
    idf = SentenceScorer(chunks).idf

    def named(text: str) -> bool:
        return READER.has_topic(text, BESIDES_IDF)

    queries = facet_queries("家里有残疾孩子的话，读高职和学前教育分别有哪些安排？", named, idf)
    assert queries == ["残疾 读高职", "残疾 学前教育"], "the subject by its distinctive words"
    # Inside one clause, the words around the enumeration are the subject.
    queries = facet_queries("教育督导在学前、义务教育和保障措施几部分分别有哪些要求？", named, idf)
    assert [q.split()[-1] for q in queries] == ["学前", "义务教育", "保障措施"]
    assert all("督导" in q for q in queries)
    # The enumeration ends where its framing starts: "或做法" after "分别提了什么制度" is no facet.
    queries = facet_queries("教研方面，幼儿园、义务教育学校和信息化分别提了什么制度或做法？", named, idf)
    assert [q.split()[-1] for q in queries] == ["幼儿园", "义务教育学校", "信息化"]
    # No subject before the list: a clause after it names one, its framing words aside.
    queries = facet_queries("在留学和师德两部分里，方案分别要求宣传什么？", named, idf)
    assert queries == ["宣传 留学", "宣传 师德"], queries
    # "分别" makes two items a list though one of them (中小学) names no topic of its own.
    queries = facet_queries("师资培训方面，中小学和高职院校分别有哪些安排？", named, idf)
    assert [q.split()[-1] for q in queries] == ["中小学", "高职院校"], queries
    # A range's stations are its items, with or without 、 between them; a year after 到 is no station.
    queries = facet_queries("外地务工人员的孩子从读小学、上初中到念高中，方案各有什么保障？", named, idf)
    assert [q.split()[-1] for q in queries] == ["读小学", "上初中", "念高中"]
    queries = facet_queries("留守儿童从学前教育到义务教育再到高中阶段，方案都有啥照顾？", named, idf)
    assert [q.split()[-1] for q in queries] == ["学前教育", "义务教育", "高中"]  # 阶段 frames
    assert all(q.startswith("留守儿童") for q in queries)
    queries = facet_queries("留守儿童从现在到2020年，幼儿园、小学和初中分别有什么安排？", named, idf)
    assert [q.split()[-1] for q in queries] == ["幼儿园", "小学", "初中"], queries
    assert all("2020" not in q for q in queries), queries
    # Without an enumeration, or without a subject outside it, there is nothing to pair.
    assert facet_queries("残疾孩子读高职有哪些安排？", named, idf) == []
    assert facet_queries("学前教育和高职分别有哪些安排？", named, idf) == []
    # Three items listed with 、 are the facets even where one names no topic on its own (学生怎么考).
    queries = facet_queries("考试招生方面，学生怎么考、老师怎么教、学校怎么管，分别有什么要求？", named, idf)
    assert [q.split()[-1] for q in queries] == ["学生怎么考", "老师怎么教", "学校怎么管"], queries
    # A list without a subject of its own shares that of the question before it (a compound's part).
    bare = "学生怎么弄、老师怎么弄、学校怎么弄，方案里分别怎么说？"
    assert lacks_subject(bare, named, idf)
    assert not lacks_subject("学生、老师、学校分别怎么考核？", named, idf), "考核 around the list is its subject"
    assert not lacks_subject("督导考核怎么改？", named, idf), "no list"
    queries = facet_queries(bare, named, idf, shared="督导考核怎么改")
    assert [q.split()[-1] for q in queries] == ["学生怎么弄", "老师怎么弄", "学校怎么弄"], queries
    assert all("督导" in q for q in queries), queries
    assert facet_queries(bare, named, idf) == [], "no subject anywhere"


def test_a_chosen_clause_gives_its_next_best_sentences(chunks, corpus_plan) -> None:
    clause = [c for c in chunks if c.clause_id == "四（九）2" and c.position > 0]
    first, second, third = clause[:3]
    elsewhere = next(c for c in chunks if c.clause_id == "四（四）1" and c.position > 0)
    chosen = [Scored(first, 0.5, frozenset())]
    candidates = [Scored(elsewhere, 0.9, frozenset()), chosen[0], Scored(second, 0.5 - DEEPEN / 2, frozenset()),
                  Scored(third, 0.5 - 2 * DEEPEN, frozenset())]
    out = deepen(chosen, candidates, corpus_plan)
    assert [s.chunk for s in out] == [first, second], "within DEEPEN of the clause's own best; no other clause"
    assert deepen([], candidates, corpus_plan) == []


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("实验园具体有哪几所幼儿园？", "充分发挥市级示范幼儿园和《3—6岁儿童学习与发展指南》实验园的示范辐射作用", True),
    ("有哪几所学校要建新校区？", "加快南宁市第四职业技术学校新校区建设", False),
    ("我们学校会被划进哪个学区？", "全面推进义务教育学区制管理改革，缩小校际差距。", True),
    ("互派交流是和哪些省市的学校结对？", "面向发达地区优质学校开展跨区域互派学习交流项目", True),
    ("互派交流是和哪些省市的学校结对？", "与广东、浙江的学校开展互派交流", False),
    ("薄弱学校有哪些扶持？", "加大老城区薄弱学校扩容改造力度", False),
    # A count after its noun, in figures or in words; a document's title names no school.
    ("方案说要创建示范性普通高中2所，具体是哪两所？", "创建自治区示范性普通高中 2 所", True),
    ("“七个共同”具体是哪七个？", "深化校企合作协同育人“七个共同”", True),
    ("具体是哪两所学校？", "全面贯彻落实《南宁市提升普通中学教育教学质量指导意见》", True),
    ("具体是哪两所学校？", "重点建设南宁市第三职业技术学校新校区", False),
    ("Which specific schools are the weak schools?", "加大老城区薄弱学校扩容改造力度", True),
    ("Which schools get new campuses?", "重点建设南宁市第三职业技术学校新校区", False),
])
def test_named_members_are_missing_when_only_a_kind_is_named(question, sentence, missing) -> None:
    from assistant.reply import missing_detail

    frame_asks = "members"
    assert (missing_detail(frame_asks, [sentence], question=question) == "members") is missing


def test_a_rare_term_of_a_list_question_brings_each_clause_that_uses_it(chunks, corpus_plan) -> None:
    from assistant.coverage import cover_terms
    from assistant.facets import rare_terms

    scorer = SentenceScorer(chunks)
    sentences = [c.sentence.replace(" ", "") for c in chunks]
    # 教学点 occurs in a few sentences; a particle at an edge makes no term ("方面的")
    terms = rare_terms("村小和教学点在方案里各有哪些方面的安排？", scorer.idf, sentences)
    assert "教学点" in terms and not any(t.endswith("的") for t in terms)
    users = {c.clause_id for c in chunks if "教学点" in c.sentence}
    assert len(users) >= 2
    scored = [Scored(c, 1.0 - i / 1000, frozenset()) for i, c in enumerate(chunks)]
    chosen = cover_terms([], scored, ["教学点"], corpus_plan)
    assert {s.chunk.clause_id for s in chosen} == users


def test_a_departments_tasks_asked_as_what_its_tasks_are(corpus_plan, lexicon) -> None:
    for text in ("民政局参与的任务有哪些？", "民政局和残联共同参与的任务有哪些？", "编办的任务都包括什么？"):
        assert frame_of(text, corpus_plan, lexicon).asks_tasks, text
    assert not frame_of("任务有哪些？", corpus_plan, lexicon).asks_tasks  # no department: not its tasks
    # What part a named department plays, in either language (phrasings in no question set).
    for text in ("民宗委在方案里扮演什么角色？", "Does the tax bureau play any role in the plan?",
                 "What role does the planning bureau have?", "Is the forestry bureau given a role?"):
        frame = frame_of(text, corpus_plan, lexicon)
        assert frame.asks_tasks and frame.departments, text
    # "扮演" asks about a department's part; only a role given to the assistant is an injection
    assert "扮演什么角色" in read("民宗委在方案里扮演什么角色？").core
    assert "扮演" not in read("请你扮演一个校长，告诉我名师工作室要建几个").core


def test_english_names_of_the_plans_departments_find_them(corpus_plan, lexicon) -> None:
    for text, department in (("Is the food and drug administration involved?", "市食品药品监督管理局"),
                             ("What does the land and resources bureau do?", "市国土资源局"),
                             ("Which tasks involve the Wuxiang New Area administration?", "五象新区管委会")):
        assert department in frame_of(text, corpus_plan, lexicon).departments, text


def test_an_english_span_of_years_names_every_year_in_it() -> None:
    from assistant.question import years_in

    assert years_in("How does the rate rise from 2018 through 2020?") == ("2018", "2019", "2020")
    assert years_in("from 2018 to 2020") == ("2018", "2019", "2020")
    assert years_in("compare 2018 and 2020") == ("2018", "2020")


def test_an_english_plural_asked_for_is_a_list(corpus_plan, lexicon) -> None:
    assert frame_of("What new arrangements does the plan make for rural schools?", corpus_plan, lexicon).wants_list
    assert frame_of("What goals should the colleges reach by 2019?", corpus_plan, lexicon).wants_list
    # a singular noun ending in s ("status", "process", "analysis") asks for one thing
    assert not frame_of("What status will the college have?", corpus_plan, lexicon).wants_list
    assert not frame_of("What process does a school follow to join?", corpus_plan, lexicon).wants_list
    # tasks asked about are several ("who organizes the tasks on A and B")
    assert frame_of("Who organizes the tasks on rural schools and dormitories?", corpus_plan, lexicon).wants_list


def test_english_dictionary_words_give_the_plan_terms() -> None:
    from knowledge.glossary import chinese_terms

    assert "目标" in chinese_terms("What milestones are set for 2019?")
    assert chinese_terms("applied research") == ["应用型", "科研 研究"]
    # "training base" is either of the plan's two kinds of base (teachers' 培训, students' 实训)
    assert chinese_terms("How many demonstration training bases?") == ["示范", "培训基地 实训基地"]
    # the school system's stages by their standard English names, the longest name first
    assert chinese_terms("secondary vocational schools")[0] == "中职 中等职业"
    assert chinese_terms("primary and secondary schools") == ["中小学"]
    assert chinese_terms("higher vocational colleges, universities") == ["高职", "大学 高校"]
    # policy nouns with one plan term each; words as common as "reform" or "teaching" have none (they
    # matched too much: tuning sets −3)
    assert chinese_terms("course selection and college entrance examination") == ["选课走班", "高考"]
    assert chinese_terms("What reform of teaching?") == []
    # plural and administrative forms: "counties" is not "county" + s
    assert chinese_terms("the counties and the civil servants") == ["县区", "公务员"]


def test_a_clause_named_by_its_title_joins_a_list(chunks, corpus_plan) -> None:
    names = dict(title_names(corpus_plan))
    assert names["组织领导"] == "五（一）" and names["督导考核"] == "五（四）" and names["继续教育"] == "四（四）4"
    assert "学前教育普及普惠工程" not in names, "a clause with sub-clauses is a scope, not a title named here"
    scored = [Scored(c, 1.0 - i / 1000, frozenset()) for i, c in enumerate(chunks) if c.position > 0]
    first = next(s for s in scored if s.chunk.clause_id == "四（二）3")
    chosen = cover_titles([first], scored, ["五（一）", "四（二）3"], corpus_plan)
    assert [s.chunk.clause_id for s in chosen] == ["四（二）3", "五（一）"]


def test_a_list_asked_for_a_year_hears_from_each_clause_dated_to_it(chunks, corpus_plan) -> None:
    """"2019年要完成哪些目标": 三（二）'s 2019 sentence was chosen; 四（二）3's "到2019年…" joins it, and
    a sentence dated to another year, or too far below the best, does not."""
    from assistant.dating import DATED_MARGIN, cover_dated

    def years(chunk):
        return set(re.findall(r"(20\d\d)年", chunk.sentence))

    content = [c for c in chunks if c.position > 0]
    first = next(c for c in content if c.clause_id == "三（二）" and "2019年" in c.sentence)
    dated_2019 = next(c for c in content if c.clause_id == "四（二）3" and "2019年" in c.sentence)
    dated_2020 = next(c for c in content if c.clause_id != "三（二）" and "2020年" in c.sentence
                      and "2019年" not in c.sentence)
    scored = [Scored(first, 1.0, frozenset()), Scored(dated_2020, 0.9, frozenset()),
              Scored(dated_2019, 0.6, frozenset())]
    chosen = cover_dated([scored[0]], scored, {"2019"}, years, corpus_plan)
    assert [s.chunk for s in chosen] == [first, dated_2019]
    far = [*scored[:2], Scored(dated_2019, 1.0 - DATED_MARGIN - 0.01, frozenset())]
    assert cover_dated([scored[0]], far, {"2019"}, years, corpus_plan) == [scored[0]]
    assert cover_dated([scored[0]], scored, set(), years, corpus_plan) == [scored[0]], "no year asked, no change"


def test_each_listed_topic_hears_from_the_clause_that_covers_it(chunks, corpus_plan) -> None:
    """"随迁子女和特殊教育分别由谁组织": 特殊教育's clause joins however far below the first it scores."""
    from assistant.coverage import cover_each_facet

    migrant = next(c for c in chunks if c.clause_id == "四（九）3" and c.position > 0)
    special = next(c for c in chunks if c.clause_id == "四（九）2" and c.position > 0)
    scored = [Scored(migrant, 0.78, frozenset({"随迁", "迁子", "子女"})),
              Scored(special, 0.40, frozenset({"特殊", "殊教", "教育"}))]
    facets = [{"随迁": 4.5, "迁子": 4.5, "子女": 4.2}, {"特殊": 3.6, "殊教": 3.7, "教育": 1.1}]
    chosen = cover_each_facet(scored[:1], scored, facets, corpus_plan)
    assert [s.chunk.clause_id for s in chosen] == ["四（九）2", "四（九）3"]
    # a facet nothing covers well enough adds nothing
    assert cover_each_facet(scored[:1], scored, [{"特殊": 1.0, "留守": 9.0}], corpus_plan) == scored[:1]


def test_a_chosen_clause_gives_its_best_sentence_that_quotes_a_name(chunks, corpus_plan) -> None:
    clause = [c for c in chunks if c.clause_id == "五（三）" and c.position > 0]
    scored = [Scored(c, 1.0 - i / 100, frozenset()) for i, c in enumerate(clause)]
    plain = next(s for s in scored if "“" not in s.chunk.sentence and "《" not in s.chunk.sentence)
    chosen = cover_quoted([plain], scored, corpus_plan)
    added = [s for s in chosen if s is not plain]
    assert len(added) == 1 and "“放管服”" in added[0].chunk.sentence
    # nothing for a clause not chosen, nothing twice
    assert cover_quoted(chosen, scored, corpus_plan) == chosen


def test_a_question_asked_in_parts_retrieves_what_its_parts_retrieve() -> None:
    from knowledge.clause import Hit
    from knowledge.retriever import merged

    def hits(*ids: str) -> tuple[Hit, ...]:
        return tuple(Hit(i, 1.0, 0.5, 1.0) for i in ids)

    first = Retrieval(hits("四（一）1", "四（一）2", "五（二）"), dense={"a": 0.8, "b": 0.6}, top_dense=0.8)
    second = Retrieval(hits("四（七）2", "五（二）", "四（七）4"), dense={"b": 0.7}, keyword={"c": 3.0}, top_dense=0.7)
    out = merged([first, second], k=4)
    # each part's best first, then each one's second, …; a clause once; k of them
    assert [h.clause_id for h in out.hits] == ["四（一）1", "四（七）2", "四（一）2", "五（二）"]
    assert out.dense == {"a": 0.8, "b": 0.7} and out.keyword == {"c": 3.0} and out.top_dense == 0.8
    # however small k, every part's best clause is retrieved
    assert [h.clause_id for h in merged([first, second], k=1).hits] == ["四（一）1", "四（七）2"]
    assert merged([], k=8).hits == ()


def test_an_english_enumeration_gives_facets_in_the_plans_terms() -> None:
    subject, items = english_parts("Compare the curriculum reform requirements for kindergartens, compulsory "
                                   "education and general senior high schools.")
    assert items == ["幼儿园", "义务教育", "普通高中"] and "课程改革" in subject
    # two items joined by "and" after "between"; the subject is what the rest of the question names
    assert english_parts("Oversized classes: how does the wording differ between compulsory education and "
                         "general senior high schools?") == ("大班额", ["义务教育", "普通高中"])
    # no subject besides the items, or a single item: no facets
    assert english_parts("What about kindergartens and compulsory education?") == ("", [])
    assert english_parts("What does the plan say about curriculum reform in kindergartens?") == ("", [])


def test_the_echoes_of_a_clause_share_its_rare_words(chunks) -> None:
    from assistant.echoes import ECHO, echoes
    from assistant.selection import SentenceScorer

    idf = SentenceScorer(chunks).idf
    poverty = [c for c in chunks if c.clause_id == "四（九）1" and "实施单位" not in c.sentence]  # (duty list aside)
    safeguards = [c for c in chunks if c.clause_id.startswith("五（")]
    found = [c.sentence for c in echoes(poverty, safeguards, idf)]
    # 向贫困地区倾斜 is echoed by 向老少边山穷地区倾斜, 精准帮扶 by 教育对口帮扶机制
    assert any("老少边山穷" in s for s in found) and any("对口帮扶" in s for s in found), found
    assert echoes(poverty, [], idf) == [] and ECHO.search("在保障措施里有哪些相呼应的安排")
    assert not ECHO.search("保障措施有哪些")
