"""The clause parser on the real plan, a 第X章/第X条 plan, an unstructured text and broken input."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from knowledge.clause import Plan
from knowledge.ids import canonical_id, find_clause_ids
from knowledge.parser import MalformedDocument, load_plan, parse_plan

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"
DATA = Path(__file__).resolve().parent / "data"

EXPECTED_IDS = [
    "通知", "引言", "一", "二", "二（一）", "二（二）", "二（三）", "二（四）",
    "三", "三（一）", "三（二）",
    "四",
    "四（一）", "四（一）1", "四（一）2", "四（一）3",
    "四（二）", "四（二）1", "四（二）2", "四（二）3", "四（二）4",
    "四（三）", "四（三）1", "四（三）2", "四（三）3",
    "四（四）", "四（四）1", "四（四）2", "四（四）3", "四（四）4",
    "四（五）", "四（五）1", "四（五）2",
    "四（六）", "四（六）1", "四（六）2",
    "四（七）", "四（七）1", "四（七）2", "四（七）3", "四（七）4",
    "四（八）", "四（八）1", "四（八）2", "四（八）3",
    "四（九）", "四（九）1", "四（九）2", "四（九）3", "四（九）4",
    "五", "五（一）", "五（二）", "五（三）", "五（四）", "五（五）",
]  # fmt: skip
SENTENCE_END = "。！？；：”）"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(CORPUS)


def test_clause_ids_in_document_order(plan):
    assert [c.id for c in plan] == EXPECTED_IDS
    assert [c.order for c in plan] == list(range(len(EXPECTED_IDS)))
    assert plan.warnings == ()


def test_levels_and_parents(plan):
    def level_of(cid: str) -> str:
        if cid in ("通知", "引言"):
            return {"通知": "notice", "引言": "preamble"}[cid]
        if re.fullmatch(r"[一二三四五]", cid):
            return "part"
        return "item" if cid[-1].isdigit() else "subsection"

    for clause in plan:
        assert clause.level == level_of(clause.id), clause.id
        expected_parent = None
        if clause.level == "subsection":
            expected_parent = clause.id[0]
        elif clause.level == "item":
            expected_parent = clause.id.rstrip("0123456789")
        assert clause.parent_id == expected_parent, clause.id
    assert [c.id for c in plan.children("四（二）")] == ["四（二）1", "四（二）2", "四（二）3", "四（二）4"]
    assert [c.id for c in plan.ancestors("四（九）4")] == ["四（九）", "四"]


def test_titles_headings_and_paths(plan):
    item = plan.get("四（二）3")
    assert item.title == "实现义务教育基本均衡发展县县全覆盖"
    assert item.heading == "3. 实现义务教育基本均衡发展县县全覆盖"
    assert item.path == ("四、主要任务", "（二）实施义务教育优质均衡工程", "3. 实现义务教育基本均衡发展县县全覆盖")
    assert plan.get("一").title == "指导思想" and plan.get("一").heading == "一、指导思想"
    # Bold-wrapped headings and plain-paragraph subsections get the same treatment.
    assert plan.get("五").heading == "五、保障措施"
    assert plan.get("五（一）").title == "加强组织领导"
    principle = plan.get("二（一）")
    assert principle.title == "坚持统筹协调"
    assert principle.text == "（一）坚持统筹协调。落实各级政府主体责任，强化部门统筹协调，动员社会各方面力量共同参与，形成强大工作合力。"
    assert plan.get("三（二）").path == ("三、工作目标", "（二）年度目标")
    for clause in plan:
        assert "#" not in clause.text and "**" not in clause.text
        assert clause.path[-1] == clause.heading
        assert not clause.title.endswith("。")


def test_own_text_excludes_children(plan):
    part = plan.get("四")
    assert part.text == "四、主要任务"
    assert "扩大公办学前教育资源" in plan.full_text("四")
    yearly = plan.get("三（二）").text
    assert yearly.startswith("（二）年度目标。\n2018年，学前三年毛入园率达到96%")
    assert yearly.count("\n") == 3  # heading + the 2018, 2019 and 2020 paragraphs
    assert plan.get("五（一）").text.startswith("（一）加强组织领导。\n全市各级人民政府")


def test_title_doc_number_notice_and_preamble(plan):
    assert plan.title == "南宁市贯彻《广西教育提升三年行动计划（2018—2020年）》实施方案"
    assert plan.doc_number == "南府办函〔2018〕402号"
    notice = plan.get("通知")
    assert notice.text.splitlines() == [
        "南宁市人民政府办公厅",
        "南府办函〔2018〕402号",
        "南宁市人民政府办公厅关于印发南宁市贯彻《广西教育提升三年行动计划（2018—2020年）》实施方案的通知",
        "各县、区人民政府，市政府各部门，各管委会，市级各双管单位，市直各事业、企业单位：",
        "《南宁市贯彻〈广西教育提升三年行动计划（2018—2020年）〉实施方案》已经市十四届人民政府第57次常务会议"
        "审议通过，现印发给你们。请结合实际，认真组织实施。",
    ]
    assert notice.title.endswith("实施方案的通知")
    assert plan.issuer == "南宁市人民政府办公厅", "an official notice names its issuer before 关于"
    preamble = plan.get("引言")
    assert preamble.text.startswith("为贯彻落实《广西壮族自治区人民政府关于印发")
    assert preamble.text.endswith("特制定本实施方案。") and "\n" not in preamble.text
    assert not any("公开方式" in c.text or "不予公开" in c.text for c in plan)


def test_page_breaks_are_repaired(plan):
    everything = "\n".join(c.text for c in plan)
    for fragment in ("卫生计生委", "十三五”规划", "具体实施单位：各县区人民政府、开发区管委会、南宁职业技术学院）",
                     "九年义务教育巩固率达到96%以上", "为学生健康成长", "推动乡村教师生活补助", "对政府教育督导",
                     "中心（基地）。", "编办、规划局", "五象新区管委会；具体实施单位"):
        assert fragment in everything, fragment
    for clause in plan:
        lines = clause.text.split("\n")
        # Heading lines carry no sentence punctuation: the notice's office, number and title, part headings.
        headings = set(lines[:3]) if clause.level == "notice" else {clause.heading}
        for line in lines:
            assert line == line.strip() and line
            if line not in headings:
                assert line[-1] in SENTENCE_END, (clause.id, line[-30:])
        assert not re.search(r"具\n体|卫生计\n|十三\n|  ", clause.text), clause.id


def test_extraction_spaces_removed(plan):
    goals = plan.get("三（一）").text
    assert "到2020年" in goals and "达到97%" in goals and "96%以上" in goals
    assert "新建1—2所公办幼儿园" in plan.get("四（一）1").text
    assert "（2018—2020年）" in plan.get("通知").text
    assert "“建设壮美广西 共圆复兴梦想”" in plan.get("一").text  # a space between CJK words stays
    assert not any(re.search(r"[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff%]|% ", c.text) for c in plan)


def test_duty_parenthetical_stays_in_text(plan):
    item = plan.get("四（九）4")
    assert item.text.endswith("（组织实施单位：市民政局、教育局、综治办、公安局、财政局、卫生计生委；"
                              "具体实施单位：各县区人民政府、开发区管委会）")
    assert all(c.duty is None for c in plan if c.level != "item")
    assert all(c.duty is not None for c in plan if c.level == "item")


def test_duties(plan):
    d = plan.get("四（一）1").duty
    assert d.organizers == ("市教育局", "市财政局", "市发展改革委", "市编办", "市规划局", "市国土资源局",
                            "市住房局", "市民政局", "市残联", "五象新区管委会")
    assert d.implementers == ("市教育局", "各县区人民政府", "开发区管委会", "五象新区管委会")
    assert d.organizers_text == "市教育局、财政局、发展改革委、编办、规划局、国土资源局、住房局、民政局、残联，五象新区管委会"
    d = plan.get("四（四）1").duty
    assert d.organizers == ("市教育局", "市发展改革委", "市财政局", "市人社局", "市卫生计生委")
    assert d.implementers == ("各县、武鸣区人民政府", "五象新区管委会", "南宁职业技术学院")
    d = plan.get("四（五）1").duty
    assert d.organizers == ("南宁学院", "南宁职业技术学院")
    assert d.implementers == () and d.implementers_text == ""
    d = plan.get("四（九）1").duty
    assert d.organizers == ("市教育局",)
    assert d.implementers == ("市国土资源局", "市城乡建委", "市财政局", "市民政局", "市食品药品监督管理局",
                              "市发展改革委", "市编办", "市残联", "市人社局", "市卫生计生委", "市民宗委",
                              "市文新广局", "市扶贫办", "各县区人民政府", "开发区管委会", "南宁职业技术学院")
    d = plan.get("四（九）4").duty
    assert d.organizers == ("市民政局", "市教育局", "市综治办", "市公安局", "市财政局", "市卫生计生委")
    assert plan.get("四（二）4").duty.organizers[-3:] == ("青秀山管委会", "各县区人民政府", "开发区管委会")
    assert plan.get("四（四）4").duty.implementers == ("市社区教育指导委员会成员单位", "南宁职业技术学院")


def test_parses_fast(plan):
    text = CORPUS.read_text(encoding="utf-8")
    best = min(_timed(text) for _ in range(3))
    assert best < 0.05, f"parse took {best * 1000:.1f} ms"


def _timed(text: str) -> float:
    start = time.perf_counter()
    parse_plan(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("raw", ["四（二）3", "4.2.3", "四.（二）.3", "四(二)3", "四（二）3.", " 四 （二） 3 ",
                                 "４．２．３", "四、（二）、3", "条款4.2.3", "（二）3"])
def test_id_aliases(plan, raw):
    assert canonical_id(raw, plan) == "四（二）3"


def test_id_aliases_other_levels(plan):
    assert canonical_id("4.2", plan) == "四（二）"
    assert canonical_id("4", plan) == "四"
    assert canonical_id("第四部分", plan) == "四"
    assert canonical_id("二(三)", plan) == "二（三）"
    assert canonical_id("通知", plan) == "通知" and canonical_id("前言", plan) == "引言"
    assert canonical_id("4.2.3.1") == "四（二）3（1）"  # parses, but the real plan has no sub-items
    assert canonical_id("4.2.3.1", plan) is None
    assert canonical_id("四（二）9", plan) is None and canonical_id("四（二）9") == "四（二）9"
    for junk in ("", "abc", "一二", "0.1", "四（二）3讲", "第三条"):
        assert canonical_id(junk, plan) is None, junk


def test_find_clause_ids_in_questions(plan):
    assert find_clause_ids("四（二）3讲了什么") == ["四（二）3"]
    assert find_clause_ids("条款4.2.3和四(一)有什么不同") == ["四（二）3", "四（一）"]
    assert find_clause_ids("通知是哪次会议通过的") == ["通知"]
    assert find_clause_ids("2019年学前三年毛入园率达到96.5%吗") == []
    assert find_clause_ids("4.2.9 和 四（二）3", plan) == ["四（二）3"]


def test_second_plan_chapters_articles_and_subitems():
    plan = load_plan(DATA / "second-plan.md")
    assert plan.title == "南宁市中小学课后服务管理办法（试行）"
    assert plan.doc_number == "" and plan.warnings == ()
    assert [c.id for c in plan] == [
        "引言", "第一章", "第一章第一条", "第一章第二条",
        "第二章", "第二章第三条", "第二章第三条（1）", "第二章第三条（2）", "第二章第三条（3）", "第二章第四条",
        "第三章", "第三章第五条", "第三章第六条", "第三章第六条（1）", "第三章第六条（2）", "第三章第七条",
    ]  # fmt: skip
    chapter = plan.get("第三章")  # written without a markdown heading mark
    assert (chapter.level, chapter.title, chapter.heading) == ("chapter", "保障与监督", "第三章 保障与监督")
    sub = plan.get("第二章第三条（2）")
    assert sub.level == "subitem" and sub.parent_id == "第二章第三条"
    assert sub.title == "开展文体、艺术、科普、劳动等兴趣小组和社团活动"
    assert sub.path[0] == "第二章 服务内容与时间"
    assert plan.get("第二章第三条").text == "第三条　学校应当根据学生年龄特点和家长需求，提供以下课后服务："
    assert plan.get("第三章第五条").text.endswith("会同教育、财政部门确定。")  # page break repaired
    article = plan.get("第二章第四条")
    assert article.duty.organizers == ("市教育局", "市财政局")
    assert [(t.indicator, t.period, t.value) for t in article.targets] == [
        ("义务教育学校课后服务覆盖率", "2025", "100%"),
        ("有需求学生参与率", "2025", "90%以上"),
    ]
    assert canonical_id("第三条", plan) == "第二章第三条"
    assert canonical_id("第3条(1)", plan) == "第二章第三条（1）"
    assert canonical_id("第九条", plan) is None


def test_articles_without_chapters_and_numbered_subitems():
    plan = parse_plan("第一条 本办法适用于全市。\n\n第二条 学校应当：\n\n（1）做好登记；\n\n（2）做好报告。\n\n"
                      "第三条 本办法自发布之日起施行。")
    assert [c.id for c in plan] == ["第一条", "第二条", "第二条（1）", "第二条（2）", "第三条"]
    assert canonical_id("第3条", plan) == "第三条"
    plan = parse_plan("# 方案\n\n一、主要任务\n\n（一）义务教育。\n\n1. 推进均衡。\n\n2. 合理布局。包括：\n\n"
                      "（1）优化学校布局；\n\n（2）办好必要的教学点。\n\n3. 深化改革。")
    assert [c.id for c in plan][-4:] == ["一（一）2", "一（一）2（1）", "一（一）2（2）", "一（一）3"]
    assert plan.get("一（一）2（1）").path == ("一、主要任务", "（一）义务教育", "2. 合理布局", "（1）优化学校布局")
    assert canonical_id("1.1.2.1", plan) == "一（一）2（1）"


def test_repeated_numbers_stay_text_with_a_warning():
    plan = parse_plan("一、总则\n\n1. 第一项。\n\n1. 又是第一项。\n\n2. 第二项。")
    assert [c.id for c in plan] == ["一", "一1", "一2"]
    assert plan.get("一1").text == "1. 第一项。\n1. 又是第一项。"
    assert any("一1" in w for w in plan.warnings)


def test_unstructured_document_becomes_paragraphs():
    plan = load_plan(DATA / "unstructured.md")
    assert plan.title == "关于做好秋季学期开学工作的提示"
    assert [c.id for c in plan] == ["段1", "段2", "段3"]
    assert all(c.level == "paragraph" and c.parent_id is None for c in plan)
    assert plan.get("段3").text == "督查安排\n教育部门将对开学工作进行专项督查，督查结果在全市范围内通报。"
    assert plan.get("段3").title == "督查安排"
    assert len(plan.warnings) == 1 and "段1" in plan.warnings[0]
    assert canonical_id("段2", plan) == "段2"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
        (bytes(range(128, 256)) * 8, "UTF-8"),
        ("Déjà vu, café".encode("latin-1"), "UTF-8"),  # neither UTF-8 nor Chinese GB18030 (GBK is read: test_formats)
        (b"\x01\x02\x03\x04\x05\x06\x07\x08 text \x0e\x0f\x10\x11", "binary"),
    ],
)
def test_malformed_input_is_rejected_clearly(tmp_path, content, reason):
    path = tmp_path / "input.md"
    path.write_bytes(content)
    with pytest.raises(MalformedDocument, match=reason) as info:
        load_plan(path)
    assert isinstance(info.value, ValueError) and str(path) in str(info.value)


def test_parse_plan_rejects_empty_text():
    for text in ("", "   \n\n", "---\n\n***\n"):
        with pytest.raises(MalformedDocument):
            parse_plan(text)
