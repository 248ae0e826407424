"""English → Chinese terms of Chinese education policy, for cross-lingual questions.

e5's cross-lingual similarities are low (≈0.78–0.84 for a relevant English question against the
Chinese plan), too close to unrelated ones to threshold. Adding the Chinese terms an English
question names lets both the keyword leg and the dense leg see the plan's own wording.
Longest phrases first, so "gross enrollment rate" wins over "enrollment".
"""

from __future__ import annotations

import re

TERMS: dict[str, str] = {
    "preschool gross enrollment rate": "学前三年毛入园率",
    "preschool gross enrolment rate": "学前三年毛入园率",
    "kindergarten enrollment rate": "学前三年毛入园率",
    "gross enrollment rate": "毛入学率",
    "gross enrolment rate": "毛入学率",
    "consolidation rate": "九年义务教育巩固率",
    "retention rate": "九年义务教育巩固率",
    "standardization rate": "办学条件标准化率",
    "senior high school": "高中阶段",
    "high school": "高中",
    "nine-year compulsory education": "九年义务教育",
    "compulsory education": "义务教育",
    "compulsory-education": "义务教育",
    "basically balanced": "基本均衡",
    "national assessment": "国家评估认定",
    "preschool": "学前教育",
    "kindergarten": "幼儿园",
    "care and education quality": "保教质量",
    "vocational": "职业教育",
    "higher education": "高等教育",
    "undergraduate": "本科",
    "famous-teacher studio": "名师工作室",
    "famous teacher studio": "名师工作室",
    "master teacher studio": "名师工作室",
    "teacher exchange": "跨区域互派学习交流项目",
    "cross-regional": "跨区域互派学习交流项目",
    "teacher-training base school": "市级教师培训基地学校",
    "teacher training base school": "市级教师培训基地学校",
    "teacher training": "教师培训",
    "teacher": "教师",
    "principal": "校长",
    "salary": "工资",
    "disabilities": "残疾儿童少年",
    "disability": "残疾",
    "disabled": "残疾",
    "special education": "特殊教育",
    "autism": "孤独症",
    "autistic": "孤独症",
    "migrant children": "随迁子女就学",
    "left-behind children": "农村留守儿童",
    "poverty": "精准扶贫",
    "informatization": "教育信息化",
    "broadband": "宽带网络",
    "internet": "宽带网络",
    "international students": "留学生",
    "study abroad": "留学",
    "document number": "发文字号 南府办函",
    "notice": "通知",
    "meeting": "常务会议",
    "guiding ideology": "指导思想",
    "basic principles": "基本原则",
    "safeguard measures": "保障措施",
    "supervision": "督导",
    "funding": "教育投入 经费",
    "investment": "教育投入",
    "education bureau": "教育局",
    "finance bureau": "财政局",
    "public security": "公安局",
    "development and reform": "发展改革委",
    "human resources and social security": "人社局",
    "civil affairs": "民政局",
    "departments": "组织实施单位 具体实施单位",
    "department": "组织实施单位",
    "organize": "组织实施",
    "implement": "具体实施",
    "responsible": "负责",
    "leads": "组织实施",
    "target": "目标",
    "county": "县区",
    "every county": "所有县区",
    "schools": "学校",
}

_PATTERNS = sorted(TERMS, key=len, reverse=True)
_REGEX = re.compile("|".join(re.escape(p) for p in _PATTERNS), re.IGNORECASE)


def chinese_terms(text: str) -> list[str]:
    """The Chinese terms an English text names, in order of appearance, without repeats."""
    found: list[str] = []
    for match in _REGEX.finditer(text):
        term = TERMS[match.group(0).lower()]
        if term not in found:
            found.append(term)
    return found


#: Everyday words → the plan's official wording. Principals and parents rarely use the plan's terms
#: ("自闭症" for 孤独症, "私立" for 民办); expanding the question with them lets retrieval see both.
EVERYDAY: dict[str, str] = {
    "自闭症": "孤独症",
    "公立": "公办",
    "私立": "民办",
    "看病的医生": "校医",
    "医生": "校医",
    "网速": "宽带网络提速升级",
    "上网": "宽带网络",
    "轮流": "交流轮岗",
    "派到别的学校": "交流轮岗 走教支教",
    "挤一张床": "大通铺",
    "一张床": "大通铺",
    "穷": "贫困 家庭经济困难",
    "没钱": "家庭经济困难 资助",
    "人品": "师德",
    "品德": "师德",
    "住哪": "周转宿舍 住房保障",
    "宿舍": "周转宿舍",
    "中专": "中职 中等职业学校",
    "大专": "高职",
    "下班": "继续教育 社区教育 终身学习",
    "再学点": "继续教育 社区教育 终身学习",
    "花在教育上的钱": "财政教育支出 教育投入",
    "教育上的钱": "财政教育支出 教育投入",
    "打工": "随迁子女 外出务工",
    "外地": "随迁子女 流入地",
    "留在村里": "农村留守儿童",
    "出国": "海外游学 国外 对外交流",
    "国外": "海外 国际",
    "挣的钱": "工资收入",
    "工资": "工资收入",
    "残疾": "残疾儿童少年 特殊教育",
    "外国学生": "留学生",
    "老外": "留学生",
    "班级人数": "班额",
    "人太多": "大班额",
}
_EVERYDAY = re.compile("|".join(re.escape(p) for p in sorted(EVERYDAY, key=len, reverse=True)))


def plan_terms(text: str) -> list[str]:
    """The plan's wording for everyday words in a Chinese question, without repeats."""
    found: list[str] = []
    for match in _EVERYDAY.finditer(text):
        term = EVERYDAY[match.group(0)]
        if term not in found and term not in text:
            found.append(term)
    return found
