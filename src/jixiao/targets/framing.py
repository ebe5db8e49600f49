"""What the words around an actual's number or date say it is, when it is not the value
achieved in the year: a change from an earlier level (``较上年提高5%``, ``同比下降2%``,
``增长率12%``), a plan, forecast or goal (``预计95%``, ``95%（预计）``, ``年底可完成100人``),
another year's value (``上年100人``), or work not done (``未完成100人``, ``12月底前未完成``,
``还差20人``), or a target not met where the number meets it (``95%（未达标）`` under ``≥90%``),
or a part of the year (``上半年95%``, ``前三季度累计完成120人``, ``95%（1-10月）``), or a total
where the target is a figure per person, household or month (``共发放50万元`` under ``人均≥500元``).
Also the change a target's own words ask for (``同比增长≥10%``), and the words that take back a
restated target (``未``/``基本``/``预计`` + the target).

:func:`jixiao.evaluate.reading.read_actual` does not score such a number as the year's result
(``ACTUAL_CHANGE``, ``ACTUAL_NOT_ACHIEVED``); :mod:`jixiao.evaluate.tiers` does not take such a
restatement as an echo of the target.
"""

from __future__ import annotations

import re

from jixiao.numerals import parse_number
from jixiao.targets.lexicon import alternation

__all__ = [
    "CHANGE_BASES",
    "CHANGE_SHORT",
    "CHANGE_WORDS",
    "OTHER_YEAR_WORDS",
    "PLAN_WORDS",
    "actual_change",
    "named_change",
    "not_achieved",
    "note_not_achieved",
    "note_undone",
    "other_basis",
    "part_of_year",
    "per_unit",
    "provisional",
    "qualifier",
    "undone",
]

#: Words saying a quantity moved, up or down ("" for either), by the number written after them.
CHANGE_WORDS: dict[str, str] = {
    **dict.fromkeys(("提高", "提升", "增长", "增加", "增多", "上升", "上涨", "增幅", "涨幅"), "up"),
    **dict.fromkeys(("增长率", "增速", "提高率", "提升率", "上升率", "增长幅度", "增加率"), "up"),
    **dict.fromkeys(("下降", "降低", "减少", "下滑", "回落", "缩减", "压减", "降幅"), "down"),
    **dict.fromkeys(("下降率", "降低率", "减少率", "下降幅度", "压降率"), "down"),
    **dict.fromkeys(("变化率", "变动率", "变化幅度", "增减率", "增减幅度"), ""),
}
#: One-character verbs that say so only after a base (比上年多20人, 同比降3%).
CHANGE_SHORT: dict[str, str] = {
    **dict.fromkeys("多高增涨升", "up"),
    **dict.fromkeys("少低降减", "down"),
}
#: Words naming the level a change is measured from (较上年, 比2022年, 同比, 环比).
CHANGE_BASES = ("较", "比", "同比", "环比", "相比", "相较", "对比")
_CHANGE_TAIL = "(?:了|为|达|达到|是|约|共)?"
_ACTUAL_CHANGE = re.compile(
    f"(?P<base>{alternation(CHANGE_BASES)})(?P<gap>[^到至为]*?)"
    f"(?P<verb>{alternation([*CHANGE_WORDS, *CHANGE_SHORT])}){_CHANGE_TAIL}$"
    f"|(?P<word>{alternation(CHANGE_WORDS)}){_CHANGE_TAIL}$"
)
_NAMED_CHANGE = re.compile(
    f"{alternation(CHANGE_WORDS)}"
    f"|(?:{alternation(CHANGE_BASES)})[^到至为]*?(?:{alternation(CHANGE_SHORT)})"
)


def _direction(word: str) -> str:
    return CHANGE_WORDS.get(word, CHANGE_SHORT.get(word[-1:], ""))


def actual_change(label: str, percent: bool) -> str | None:
    """The direction (``up``, ``down``, ``""`` for either) of the change an actual's words before
    its number report (``较上年提高`` 5%, ``同比下降`` 2%, ``增长率`` 12%), or None when they do
    not report one. A verb with no base says so only of a percent (``提高5%``): ``增加120人``
    may be the count the target asks for (新增), and a verb ending in 到/至 names the level
    reached (``提高到95%``).

    >>> actual_change("较上年提高", False), actual_change("比上年少", False)
    ('up', 'down')
    >>> actual_change("增长率", True), actual_change("增加", False), actual_change("提高到", True)
    ('up', None, None)
    >>> actual_change("较高", True), actual_change("同比降", True)
    (None, 'down')
    """
    m = _ACTUAL_CHANGE.search(label.strip())
    if m is None:
        return None
    if m.group("base") is not None:
        verb = m.group("verb")
        if len(verb) == 1 and not m.group("gap") and len(m.group("base")) == 1:
            return None  # 较高, 较多: words of degree, not a change
        return _direction(verb)
    word = m.group("word")
    if not percent and len(word) == 2 and not word.endswith(("幅", "率", "速")):
        return None
    return _direction(word)


def named_change(text: str) -> str | None:
    """The direction of the change a target's words name (``同比增长``≥10%, ``较上年提高``5%,
    ``增长率``≥6%, ``降低``5%以上), or None when they name a level."""
    m = _NAMED_CHANGE.search(text)
    if m is None:
        return None
    word = m.group()
    return _direction(word if word in CHANGE_WORDS else word[-1])


#: Words saying a number is planned, forecast or aimed at, not achieved (预计95%, 力争95%).
PLAN_WORDS: tuple[str, ...] = ("预计", "预期", "预测", "估计", "预估", "暂估", "估算", "测算")
PLAN_WORDS += ("计划", "目标", "任务", "拟")
PLAN_WORDS += (
    "力争",
    "争取",
    "有望",
    "将",
    "可",
    "可以",
    "能",
    "能够",
    "应",
    "应当",
    "需",
    "需要",
    "要",
)
#: Words saying a number is another year's (上年100人, 去年95%).
OTHER_YEAR_WORDS = ("上年", "去年", "前年", "上一年", "往年", "基期", "基年", "上年同期", "同期")
_WHEN = "(?:全年|年底|年末|年内|年度|本年|今年|当年)?"
_VERBS = "(?:完成|达到|实现|达|到|为|是|数|值|数值|达成|完成数|完成值|数据|数字|情况|水平)*"
_PLANNED = re.compile(f"{_WHEN}(?:原定?)?(?:{alternation(PLAN_WORDS)})+{_WHEN}{_VERBS}")
_PLACE_WORD = re.compile(r"[于在]$")  # 计划于12月完成: the words before a date
_OTHER_YEAR = re.compile(f"(?:{alternation(OTHER_YEAR_WORDS)}度?)+(?:实际)?{_VERBS}")
#: Figures set before the work, not achieved by it: budgeted, approved, designed, in theory
#: (预算100万元, 95%（批复数）, 设计95%). Not with a verb after them: 设计完成100% is the design
#: work done.
_SET_BEFORE = re.compile(
    r"(?:原定?)?(?:预算|批复|设计|理论)(?:数|值|数值|数据|数字|金额|规模|能力|标准)?"
)


def not_achieved(label: str) -> str | None:
    """``plan`` when the words before an actual's number say it is planned, forecast or aimed
    at (``预计``, ``计划``, ``目标``, ``力争``, ``年底可完成``), ``year`` when they say it is another
    year's (``上年``, ``去年同期``), else None. The words must be all of it: ``完成计划的``
    95% is a share of the plan achieved, and ``实际完成`` is the year's result.

    >>> not_achieved("预计"), not_achieved("计划于"), not_achieved("年底可完成"), not_achieved("上年度")
    ('plan', 'plan', 'plan', 'year')
    >>> not_achieved("完成计划的") is None, not_achieved("实际完成") is None
    (True, True)
    """
    text = _PLACE_WORD.sub("", label.strip())
    if _PLANNED.fullmatch(text) or _SET_BEFORE.fullmatch(text):
        return "plan"
    if _OTHER_YEAR.fullmatch(text):
        return "year"
    return None


#: What a note after a number may open with: spaces, an opening bracket, a comma or colon;
#: and end with: spaces, a closing bracket, a full stop.
_NOTE_OPEN = r"^[\s（(【\[〔［,，;；:：、]*"
_NOTE_CLOSE = r"[\s）)】\]〕］。.]*$"
_NOTE_EDGE = re.compile(_NOTE_OPEN + r"(?:完成|实现|达到|达成)?[\s（(【\[〔［]*|" + _NOTE_CLOSE)


def note_not_achieved(note: str) -> str | None:
    """As :func:`not_achieved`, for the words after an actual's number or date, bracketed or
    not (``95%（预计）``, ``100人（计划数）``, ``95%（上年数据）``, ``12月底前完成（预计）``).

    >>> note_not_achieved("（预计）"), note_not_achieved("完成（计划）"), note_not_achieved("(上年数据)")
    ('plan', 'plan', 'year')
    >>> note_not_achieved("（含补训3人）") is None
    True
    """
    return not_achieved(_NOTE_EDGE.sub("", note))


#: Words that take back what a restated target says, by kind: a negation (未提高…, 效果不明显),
#: part of it (基本, 初步, 有所), a plan or forecast (预计, 力争), another year's (上年).
_QUALIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "negated",
        re.compile(
            r"未|没|无法|难以|有待|仍需|仍有|差距|欠缺|不足|不够|否|较差|偏低|偏少"
            r"|不(?!断|仅|停|懈|少|但|论|管|只)"
        ),
    ),
    ("partial", re.compile(r"基本|部分|初步|有所|一定程度|略有|大体|局部")),
    ("plan", re.compile(r"预计|预期将|计划|拟|力争|争取|将于|将会|将在|将要|即将|有望")),
    ("year", re.compile(r"上年|去年|往年|前年")),
)


def qualifier(words: str) -> str | None:
    """The kind of words (``negated``, ``partial``, ``plan``, ``year``) among *words*, written
    around a restated target, that take back what it says; None when there are none
    (``有效``, ``进一步``, ``不断``).

    >>> qualifier("未"), qualifier("效果不明显"), qualifier("基本"), qualifier("预计")
    ('negated', 'negated', 'partial', 'plan')
    >>> qualifier("有效"), qualifier("进一步"), qualifier("不断")
    (None, None, None)
    """
    for kind, pattern in _QUALIFIERS:
        if pattern.search(words):
            return kind
    return None


#: Work or a target not done: 未完成, 没有达到, 未按期完成, 未全部达标, 未验收.
_NOT_DONE = (
    "(?:未|没有|没能|没)(?:能|有|按期|按时|如期|按要求)?(?:全部|全|完全|全面)?"
    "(?:完成|达到|达成|达标|实现|达|到位|开展|启动|验收|完工|竣工|执行|落实|交付|支付|拨付|发放|兑现|培训)"
)
_UNDONE = re.compile(f"{_NOT_DONE}|未于|未在|不达标|尚未|暂未|未能")
_SHORT = re.compile(r"^(?:还|尚|仍)?(?:差|欠|缺|剩余?|剩下|余下)(?:额|口|数)?$|缺口$|^尚余$")


def undone(words: str) -> str | None:
    """``negated`` when the words before an actual's number, or around its date, say it was not
    done (``未完成``100人, ``未于``12月底前完成, 12月底前``未完成``), ``short`` when they say the number
    is what is missing (``还差``20人), else None. The words after a number are not read so: in
    ``95%（未达标）`` the number is still the one achieved (:func:`note_undone`).

    >>> undone("未完成"), undone("未于"), undone("尚未完成"), undone("还差")
    ('negated', 'negated', 'negated', 'short')
    >>> undone("没收违法所得"), undone("未成年人"), undone("完成")
    (None, None, None)
    """
    text = words.strip()
    if _UNDONE.search(text):
        return "negated"
    if _SHORT.search(text):
        return "short"
    return None


_NOTE_UNDONE = re.compile(
    _NOTE_OPEN
    + f"(?:但是?|可|却|仍然?|尚|还|均|暂|部分|个别|有的)?(?:{_NOT_DONE}|不达标|不合格(?![率数人项品次例批])"
    + f"|未全部(?={_NOTE_CLOSE}))"
)


def note_undone(note: str) -> bool:
    """True when the words after an actual's number open by saying the target was not met
    (``95%（未达标）``, ``100人，未完成``, ``95%，但未达到目标``). The number is still the one
    achieved: such words only matter where it meets the target, and then the cell says two
    things (:func:`jixiao.evaluate.reading.read_actual`). Words about part of the work
    (``（其中3人未完成考核）``) do not open so.

    >>> note_undone("（未达标）"), note_undone("，但未达到目标"), note_undone("不合格")
    (True, True, True)
    >>> note_undone("（未全部完成）"), note_undone("（部分未达标）")
    (True, True)
    >>> note_undone("（其中3人未完成考核）"), note_undone("（含补训3人）"), note_undone("（已完成）")
    (False, False, False)
    """
    return _NOTE_UNDONE.match(note) is not None


_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
#: A part of the year: a half (上半年), quarters (一季度, 第三季度, 前三季度, 三季度末), months from
#: one to another (1-11月, 一至十月) and a date the figure is as of (截至10月底, 截止9月30日).
_PERIOD = (
    r"[上下]半年度?"
    r"|(?P<quarter>第?[一二三四1-4]|前[一二两三1-3]个?)季度(?P<qend>末)?"
    rf"|(?<![0-9０-９])(?P<first>{_MONTH})月?份?\s*[-—–－~～至到]\s*(?P<last>{_MONTH})月份?(?:底|末)?"
    rf"|截[至止]到?(?:\d{{4}}年)?(?P<asof>{_MONTH})月(?:份|底|末|\d{{1,2}}[日号])?"
)
_PERIOD_RE = re.compile(_PERIOD)
_PERIOD_NOTE = re.compile(
    _NOTE_OPEN + rf"(?:为|是|系)?(?P<period>{_PERIOD})"
    r"(?:的?(?:数据|数字|数|值|统计数?|累计数?|情况|完成数|完成情况))?" + _NOTE_CLOSE
)


def _whole_year(m: re.Match[str]) -> bool:
    """A match of :data:`_PERIOD` that covers the year after all (1-12月, 截至12月底, 四季度末)."""
    if m.group("first") is not None:
        return parse_number(m.group("first")) == 1 and parse_number(m.group("last")) == 12
    if m.group("asof") is not None:
        return parse_number(m.group("asof")) == 12
    quarter = m.group("quarter")
    return quarter is not None and m.group("qend") is not None and quarter[-1] in "四4"


def part_of_year(label: str | None, note: str | None) -> str | None:
    """The part of the year an actual's number is for, as written, when the words before it
    name one (``上半年``95%, ``前三季度累计完成``120人, ``2023年1-11月完成``95%) or the words after
    it are one (95%``（上半年）``, 95%``，1-10月数据``); None for the whole year (``全年``, ``1-12月``,
    ``截至12月底``) or none named. Words after the number that say more (``，其中上半年60人``) are
    a note about part of it, not the period of the number.

    >>> part_of_year("上半年", None), part_of_year("1-11月完成", None), part_of_year(None, "（一季度）")
    ('上半年', '1-11月', '一季度')
    >>> part_of_year("截至10月底已完成", None), part_of_year("前三季度累计", None)
    ('截至10月底', '前三季度')
    >>> part_of_year("1-12月", None), part_of_year("截至12月底", None), part_of_year("四季度末", None)
    (None, None, None)
    >>> part_of_year("全年完成", "，其中上半年60人"), part_of_year("第三批", None)
    (None, None)
    """
    if label:
        for m in _PERIOD_RE.finditer(label):
            if not _whole_year(m):
                return m.group()
    if note and (whole := _PERIOD_NOTE.match(note)) is not None:
        inner = _PERIOD_RE.fullmatch(whole.group("period"))
        if inner is not None and not _whole_year(inner):
            return inner.group()
    return None


#: Words that make a figure one per something (人均 500元, 每户 2000元, 月均 90人): the group
#: names what it is per (天 is 日, 名 is 人); 平均 alone names nothing.
_PER = re.compile(
    r"(?P<unit>[人户亩次日月年件个家村所校])均|每(?P<each>[人户亩次日天月年件个家村所校名])|平均"
)
#: Words before an actual's number saying it is a total (共发放50万元, 全年1100人, 累计3万人次).
_TOTAL = re.compile(r"^(?:共|总)|共计|合计|累计|总计|总共|总额|总数|总量|全年|全部")


def per_unit(words: str | None) -> tuple[str, str] | None:
    """What a figure is per, as ``(word, what)``, when *words* make it one per something
    (``人均`` → ``("人均", "人")``, ``每天`` → ``("每天", "日")``, ``平均`` → ``("平均", "")``);
    None when they do not.

    >>> per_unit("人均增收"), per_unit("平均每户"), per_unit("每天"), per_unit("平均")
    (('人均', '人'), ('每户', '户'), ('每天', '日'), ('平均', ''))
    >>> per_unit("共发放") is None, per_unit(None) is None
    (True, True)
    """
    if not words:
        return None
    found = [(m.group(), m.group("unit") or m.group("each") or "") for m in _PER.finditer(words)]
    if not found:
        return None
    named = [f for f in found if f[1]]
    word, what = named[0] if named else found[0]  # 平均每户: per household
    return word, {"天": "日", "名": "人"}.get(what, what)


def other_basis(target_words: str | None, actual_words: str | None) -> tuple[str, str] | None:
    """When a target's words make it a figure per something (``人均≥500元``) and the actual's
    words before its number say it is a total (``共发放``50万元, ``全年``1100人) or one per
    something else (``户均``600元 under ``人均``): the target's word and the actual's (``""``
    for a total); else None. Only the target's own words count: a basis in the indicator's name
    is not read.

    >>> other_basis("人均", "共发放"), other_basis("人均", "户均"), other_basis("月均", "全年")
    (('人均', ''), ('人均', '户均'), ('月均', ''))
    >>> other_basis("人均", "人均"), other_basis("人均", None), other_basis(None, "共"), other_basis("人均", "平均")
    (None, None, None, None)
    """
    asked = per_unit(target_words)
    if asked is None or not actual_words:
        return None
    given = per_unit(actual_words)
    if given is not None:
        differ = asked[1] and given[1] and asked[1] != given[1]
        return (asked[0], given[0]) if differ else None
    return (asked[0], "") if _TOTAL.search(actual_words) else None


#: Words saying the figure is not final or not whole: to be checked, preliminary, still being
#: counted, incomplete, missing (待核实, 初步统计, 未统计完, 数据不全, 无数据). 待审计 and 未审计
#: are not among them: a self-evaluation comes before its audit.
_PROVISIONAL = (
    r"(?:数据|数字|数值)?(?:待核实|待核查|待确认|待复核|待更新|初步统计|初步测算|初步|暂未统计|尚未统计完?"
    r"|未统计完|统计中|正在统计|不完整|不全|缺失|暂缺|暂无数据|无数据|未填报|未上报)(?:数据|数字)?"
)
_PROVISIONAL_LABEL = re.compile(f"(?:据)?{_PROVISIONAL}(?:为|是|数|值)?")
_PROVISIONAL_NOTE = re.compile(_NOTE_OPEN + f"(?:为|是|系)?(?P<words>{_PROVISIONAL})" + _NOTE_CLOSE)


def provisional(label: str | None, note: str | None) -> str | None:
    """The words that say an actual's number is not final or not whole, written before it
    (``初步统计``95%, ``待核实``95%) or after it as its note (95%``（待核实）``, 95%``，数据不全``);
    None when there are none.

    >>> provisional("初步统计", None), provisional(None, "（待核实）"), provisional(None, "，数据不全")
    ('初步统计', '待核实', '数据不全')
    >>> provisional(None, "（待审计）"), provisional("实际完成", None), provisional(None, "（抽样调查）")
    (None, None, None)
    """
    if label and _PROVISIONAL_LABEL.fullmatch(label.strip()):
        return label.strip()
    if note and (m := _PROVISIONAL_NOTE.match(note)) is not None:
        return m.group("words")
    return None
