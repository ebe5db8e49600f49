"""The one catalog of finding codes: each code once, with its severity, texts and docs anchor.

Longer than 500 lines on purpose: it is one table, every built-in code with its templates in both languages,
kept in one place so that a code is defined once and read (and reviewed) together.

A finding is one thing the audit found in a form: a stable code, a severity, where, and a message.
Every built-in code the evaluator (or a form reader) can raise is listed here, once, with its
summary and its message templates in Chinese and English; rule files add codes of their own with
``finding`` statements (those are checked against this catalog so that they never reuse a built-in
code). Code that raises a finding names the code, the situation (a template variant, ``""`` for the
usual one) and the fields; it never writes the message itself. ``docs/audit.md`` is tested against
this table: one section per code, the same severity, summary and templates.

>>> CATALOG["SCORE_MISMATCH"].severity
'error'
>>> CATALOG["SCORE_MISMATCH"].summary.text("en")
'claimed score differs from the computed one'
>>> CATALOG["SCORE_MISMATCH"].anchor
'docs/audit.md#score_mismatch'
>>> message("TOTAL_MISMATCH", claimed="100", computed="99.09").text("en")
'claimed total 100, computed total 99.09'
>>> message("UNIT_MISMATCH", actual_unit=PARTS["no_unit"], target_unit="人").text("en")
"the actual's unit '(no unit)' cannot be compared with the target's unit '人'"
>>> stronger("warning", "error"), severity_rank("info")
('error', 2)
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from jixiao.i18n import Msg

__all__ = [
    "BUILTIN_CODES",
    "CATALOG",
    "PARTS",
    "SEVERITIES",
    "CodeInfo",
    "Severity",
    "is_severity",
    "joined",
    "message",
    "part",
    "placeholders",
    "severity_rank",
    "stronger",
]

Severity = Literal["error", "warning", "info"]

#: The severities, strongest first. Everything that orders or counts findings uses this.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


def is_severity(text: str) -> bool:
    return text in SEVERITIES


def severity_rank(severity: str) -> int:
    """0 for ``error``, 1 for ``warning``, 2 for ``info``; unknown severities sort last."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        return len(SEVERITIES)


def stronger(a: str | None, b: str) -> str:
    """The stronger of two severities (``a`` may be ``None``: nothing yet)."""
    if a is None:
        return b
    return a if severity_rank(a) <= severity_rank(b) else b


def placeholders(template: str) -> frozenset[str]:
    """The ``{field}`` names a template uses."""
    return frozenset(
        name for _text, name, _spec, _conv in string.Formatter().parse(template) if name
    )


def _value(value: object, lang: str) -> object:
    if isinstance(value, Msg):
        return value.text(lang)
    return "" if value is None else value


def _fill(template: str, fields: Mapping[str, object], lang: str) -> str:
    if not fields:
        return template
    values = {k: _value(v, lang) for k, v in fields.items()}
    try:
        return template.format_map(values)  # str.format's own parser, in C
    except (KeyError, IndexError, ValueError):  # every raise is checked by tests/test_one_house.py
        return template


def render(template: Msg, fields: Mapping[str, object]) -> Msg:
    """*template* with *fields* filled in, in both languages; a field that is itself a
    :class:`Msg` (an explanation, "no unit") is filled in per language."""
    return Msg(_fill(template.zh, fields, "zh"), _fill(template.en, fields, "en"))


@attrs.frozen(slots=True)
class CodeInfo:
    """One built-in finding code."""

    code: str
    severity: Severity
    summary: Msg
    # True when the code on a row means its score does not rest on what the cells say (a claim
    # kept, a guessed reading): the row is unverified (``IndicatorResult.verified``)
    unverifying: bool = False
    # True when a policy file may set its severity (``severity CODE level``); the others are
    # fixed, so no policy can quiet an unreadable cell or a wrong score
    settable: bool = False
    # The message templates, by situation (``""`` is the usual one); ``{field}`` names are
    # filled in when the finding is raised
    messages: Mapping[str, Msg] = attrs.field(factory=dict)

    @property
    def anchor(self) -> str:
        """Where the code is documented, relative to the repository root."""
        return f"docs/audit.md#{self.code.lower()}"

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.severity, self.summary.zh, self.summary.en)

    def template(self, variant: str = "") -> Msg:
        """The message template of one situation (KeyError for a situation not listed)."""
        return self.messages[variant]

    def message(self, variant: str = "", /, **fields: object) -> Msg:
        """The message of one situation with *fields* filled in."""
        return render(self.messages[variant], fields)


def message(code: str, variant: str = "", /, **fields: object) -> Msg:
    """The message of built-in *code* in situation *variant*, with *fields* filled in.

    This is how every built-in finding's text is made: the evaluator and the form readers name
    the code, the situation and the fields, never the words."""
    return CATALOG[code].message(variant, **fields)


#: Pieces of text that fill a field of a message (in both languages).
PARTS: dict[str, Msg] = {
    "no_unit": Msg("（无单位）", "(no unit)"),
    "empty": Msg("空", "empty"),
    "not_filled": Msg("（未填）", "(not filled)"),
    "year": Msg("{year}年", "year {year}"),
    "year_unknown": Msg("年度未知", "year unknown"),
    "section_unknown": Msg(
        "{name} {weight}（政策未设此项）", "{name} {weight} (not a section of the policy)"
    ),
    "section_default": Msg(
        "{name} {weight}（默认{default}）", "{name} {weight} (default {default})"
    ),
    "budget_column": Msg("「{name}」（可写作 {spellings}）", "{key}"),
}

#: How the items of a list field are joined, by kind.
SEPARATORS: dict[str, Msg] = {
    "list": Msg("、", ", "),
    "clauses": Msg("；", "; "),
    "and": Msg("、", " and "),
    "ellipsis": Msg("…", "…"),
    "or": Msg(" / ", " / "),
}


def part(name: str, /, **fields: object) -> Msg:
    """One of the :data:`PARTS` with *fields* filled in."""
    return render(PARTS[name], fields)


def joined(items: Iterable[Msg | str], how: str = "list") -> Msg:
    """*items* joined in each language (``、`` and ``, `` for a list, ``；`` and ``; `` for
    clauses)."""
    parts = list(items)
    sep = SEPARATORS[how]
    return Msg(
        sep.zh.join(p.zh if isinstance(p, Msg) else p for p in parts),
        sep.en.join(p.en if isinstance(p, Msg) else p for p in parts),
    )


def _c(
    code: str,
    severity: Severity,
    zh: str,
    en: str,
    *,
    unverifying: bool = False,
    settable: bool = False,
    msgs: Mapping[str, tuple[str, str]],
) -> CodeInfo:
    messages = {variant: Msg(z, e) for variant, (z, e) in msgs.items()}
    return CodeInfo(code, severity, Msg(zh, en), unverifying, settable, messages)


# New codes go here, one entry each: code, severity, 中文说明, English summary, and the message
# templates by situation (``""`` the usual one), Chinese and English.
_CODES: tuple[CodeInfo, ...] = (
    _c(
        "UNREADABLE_CELL",
        "error",
        "单元格无法解析",
        "a cell cannot be read",
        msgs={
            "": (
                "「{label}」应为数字，实际为「{raw}」（应为如 5 或 9.71 的数字）",
                "the {label} should be a number such as 5 or 9.71, got {raw!r}",
            ),
            "separators": (
                "「{label}」应为数字，实际为「{raw}」：千分位逗号位置不对，无法确定数值（应如 1,234.5 或 1234.5）",
                "the {label} should be a number, got {raw!r}: garbled thousands separators (write 1,234.5 or 1234.5)",
            ),
            "formula": (
                "「{label}」单元格是公式「{raw}」，但文件中没有保存计算结果；请用 Excel 或 WPS 打开并保存后再读取",
                "the {label} cell holds a formula {raw!r} with no saved result: open and save the file in Excel or WPS first",
            ),
            "unit": (
                "「{label}」写作「{raw}」，单位与项目资金表的其他金额（表头的单位，没有写时多为万元）不同，"
                "去掉单位读数会差一万倍，执行率无法复核；请按表头的单位填写全部金额",
                "the {label} is written {raw!r}, in another unit than the other amounts of the "
                "项目资金 table (its header's unit, most often 万元): read without its unit it is off "
                "by 10,000 times, and the execution rate cannot be checked; write every amount in "
                "the header's unit",
            ),
            "year": (
                "「年度」应为四位数年份（如 2023），实际为「{raw}」，不核对适用年度",
                "the year should be a year such as 2023, got {raw!r}; the policy's years are not checked",
            ),
            "cell": (
                "{label}无法解析：{error}",
                "the {label} cell cannot be read: {error} at column {column}",
            ),
            "row": ("此行无法读取：{error}", "row cannot be read: {error}"),
            "form": ("此表单无法读取：{error}", "the form cannot be read: {error}"),
            "budget_header": (
                "项目资金表头缺少{wanted}列；此行找到的列：{found}；预算执行率无法复核",
                "the 项目资金 header row lacks the {wanted} column(s) (found: {found}); the execution rate cannot be checked",
            ),
            "orphan_row": (
                "此行有分值或得分，但没有三级指标、年度指标值或实际完成值，未作为指标计入",
                "this row has a weight or score but no indicator name, target or actual; it is not counted as an indicator",
            ),
        },
    ),
    _c(
        "WEIGHT_MISSING",
        "error",
        "指标没有分值",
        "the indicator has no weight",
        msgs={"": ("该指标没有分值，无法评分", "the indicator has no weight")},
    ),
    _c(
        "UNIT_MISMATCH",
        "error",
        "实际完成值与年度指标值单位不一致",
        "target and actual units differ",
        msgs={
            "": (
                "实际完成值的单位「{actual_unit}」与年度指标值的单位「{target_unit}」不一致，无法比较",
                "the actual's unit {actual_unit!r} cannot be compared with the target's unit {target_unit!r}",
            )
        },
    ),
    _c(
        "NO_RULE",
        "warning",
        "没有适用的评分规则",
        "no rule of the policy applies",
        msgs={
            "": (
                "策略「{policy}」中没有适用于此行的规则（年度指标值：{target}）",
                "no rule of policy {policy!r} applies to this row (target: {target})",
            )
        },
    ),
    _c(
        "POLICY_ERROR",
        "error",
        "评分规则无法应用于此行",
        "a rule failed on this row",
        msgs={
            "": (
                "评分规则「{rule}」无法应用：{error}（{where}）",
                "rule {rule} failed: {error} ({where})",
            ),
            "choosing": (
                "评分规则无法应用：{error}（{where}）",
                "a rule failed: {error} ({where})",
            ),
            "overflow": (
                "评分规则「{rule}」无法应用：数值超出可计算的范围（{kind}，{where}）",
                "rule {rule} failed: a number is out of the computable range ({kind}, {where})",
            ),
            "budget": (
                "预算规则无法应用：{error}（{where}）",
                "budget rule failed: {error} ({where})",
            ),
            "budget_overflow": (
                "预算规则无法应用：数值超出可计算的范围（{kind}）（{where}）",
                "budget rule failed: a number is beyond what can be computed ({kind}) ({where})",
            ),
            "row": ("此行评分失败：{kind}: {error}", "scoring this row failed: {kind}: {error}"),
            "form": (
                "此表单评分失败：{kind}: {error}",
                "scoring this form failed: {kind}: {error}",
            ),
        },
    ),
    _c(
        "NOT_SCORED",
        "warning",
        "该行无法自动评分",
        "the row cannot be scored automatically",
        # the text is the policy author's (``unscored "…"`` in a rule file)
        msgs={"": ("{text}", "{text}")},
    ),
    _c(
        "CAPPED",
        "info",
        "得分合计按策略上限计",
        "a sum of scores is capped by the policy",
        msgs={
            "": (
                "「{name}」得分合计{got}分，按策略上限计{cap}分",
                "{name}: the rows add up to {got}, counted as the policy's cap {cap}",
            ),
            "total": (
                "总分{total}分超过策略上限，按{cap}分计",
                "the total {total} exceeds the policy's cap: counted as {cap}",
            ),
        },
    ),
    _c(
        "RENORMALISED",
        "info",
        "不适用的指标不计，其余按比例折算",
        "rows that do not apply are left out and the rest scaled",
        msgs={
            "": (
                "「{section}」中{count}项不适用（分值{left_out}），其余{kept}分按比例折算为{whole}分：{before} → {after}分",
                "{section}: {count} row(s) do not apply (weight {left_out}); the rest, worth {kept}, is scaled to {whole}: {before} → {after}",
            )
        },
    ),
    _c(
        "POLICY_CHOSEN",
        "info",
        "按地区与年度选用评分策略",
        "the policy was chosen by region and year",
        msgs={
            "": (
                "选用策略「{policy}」：「{text}」属于{region}，{year}",
                "policy {policy!r} chosen: region {region} in {text!r}, {year}",
            ),
            "default": (
                "按地区与年度未找到专门的策略（{texts}，{year}），选用「{policy}」",
                "no policy declares a region named in {texts!r} for {year}: {policy!r} chosen",
            ),
        },
    ),
    _c(
        "SCORE_MISMATCH",
        "error",
        "自评得分与复核得分不一致",
        "claimed score differs from the computed one",
        msgs={
            "": (
                "自评{claimed}分，复核应得{computed}分（{why}）",
                "claimed {claimed}, computed {computed} ({why})",
            ),
            "budget": (
                "预算执行自评{claimed}分，复核应得{computed}分（执行率{rate}%）",
                "budget execution claimed {claimed}, computed {computed} (rate {rate}%)",
            ),
        },
    ),
    _c(
        "SCORE_ABOVE_WEIGHT",
        "error",
        "自评得分超过分值",
        "claimed score exceeds the weight",
        msgs={
            "": (
                "自评得分{claimed}分超过分值{weight}分",
                "claimed {claimed} exceeds the weight {weight}",
            ),
            "budget": (
                "预算执行自评{claimed}分超过分值{weight}分",
                "claimed {claimed} exceeds the weight {weight}",
            ),
        },
    ),
    _c(
        "SCORE_NEGATIVE",
        "error",
        "自评得分为负",
        "claimed score is negative",
        msgs={
            "": ("自评得分{claimed}为负", "the claimed score {claimed} is negative"),
            "budget": (
                "预算执行率自评得分{claimed}为负",
                "the claimed budget score {claimed} is negative",
            ),
        },
    ),
    _c(
        "WEIGHT_OUT_OF_RANGE",
        "error",
        "分值不在 0（不含）到 100 之间",
        "the weight is not above 0 and at most 100",
        unverifying=True,
        msgs={
            "": (
                "分值{weight}超出范围，应大于0且不超过100",
                "the weight {weight} is out of range: it must be above 0 and at most 100",
            )
        },
    ),
    _c(
        "BUDGET_OUT_OF_RANGE",
        "error",
        "预算金额为负，或预算分值不在 0 到 100 之间",
        "a budget amount is negative, or the budget weight is not 0 to 100",
        msgs={
            "": ("预算金额{amount}为负", "the budget amount {amount} is negative"),
            "row": (
                "「{row}」预算金额{amount}为负",
                "the budget amount {amount} of {row!r} is negative",
            ),
            "weight": (
                "预算执行率分值{weight}超出范围，应在0到100之间",
                "the budget weight {weight} is out of range: 0 to 100",
            ),
        },
    ),
    _c(
        "SCORE_OUT_OF_RANGE",
        "error",
        "规则算出的得分超出0至分值",
        "the rule's score is outside 0 to the weight",
        msgs={
            "": (
                "规则「{rule}」算出的得分{score}超出 0 至分值{weight}（{where}）",
                "rule {rule} computed {score}, outside 0 to the weight {weight} ({where})",
            ),
            "budget": (
                "预算规则「{rule}」算出的得分{score}超出 0 至分值{weight}（{where}）",
                "budget rule {rule} computed {score}, outside 0 to the weight {weight} ({where})",
            ),
        },
    ),
    _c(
        "SCORE_UNVERIFIED",
        "warning",
        "无法复核的得分按自评计入总分",
        "an unverifiable score is taken as claimed",
        unverifying=True,
        msgs={
            "": (
                "无法复核，按自评得分{claimed}分计入总分",
                "cannot be verified; the claimed {claimed} is carried into the total",
            ),
            "tier": (
                "实际完成值未对应到档次，按自评得分{claimed}分所在的「{tier}」档认定，无法复核",
                "the actual names no tier; the claimed {claimed} (tier {tier!r}) is kept unverified",
            ),
            "row": (
                "该行得分未能从单元格复核（{why}）",
                "this row's score is not verified from its cells ({why})",
            ),
            "budget": (
                "全年预算数或全年执行数无法读取，预算执行率无法复核",
                "the annual budget or the executed amount cannot be read: budget execution is not verified",
            ),
            "budget_claimed": (
                "全年预算数或全年执行数无法读取，预算执行率无法复核，按自评得分{claimed}分计入总分",
                "the annual budget or the executed amount cannot be read: budget execution is not verified; the claimed {claimed} is carried into the total",
            ),
        },
    ),
    _c(
        "REASON_MISSING",
        "error",
        "未填写偏差原因分析及改进措施",
        "no reason given for a deduction",
        msgs={
            "": (
                "未达到目标或偏离较大，须填写偏差原因分析及改进措施",
                "the target was missed or far exceeded: a reason and an improvement measure are required",
            ),
            "budget": (
                "预算执行情况须说明原因（如执行率偏低或年中调整）",
                "the budget execution needs an explanation (e.g. a low rate or a mid-year adjustment)",
            ),
        },
    ),
    _c(
        "REASON_PLACEHOLDER",
        "error",
        "偏差原因只是占位词",
        "the reason is only a placeholder",
        msgs={
            "": (
                "偏差原因「{reason}」只是占位词，须说明原因和改进措施",
                "the reason {reason!r} is only a placeholder; state a cause and a measure",
            )
        },
    ),
    _c(
        "REASON_INCOMPLETE",
        "info",
        "偏差原因缺少原因或改进措施",
        "the reason lacks a cause or a measure",
        settable=True,
        msgs={
            "cause": ("偏差原因未说明原因", "the reason does not state a cause"),
            "measure": (
                "偏差原因未说明改进措施",
                "the reason does not state an improvement measure",
            ),
            "both": (
                "偏差原因未说明原因、改进措施",
                "the reason does not state a cause and an improvement measure",
            ),
        },
    ),
    _c(
        "REASON_CONTRADICTS",
        "warning",
        "偏差原因与得分矛盾",
        "the reason contradicts the score",
        settable=True,
        msgs={
            "": (
                "偏差原因称「{word}」，但该行未得满分或偏离目标",
                "the reason says {word!r} although the row deviates from its target",
            )
        },
    ),
    _c(
        "QUAL_SCORE_OUT_OF_BAND",
        "error",
        "定性指标得分不在所属档次区间",
        "qualitative score outside its band",
        msgs={
            "": (
                "实际完成情况属「{tier}」档，得分区间为{band}，自评{claimed}分不在区间内",
                "the actual reads as tier {tier!r} with band {band}; the claimed {claimed} lies outside it",
            ),
            "no_band": (
                "自评{claimed}分不在任何档次的得分区间内（满分{weight}分）",
                "the claimed {claimed} lies in no tier's band (weight {weight})",
            ),
        },
    ),
    _c(
        "QUAL_TIER_FROM_SCORE",
        "info",
        "按自评得分认定定性档次",
        "tier inferred from the claimed score",
        unverifying=True,
        settable=True,
        msgs={
            "": (
                "未能从实际完成值判断档次，按自评{claimed}分所在的「{tier}」档认定",
                "the actual names no tier; the claimed {claimed} places it in tier {tier!r}",
            )
        },
    ),
    _c(
        "QUAL_SCORE_ESTIMATED",
        "info",
        "定性指标按档次默认分值估计",
        "qualitative score estimated",
        settable=True,
        msgs={
            "": (
                "未填自评得分，按「{tier}」档默认分值估计为{score}分",
                "no score claimed; estimated at the default point of tier {tier!r}: {score}",
            ),
            "echo": (
                "实际完成情况复述了年度指标值，按「{tier}」档默认分值估计为{score}分",
                "the actual restates the target; estimated at tier {tier!r}: {score}",
            ),
        },
    ),
    _c(
        "QUAL_TIER_UNKNOWN",
        "warning",
        "无法判断定性指标的完成档次",
        "the tier cannot be determined",
        msgs={
            "": (
                "无法从实际完成值「{actual}」判断完成档次，且未填自评得分",
                "the tier cannot be read from the actual {actual!r} and no score is claimed",
            )
        },
    ),
    _c(
        "WEIGHTS_TOTAL",
        "error",
        "分值合计不等于100",
        "weights do not add up to 100",
        msgs={
            "": (
                "预算执行率分值{budget}与各指标分值合计为{total}，应为100",
                "the budget weight {budget} and the indicator weights add up to {total}, not 100",
            )
        },
    ),
    _c(
        "WEIGHTS_NONDEFAULT",
        "info",
        "一级指标权重与政策默认值不同",
        "section weights differ from the default",
        msgs={
            "": (
                "一级指标权重与政策默认值不同：{differences}",
                "section weights differ from the policy's defaults: {differences}",
            )
        },
    ),
    _c(
        "BUDGET_MISSING",
        "warning",
        "缺少预算执行数据",
        "budget figures are missing",
        msgs={
            "": (
                "缺少全年预算数或全年执行数，预算执行率无法评分",
                "the annual budget or the executed amount is missing; budget execution not scored",
            )
        },
    ),
    _c(
        "BUDGET_REBUILT",
        "warning",
        "年度资金总额按其中各行重建",
        "budget totals rebuilt from sub-rows",
        msgs={
            "": (
                "年度资金总额行为空或为0，按其中各行合计重建：全年预算数{annual}，全年执行数{executed}",
                "the total row is blank or 0; rebuilt from the sub-rows: annual {annual}, executed {executed}",
            )
        },
    ),
    _c(
        "BUDGET_ROWS_SUM",
        "error",
        "年度资金总额不等于其中各行之和",
        "budget total differs from its sub-rows",
        msgs={
            "": (
                "年度资金总额的{column}{total}不等于其中各行之和{sum}",
                "the total row's {column} {total} differs from the sum of its sub-rows {sum}",
            )
        },
    ),
    _c(
        "RATE_MISPRINTED",
        "error",
        "填报的执行率与B/A不符",
        "printed execution rate differs from B/A",
        msgs={
            "": (
                "填报执行率{printed}%，按全年执行数/全年预算数应为{computed}%",
                "printed rate {printed}% but executed/annual gives {computed}%",
            )
        },
    ),
    _c(
        "TOTAL_MISMATCH",
        "error",
        "自评总分与复核总分不一致",
        "claimed total differs from the computed total",
        msgs={
            "": (
                "自评总分{claimed}分，复核总分{computed}分",
                "claimed total {claimed}, computed total {computed}",
            )
        },
    ),
    _c(
        "TOTAL_NOT_SUM",
        "error",
        "自评总分不等于各行自评得分之和",
        "claimed total is not the sum of claimed lines",
        msgs={
            "": (
                "自评总分{claimed}分不等于各行自评得分之和{sum}分",
                "the claimed total {claimed} is not the sum of the claimed lines {sum}",
            )
        },
    ),
    _c(
        "GRADE_WRONG",
        "error",
        "等级与总分不符",
        "the grade does not match the total",
        msgs={
            "": (
                "填报等级「{claimed}」与复核总分{total}分对应的等级「{grade}」不符",
                "the grade {claimed!r} does not match {grade!r} for the total {total}",
            )
        },
    ),
    _c(
        "SHEET_SKIPPED",
        "info",
        "跳过了隐藏的工作表",
        "a hidden sheet was skipped",
        msgs={
            "": (
                "跳过隐藏的工作表「{sheet}」（旧稿或备份通常隐藏）；如需读取，请使用 --include-hidden",
                "skipped the hidden sheet {sheet!r} (drafts and backups are usually hidden); use --include-hidden to read it",
            ),
            "very_hidden": (
                "跳过深度隐藏的工作表「{sheet}」（旧稿或备份通常隐藏）；如需读取，请使用 --include-hidden",
                "skipped the very hidden sheet {sheet!r} (drafts and backups are usually hidden); use --include-hidden to read it",
            ),
        },
    ),
    _c(
        "FORMULA_COMPUTED",
        "info",
        "公式没有保存结果，已按公式计算",
        "a formula without a saved result was computed",
        msgs={
            "": (
                "公式「{formula}」没有保存计算结果，已按本表单元格计算为 {value}",
                "the formula {formula} had no saved result; computed from the sheet's cells as {value}",
            )
        },
    ),
    _c(
        "ACTUAL_NOTE",
        "info",
        "实际完成值按其中的数量计分，其余文字作说明",
        "the actual is scored from the quantity it states; the rest is a note",
        msgs={
            "": (
                "实际完成值按其中的{quantity}计分，其余文字作为说明保留：「{rest}」",
                "the actual is scored from the quantity {quantity} it states; the rest is kept as a note: {rest!r}",
            ),
            "date": (
                "实际完成值按其中的日期{date}认定，其余文字作为说明保留：「{rest}」",
                "the actual is read as the date {date} it states; the rest is kept as a note: {rest!r}",
            ),
        },
    ),
    _c(
        "ACTUAL_AMBIGUOUS",
        "warning",
        "实际完成值中有多个可比较的数量",
        "the actual names several comparable quantities",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」中有{count}个可与年度指标值比较的数量（{quantities}），且没有一个写在「实际」「完成」之后，无法确定按哪个计分",
                "the actual {actual!r} names {count} quantities comparable with the target ({quantities}) and none follows 实际/完成: cannot tell which to score",
            ),
            "chosen": (
                "实际完成值中有{count}个可与年度指标值比较的数量（{quantities}），按写在「实际」「完成」之后的{quantity}计分，须人工确认",
                "the actual names {count} comparable quantities ({quantities}); {quantity}, written after 实际/完成, is scored: confirm by hand",
            ),
            "date": (
                "实际完成值中有多个日期，按写有「实际」或「完成」的分句中的{date}认定，须人工确认",
                "the actual names several dates; {date}, in the clause that says 实际/完成, is used: confirm by hand",
            ),
        },
    ),
    _c(
        "ACTUAL_APPROXIMATE",
        "info",
        "实际完成值是约数或界限，按所写数字计分",
        "the actual is approximate or a bound; its number is scored",
        msgs={
            "about": (
                "实际完成值「{actual}」是约数，按{quantity}计分",
                "the actual {actual!r} is approximate: scored as {quantity}",
            ),
            "over": (
                "实际完成值「{actual}」是下限，按{quantity}计分",
                "the actual {actual!r} is a lower bound: scored as {quantity}",
            ),
            "under": (
                "实际完成值「{actual}」是上限，按{quantity}计分",
                "the actual {actual!r} is an upper bound: scored as {quantity}",
            ),
        },
    ),
    _c(
        "ACTUAL_BOUND_ONLY",
        "warning",
        "实际完成值只给出有利于得分一侧的界限",
        "the actual only bounds the value on the side that favours the claim",
        unverifying=True,
        msgs={
            "under": (
                "实际完成值「{actual}」只说明实际低于{quantity}，按{quantity}计分可能高于应得分，须核实实际数",
                "the actual {actual!r} only says the value is below {quantity}; scoring {quantity} may give more than is earned: check the real figure",
            ),
            "over": (
                "实际完成值「{actual}」只说明实际高于{quantity}，按{quantity}计分可能高于应得分，须核实实际数",
                "the actual {actual!r} only says the value is above {quantity}; scoring {quantity} may give more than is earned: check the real figure",
            ),
        },
    ),
    _c(
        "ACTUAL_NOT_ACHIEVED",
        "warning",
        "实际完成值写的是计划、预计、其他年度或没有完成的情况，不是本年度的实际完成情况",
        "the actual is planned, forecast, another year's or not done, not the year's result",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」写的是计划、预计、目标或预算、批复等事前定下的数，不是实际完成情况，不能据此计分；"
                "请填写实际完成的数值或完成时间",
                "the actual {actual!r} is planned, forecast, aimed at or set beforehand (budgeted, "
                "approved), not what was achieved: it "
                "cannot be scored; write the value achieved or the date it was done",
            ),
            "year": (
                "实际完成值「{actual}」写的是上年（或其他年度）的情况，不是本年度的实际完成情况，"
                "不能据此计分；请填写本年度实际完成的数值或完成时间",
                "the actual {actual!r} is another year's, not this year's result: it cannot be "
                "scored; write the value achieved this year or the date it was done",
            ),
            "negated": (
                "实际完成值「{actual}」说的是没有完成（「未完成」「尚未」等），其中的数值或日期不是实际完成"
                "情况，不能据此计分；请填写实际完成的数值或完成时间",
                "the actual {actual!r} says it was not done (未完成, 尚未 …): its number or date "
                "is not what was achieved and cannot be scored; write the value achieved or the "
                "date it was done",
            ),
            "short": (
                "实际完成值「{actual}」说的是离目标还差多少，不是实际完成的数值，不能据此计分；"
                "请填写实际完成的数值",
                "the actual {actual!r} says how far short of the target it is, not the value "
                "achieved: it cannot be scored; write the value achieved",
            ),
            "contradicts": (
                "实际完成值「{actual}」的数值达到了年度指标值「{target}」，后面的文字却说未完成或未达标，"
                "二者矛盾，不能据此计分；请核实实际完成值，只填写实际完成的数值",
                "the number in the actual {actual!r} meets the target {target!r} but the words "
                "after it say it was not met: the two disagree and it cannot be scored; check the "
                "actual and write only the value achieved",
            ),
        },
    ),
    _c(
        "ACTUAL_PROVISIONAL",
        "warning",
        "实际完成值自己写明尚未核实、只是初步或数据不全",
        "the actual says itself that it is unchecked, preliminary or incomplete",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」写明「{words}」：这个数还不是核实后的全部数据；暂按{quantity}计分，"
                "须核实后填写实际完成值",
                "the actual {actual!r} says {words!r}: the number is not yet the checked, whole "
                "figure; scored as {quantity} for now; write the actual once checked",
            ),
        },
    ),
    _c(
        "ACTUAL_BASIS",
        "warning",
        "年度指标值是按人、户、月等平均的数，实际完成值是总数或按其他单位平均的数，二者不可比",
        "the target is per person, household, month …; the actual is a total or per something else",
        unverifying=True,
        msgs={
            "": (
                "年度指标值「{target}」是{basis}数，实际完成值「{actual}」是总数，二者不可比，"
                "不能据此计分；请填写{basis}数",
                "the target {target!r} is a {basis} (per-unit) figure and the actual {actual!r} "
                "a total: they do not compare and it cannot be scored; write the {basis} figure",
            ),
            "other": (
                "年度指标值「{target}」是{basis}数，实际完成值「{actual}」是{other}数，二者不可比，"
                "不能据此计分；请填写{basis}数",
                "the target {target!r} is a {basis} figure and the actual {actual!r} a {other} "
                "one: they do not compare and it cannot be scored; write the {basis} figure",
            ),
        },
    ),
    _c(
        "ACTUAL_PART_YEAR",
        "warning",
        "实际完成值只是年内一段时间的数，不是全年的实际完成值",
        "the actual is for part of the year, not the whole year",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」是{period}的数，不是全年的实际完成值；暂按{quantity}计分，"
                "须核实全年的数值",
                "the actual {actual!r} is the figure for {period}, not for the whole year: scored "
                "as {quantity} for now; check the year's figure",
            ),
            "date": (
                "实际完成值「{actual}」是截至{date}的数，年度指标值「{target}」限定的是全年的数值，"
                "{date}以后的部分未计在内；暂按{quantity}计分，须核实全年的数值",
                "the actual {actual!r} is the figure as of {date}, and the target {target!r} bounds "
                "the whole year's: what came after is not in it; scored as {quantity} for now; "
                "check the year's figure",
            ),
        },
    ),
    _c(
        "ACTUAL_CHANGE",
        "warning",
        "实际完成值是较基期的变化量，不是年度指标值要求的数值",
        "the actual is a change from an earlier level, not the value the target asks for",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」是较上年（或其他基期）的变化量，年度指标值「{target}」要求的是"
                "达到的数值，不能据此计分；请在实际完成值中写明实际达到的数值（如本指标考核的就是"
                "增减幅度，请在年度指标值中写明，如「同比增长≥6%」）",
                "the actual {actual!r} is a change from an earlier level and the target {target!r} "
                "asks for the value reached: it cannot be scored; write in the actual the value "
                "reached (if the indicator measures the change, say so in the target, such as "
                "同比增长≥6%)",
            ),
            "fall": (
                "实际完成值「{actual}」是下降，年度指标值「{target}」要求的是增长，方向相反，"
                "不能据此计分；请核实实际完成值",
                "the actual {actual!r} is a fall and the target {target!r} asks for a rise: it "
                "cannot be scored as written; check the actual",
            ),
            "rise": (
                "实际完成值「{actual}」是增长，年度指标值「{target}」要求的是下降，方向相反，"
                "不能据此计分；请核实实际完成值",
                "the actual {actual!r} is a rise and the target {target!r} asks for a fall: it "
                "cannot be scored as written; check the actual",
            ),
        },
    ),
    _c(
        "FRACTION_AS_PERCENT",
        "info",
        "未写单位的比例按百分数读取",
        "a bare fraction is read as a percent",
        msgs={
            "": (
                "实际完成值「{written}」未写单位，年度指标值为百分比，按比例读作{quantity}",
                "the actual {written} has no unit under a percent target: read as the fraction {quantity}",
            )
        },
    ),
    _c(
        "FRACTION_AMBIGUOUS",
        "warning",
        "未写单位的数字可读作百分数或比例",
        "a bare number reads as a percent or as a fraction",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{written}」未写单位，可读作{percent}，也可读作比例{fraction}，年度指标值较小，两种读法都说得通，无法确定",
                "the actual {written} has no unit: it may mean {percent} or the fraction {fraction}; under this small target both are plausible",
            )
        },
    ),
    _c(
        "ACTUAL_NOT_NUMERIC",
        "warning",
        "年度指标值为数值，实际完成值未填数值，无法复核",
        "the target is a number but the actual gives none: the score cannot be verified",
        unverifying=True,
        settable=True,
        msgs={
            "": (
                "年度指标值为数值（{target}），实际完成值「{actual}」未填数值，无法复核",
                "the target {target!r} asks for a number but the actual {actual!r} gives none: cannot be verified",
            ),
            "date": (
                "年度指标值为期限（{target}），实际完成值「{actual}」未填完成时间，无法复核",
                "the target {target!r} asks for a date but the actual {actual!r} gives none: cannot be verified",
            ),
        },
    ),
    _c(
        "DEADLINE_YEAR_UNKNOWN",
        "warning",
        "实际完成时间写了年份，期限没有写年份，无法判断是否按期",
        "the actual's date names a year and the deadline does not: on time or late cannot be told",
        unverifying=True,
        msgs={
            "": (
                "实际完成值「{actual}」写明了{year}年，年度指标值的期限「{target}」没有写年份，"
                "不知道预算年度就无法判断是否按期完成；请在期限中写明年份（如「2023年12月底前」）",
                "the actual {actual!r} names the year {year} but the deadline {target!r} names none: "
                "without the budget year, on time or late cannot be told; write the year in the "
                "deadline (such as 2023年12月底前)",
            )
        },
    ),
    _c(
        "DEADLINE_UNCHECKED",
        "warning",
        "实际完成值不能说明是否按期完成",
        "the actual cannot show whether the deadline was kept",
        unverifying=True,
        msgs={
            "": (
                "实际完成时间「{date}」只写到月，期限「{deadline}」在这个月之内，无法判断是否按期完成；"
                "请写明完成日期（如「{month}月10日完成」）",
                "the actual's date {date!r} names only the month and the deadline {deadline!r} "
                "falls within it: on time or late cannot be told; write the day it was done (such "
                "as {month}月10日完成)",
            ),
            "year": (
                "实际完成时间「{date}」只写到年，期限「{deadline}」在这一年之内，无法判断是否按期完成；"
                "请写明完成的月份和日期",
                "the actual's date {date!r} names only the year and the deadline {deadline!r} "
                "falls within it: on time or late cannot be told; write the month and day it was "
                "done",
            ),
            "by": (
                "实际完成值「{by}」只说明不晚于这个时间，期限「{deadline}」比它早，无法判断是否按期完成；"
                "请写明完成日期",
                "the actual {by!r} says only that it was done by then and the deadline {deadline!r} "
                "is earlier: on time or late cannot be told; write the day it was done",
            ),
            "part": (
                "实际完成值「{actual}」只完成了{quantity}，期限「{deadline}」要求完成：完成时间只说明何时，"
                "不说明已经完成，不能据此认定档次",
                "the actual {actual!r} has only {quantity} done and the deadline {deadline!r} asks for "
                "it done: its date tells when, not that it was done, and names no tier",
            ),
            "event": (
                "实际完成值「{actual}」的时间是「{words}」的时间，不说明工作已经全部完成，期限「{deadline}」"
                "要求完成：不能据此认定档次；请写明全部完成的时间",
                "the actual {actual!r} dates {words!r}, which does not say the work was all done, "
                "and the deadline {deadline!r} asks for it done: no tier can be read from it; write "
                "when it was all done",
            ),
            "no_date": (
                "年度指标值「{target}」要求在{deadline}完成，实际完成值「{actual}」只有完成数量，"
                "没有完成时间，无法判断是否按期完成；请在实际完成值中写明完成时间",
                "the target {target!r} asks for it by {deadline} and the actual {actual!r} gives "
                "the quantity but no date: on time or late cannot be told; write in the actual when "
                "it was done",
            ),
        },
    ),
    _c(
        "DEADLINE_LATE",
        "warning",
        "实际完成时间晚于期限，按完成数量计分没有计入逾期",
        "the actual's date is after the deadline: a score on the quantity does not count the delay",
        unverifying=True,
        msgs={
            "": (
                "实际完成时间「{date}」晚于期限「{deadline}」；按完成数量（{quantity}）计分没有计入"
                "逾期，得分须人工复核",
                "the actual's date {date!r} is after the deadline {deadline!r}; a score on the "
                "quantity ({quantity}) does not count the delay: review the score by hand",
            )
        },
    ),
    _c(
        "DEADLINE_IN_BUDGET_YEAR",
        "info",
        "期限没有写年份，按预算年度认定",
        "the deadline names no year: it is placed in the budget year",
        settable=True,
        msgs={
            "": (
                "期限「{target}」没有写年份，实际完成时间写了年份，按表单的预算年度（{year}年）认定为"
                "「{placed}」",
                "the deadline {target!r} names no year and the actual's date does: it is placed in "
                "the form's budget year ({year}) as {placed!r}",
            ),
            "given": (
                "期限「{target}」没有写年份，实际完成时间写了年份，按评分时给定的预算年度（{year}年）"
                "认定为「{placed}」",
                "the deadline {target!r} names no year and the actual's date does: it is placed in "
                "the budget year given for scoring ({year}) as {placed!r}",
            ),
        },
    ),
    _c(
        "NO_INDICATORS",
        "error",
        "表中没有绩效指标行，不评定等级",
        "the form has no indicator rows",
        msgs={
            "": (
                "表中没有绩效指标行，无从评分，不评定等级",
                "the form has no indicator rows: nothing to score, no grade",
            )
        },
    ),
    _c(
        "NO_VERIFIED_ROWS",
        "error",
        "没有任何指标能从单元格复核，总分仅为部分合计，不评定等级",
        "no indicator could be verified from its cells: the total is partial and no grade is given",
        msgs={
            "": (
                "{count}个指标均未能从单元格复核，总分{total}分仅为部分合计（含自评得分），不评定等级",
                "none of the {count} indicators could be verified from its cells: the total {total} is partial (claims included) and no grade is given",
            )
        },
    ),
    _c(
        "POLICY_YEAR",
        "warning",
        "表单年度不在评分策略的适用年度内",
        "the form's year lies outside the policy's years",
        settable=True,
        msgs={
            "": (
                "表单年度{year}不在评分策略「{policy}」的适用年度（{first}–{last}）内",
                "the form's year {year} lies outside the years of policy {policy!r} ({first}–{last})",
            ),
            "open": (
                "表单年度{year}不在评分策略「{policy}」的适用年度（{first}年起）内",
                "the form's year {year} lies outside the years of policy {policy!r} (from {first})",
            ),
        },
    ),
)

#: Every built-in code, by name.
CATALOG: dict[str, CodeInfo] = {c.code: c for c in _CODES}
if len(CATALOG) != len(_CODES):  # pragma: no cover - a code listed twice is a bug
    raise AssertionError("a finding code is listed twice in jixiao.catalog")

#: The same table in its first shape: ``code -> (severity, 中文说明, English description)``.
BUILTIN_CODES: dict[str, tuple[str, str, str]] = {c.code: c.as_tuple() for c in _CODES}

#: Codes that make the row they are on unverified (the reading of a cell is a guess, a claim is
#: kept): ``IndicatorResult.verified`` is False and the row always carries a warning or an error.
UNVERIFYING_CODES: frozenset[str] = frozenset(c.code for c in _CODES if c.unverifying)

#: Codes whose severity a policy file may set with ``severity CODE level``.
SEVERITY_SETTABLE: frozenset[str] = frozenset(c.code for c in _CODES if c.settable)
