"""English → Chinese terms of Chinese education policy, for cross-lingual questions.

e5's cross-lingual similarities are low (≈0.78–0.84 for a relevant English question against the
Chinese plan), too close to unrelated ones to threshold. Adding the Chinese terms an English
question names lets both the keyword leg and the dense leg see the plan's own wording.
Longest phrases first, so "gross enrollment rate" wins over "enrollment".
"""

from __future__ import annotations

import re
from pathlib import Path

TERMS: dict[str, str] = {
    "preschool gross enrollment rate": "学前三年毛入园率",
    "preschool gross enrolment rate": "学前三年毛入园率",
    "gross preschool enrollment rate": "学前三年毛入园率",
    "gross preschool enrolment rate": "学前三年毛入园率",
    "preschool enrollment": "学前三年毛入园率",
    "preschool enrolment": "学前三年毛入园率",
    "kindergarten enrollment": "学前三年毛入园率",
    "enrollment rate": "入学率",
    "enrolment rate": "入学率",
    "gross enrollment rate": "毛入学率",
    "gross enrolment rate": "毛入学率",
    "consolidation rate": "九年义务教育巩固率",
    "retention rate": "九年义务教育巩固率",
    "standardization rate": "办学条件标准化率",
    "senior high school": "高中阶段",
    "high school": "高中",
    "nine-year compulsory education": "九年义务教育",
    "compulsory education": "义务教育",
    "basically balanced": "基本均衡",
    "national assessment": "国家评估认定",
    "preschool": "学前教育",
    "kindergarten": "幼儿园",
    "care and education quality": "保教质量",
    "vocational": "职业教育",
    "higher education": "高等教育",
    "undergraduate": "本科",
    "famous teacher studio": "名师工作室",
    "master teacher studio": "名师工作室",
    "cross-regional": "跨区域",
    "teacher training base school": "教师培训基地",
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
    "document number": "发文字号",
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
    # The other bodies the plan's duty lists name, by their usual English names.
    "land and resources": "国土资源局",
    "planning bureau": "规划局",
    "urban and rural construction": "城乡建委",
    "urban-rural construction": "城乡建委",
    "housing security": "住房局",
    "housing bureau": "住房局",
    "tax bureau": "税务局",
    "taxation bureau": "税务局",
    "tax administration": "税务局",
    "science and technology bureau": "科技局",
    "ethnic and religious affairs": "民宗委",
    "environmental protection": "环保局",
    "forestry": "林园局",
    "health and family planning": "卫生计生委",
    "health commission": "卫生计生委",
    "industry and information technology": "工信委",
    "state-owned assets": "国资委",
    "foreign affairs": "外侨办",
    "taiwan affairs": "台办",
    "investment promotion": "投资促进局",
    "big events office": "大型活动办",
    "major events office": "大型活动办",
    "comprehensive governance": "综治办",
    "food and drug": "食品药品监督管理局",
    "poverty alleviation office": "扶贫办",
    "disabled persons' federation": "残联",
    "federation of disabled persons": "残联",
    "disabled persons federation": "残联",
    "staffing office": "编办",
    "establishment office": "编办",
    "wuxiang new area administration": "五象新区管委会",
    "wuxiang new area management committee": "五象新区管委会",
    "wuxiang new area": "五象新区",
    "development zone": "开发区",
    "departments": "组织实施单位 具体实施单位",
    "department": "组织实施单位",
    "organize": "组织实施",
    "implement": "具体实施",
    # The plan's own genre (实施方案), not a question about who implements.
    "implementation plan": "实施方案",
    "responsible": "负责",
    "leads": "组织实施",
    "target": "目标",
    "goal": "目标",
    "milestone": "目标",
    "objective": "目标",
    "county": "县区",
    "every county": "所有县区",
    "schools": "学校",
    # General education-policy vocabulary (dictionary translations, not names of particular projects).
    "inclusive": "普惠",
    "private": "民办",
    "public": "公办",
    "council": "理事会",
    "monitoring": "监测",
    "evaluation": "评价",
    "assessment": "评估",
    "quality": "质量",
    "training base": "培训基地 实训基地",
    "demonstration": "示范",
    "practical training": "实训",
    "training": "培训",
    "exchange": "交流",
    "projects": "项目",
    "majors": "专业",
    "major": "专业",
    "specialty": "专业",
    "scholarship": "奖学金",
    "rural": "农村 乡村",
    "ethics": "师德",
    "curriculum": "课程",
    "discipline": "学科",
    "applied": "应用型",
    "assistance": "帮扶",
    "research": "科研 研究",
    "featured": "特色",
    "distinctive": "特色",
    "characteristic": "特色",
    "dormitory": "宿舍",
    "campus": "校区 校园",
    "campuses": "校区 校园",
    "international school": "国际学校",
    "international": "国际",
    "dormitories": "宿舍",
    "subsidy": "补助",
    "subsidies": "补助",
    "psychological": "心理",
    "left-behind": "留守儿童",
    "migrant": "随迁子女",
    "community education": "社区教育",
    "lifelong learning": "终身学习",
    "continuing education": "继续教育",
    "smart campus": "智慧校园",
    "digital": "数字",
    "loans": "贷款",
    "bonds": "债券",
    "raise money": "筹集 资金",
    "funds": "资金",
    "poor": "贫困",
    "vocational college": "高职院校",
    # The school system's stages and bodies, and policy nouns, by their standard English names.
    "secondary vocational": "中职 中等职业",
    "higher vocational": "高职",
    "primary and secondary schools": "中小学",
    "primary school": "小学",
    "primary schools": "小学",
    "junior high": "初中",
    "junior middle school": "初中",
    "middle school": "中学",
    "university": "大学 高校",
    "universities": "大学 高校",
    "boarding": "寄宿",
    "large class": "大班额",
    "large classes": "大班额",
    "oversized classes": "大班额",
    "school doctor": "校医",
    "school doctors": "校医",
    "pension": "养老",
    "pensions": "养老",
    "housing": "住房",
    "enrollment": "入学",
    "enrolment": "入学",
    "school-enterprise cooperation": "校企合作",
    "industry-education integration": "产教融合",
    "employment": "就业",
    "entrepreneurship": "创业",
    "financial aid": "资助",
    "textbooks": "教材",
    "teaching research": "教研",
    "diagnosis": "诊断",
    "professional title": "职称",
    "professional titles": "职称",
    "school district": "学区",
    # Policy nouns the plan uses, by their dictionary translations.
    "platform": "平台",
    "platforms": "平台",
    "expenditure": "支出",
    "spending": "支出 经费",
    "fiscal": "财政",
    "appraisal": "考核",
    "modernization": "现代化",
    "balanced": "均衡",
    "layout": "布局",
    "backbone teachers": "骨干教师",
    "rotation": "交流轮岗",
    "paired assistance": "对口支援",
    "college entrance examination": "高考",
    "course selection": "选课走班",
    "comprehensive quality evaluation": "综合素质评价",
    "collaborative innovation": "协同创新",
    "living allowance": "生活补助",
    "performance pay": "绩效",
    "recruitment": "招聘",
    "recruit": "招聘",
    "recruited": "招聘",
    "recruiting": "招聘",
    "dropping out": "控辍保学",
    "dropout": "控辍保学",
    "canteen": "食堂",
    "laboratories": "实验室",
    # (not "teaching staff": that is as often 教职工, the staff of a school, as 教师队伍)
    "teacher workforce": "教师队伍",
    "teaching point": "教学点",
    "teaching points": "教学点",
    "high-level": "高水平",
    "specialty group": "专业（群）",
    "specialty groups": "专业（群）",
    "specialty cluster": "专业集群",
    "specialty clusters": "专业集群",
    "general senior high school": "普通高中",
    "general senior high schools": "普通高中",
    "ordinary senior high school": "普通高中",
    "ordinary senior high schools": "普通高中",
    "ordinary high school": "普通高中",
    "ordinary high schools": "普通高中",
    "general high school": "普通高中",
    "general high schools": "普通高中",
    "regular high school": "普通高中",
    "regular high schools": "普通高中",
    "curriculum reform": "课程改革",
    "career planning": "生涯规划",
    "career guidance": "生涯规划",
    "foxconn": "富士康",
    # Plural and administrative forms a dictionary lists beside the words above. ("autonomous region" →
    # 自治区 is left out: nearly every count of schools names 自治区, so it ranked the wrong count first;
    # tuning sets −4.)
    "counties": "县区",
    "counties and districts": "县区",
    "districts": "县区",
    "municipal": "市级",
    "civil servants": "公务员",
    "school-age": "适龄",
    "studios": "工作室",
    "specialties": "专业",
    "average": "平均",
    "staffing": "编制",
    "principle": "原则",
    "principles": "原则",
    "industry": "产业",
    "industries": "产业",
    # Names of regions and initiatives, as a dictionary translates them.
    "asean": "东盟",
    "belt and road": "一带一路",
    "hong kong, macao and taiwan": "港澳台",
    "hong kong, macau and taiwan": "港澳台",
}


def _key(phrase: str) -> str:
    """A phrase as the glossary looks it up: lower case, a hyphen the same as a space
    ("higher-education" is "higher education", "left behind" is "left-behind")."""
    return re.sub(r"[\s-]+", " ", phrase.lower()).strip()


#: Between a phrase's words, one more word may stand ("preschool gross enrollment" is preschool
#: enrollment): a word that qualifies, not one that joins or points elsewhere.
_INSERTED = r"[\s-]+(?:(?!(?:and|or|of|the|a|an|for|to|in|on|at|with|by|from|not|no|than|per|as)\b)[a-z]+[\s-]+)?"


def _compile(terms: dict[str, str]) -> tuple[list[str], re.Pattern[str]]:
    keyed = {_key(k): v for k, v in terms.items()}
    patterns = sorted(keyed, key=len, reverse=True)
    # one group per phrase, longest first: the group that matched names the term
    regex = "|".join("(" + re.escape(p).replace(r"\ ", _INSERTED) + ")" for p in patterns)
    return [keyed[p] for p in patterns], re.compile(regex, re.IGNORECASE)


_TERMS_IN_ORDER, _REGEX = _compile(TERMS)


def english_spans(text: str) -> list[tuple[str, str]]:
    """The English phrases of a text that the glossary knows, each with its Chinese term, in order."""
    return [(m.group(0), _TERMS_IN_ORDER[(m.lastindex or 1) - 1]) for m in _REGEX.finditer(text)]


def chinese_terms(text: str) -> list[str]:
    """The Chinese terms an English text names, in order of appearance, without repeats."""
    return list(dict.fromkeys(term for _, term in english_spans(text)))


#: Everyday words → the plan's official wording, from knowledge/data/everyday.tsv: general synonyms a
#: dictionary would list (自闭症 → 孤独症, 私立 → 民办), each with its reason. Principals rarely use the
#: plan's terms; expanding the question with them lets retrieval see both.
EVERYDAY_FILE = Path(__file__).resolve().parent / "data" / "everyday.tsv"


def load_everyday(path: Path = EVERYDAY_FILE) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, terms, *_ = line.split("\t")
            table[word.strip()] = terms.strip()
    return table


EVERYDAY: dict[str, str] = load_everyday()
_EVERYDAY = re.compile("|".join(re.escape(p) for p in sorted(EVERYDAY, key=len, reverse=True)))


def plan_terms(text: str) -> list[str]:
    """The plan's wording for everyday words in a Chinese question, without repeats."""
    found: list[str] = []
    for match in _EVERYDAY.finditer(text):
        term = EVERYDAY[match.group(0)]
        if term not in found and term not in text:
            found.append(term)
    return found
