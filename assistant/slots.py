"""What a question asks for, as cue tables: the slot types (a figure, a date, a person …), list and task
cues, roles and units. assistant.frame reads a question with them; the cues are general question words,
not phrases of particular questions.
"""

from __future__ import annotations

import re

# What the question asks for. Order matters only where two match: the first wins.
#: Asking for the plan's own number or issuer ("文号", "谁印发的", "reference number", "which office issued
#: it"); Outline answers these from the cover notice.
OWN_NUMBER_OR_ISSUER = (r"文号|发文字号|发文(机关|单位)|印发(单位|机关|部门)|(谁|哪个?(部门|单位|机关|机构))(印发|发布|下发|制发|发的)|"
                        r"(document|reference|file) (number|no\b)|"
                        r"issu(ed|ing) (this|the) (plan|notice|document)|issuing (office|authority|body)")
#: The plan itself as the subject ("这份方案是依据什么文件制定的"), not one of its measures ("诊改依据哪个方案").
PLAN_ITSELF = re.compile(r"(这份|这个|本|该|此|整个)(实施)?(方案|文件|计划|通知)|\b(this|the) (plan|document)\b", re.I)
# What the front matter (cover notice, preamble) records about the plan: its adoption and issuing.
ADOPTION = re.compile(r"会议|会上|审议|拍板|印发|签发|出台|定下来|meeting|adopt|approv", re.I)
#: The stages of schooling, as questions name them (longer names first where one begins another:
#: 学前教育 before 学前, 高中阶段 before 高中).
STAGES = re.compile(r"学前教育|学前|幼儿园|义务教育|中小学|小学|初中|普通高中|高中阶段|高中|中等职业学校|中等职业教育|中职|"
                    r"高等职业院校|高等职业教育|高职院校|高职|职业院校|职业学校|职业教育|技校|高等教育|高等学校|高校|"
                    r"本科|大学|特殊教育|特教学校")
#: Which named members of a kind: schools (所), school districts, provinces or cities. In English only
#: when "which" is what the question asks: "What rule decides which schools … attend" asks the rule.
NAMED_MEMBERS = (r"哪[几两二三四五六七八九十]?所|哪(个|几个|些)(学区|片区|省市|省份|省|城市)|"
                 r"^(?!\s*(what|how|why)\b).*\bwhich (specific |exact |particular )?(schools|kindergartens|colleges|districts|provinces|cities)\b")
#: English counts and how the plan writes them (for "the seven programmes" against 七大…计划).
ENGLISH_NUMBERS = {"two": ("两", "二", "2"), "three": ("三", "3"), "four": ("四", "4"), "five": ("五", "5"),
                   "six": ("六", "6"), "seven": ("七", "7"), "eight": ("八", "8"), "nine": ("九", "9"),
                   "ten": ("十", "10")}
#: An English count of a set ("the seven programmes", "the 'three major positionings'").
_NUMBER = "(" + "|".join(ENGLISH_NUMBERS) + ")"
_QUOTE = "[\"“'‘]"
TITLES = "局长|校长|院长|主任|负责人|园长|市长|书记|厅长|主席|理事长|会长|站长"
ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # (a salary is asked for as an amount only with "what" or "how much": "how does the plan benchmark the
    # average salary" asks for the rule, 不低于当地公务员)
    ("money", re.compile(r"(多少|几[万千百]?元|具体|标准|金额|数额)[^，。？?]{0,6}(钱|经费|资金|补贴|补助|奖金|拨款|(?<![多单公纪])元|工资|学费|投资|预算)|"
                         r"(钱|经费|资金|补贴|补助|奖金|拨款|工资|学费|收费|投资|预算)[^，。？?]{0,6}(多少|标准是|金额|数额)|"
                         r"\b(what|how (big|large|much)) (is|was|are|will be) the ([\w'’-]+ ){0,3}budget\b|budget for (each|every|one|a|an)\b|"
                         r"分数线|录取分|多少分|how much ([\w'’-]+ ){0,6}(money|funding|budget|subsid\w*|allowance|grant|stipend|pay)\b|amount of (money|funding)|"
                         r"(total|overall) (budget|funding|investment)|budget (allocated|amount|of)|"
                         r"\bfees?\b|\b(what|how much)\b( is| are| will be)?( the)? ([\w'’-]+ ){0,3}salar(y|ies)\b|yuan|\bcost", re.I)),
    # How it turned out: a plan gives targets, never the results ("实际达到97%了吗", "did it actually reach").
    ("outcome", re.compile(r"实际(上)?(达到|完成|实现|做到)|实际(上)?(是|为|有)?(多少|几)|完成情况|达标情况|实施效果|最后(达到|完成|做到)|"
                           r"actually (reach|achiev|meet|hit)|(was|were) [^?]{0,60}(achieved|met|reached)\b", re.I)),
    ("day", re.compile(r"哪一?天|几月|哪一?个?月|几号|日期|截止日期|(何时|什么时候)截止|哪年哪月|落款|具体时间|时间表|"
                       r"\b(what|which) (exact |specific |precise )?(date|day|month)\b|deadline",
                       re.I)),
    ("date", re.compile(r"什么时候|何时|哪一?年(?!级)|起止|年份|截止时间|when\b|which year", re.I)),
    # How a user goes about something (apply, register): the plan states policy, not procedures.
    ("procedure", re.compile(r"(怎么|如何|怎样|去哪|在哪|到哪)(申请|申报|报名|办理|登记|参评|提交)|"
                             r"(申请|申报|报名|办理|登记)(的)?(流程|条件|材料|手续|步骤|入口|方式)|流程|需要(哪些|什么)材料|"
                             r"(需要|要|得)?(准备|提交|交|带|出示)(哪些|什么|啥)[^，。？?]{0,4}(材料|证明|证件)|"
                             r"(去|在|到)哪(里|儿|个)?[^，。？?]{0,3}(办|申请|报名|提交)|"
                             r"how (do|can) (i|we|you|a \w+|schools?) (apply|register|sign up)|"
                             r"application (process|procedure)|procedures? (for|to) (apply|register|join)", re.I)),
    # What it takes to count as something or to qualify ("人口要达到多少才算人口大镇", "评职称需要满足什么
    #条件"): the plan names policies, it rarely states criteria.
    ("criterion", re.compile(r"(需要|要|得|必须)?(满足|具备|符合|达到)(什么|哪些|啥)(样的)?(条件|要求|标准)|"
                             r"(条件|门槛|资格)(是什么|有哪些)|才(算|能算|叫|能被认定)|(怎么|如何|怎样)(认定|界定)|"
                             r"认定(的)?(标准|条件)|哪些(行为|情况|情形)(会|要|将|就)?被|"
                             r"what (criteria|conditions|requirements)|eligib|"
                             r"qualif(y|ies) (as|for)", re.I)),
    # Why something was decided: a plan states purposes ("…，促进…"), rarely reasons.
    ("reason", re.compile(r"为什么|为何|什么原因|原因是|出于什么|凭什么|\bwhy\b|what is the reason|reason for", re.I)),
    # The wording of a text the plan only names (an oath, another document's full text).
    ("text", re.compile(r"誓词|誓言|宣誓词|章程|》的?(全文|原文|正文|具体条文|条文)|wording of|full text", re.I)),
    # A title's holder ("院长叫什么名字") before the members of a set.
    ("person", re.compile(rf"({TITLES})(是谁|叫什么|姓什么|是哪位)|哪位(?!置)|(谁|哪位|哪个人)[^，。？?]{{0,6}}(担任|出任|当)[^，。？?]{{0,6}}({TITLES})|姓名|"
                          r"(名师|主持人|人选|专家|学者|老师|教师)[^，。？?]{0,3}(都|分别|具体)?(是谁|有谁|叫什么)|"
                          r"who is the (\w+ ){0,2}(director|head|principal|president|mayor|chief|secretary)|"
                          r"who (will |would |is to )?(chair|head|run)s? the\b|"
                          r"name of the (\w+ ){0,2}(director|head|principal|president|mayor)|"
                          r"who (signed|signs)\b|\bsigned by\b|\bsignator(y|ies)\b|who is (named|appointed|listed) as\b", re.I)),
    # The members of a set the plan may only count ("七大教育帮扶计划具体是哪七个").
    # Or which named ones ("哪几所", "哪个学区", "哪些省市"): a name, not a kind ("薄弱学校").
    ("members", re.compile(r"哪[一二三四五六七八九十两\d]+[个所项家种类大]|哪[二三四五六七八九十两]+[\u4e00-\u9fff]|"
                           r"(分别|具体|都|各)叫什么|叫什么名字|名单|"
                           r"剩下|其余|另外几|另外[\d一二三四五六七八九十两]+[个所项家种]|"
                           # a counted set, then which they are ("9个重点专业实训基地都是哪些专业")
                           # (not a reference to what was just said: "这两项分别是哪些部门")
                           r"(?<![这那\d二三四五六七八九十两])(\d+|[二三四五六七八九十两]+)\s*[个所项家大][^，。？?]{0,12}"
                           r"(都|分别|具体)是(哪些|哪几|什么)|"
                           # a counted name the plan may only name ("“三大定位”具体指什么")
                           r"[一二三四五六七八九十两]+[大个项][\u4e00-\u9fff]{1,4}[”\"]?(分别|都)?(具体|到底|究竟)?(是)?指(的是)?(什么|哪些|哪几)|"
                           rf"\b(what|which) (exactly )?(are|were|do|does) (the |these |those )?{_QUOTE}?{_NUMBER}\b|"
                           rf"\bnames? of (the|these|those|all|its) {_QUOTE}?(\w+ )?{_NUMBER}\b|"
                           + NAMED_MEMBERS, re.I)),
    # (an address is asked for as a noun: "the address of", "its address"; "how does the plan address X"
    # asks how it deals with X)
    ("contact", re.compile(r"电话|地址|网址|邮箱|联系方式|在哪里报名|phone|website|e-?mail|"
                           r"(?:\b(?:the|an|its|their|postal|mailing|office|street)\s+|'s\s+)address(?:es)?\b|"
                           r"\baddress(?:es)?\s+(?:of|for)\b", re.I)),
    # Where something is or goes: the plan may say it ("落户在南宁职业技术学院", "小学就近入学").
    ("place", re.compile(r"选址|位置|位于|在哪个(城区|区|县|地方)|"
                         r"(放在|建在|落在|设在|落户|选在)哪(个|几个|些)?(城区|县区|区县|区|县|地方|位置|里|儿)|"
                         r"where (is|will) .* (located|built)", re.I)),
    ("document", re.compile(r"哪(个|份|一份)[^，。？?]{0,6}(文件|文|通知|办法|方案|规划|意见)|什么[^，。？?]{0,3}(文件|文号)|"
                            r"(文件|文号)(是|叫)?(哪个|哪份|哪一份|什么)|\b(which|what) ([\w-]+ ){0,3}documents?\b|"
                            + OWN_NUMBER_OR_ISSUER, re.I)),
    # (not "A、B和C几个部分分别…": several parts named, not a count asked)
    ("figure", re.compile(r"多少|(?<![哪好十这那])几(?!十)[个所项名家次倍年](?!(部分|方面|阶段|学段|领域)[^，。？?]{0,2}(分别|都|各))|多久|多长时间|百分之几|比例是|多大|多高|how many|"
                          r"how long|what percentage|"
                          r"what share|how high|what (is|are|was|were) the (\w+ )?targets?\b|what targets?\b|\btargets? (rate|figure|number|value|for)|"
                          r"\brates?\b|\bratios?\b|percent|number of", re.I)),
    ("department", re.compile(r"谁|哪些?(个|几)?(部门|单位|机构|家)|什么(部门|单位|角色|身份)|(部门|单位|机构)(都|还)?(有|是)哪|"
                              r"(组织|执行|实施|牵头|责任|落实)单位|角色|身份|在(里面|其中)吗|参与了?吗|参不参与|有没有参与|有(没有)?份|"
                              r"由哪|牵头|组织实施|具体实施|"
                              r"\bwho\b|which (\w+ ){0,2}(departments?|bureaus?|units?|agenc|bod(y|ies)|offices?)|\borgani[sz]ers?\b|"
                              r"\bimplementers?\b|responsib|in charge|\brole\b|\binvolved\b|take part|\bparticipat|"
                              # the role asked for ("the organizing units", "implemented by"), not the verb
                              # or noun alone ("evaluated on implementing this plan")
                              r"(organi[sz]|implement)ing (departments?|units?|bod|agenc)|(organi[sz]|implement)(ed|s)? by",
                              re.I)),
)
# A list or an overview (a summary: "总结", "概括…三项内容", "summarize"): every clause that holds a part
# of the answer belongs in it.
LIST = re.compile(r"哪些|哪几|[两几二三四五]个?部分|列(一下|出|举)|罗列|分别|有什么|有哪|如何|怎么|怎样|措施|方面|举措|内容|包括|都有|各|这[两几]|[两几二三四五六七八九]项|总结|概括|归纳|"
                   r"what (measures|steps|does)|which|how (will|does|do|is|are)|list|what are|\btasks\b|\bsummari[sz]e|\boverview\b|\boutline\b|"
                   # a plural asked for ("what milestones does", "what new arrangements will")
                   r"\bwhat ([a-z-]+ ){0,4}[a-z-]{2,}[^siu\W]s (does|do|did|will|would|should|must|can|are|were|has|have)\b"
                   # the parts it asks for, listed after a colon ("…expected to achieve: annual milestones,
                   # disciplines and research platforms")
                   r"|:\s*[a-z][a-z -]{1,40}(,\s*[a-z][a-z -]{1,40})+,?\s+(and|or)\s+[a-z]"
                   # a comparison takes each side ("compare the goals for … with those for …")
                   r"|\bcompare\b|\bdiffer(s|ence|ences)?\b",
                   re.I)
TASKS = re.compile(r"(哪些|哪几项?|哪一?项|什么|几项)(任务|工作|事项|条款|事)|负责(什么|哪些|哪几)|管(什么|哪些)|"
                    r"(管|负责|参与)的?是?哪(一|几)?项|"
                    r"参与(了)?(哪些|哪几|什么)|职责|分工|干什么|做什么|(什么|哪些|哪种)角色|角色是什么|扮演|(任务|事项)都?(有|是|包括)(哪些|哪几|什么)|"
                    r"哪(一|几|些)?项[^，。？?]{0,12}(参与|负责|承担|牵头|实施)|"
                    r"(参与|负责|承担|牵头)了?[^，。？?]{0,12}?(哪几项?|哪一?项|几项)|"
                    r"what (tasks|work|duties)|which (of the [a-z' -]{0,40})?(tasks|items)|how many (tasks|items)|responsible for what|"
                    r"\bwhat (is|are|does|do|will) [^?]{0,80}\b(responsible for|in charge of)\s*(\?|$)|"
                    # a named department's part ("is the tax bureau given any role", "what role does X play")
                    r"(given|have|has|play|plays) (any |a |an )?(specific |particular )?roles?\b|what roles? (does|do|is|are)\b",
                    re.I)
ROLES = (
    ("组织实施单位", re.compile(r"组织实施|组织单位|牵头|organi[sz]|lead", re.I)),
    ("具体实施单位", re.compile(r"具体[^，。？?]{0,3}实施|具体落实|具体负责|执行单位|落地|carr(y|ies) out|implement",
                               re.I)),
)
# What a figure question counts: a rate, people, or things.
UNITS = (
    # How many there are now ("目前一共有多少所"): a plan gives targets, a count of today only when it
    # says so ("现有…所").
    ("current", re.compile(r"(目前|现在|现有|当前|如今)[^，。？?]{0,8}(一共|总共|共)?有(多少|几)|"
                           r"how many (\w+ ){0,4}(are there|exist) (now|currently|today)", re.I)),
    # (率先 "takes the lead" is no rate: "在全区率先普及多少年的教育" asks a duration)
    ("rate", re.compile(r"百分之几|百分比|比例|率(?!先)|percentage|\brate\b|\bratio\b|share", re.I)),
    # (not "这几年", "近几年": these few years)
    ("duration", re.compile(r"(?<![这那近前头过])几年|多少年|多久|多长时间|how long|how many years", re.I)),
    # (not "这几个阶段", "那几位老师": these few, named before)
    ("people", re.compile(r"(多少|(?<![这那])几)\s*(名|个人|位|个?(老师|教师|教职工|保育员|学生|孩子|人员))|多少人|"
                          r"how many (people|students|teachers|children)", re.I)),
    ("count", re.compile(r"(多少|(?<![这那])几)\s*[个所项家批]|how many", re.I)),
)
