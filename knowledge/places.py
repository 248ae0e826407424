"""A gazetteer of Chinese provinces and cities: what a dictionary lists, not a list of test questions.

A place the question names that the plan never names is one the plan does not cover
(assistant.question.foreign_place); a place in a sentence makes a name proper ("南宁市第四职业技术学校"
names a school, "薄弱学校" names a kind of school: assistant.reply.unnamed_members).
"""

from __future__ import annotations

PLACES = (
    "南宁", "柳州", "桂林", "梧州", "北海", "防城港", "钦州", "贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左",
    "北京", "上海", "广州", "深圳", "天津", "重庆", "杭州", "成都", "武汉", "昆明", "长沙", "南京", "西安",
    "郑州", "济南", "青岛", "厦门", "福州", "南昌", "合肥", "贵阳", "海口", "三亚", "苏州", "沈阳", "大连",
    "哈尔滨", "长春", "石家庄", "太原", "兰州", "银川", "西宁", "乌鲁木齐", "拉萨", "呼和浩特",
    "广西", "广东", "湖南", "湖北", "云南", "贵州", "四川", "江苏", "浙江", "福建", "江西", "安徽", "山东", "河南", "河北",
    "山西", "陕西", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古", "黑龙江", "吉林", "辽宁", "海南",
    "Liuzhou", "Guilin", "Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Wuhan", "Chengdu",
)
