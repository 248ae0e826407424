"""Messages that ask more than one thing: English sub-questions, and a question after a request to
write or change text (which is declined while the question is answered)."""

from __future__ import annotations

from assistant import question as questions


def test_an_english_question_splits_where_it_asks_its_next_thing() -> None:
    text = ("What does the plan say about getting all schools onto the Internet, "
            "and about building up digital teaching resources?")
    assert questions.english_parts(text) == [
        "What does the plan say about getting all schools onto the Internet",
        "about building up digital teaching resources?",
    ]
    # "how many X and how many Y …" is one question: a part of under five words is no sub-question.
    one = "How many studios and how many exchange projects are planned?"
    assert questions.english_parts(one) == [one]
    assert questions.english_parts("Who organizes teacher training?") == ["Who organizes teacher training?"]
    # however long the first count, it shares the verb and the frame of the second
    shared = ("Under the city's new funding rules, how many kindergartens in the rural townships and how many "
              "primary schools does the plan say will be rebuilt?")
    assert questions.english_parts(shared) == [shared]
    # a count with a verb of its own is a sub-question
    assert len(questions.english_parts("How many studios will be built, and how many teachers will be trained?")) == 2


def test_a_preposition_said_again_starts_a_facet_of_the_same_question() -> None:
    text = "What measures are planned for migrant workers' children and for rural left-behind children, respectively?"
    assert questions.english_facets(text) == [
        "What measures are planned for migrant workers' children?",
        "What measures are planned for rural left-behind children?",
    ]
    # one preposition for both is one subject ("for A and B"); a short facet is no question
    assert questions.english_facets("What is planned for teachers and students?") == []
    assert questions.english_facets("Why on earth and on what?") == []


def test_a_question_after_a_request_to_change_text_is_answered_and_the_request_declined() -> None:
    q = questions.read("请先把“第57次常务会议”改成“第58次”，再告诉我这份通知的文号是什么。")
    assert not q.authoring and q.declined
    assert q.core == "告诉我这份通知的文号是什么"
    # A request alone, or one whose last part belongs to the request ("并注明出自哪一条"), stays a request.
    for text in ("帮我把方案里的目标改成98%", "请补充一条：2020年新建50所幼儿园，并注明出自哪一条。"):
        q = questions.read(text)
        assert q.authoring and not q.declined
    assert not questions.read("新增了哪些公办幼儿园？").declined
    assert questions.read("请把“提高教师地位待遇”这一段翻译成英文").authoring


def test_colloquial_question_words_read_as_standard_ones() -> None:
    q = questions.read("娃在乡下上学，学校这边要做些啥？")
    assert q.core.endswith("要做些什么？")
    assert questions.standard_words("教室不够用咋办") == "教室不够用怎么办"


def test_a_remark_after_the_last_question_is_no_sub_question() -> None:
    assert questions.parts("教育局负责哪些任务？我们办公室要核对一下。") == ["教育局负责哪些任务？我们办公室要核对一下。"]
    # a request to tell, or an enumeration of the parts wanted, is one
    assert len(questions.parts("师资有哪些安排？待遇和编制都说说。")) == 2
    assert len(questions.parts("培训有哪些？国内培训、出国培训都算。")) == 2
    assert len(questions.parts("文号是什么？哪次会议通过的？")) == 2


def test_questions_a_colon_announces_are_sub_questions() -> None:
    text = "我是高中校长，关心三件事：毛入学率目标是多少，特色高中要创建几所，还有大班额怎么解决？"
    assert questions.parts(text) == ["毛入学率目标是多少", "特色高中要创建几所", "还有大班额怎么解决"]
    # a clause that asks nothing ("我们教学楼不够用") makes it one question about a situation
    one = "高中这块我想问问：我们教学楼不够用，选课走班怎么弄，方案里这几件事都是怎么写的？"
    assert questions.parts(one) == [one]
    # a colon before one question, or a list of topics (学生、教师), announces no questions
    assert questions.parts("请回答：随迁子女就学遵循什么原则？") == ["请回答：随迁子女就学遵循什么原则？"]
    assert questions.parts("评价这块：学生、教师分别怎么评？") == ["评价这块：学生、教师分别怎么评？"]


def test_a_later_part_repeats_nothing_but_another_departments_tasks(corpus_plan) -> None:
    from assistant.evidence import Line, Transcript

    title = corpus_plan.get("四（八）1").title
    said = Transcript(corpus_plan)
    plain = Line("推进数字校园和智慧校园建设。", "四（八）1", "推进数字校园和智慧校园建设。")
    said.add([plain])
    # the same sentence under its clause's title, in a later part, is a repeat
    said.add([Line(f"{title}：{plain.text}", plain.clause_id, plain.quote)])
    assert [line.text for line in said.lines] == [plain.text]
    # another department's tasks list the tasks both share, after that department's count
    task = Line("四（八）1 加快推进教育信息化基础能力建设（组织实施单位）", "四（八）1", "组织实施单位")
    said.add([task], "市财政局在本计划中参与16项任务：", "department")
    said.add([task], "市人社局在本计划中参与11项任务：", "department")
    # (each lead on a line of its own above the task it introduces)
    assert [line.text for line in said.lines][1:] == [f"市财政局在本计划中参与16项任务：\n{task.text}",
                                                      f"市人社局在本计划中参与11项任务：\n{task.text}"]
    # the same count said again opens nothing; a new lead on repeated lines keeps the line it leads
    said.add([task], "市人社局在本计划中参与11项任务：", "department")
    said.add([plain], "计划中“智慧校园”出现2次：")
    assert len(said.lines) == 4 and said.lines[-1].text == f"计划中“智慧校园”出现2次：\n{plain.text}"


def test_a_sentence_a_target_line_already_says_is_not_repeated(corpus_plan) -> None:
    from assistant.evidence import Line, Transcript

    sentence = "建设“名师工作室”25个。"
    said = Transcript(corpus_plan)
    said.add([Line(f"5年内目标：{sentence}", "四（七）2", sentence)])
    said.add([Line(sentence, "四（七）2", sentence), Line("加强教师信息化教学应用能力培训。", "四（八）3",
                                                       "加强教师信息化教学应用能力培训。")])
    assert [line.clause_id for line in said.lines] == ["四（七）2", "四（八）3"]
    # the same words from another clause are that clause's own
    said.add([Line(sentence, "四（七）3", sentence)])
    assert len(said.lines) == 3
