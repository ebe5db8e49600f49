"""What a policy check reports: the property names and statements, each broken property as a
:class:`Violation` with its counterexample, and the :class:`PolicyReport` of a whole run."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao.i18n import Msg
from jixiao.testing.cases import dec
from jixiao.testing.render import render_example

__all__ = [
    "DESCRIPTIONS",
    "PROPERTIES",
    "PolicyReport",
    "Problem",
    "Violation",
    "describe_property",
    "jsonable",
]

PROPERTIES: tuple[str, ...] = (
    "score_in_bounds",
    "met_full_marks",
    "monotone",
    "unit_invariance",
    "row_order",
    "total_bounds",
    "reason_required",
    "tier_bands",
    "budget_monotone",
    "tier_words",
    "row_within_weight",
    "grade_edges",
    "rounding",
)

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "score_in_bounds": (
        "每一行都有规则适用、规则不出错，得分在 0 与分值之间",
        "every row is scored by a rule that does not fail, within [0, weight]",
    ),
    "met_full_marks": ("达到目标即得满分", "a met target gets full marks"),
    "monotone": (
        "完成得越好，得分不会越低（反向指标：越少越好）",
        "more achievement never lowers the score (less, for reverse indicators)",
    ),
    "unit_invariance": (
        "单元格换一种单位书写（元/万元、%/‰/小数）不改变得分",
        "the unit a cell is written in (元/万元, %/‰/fraction) changes nothing",
    ),
    "row_order": (
        "同一张表得到同一结果，与行序无关",
        "the same form gives the same result, in any row order",
    ),
    "total_bounds": (
        "总分不超过100，且等于各行得分之和（按总分的舍入位数）",
        "the total never exceeds 100 and equals the sum of its lines (rounded as totals are)",
    ),
    "reason_required": (
        "得分低于分值时必须要求填写偏差原因",
        "a score below the weight always requires a reason",
    ),
    "tier_bands": (
        "档次表覆盖 0–100%，无空档、无重叠；边界上的得分恰属一档",
        "tier tables cover 0–100% with no gap or overlap; a score on an edge is in exactly one tier",
    ),
    "budget_monotone": (
        "执行率越高，预算执行得分不会越低",
        "a budget execution score never decreases as the rate rises",
    ),
    "tier_words": (
        "读作未完成、部分完成、进行中或逾期的词语（未按期完成、基本完成）不在最高档",
        "words read as not done, partial, in progress or late (未按期完成, 基本完成) are never in "
        "the top tier",
    ),
    "row_within_weight": (
        "表内每一行（任何一级指标、二级指标、指标名称）得分在 0 与本行分值之间，各一级指标小计不超过其分值",
        "inside a form every row (any section, level2, name) scores within its own weight, and "
        "no section's subtotal exceeds its rows' weights",
    ),
    "grade_edges": (
        "总分恰在等级边界上时评为以该分为下限（含）的等级（90(含)-100分为优）",
        "a total exactly on a grade boundary gets the grade that boundary opens (90 and above: 优)",
    ),
    "rounding": (
        "每行得分、执行率与总分按规则文件的位数四舍五入，而非截断或进位",
        "line scores, rates and totals are rounded to the nearest at the policy's places, "
        "never truncated or rounded up",
    ),
}


_RULE = Msg("    规则：", "    rule: ")
_ALL_HOLD = Msg("✓ {head}：{checked} 项性质全部成立", "✓ {head}: all {checked} properties hold")
_SOME_BROKEN = Msg(
    "✗ {head}：{checked} 项性质中有 {broken} 项不成立",
    "✗ {head}: {broken} of {checked} properties broken",
)
_SKIPPED = Msg("已跳过：", "skipped: ")


def describe_property(name: str, lang: str = "zh") -> str:
    """The one-sentence statement of a property (Chinese, or English with ``lang="en"``)."""
    zh, en = DESCRIPTIONS[name]
    return en if lang == "en" else zh


# ----------------------------------------------------------------------------- results


@attrs.frozen(slots=True)
class Problem:
    """What one check found wrong, before it becomes a :class:`Violation`: the message in
    Chinese and English, the counterexample and outcome, the rule, and the kind of problem
    (hypothesis shrinks each kind on its own)."""

    zh: str
    en: str
    example: Mapping[str, Any]
    outcome: Mapping[str, Any]
    rule: str | None = None
    kind: str = ""


@attrs.frozen(slots=True)
class Violation:
    """One property a policy breaks, with the shrunk counterexample.

    ``example`` holds the inputs in the JSON shapes of the form (``{"indicators": [row, …]}``,
    ``{"budgets": [row, …]}`` or ``{"form": form}``); ``outcome`` what the policy made of them
    (scores, rules, finding codes); ``rule`` the rule that broke the property,
    ``"name (file:line)"``.
    """

    property: str
    zh: str
    en: str
    example: Mapping[str, Any]
    outcome: Mapping[str, Any] = attrs.field(factory=dict)
    rule: str | None = None

    def message(self, lang: str = "zh") -> str:
        """What went wrong on the counterexample, in one sentence."""
        return self.en if lang == "en" else self.zh

    def render(self, lang: str = "zh") -> str:
        head = f"✗ {self.property} — {describe_property(self.property, lang)}"
        lines = [head, f"    {self.message(lang)}"]
        body = render_example(self.example, self.outcome, lang)
        if body:
            lines.append(body)
        if self.rule:
            lines.append(_RULE.text(lang) + self.rule)
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "property": self.property,
            "description": describe_property(self.property, lang),
            "message": self.message(lang),
            "example": jsonable(self.example),
            "outcome": jsonable(self.outcome),
            "rule": self.rule,
        }


@attrs.frozen(slots=True)
class PolicyReport:
    """What :func:`check_policy` found: the properties run and each one broken."""

    policy_name: str
    policy_path: str
    checked: tuple[str, ...]
    violations: tuple[Violation, ...]
    skipped: tuple[str, ...] = ()
    max_examples: int = 200
    seed: int | None = None

    @property
    def ok(self) -> bool:
        """True when no property is broken."""
        return not self.violations

    @property
    def broken(self) -> tuple[str, ...]:
        """The names of the broken properties."""
        return tuple(v.property for v in self.violations)

    def violation(self, name: str) -> Violation | None:
        """The violation of property *name*, or None if it holds (or was not run)."""
        return next((v for v in self.violations if v.property == name), None)

    def render(self, lang: str = "zh") -> str:
        head = f"{self.policy_name} ({self.policy_path})"
        counts = {"head": head, "checked": len(self.checked), "broken": len(self.violations)}
        lines = [(_ALL_HOLD if self.ok else _SOME_BROKEN).text(lang, **counts)]
        for name in self.checked:
            if self.violation(name) is None:
                lines.append(f"  ✓ {name} — {describe_property(name, lang)}")
        for v in self.violations:
            lines.append("")
            lines.append("  " + v.render(lang).replace("\n", "\n  "))
        if self.skipped:
            lines.append("")
            lines.append(_SKIPPED.text(lang) + ", ".join(self.skipped))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "policy": self.policy_name,
            "path": self.policy_path,
            "ok": self.ok,
            "checked": list(self.checked),
            "skipped": list(self.skipped),
            "violations": [v.to_dict(lang) for v in self.violations],
            "max_examples": self.max_examples,
            "seed": self.seed,
        }


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return dec(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
