"""Audit findings, the built-in finding codes, arithmetic steps and number formatting."""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao._decimal import in_context
from jixiao.policy.compiler import Ctx
from jixiao.targets.ast import Range
from jixiao.units import Unit

# code: (severity, 中文说明, English description)
BUILTIN_CODES: dict[str, tuple[str, str, str]] = {
    "UNREADABLE_CELL": ("error", "单元格无法解析", "a cell cannot be read"),
    "WEIGHT_MISSING": ("error", "指标没有分值", "the indicator has no weight"),
    "UNIT_MISMATCH": (
        "error",
        "实际完成值与年度指标值单位不一致",
        "target and actual units differ",
    ),
    "NO_RULE": ("warning", "没有适用的评分规则", "no rule of the policy applies"),
    "POLICY_ERROR": ("error", "评分规则无法应用于此行", "a rule failed on this row"),
    "NOT_SCORED": ("warning", "该行无法自动评分", "the row cannot be scored automatically"),
    "SCORE_MISMATCH": (
        "error",
        "自评得分与复核得分不一致",
        "claimed score differs from the computed one",
    ),
    "SCORE_ABOVE_WEIGHT": ("error", "自评得分超过分值", "claimed score exceeds the weight"),
    "SCORE_NEGATIVE": ("error", "自评得分为负", "claimed score is negative"),
    "WEIGHT_OUT_OF_RANGE": (
        "error",
        "分值不在 0（不含）到 100 之间",
        "the weight is not above 0 and at most 100",
    ),
    "BUDGET_OUT_OF_RANGE": (
        "error",
        "预算金额为负，或预算分值不在 0 到 100 之间",
        "a budget amount is negative, or the budget weight is not 0 to 100",
    ),
    "SCORE_UNVERIFIED": (
        "warning",
        "无法复核的得分按自评计入总分",
        "an unverifiable score is taken as claimed",
    ),
    "REASON_MISSING": ("error", "未填写偏差原因分析及改进措施", "no reason given for a deduction"),
    "REASON_PLACEHOLDER": ("error", "偏差原因只是占位词", "the reason is only a placeholder"),
    "REASON_INCOMPLETE": (
        "info",
        "偏差原因缺少原因或改进措施",
        "the reason lacks a cause or a measure",
    ),
    "REASON_CONTRADICTS": ("warning", "偏差原因与得分矛盾", "the reason contradicts the score"),
    "QUAL_SCORE_OUT_OF_BAND": (
        "error",
        "定性指标得分不在所属档次区间",
        "qualitative score outside its band",
    ),
    "QUAL_TIER_FROM_SCORE": (
        "info",
        "按自评得分认定定性档次",
        "tier inferred from the claimed score",
    ),
    "QUAL_SCORE_ESTIMATED": ("info", "定性指标按档次默认分值估计", "qualitative score estimated"),
    "QUAL_TIER_UNKNOWN": ("warning", "无法判断定性指标的完成档次", "the tier cannot be determined"),
    "WEIGHTS_TOTAL": ("error", "分值合计不等于100", "weights do not add up to 100"),
    "WEIGHTS_NONDEFAULT": (
        "info",
        "一级指标权重与政策默认值不同",
        "section weights differ from the default",
    ),
    "BUDGET_MISSING": ("warning", "缺少预算执行数据", "budget figures are missing"),
    "BUDGET_REBUILT": (
        "warning",
        "年度资金总额按其中各行重建",
        "budget totals rebuilt from sub-rows",
    ),
    "BUDGET_ROWS_SUM": (
        "error",
        "年度资金总额不等于其中各行之和",
        "budget total differs from its sub-rows",
    ),
    "RATE_MISPRINTED": (
        "error",
        "填报的执行率与B/A不符",
        "printed execution rate differs from B/A",
    ),
    "TOTAL_MISMATCH": (
        "error",
        "自评总分与复核总分不一致",
        "claimed total differs from the computed total",
    ),
    "TOTAL_NOT_SUM": (
        "error",
        "自评总分不等于各行自评得分之和",
        "claimed total is not the sum of claimed lines",
    ),
    "GRADE_WRONG": ("error", "等级与总分不符", "the grade does not match the total"),
}


SEVERITIES = ("error", "warning", "info")


def _fmt(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text


def _q(value: Decimal, quantum: Decimal) -> Decimal:
    """*value* rounded to *quantum* for display; unchanged when that needs more than Decimal's
    28 digits (a claimed score of 1e40 is shown as written rather than failing the report)."""
    try:
        return value.quantize(quantum)
    except ArithmeticError:
        return value


def _plain(value: Decimal | None) -> str:
    """A weight or number for a sentence: ``10`` rather than ``10.00``."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return format(_q(value, Decimal(1)), "f")
    return format(value.normalize(), "f")


@attrs.frozen(slots=True)
class Finding:
    """One thing the audit found: a stable code, a severity, where, and a message in both languages."""

    code: str
    severity: str
    zh: str
    en: str
    where: str = ""
    rule: str | None = None

    @in_context
    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    @in_context
    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "where": self.where,
        }
        if self.rule:
            out["rule"] = self.rule
        return out


def _builtin(code: str, zh: str, en: str, where: str, severity: str | None = None) -> Finding:
    return Finding(code, severity or BUILTIN_CODES[code][0], zh, en, where)


@attrs.frozen(slots=True)
class Step:
    """One step of the arithmetic: the formula as written, the values it used, its result."""

    label: str
    formula: str
    values: tuple[tuple[str, str], ...]
    result: str
    rounded: str | None = None

    @in_context
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.label,
            "formula": self.formula,
            "values": dict(self.values),
            "result": self.result,
        }
        if self.rounded is not None:
            out["rounded"] = self.rounded
        return out


def _fresh(value: Any) -> Any:
    """A copy of a cached JSON-ready value, so a caller may change what to_dict returns."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [_fresh(v) for v in value]
    return value


_QUANTITY_REFS = frozenset({"actual", "target", "target.value", "target.low", "target.high"})


def _display_unit(ctx: Ctx) -> Unit | None:
    """The unit the target cell is written in (or, for a bare target, the actual's)."""
    for node in (ctx.target, ctx.actual):
        q = node.low_quantity if isinstance(node, Range) else getattr(node, "quantity", None)
        if q is not None and q.unit is not None:
            unit: Unit = q.unit
            return unit
    return None


def _value_text(v: Any) -> str:
    """A value for the trace: exact Decimals are shown in full, long expansions to 12 places."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        exponent = v.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -12:
            v = _q(v, Decimal("1e-12"))
        return format(v.normalize(), "f")
    return str(v)


def _format(template: str, fields: Mapping[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), dict(fields))
    except (KeyError, IndexError, ValueError):  # pragma: no cover - templates are checked at load
        return template


def _stronger(a: str | None, b: str) -> str:
    if a is None:
        return b
    return a if SEVERITIES.index(a) <= SEVERITIES.index(b) else b
