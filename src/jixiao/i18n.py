"""The one language layer: every user-facing string is a Chinese text with an English one.

jixiao speaks Chinese first and English on request (``--lang en``). Text a user reads is held as a
:class:`Msg` (a Chinese and an English template) and turned into one language only when it is
shown, by :func:`tr` or :meth:`Msg.text`. Fixed words shared by every renderer (headings,
severities, the labels of an error) live in :data:`WORDS`.

>>> Msg("共{n}项", "{n} items").text("en", n=3)
'3 items'
>>> tr(("提示", "hint"), "zh")
'提示'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

import attrs

__all__ = [
    "BASES",
    "HEADINGS",
    "KINDS",
    "LANGS",
    "UNCLASSIFIED",
    "WORDS",
    "Lang",
    "Msg",
    "basis_text",
    "heading",
    "kind_text",
    "lang_of_args",
    "place_text",
    "section_label",
    "tr",
    "word",
]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def _format(template: str, fields: Mapping[str, object]) -> str:
    if not fields:
        return template
    try:
        return template.format_map(fields)  # str.format's own parser, in C
    except (KeyError, IndexError, ValueError):
        return template


@attrs.frozen(slots=True)
class Msg:
    """A message in Chinese and English; ``{name}`` fields are filled when it is shown."""

    zh: str
    en: str

    def text(self, lang: str = "zh", **fields: object) -> str:
        return _format(self.en if lang == "en" else self.zh, fields)

    def format(self, **fields: object) -> Msg:
        """Both languages with the fields filled in."""
        return Msg(_format(self.zh, fields), _format(self.en, fields))


def tr(text: Msg | tuple[str, str] | str, lang: str = "zh", **fields: object) -> str:
    """*text* in *lang*: a :class:`Msg`, a ``(zh, en)`` pair, or a plain string (shown as is)."""
    if isinstance(text, Msg):
        return text.text(lang, **fields)
    if isinstance(text, tuple):
        return _format(text[1] if lang == "en" else text[0], fields)
    return _format(text, fields)


#: Words every renderer shares, by key: (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "hint": ("提示：", "hint: "),
    "expected": ("此处可以是：", "expected here: "),
    "list_sep": ("、", ", "),
    "line_col": ("（第{line}行第{column}列）", " (line {line}, column {column})"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
    "error_prefix": ("错误：", "error: "),
    "policy_problems": ("策略文件有 {count} 处错误", "the policy has {count} problem(s)"),
    "unclassified": ("（未分类）", "(unclassified)"),
    "basis": ("依据", "basis"),
}

#: The headings every report shares, by key: the terminal, Markdown and workbook reports, the
#: JSON explanations and the workbench (which adds its own words in :mod:`jixiao.web.labels`).
HEADINGS: dict[str, tuple[str, str]] = {
    "level1": ("一级指标", "Level 1"),
    "level2": ("二级指标", "Level 2"),
    "level3": ("三级指标", "Indicator"),
    "target": ("年度指标值", "Target"),
    "actual": ("实际完成值", "Actual"),
    "weight": ("分值", "Weight"),
    "claimed": ("自评得分", "Claimed"),
    "computed": ("复核得分", "Computed"),
    "rule": ("规则", "Rule"),
    "check": ("复核", "Check"),
    "verified": ("核实", "Verified"),
    "verified_yes": ("✓ 已核实", "✓ verified"),
    "verified_no": ("? 未核实", "? unverified"),
    "partial": ("部分合计", "partial"),
    "unverified_points": ("未核实分数", "Unverified points"),
    "budget": ("预算执行率", "Budget execution"),
    "rate": ("执行率", "Rate"),
    "subtotal": ("小计", "Subtotal"),
    "total": ("总分", "Total"),
    "claimed_total": ("自评总分", "Claimed total"),
    "computed_total": ("复核总分", "Computed total"),
    "grade": ("等级", "Grade"),
    "findings": ("复核发现", "Findings"),
    "no_findings": ("未发现问题", "No findings"),
    "code": ("代码", "Code"),
    "severity": ("级别", "Severity"),
    "where": ("位置", "Location"),
    "message": ("说明", "Message"),
    "form": ("表单", "Form"),
    "file": ("文件", "File"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "infos": ("提示", "Info"),
    "policy": ("评分策略", "Policy"),
    "project": ("项目名称", "Project"),
    "department": ("主管部门", "Department"),
    "implementer": ("实施单位", "Implementer"),
    "year": ("年度", "Year"),
    "source": ("来源文件", "Source"),
    "explanation": ("得分说明", "Explanation"),
    "steps": ("计算步骤", "Steps"),
    "report_title": ("项目支出绩效自评复核报告", "Performance self-evaluation review"),
    "summary": ("汇总", "Summary"),
    "unreadable": ("读取失败", "unreadable"),
    "sections": ("一级指标小计", "Section subtotals"),
    "indicators": ("绩效指标", "Indicators"),
    "budget_line": ("预算执行", "Budget execution"),
    "totals": ("总分与等级", "Total and grade"),
    "results_sheet": ("复核结果", "Review results"),
    "review_notes": ("复核发现", "Review notes"),
    "how_to_read": ("如何阅读", "How to read"),
    "kind": ("类型", "Kind"),
    "op": ("比较符", "Op"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "canonical": ("规范写法", "Canonical text"),
    "cell": ("单元格", "Cell"),
    "forms_scored": ("张表已评分", "form(s) scored"),
    "files_failed": ("个文件读取失败", "file(s) could not be read"),
}


def heading(key: str, lang: str = "zh") -> str:
    """One of the shared :data:`HEADINGS` in *lang*."""
    return tr(HEADINGS[key], lang)


#: How a row's score was reached (``IndicatorResult.basis``), as shown in a trace.
BASES: dict[str, tuple[str, str]] = {
    "formula": ("公式", "formula"),
    "words": ("完成情况文字", "words"),
    "status": ("完成状态", "status"),
    "deadline": ("完成期限", "deadline"),
    "echo": ("复述年度指标值", "echo"),
    "scale": ("等级量表", "scale"),
    "claimed": ("自评得分", "claimed"),
    "unscored": ("未评分", "unscored"),
}


def basis_text(basis: str, lang: str = "zh") -> str:
    """A score's basis in *lang* (the code itself when it is not known)."""
    pair = BASES.get(basis)
    return tr(pair, lang) if pair else basis


#: The kind of a parsed cell (``to_dict()["kind"]``), as shown by ``jixiao parse``.
KINDS: dict[str, tuple[str, str]] = {
    "comparison": ("比较", "comparison"),
    "quantity": ("数量", "quantity"),
    "range": ("区间", "range"),
    "deadline": ("期限", "deadline"),
    "qualitative": ("定性", "qualitative"),
    "outcome": ("完成情况", "outcome"),
    "empty": ("空", "empty"),
}


def kind_text(kind: str, lang: str = "zh") -> str:
    """A parsed cell's kind in *lang* (the code itself when it is not known)."""
    pair = KINDS.get(kind)
    return tr(pair, lang) if pair else kind


#: The section of indicator rows that name no 一级指标 (its name in results and JSON).
UNCLASSIFIED = WORDS["unclassified"][0]


def section_label(name: str, lang: str = "zh") -> str:
    """A section's name as shown: the unclassified section in *lang*, others as written."""
    return word("unclassified", lang) if name == UNCLASSIFIED else name


def word(key: str, lang: str = "zh", **fields: object) -> str:
    """One of the shared :data:`WORDS` in *lang*."""
    return tr(WORDS[key], lang, **fields)


#: The places jixiao writes itself (a CSV row and column, a table of a Word document, a page of a
#: PDF …), in Chinese and English. A place is written once, in either language, when a form is
#: read (``Indicator.cells``, ``Finding.where``); :func:`place_text` shows it in the reader's.
PLACES: tuple[tuple[str, str], ...] = (
    (
        "第{page}页 表{table} 第{row}行 第{col}列",
        "page {page}, table {table}, row {row}, col {col}",
    ),
    ("第{page}页 第{line}行文字", "page {page}, text line {line}"),
    ("第{first}-{last}页", "pages {first}-{last}"),
    ("表{table} 第{row}行 第{col}列", "table {table}, row {row}, col {col}"),
    ("文件第{row}行第{col}列", "row {row}, col {col}"),
    ("文件第{first}-{last}行", "rows {first}-{last}"),
    ("文件第{row}行", "row {row}"),
    ("文件第{line}行", "line {line}"),
    ("第{paragraph}段", "paragraph {paragraph}"),
    ("{sheet}（空表）", "{sheet} (empty)"),
    ("空文件", "empty file"),
    ("压缩包目录", "zip headers"),
)


def _place_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a field: a number, or a sheet's name
            out.append(f"(?P<{part}>.+)" if part == "sheet" else f"(?P<{part}>\\d+)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


_PLACES = [(_place_pattern(zh), _place_pattern(en), zh, en) for zh, en in PLACES]


def place_text(where: str, lang: str = "zh") -> str:
    """A place jixiao wrote (:data:`PLACES`) in *lang*; any other place (a cell ``表1!G12``, a
    JSON path ``indicators[2].score``, ``3:15``) as it is.

    >>> place_text("row 12, col 7"), place_text("表2 第3行 第4列", "en")
    ('文件第12行第7列', 'table 2, row 3, col 4')
    >>> place_text("indicators[2].score", "en"), place_text("预算!A1:B2, 空（空表）", "en")
    ('indicators[2].score', '预算!A1:B2, 空 (empty)')
    """
    for zh_re, en_re, zh, en in _PLACES:
        m = en_re.fullmatch(where) or zh_re.fullmatch(where)
        if m is not None:
            return (en if lang == "en" else zh).format(**m.groupdict())
    if ", " in where:  # a list of places (the sheets searched for a form)
        return ", ".join(place_text(part, lang) for part in where.split(", "))
    return where


def lang_of_args(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a command line: its last ``--lang`` (``--lang en``, ``--lang=en``), else
    ``JIXIAO_LANG``, else Chinese.

    >>> lang_of_args(["score", "a.json", "--lang", "en"], {}), lang_of_args([], {})
    ('en', 'zh')
    """
    lang = environ.get("JIXIAO_LANG", "zh")
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return "en" if lang == "en" else "zh"
