"""Department names and numeric targets, checked against the real plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.clause import Plan
from knowledge.departments import (
    all_departments,
    canonical_department,
    department_matches,
    find_departments,
    parse_duty,
    split_departments,
)
from knowledge.parser import load_plan
from knowledge.targets import extract_targets

CORPUS = Path(__file__).resolve().parents[1] / "knowledge" / "corpus" / "nanning-education-plan-2018-2020.md"
DEFAULT = "2018—2020"

# Every target figure of the real plan: (clause, indicator, period, value), in document order.
EXPECTED_TARGETS = [
    ("三（一）", "学前三年毛入园率", "2020", "97%"),
    ("三（一）", "九年义务教育巩固率", "2020", "96%以上"),
    ("三（一）", "高中阶段毛入学率", "2020", "95%以上"),
    ("三（二）", "学前三年毛入园率", "2018", "96%"),
    ("三（二）", "九年义务教育巩固率", "2018", "96%以上"),
    ("三（二）", "高中阶段毛入学率", "2018", "95.5%"),
    ("三（二）", "学前三年毛入园率", "2019", "96.5%"),
    ("三（二）", "九年义务教育巩固率", "2019", "96%以上"),
    ("三（二）", "高中阶段毛入学率", "2019", "95.6%"),
    ("三（二）", "学前三年毛入园率", "2020", "97%"),
    ("三（二）", "九年义务教育巩固率", "2020", "96%以上"),
    ("三（二）", "高中阶段毛入学率", "2020", "95.8%"),
    ("四（一）1", "人口大镇新建公办幼儿园", DEFAULT, "1—2所"),
    ("四（二）2", "义务教育学校办学条件标准化率", DEFAULT, "80%以上"),
    ("四（三）3", "自治区示范性普通高中", DEFAULT, "2所"),
    ("四（三）3", "自治区特色高中", DEFAULT, "6所"),
    ("四（四）1", "重点专业实训基地", DEFAULT, "9个"),
    ("四（四）2", "特色高水平专业（群）", DEFAULT, "3个以上"),
    ("四（五）1", "自治区级重点学科", DEFAULT, "1—2个"),
    ("四（五）1", "自治区级特色（重点）专业", DEFAULT, "5—10个"),
    ("四（五）1", "自治区级协同育人平台", DEFAULT, "3—5个"),
    ("四（五）1", "自治区级大学生校外实践教学基地", DEFAULT, "2—4个"),
    ("四（七）2", "市级示范性县区级教师培训机构", DEFAULT, "3所"),
    ("四（七）2", "市级教师培训基地学校", DEFAULT, "90所"),
    ("四（七）2", "市级示范性教师培训基地", DEFAULT, "5个"),
    ("四（七）2", "跨区域互派学习交流项目", "5年内", "50个"),
    ("四（七）2", "名师工作室", "5年内", "25个"),
    ("四（九）2", "适龄残疾儿童少年九年义务教育入学率", "2020", "95%以上"),
]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(CORPUS)


def test_all_targets_of_the_plan(plan):
    assert [(t.clause_id, t.indicator, t.period, t.value) for t in plan.targets()] == EXPECTED_TARGETS


def test_target_sentences_are_verbatim(plan):
    for target in plan.targets():
        clause = plan.get(target.clause_id)
        assert target.sentence in clause.text
        assert target.value in target.sentence
        assert target.sentence.endswith(("。", "；")) and "\n" not in target.sentence
    rates_2019 = [t for t in plan.targets() if t.period == "2019"]
    assert all(t.sentence.startswith("2019年，学前三年毛入园率达到96.5%") for t in rates_2019)


def test_no_targets_from_conditions_notice_or_ages(plan):
    values = {t.value for t in plan.targets()}
    assert "1500人以上" not in values  # 贫困县1500人以上大村: a condition
    assert plan.get("通知").targets == () and plan.get("引言").targets == ()  # 第57次, 5号
    assert plan.get("四（一）3").targets == ()  # 3—6岁儿童


def test_extract_targets_shapes():
    text = "2.示例。到2022年，全县小学入学率要达到99.5%；新建3所乡镇幼儿园，培育“特色学校”10个。"
    got = [(t.indicator, t.period, t.value) for t in extract_targets("x", text, "2021—2023")]
    assert got == [("小学入学率", "2022", "99.5%"), ("乡镇幼儿园", "2022", "3所"), ("特色学校", "2022", "10个")]
    text = "全面落实《幼儿园工作规程（2016年）》，每个乡镇建设1所中心园。"
    got = extract_targets("y", text, "")
    assert [(t.indicator, t.period, t.value) for t in got] == [("每个乡镇建设中心园", "", "1所")]
    assert got[0].sentence == text and got[0].clause_id == "y"
    assert extract_targets("z", "没有任何数字目标。", DEFAULT) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市教育局、财政局、发展改革委", ("市教育局", "市财政局", "市发展改革委")),
        ("各县、武鸣区人民政府、五象新区管委会、南宁职业技术学院", ("各县、武鸣区人民政府", "五象新区管委会", "南宁职业技术学院")),
        ("市民政局、教育局、综治办", ("市民政局", "市教育局", "市综治办")),
        ("残联，五象新区管委会", ("市残联", "五象新区管委会")),
        ("南宁学院、南宁职业技术学院", ("南宁学院", "南宁职业技术学院")),
        ("市社区教育指导委员会成员单位、南宁职业技术学院", ("市社区教育指导委员会成员单位", "南宁职业技术学院")),
        ("市教育局、青秀山管委会、开发区管委会", ("市教育局", "青秀山管委会", "开发区管委会")),
        ("卫生计生委、卫计委", ("市卫生计生委",)),
        ("", ()),
    ],
)
def test_split_departments(text, expected):
    assert split_departments(text) == expected


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("财政局", "市财政局"), ("市财政局", "市财政局"), ("发改委", "市发展改革委"), ("发展改革委", "市发展改革委"),
        ("市发展改革委", "市发展改革委"), ("人社局", "市人社局"), ("人力资源社会保障局", "市人社局"),
        ("人力资源社会保障", "市人社局"), ("教育局", "市教育局"), ("规划局", "市规划局"),
        ("国土局", "市国土资源局"), ("国土资源局", "市国土资源局"), ("住房局", "市住房局"),
        ("城乡建委", "市城乡建委"), ("卫计委", "市卫生计生委"), ("卫生计生委", "市卫生计生委"),
        ("编办", "市编办"), ("机构编制", "市编办"), ("残联", "市残联"), ("民政局", "市民政局"),
        (" 市 教育局 ", "市教育局"), ("体育局", "市体育局"), ("各县区人民政府", "各县区人民政府"),
        ("五象新区管委会", "五象新区管委会"), ("南宁学院", "南宁学院"),
    ],
)  # fmt: skip
def test_canonical_department(name, canonical):
    assert canonical_department(name) == canonical


def test_department_matches():
    assert department_matches("财政局", "市财政局")
    assert department_matches("发改委", "市发展改革委")
    assert department_matches("人力资源社会保障", "市人社局")
    assert department_matches("国土局", "市国土资源局")
    assert not department_matches("住房局", "市城乡建委")  # two different bodies
    assert not department_matches("城乡建委", "市住房局")
    assert department_matches("住建局", "市住房局") and department_matches("住建局", "市城乡建委")
    assert department_matches("市住建局", "市城乡建委")  # what canonical_department makes of 住建局
    assert not department_matches("教育局", "市财政局")


def test_find_departments_in_questions():
    assert find_departments("财政局负责哪些任务") == ["市财政局"]
    assert find_departments("市教育局和发改委分别负责什么") == ["市教育局", "市发展改革委"]
    assert find_departments("卫计委、人力资源社会保障局参与了哪些工作") == ["市卫生计生委", "市人社局"]
    assert find_departments("南宁职业技术学院和南宁学院的任务") == ["南宁职业技术学院", "南宁学院"]
    assert find_departments("住建局要做什么") == ["市住房局", "市城乡建委"]
    assert find_departments("财政教育支出逐年增加吗") == []
    assert find_departments("个人社保怎么交") == []


def test_all_departments_of_the_plan(plan):
    names = all_departments(plan)
    assert names[:3] == ["市教育局", "市财政局", "市发展改革委"]
    assert len(names) == len(set(names)) == 36
    for name in ("市卫生计生委", "各县、武鸣区人民政府", "南宁学院", "青秀山管委会", "市社区教育指导委员会成员单位"):
        assert name in names
    assert not any(n in names for n in ("财政局", "卫生计", "生委", "各县"))


def test_parse_duty_forms():
    duty = parse_duty("推进工作。（组织实施单位：市教育局（牵头）、财政局；具体实施单位：各县区人民政府）")
    assert duty.organizers == ("市教育局", "市财政局") and duty.implementers == ("各县区人民政府",)
    assert parse_duty("没有责任单位的条款。") is None


def test_the_tasks_departments_share(plan):
    from assistant.duties import shared_lines, tasks_of

    lead, lines = shared_lines(plan, ["市外侨办", "市台办"], english=False)
    assert {line.clause_id for line in lines} == {"四（六）1", "四（六）2"}
    assert lead.startswith("市外侨办和市台办都参与的任务有2项")
    # each shared task names both departments; the count is the intersection of their own lists
    finance = {t.clause.id for t in tasks_of(plan, "市财政局")}
    labour = {t.clause.id for t in tasks_of(plan, "市人社局")}
    _, lines = shared_lines(plan, ["市财政局", "市人社局"], english=False)
    assert {line.clause_id for line in lines} == finance & labour and len(finance & labour) == 7
    _, lines = shared_lines(plan, ["市财政局", "市编办"], english=False, role="组织实施单位")
    assert [line.clause_id for line in lines] == ["四（一）1", "四（二）3", "四（九）2"]
    lead, lines = shared_lines(plan, ["市外侨办", "市残联"], english=False)
    assert not lines and lead.startswith("计划中没有市外侨办和市残联都参与的任务")


def test_a_body_is_spotted_by_its_field_and_部门() -> None:
    from knowledge.departments import find_departments

    assert find_departments("财政部门负责什么") == ["市财政局"]
    assert find_departments("住房部门和人社部门") == ["市住房局", "市人社局"]
    assert find_departments("哪些部门负责") == [] and find_departments("教育行政主管部门") == []
