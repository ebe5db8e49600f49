"""The words of the target-cell language, and what each one means.

The grammar (``grammar/target.lark``) holds the structure of a cell; the word lists live here,
once, because both the grammar's terminals and the transformer's meanings are built from them.
:func:`grammar_text` fills the grammar's ``%%NAME%%`` placeholders with regexes made from these
lists and from the unit registry (:mod:`jixiao.units`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jixiao.targets.ast import Op
from jixiao.units import MAGNITUDES, known_words

__all__ = [
    "AFTER_NUMBER_RE",
    "AFTER_UNIT_RE",
    "APPROX_MID",
    "APPROX_POST",
    "APPROX_PRE",
    "COMPARATOR_CHARS",
    "COMPARATOR_SYMBOLS",
    "COMPARATOR_WORDS",
    "GRADE_LADDERS",
    "JUNK_HINTS",
    "LABEL_WORDS",
    "NOTE_MAX",
    "OPEN_UNIT_MAX",
    "PROSE_PUNCT",
    "REL_PRE",
    "REMARK_MAX",
    "STOP_AT_END",
    "SUFFIX_AT_END",
    "SUFFIX_WORDS",
    "TRAILING_PUNCT",
    "UNIT_RE",
    "WEAK_COMPARATORS",
    "alternation",
    "comparator_hint",
    "fold_comparator",
    "grammar_text",
    "is_junk",
    "outcome_status",
    "scale_of",
    "text_regex",
]

# --------------------------------------------------------------------------------------------
# Comparators

#: Comparator glyph runs (after look-alike folding, see ``_FOLD``) and their operators.
COMPARATOR_SYMBOLS: dict[str, Op] = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
    "==": "=",
    "≯": "<=",  # not greater than
    "≮": ">=",  # not less than
}
#: Characters that stand for a comparator glyph in real forms, folded before the lookup.
_FOLD = str.maketrans(
    {
        "≧": "≥",
        "⩾": "≥",
        "≦": "≤",
        "⩽": "≤",
        "＞": ">",
        "›": ">",
        "＜": "<",
        "‹": "<",
        "＝": "=",
        "﹦": "=",
        "═": "=",
        "〓": "=",
    }
)
COMPARATOR_CHARS = "<>=≥≤≯≮" + "".join(chr(k) for k in _FOLD)

#: Comparator words written before the number. 《民法典》第1259条: 以上/以下/以内 include the
#: number, 超过/不满/高于/低于 exclude it.
COMPARATOR_WORDS: dict[str, Op] = {
    "大于或等于": ">=",
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "不短于": ">=",
    "至少": ">=",
    "最少": ">=",
    "达到": ">=",
    "小于或等于": "<=",
    "小于等于": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不超出": "<=",
    "未超过": "<=",
    "没有超过": "<=",
    "没超过": "<=",
    "未超出": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "不长于": "<=",
    "至多": "<=",
    "最多": "<=",
    "控制在": "<=",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "超出": ">",
    "多于": ">",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "不足": "<",
    "不满": "<",
    "未满": "<",
    "未达到": "<",  # 未达到45人: fewer than 45, not a lower bound
    "没有达到": "<",
    "没达到": "<",
    "等于": "=",
}
#: Prefixes that only say "the target is this number": a suffix written after the number
#: decides the direction (达到90%以上, 控制在5%以内).
WEAK_COMPARATORS = frozenset({"达到", "控制在", "等于", "=", "=="})

#: Comparator words written after the number (all include the number).
SUFFIX_WORDS: dict[str, Op] = {
    "以上": ">=",
    "及以上": ">=",
    "及其以上": ">=",
    "或以上": ">=",
    "以下": "<=",
    "及以下": "<=",
    "及其以下": "<=",
    "或以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",  # 5个工作日内; only when no other word follows (5项内容 is a note)
}

# --------------------------------------------------------------------------------------------
# Approximations (约45人, 200余人, 45人左右, 不到200人)

APPROX_PRE: dict[str, str] = {
    "大约": "about",
    "约为": "about",
    "约": "about",
    "大概": "about",
    "差不多": "about",
    # close to the number and short of it (将近100人: fewer than 100, not many fewer)
    "将近": "near",
    "接近": "near",
    "接近于": "near",
    "几乎": "near",
    "近乎": "near",
    "近": "near",
    "逾": "over",
    "超": "over",
    "不到": "under",
}
APPROX_MID: dict[str, str] = {"余": "over", "多": "over"}
APPROX_POST: dict[str, str] = {"左右": "about", "上下": "about"}

# --------------------------------------------------------------------------------------------
# Deadlines

#: Words before a date that give its relation (不晚于12月31日, 截至12月31日 = by; 早于12月31日 =
#: before).
REL_PRE: dict[str, str] = {
    "不晚于": "by",
    "不迟于": "by",
    "截至": "by",
    "截止": "by",
    "截止到": "by",
    "早于": "before",
    "先于": "before",
}

# --------------------------------------------------------------------------------------------
# Labels, notes and prose

#: One-character words that may stand alone before a number (共5人, 在5%以内). Any other single
#: character glued before a number is read as a damaged comparator (工5% for ≥5%).
LABEL_WORDS = frozenset("共计合总累达满在为是于至每均仅只各已需含按有增减降升占比第")
#: A descriptor after a quantity (100%覆盖) is at most this many characters; a longer tail makes
#: the cell a sentence that mentions a number (1-6期培训结束后及时考核).
NOTE_MAX = 4
#: A note in brackets is a remark (≥80%（抽样调查）) and may be this long.
REMARK_MAX = 20
#: A word written right after a number that is no registered unit is kept as the unit when it
#: has at most this many characters.
OPEN_UNIT_MAX = 4
#: Punctuation of running text. A note or a date's prefix/suffix that contains any of these
#: (other than at its end) is a clause, so the cell is prose.
PROSE_PUNCT = "，。、；：？！,;:?!…"
TRAILING_PUNCT = "。.．，,；;、！!？?…～~ \t\r\n\u3000"
_TEXT_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕［］「」『』…·,;:!?'\"()\\[\\]{}—"

#: Junk characters seen in damaged cells, and what they most likely stood for.
JUNK_HINTS: dict[str, str] = {"$": "%", "＄": "%", "^": "≥", "＾": "≥", "&": "%", "#": "≥"}

_STRUCTURAL = set("0123456789０１２３４５６７８９.．,%％﹪‰/／\\*·×+-－~～〜—–―") | set(
    COMPARATOR_CHARS
)
_PROSE_CHARS = set(_TEXT_PUNCT.replace("\\", ""))


def is_junk(ch: str) -> bool:
    """A character that has no place in a cell: not a letter, digit, space, prose punctuation
    or a symbol of the target language (``$ ^ # @ & |`` …)."""
    if ch.isspace() or ch in _STRUCTURAL or ch in _PROSE_CHARS:
        return False
    return not (ch.isalpha() or ch.isdigit())


def comparator_hint(run: str) -> str | None:
    """The comparator a garbled glyph run most likely meant (``>>`` → ``>``, ``≥=`` → ``≥``)."""
    folded = run.translate(_FOLD)
    greater = any(ch in ">≥" for ch in folded)
    less = any(ch in "<≤" for ch in folded)
    inclusive = "=" in folded or "≥" in folded or "≤" in folded
    if greater and less:
        return None
    if greater:
        return "≥" if inclusive else ">"
    if less:
        return "≤" if inclusive else "<"
    return "="


def fold_comparator(run: str) -> str:
    return run.translate(_FOLD)


# --------------------------------------------------------------------------------------------
# Outcome words of an actual (达成预期指标, 基本完成, 未开展, 建设中)

_VERB = "(?:完成|达成|达到|实现|达标|落实|开展|完工|竣工|启动|执行|到位|兑现|发放|交付|验收)"
_OBJ = "(?:了)?(?:预期|年度|既定|计划|全部|各项)?(?:绩效)?(?:指标|目标|任务|指标值|目标值)?"
_OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    (
        "not_done",
        re.compile(
            rf"(?:未|没有|尚未|暂未|未能|未按时|未按期|未全部|没能){_VERB}{_OBJ}"
            r"(?:且效果较差)?|否|不合格|不达标"
        ),
    ),
    (
        "partial",
        re.compile(
            rf"(?:基本|部分|大部分|大部|大体|初步){_VERB}{_OBJ}(?:并具有一定效果)?|基本合格|部分合格"
        ),
    ),
    (
        "in_progress",
        re.compile(
            r"(?:正在|正|仍在|持续)(?:建设|实施|进行|推进|开展|施工|办理)(?:中)?"
            r"|(?:建设|实施|进行|推进|开展|施工|办理|执行)中|在建|未完工"
        ),
    ),
    (
        "done",
        re.compile(
            rf"(?:已经|已|全部|均已|均|全面|按时|按期|如期|顺利|圆满|及时|足额|超额|提前|按计划|按要求)*"
            rf"{_VERB}{_OBJ}"
            r"|是|合格|达标|已达标"
        ),
    ),
]


def outcome_status(text: str) -> str | None:
    """The completion status an actual's words report, or None for descriptive text.

    >>> outcome_status("达成预期指标"), outcome_status("基本达到"), outcome_status("建设中")
    ('done', 'partial', 'in_progress')
    >>> outcome_status("有效减轻") is None
    True
    """
    for status, pattern in _OUTCOMES:
        if pattern.fullmatch(text):
            return status
    return None


# --------------------------------------------------------------------------------------------
# Grade scales written where a target belongs (优良中低差, 好坏, 定性 好坏)

GRADE_LADDERS: tuple[tuple[str, ...], ...] = (
    ("优", "良", "中", "低", "差"),
    ("好", "较好", "一般", "较差", "差"),
    ("好", "中", "差"),
    ("好", "坏"),
    ("高", "中", "低"),
    ("优秀", "良好", "中等", "及格", "不及格"),
    ("优秀", "良好", "合格", "不合格"),
    ("满意", "基本满意", "不满意"),
    ("满意", "较满意", "一般", "不满意"),
    ("是", "否"),
    ("有", "无"),
)
_SCALE_SEPARATORS = set("、/／,，;；|｜ \u3000")
_GRADE_CHARS = frozenset("".join("".join(ladder) for ladder in GRADE_LADDERS)) | _SCALE_SEPARATORS


def scale_of(text: str) -> tuple[str, ...] | None:
    """The grades of a scale written as a target, or None.

    A scale is two or more grades of one ladder, in the ladder's order, from its top grade to
    its bottom grade, optionally separated (``优良中低差``, ``好坏``, ``优/良/中/差``). ``良好``
    and ``优良`` are words, not scales.

    >>> scale_of("优良中低差"), scale_of("好坏"), scale_of("良好")
    (('优', '良', '中', '低', '差'), ('好', '坏'), None)
    """
    if len(text) < 2 or len(text) > 40 or not _GRADE_CHARS.issuperset(text):
        return None
    for ladder in GRADE_LADDERS:
        grades: list[str] = []
        index = 0
        pos = 0
        ok = True
        while pos < len(text):
            if text[pos] in _SCALE_SEPARATORS:
                pos += 1
                continue
            for j in range(index, len(ladder)):
                grade = ladder[j]
                # the longest grade that starts here, later in the ladder than the last one
                longer = [g for g in ladder[j:] if text.startswith(g, pos) and len(g) > len(grade)]
                if text.startswith(grade, pos) and not longer:
                    grades.append(grade)
                    index = j + 1
                    pos += len(grade)
                    break
            else:
                ok = False
                break
        if ok and len(grades) >= 2 and grades[0] == ladder[0] and grades[-1] == ladder[-1]:
            return tuple(grades)
    return None


# --------------------------------------------------------------------------------------------
# Regexes for the grammar's placeholders


_Trie = dict[str, "_Trie"]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of *words* as a trie, so that the longest word wins and the regex
    engine does not try hundreds of alternatives one by one."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
        return body

    return build(trie)


_DIGIT = "[0-9０-９]"
# what may follow a comparator suffix that ends a quantity (5羽以上, 5羽以上。, 5羽以上（含）)
_CLAUSE_END = r"(?=\s|$|[(（，。、；;,.．！!？?…～~])"
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿萬億"
_NUM_AHEAD = rf"(?=\s*(?:-\s*)?(?:{_DIGIT}|[零〇一二两三四五六七八九十百千]|百分之))"


def _unit_regex() -> str:
    words = [w for w in known_words() if w not in MAGNITUDES]
    word = alternation(words)
    magnitude = alternation(sorted(MAGNITUDES))
    one = f"(?:{word}|{magnitude}(?:{word})?)"
    # compound units: 元/人, 元/人*月, 元/人·年
    return rf"{one}(?:\s*[/／]\s*{one}(?:\s*[*·•×・∙⋅]\s*{one})*)?"


def _suffix_regex() -> str:
    words = alternation(w for w in SUFFIX_WORDS if w != "内")
    return rf"(?:{words}|内(?![^\W\d_]))"


#: Words of an inclusivity note: 含 (the bound is included), 不含 (it is not).
INCL_WORDS = ("含", "包含", "包括")


def _incl_regex() -> str:
    """An inclusivity note in brackets, before or after a comparator suffix: ``（含）``,
    ``（含90%）``, ``(含本数)``, ``（不含）``, ``（含90%在内）``."""
    number = r"-?\s*[0-9０-９]+(?:[.．][0-9０-９]+)?"
    unit = _unit_regex()
    words = alternation(INCL_WORDS)
    return (
        rf"[(（]\s*不?(?:{words})\s*(?:本数|本值|边界值|该值)?"
        rf"\s*(?:{number}\s*(?:{unit})?)?\s*(?:在内)?\s*[)）]"
    )


def text_regex() -> str:
    stops = [
        rf"(?:{alternation([*COMPARATOR_WORDS, *APPROX_PRE])}){_NUM_AHEAD}",
        rf"(?:{alternation(REL_PRE)})(?=\s*(?:{_DIGIT}|年[底末]))",
        rf"百分之(?=[{_CN_NUMERAL}0-9０-９])",
        "年[底末]",
        # 实际次年1月完成: a year relative to the budget year starts a date
        rf"(?:次|翌|下一?)年度?(?=\s*(?:{_DIGIT}|[一二三四五六七八九十]+\s*月|[底末]))",
        rf"(?:{alternation([*SUFFIX_WORDS, *APPROX_POST])}){_CLAUSE_END}",
    ]
    firsts = sorted(
        {w[0] for w in (*COMPARATOR_WORDS, *APPROX_PRE, *REL_PRE, *SUFFIX_WORDS, *APPROX_POST)}
        | {"百", "年", "次", "翌", "下"}
    )
    first_class = "".join(firsts)
    char = (
        rf"(?:[^\W\d_{first_class}]|[{_TEXT_PUNCT}]"
        rf"|(?!{'|'.join(stops)})[{first_class}]|[.．](?=\s*$))"
    )
    return rf"{char}+(?:\s+{char}+)*"


_RANGE_SEP = r"——|--|[\-－~～〜—–―至到一]"
#: What the lexer reads right after a number or its unit (so a note must not start with it).
UNIT_RE = re.compile(_unit_regex())
AFTER_UNIT_RE = re.compile(f"{_suffix_regex()}|{alternation(APPROX_POST)}|{_RANGE_SEP}")
AFTER_NUMBER_RE = re.compile(f"{AFTER_UNIT_RE.pattern}|[{''.join(APPROX_MID)}]")
#: A label or date prefix that ends in one of these would be read differently once a number is
#: written after it (合格率不低于 + 90%), so such a cell is prose.
STOP_AT_END = re.compile(f"(?:{alternation([*COMPARATOR_WORDS, *APPROX_PRE, *REL_PRE])}|百分之)$")
#: A note or a date's suffix that ends in one of these would be read as a comparator suffix once
#: rendered at the end of the cell, so such a cell is prose.
SUFFIX_AT_END = re.compile(f"(?:{alternation([*SUFFIX_WORDS, *APPROX_POST])})$")


def grammar_text(template: str) -> str:
    """The grammar with its ``%%NAME%%`` placeholders filled in."""
    fills = {
        # a unit may be written in brackets: ≥45（人）, 45(人)以上
        "UNIT": rf"(?:{_unit_regex()}|[(（]\s*(?:{_unit_regex()})\s*[)）])",
        "INCL": _incl_regex(),
        "TEXT": text_regex(),
        "COMP_WORD": f"(?:{alternation(COMPARATOR_WORDS)}){_NUM_AHEAD}",
        "COMP_SYM": f"[{re.escape(COMPARATOR_CHARS)}]+",
        "SUFFIX": _suffix_regex(),
        "APPROX_PRE": f"(?:{alternation(APPROX_PRE)})(?=\\s*-?\\s*{_DIGIT})",
        "APPROX_MID": f"[{''.join(APPROX_MID)}]",
        "APPROX_POST": alternation(APPROX_POST),
        "REL_PRE": f"(?:{alternation(REL_PRE)})(?=\\s*(?:{_DIGIT}|年[底末]))",
        "RANGE_SEP": _RANGE_SEP,
    }
    out = template
    for name, regex in fills.items():
        out = out.replace(f"%%{name}%%", regex.replace("/", "\\/"))
    if re.search(r"/%%[A-Z_]+%%/", out):
        raise AssertionError("unfilled placeholder in the target grammar")
    return out
