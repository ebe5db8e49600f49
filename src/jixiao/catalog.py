"""The one catalog of finding codes: each code once, with its severity, texts and docs anchor.

A finding is one thing the audit found in a form: a stable code, a severity, where, and a message.
Every built-in code the evaluator can raise is listed here, once; rule files add codes of their own
with ``finding`` statements (those are checked against this catalog so that they never reuse a
built-in code). ``docs/audit.md`` is tested against this table: one section per code, the same
severity and summary.

>>> CATALOG["SCORE_MISMATCH"].severity
'error'
>>> CATALOG["SCORE_MISMATCH"].summary.text("en")
'claimed score differs from the computed one'
>>> CATALOG["SCORE_MISMATCH"].anchor
'docs/audit.md#score_mismatch'
>>> stronger("warning", "error"), severity_rank("info")
('error', 2)
"""

from __future__ import annotations

from typing import Literal

import attrs

from jixiao.i18n import Msg

__all__ = [
    "BUILTIN_CODES",
    "CATALOG",
    "SEVERITIES",
    "CodeInfo",
    "Severity",
    "is_severity",
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

    @property
    def anchor(self) -> str:
        """Where the code is documented, relative to the repository root."""
        return f"docs/audit.md#{self.code.lower()}"

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.severity, self.summary.zh, self.summary.en)


def _c(
    code: str,
    severity: Severity,
    zh: str,
    en: str,
    *,
    unverifying: bool = False,
    settable: bool = False,
) -> CodeInfo:
    return CodeInfo(code, severity, Msg(zh, en), unverifying, settable)


# New codes go here (one line each): code, severity, 中文说明, English summary.
_CODES: tuple[CodeInfo, ...] = (
    _c("UNREADABLE_CELL", "error", "单元格无法解析", "a cell cannot be read"),
    _c("WEIGHT_MISSING", "error", "指标没有分值", "the indicator has no weight"),
    _c(
        "UNIT_MISMATCH",
        "error",
        "实际完成值与年度指标值单位不一致",
        "target and actual units differ",
    ),
    _c("NO_RULE", "warning", "没有适用的评分规则", "no rule of the policy applies"),
    _c("POLICY_ERROR", "error", "评分规则无法应用于此行", "a rule failed on this row"),
    _c("NOT_SCORED", "warning", "该行无法自动评分", "the row cannot be scored automatically"),
    _c("CAPPED", "info", "得分合计按策略上限计", "a sum of scores is capped by the policy"),
    _c(
        "RENORMALISED",
        "info",
        "不适用的指标不计，其余按比例折算",
        "rows that do not apply are left out and the rest scaled",
    ),
    _c(
        "POLICY_CHOSEN",
        "info",
        "按地区与年度选用评分策略",
        "the policy was chosen by region and year",
    ),
    _c(
        "SCORE_MISMATCH",
        "error",
        "自评得分与复核得分不一致",
        "claimed score differs from the computed one",
    ),
    _c("SCORE_ABOVE_WEIGHT", "error", "自评得分超过分值", "claimed score exceeds the weight"),
    _c("SCORE_NEGATIVE", "error", "自评得分为负", "claimed score is negative"),
    _c(
        "WEIGHT_OUT_OF_RANGE",
        "error",
        "分值不在 0（不含）到 100 之间",
        "the weight is not above 0 and at most 100",
        unverifying=True,
    ),
    _c(
        "BUDGET_OUT_OF_RANGE",
        "error",
        "预算金额为负，或预算分值不在 0 到 100 之间",
        "a budget amount is negative, or the budget weight is not 0 to 100",
    ),
    _c(
        "SCORE_OUT_OF_RANGE",
        "error",
        "规则算出的得分超出0至分值",
        "the rule's score is outside 0 to the weight",
    ),
    _c(
        "SCORE_UNVERIFIED",
        "warning",
        "无法复核的得分按自评计入总分",
        "an unverifiable score is taken as claimed",
        unverifying=True,
    ),
    _c(
        "REASON_MISSING", "error", "未填写偏差原因分析及改进措施", "no reason given for a deduction"
    ),
    _c("REASON_PLACEHOLDER", "error", "偏差原因只是占位词", "the reason is only a placeholder"),
    _c(
        "REASON_INCOMPLETE",
        "info",
        "偏差原因缺少原因或改进措施",
        "the reason lacks a cause or a measure",
        settable=True,
    ),
    _c(
        "REASON_CONTRADICTS",
        "warning",
        "偏差原因与得分矛盾",
        "the reason contradicts the score",
        settable=True,
    ),
    _c(
        "QUAL_SCORE_OUT_OF_BAND",
        "error",
        "定性指标得分不在所属档次区间",
        "qualitative score outside its band",
    ),
    _c(
        "QUAL_TIER_FROM_SCORE",
        "info",
        "按自评得分认定定性档次",
        "tier inferred from the claimed score",
        unverifying=True,
        settable=True,
    ),
    _c(
        "QUAL_SCORE_ESTIMATED",
        "info",
        "定性指标按档次默认分值估计",
        "qualitative score estimated",
        settable=True,
    ),
    _c(
        "QUAL_TIER_UNKNOWN",
        "warning",
        "无法判断定性指标的完成档次",
        "the tier cannot be determined",
    ),
    _c("WEIGHTS_TOTAL", "error", "分值合计不等于100", "weights do not add up to 100"),
    _c(
        "WEIGHTS_NONDEFAULT",
        "info",
        "一级指标权重与政策默认值不同",
        "section weights differ from the default",
    ),
    _c("BUDGET_MISSING", "warning", "缺少预算执行数据", "budget figures are missing"),
    _c(
        "BUDGET_REBUILT",
        "warning",
        "年度资金总额按其中各行重建",
        "budget totals rebuilt from sub-rows",
    ),
    _c(
        "BUDGET_ROWS_SUM",
        "error",
        "年度资金总额不等于其中各行之和",
        "budget total differs from its sub-rows",
    ),
    _c(
        "RATE_MISPRINTED",
        "error",
        "填报的执行率与B/A不符",
        "printed execution rate differs from B/A",
    ),
    _c(
        "TOTAL_MISMATCH",
        "error",
        "自评总分与复核总分不一致",
        "claimed total differs from the computed total",
    ),
    _c(
        "TOTAL_NOT_SUM",
        "error",
        "自评总分不等于各行自评得分之和",
        "claimed total is not the sum of claimed lines",
    ),
    _c("GRADE_WRONG", "error", "等级与总分不符", "the grade does not match the total"),
    _c("SHEET_SKIPPED", "info", "跳过了隐藏的工作表", "a hidden sheet was skipped"),
    _c(
        "FORMULA_COMPUTED",
        "info",
        "公式没有保存结果，已按公式计算",
        "a formula without a saved result was computed",
    ),
    _c(
        "ACTUAL_NOTE",
        "info",
        "实际完成值按其中的数量计分，其余文字作说明",
        "the actual is scored from the quantity it states; the rest is a note",
    ),
    _c(
        "ACTUAL_AMBIGUOUS",
        "warning",
        "实际完成值中有多个可比较的数量",
        "the actual names several comparable quantities",
        unverifying=True,
    ),
    _c(
        "ACTUAL_APPROXIMATE",
        "info",
        "实际完成值是约数或界限，按所写数字计分",
        "the actual is approximate or a bound; its number is scored",
    ),
    _c(
        "ACTUAL_BOUND_ONLY",
        "warning",
        "实际完成值只给出有利于得分一侧的界限",
        "the actual only bounds the value on the side that favours the claim",
        unverifying=True,
    ),
    _c(
        "FRACTION_AS_PERCENT",
        "info",
        "未写单位的比例按百分数读取",
        "a bare fraction is read as a percent",
    ),
    _c(
        "FRACTION_AMBIGUOUS",
        "warning",
        "未写单位的数字可读作百分数或比例",
        "a bare number reads as a percent or as a fraction",
        unverifying=True,
    ),
    _c(
        "ACTUAL_NOT_NUMERIC",
        "warning",
        "年度指标值为数值，实际完成值未填数值，无法复核",
        "the target is a number but the actual gives none: the score cannot be verified",
        unverifying=True,
        settable=True,
    ),
    _c(
        "NO_INDICATORS", "error", "表中没有绩效指标行，不评定等级", "the form has no indicator rows"
    ),
    _c(
        "NO_VERIFIED_ROWS",
        "error",
        "没有任何指标能从单元格复核，总分仅为部分合计，不评定等级",
        "no indicator could be verified from its cells: the total is partial and no grade is given",
    ),
    _c(
        "POLICY_YEAR",
        "warning",
        "表单年度不在评分策略的适用年度内",
        "the form's year lies outside the policy's years",
        settable=True,
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
