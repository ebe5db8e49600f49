"""Applying a compiled policy to indicators, budgets and whole forms.

The evaluator is separate from the syntax trees it reads: it dispatches on the node kinds of the
target language and runs the compiled rules of a :class:`~jixiao.policy.model.Policy`. It never
raises for a bad form: a cell that cannot be read, a unit mismatch or a rule that fails becomes a
finding on that row, which is then left unscored (its claimed score is carried into the total and
flagged). Explanations and the arithmetic trace are built only when asked for.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao.errors import FormError, TargetSyntaxError
from jixiao.forms.model import Budget, Form, Indicator, _text, to_decimal
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledFinding, CompiledRule, Policy, TierTableRT
from jixiao.targets import parse_actual, parse_target
from jixiao.targets.ast import Deadline, Node, Qualitative, Range, Target
from jixiao.units import Unit

__all__ = [
    "BUILTIN_CODES",
    "BudgetResult",
    "Finding",
    "FormResult",
    "IndicatorResult",
    "SectionResult",
    "Step",
    "memo_clear",
    "memo_info",
    "score_budget",
    "score_form",
    "score_indicator",
    "score_indicator_uncached",
    "score_rows",
]

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

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

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


# ----------------------------------------------------------------------------- indicators


class _Outcome:
    """What scoring decided for one indicator, apart from the row's labels and reason.

    Rows whose observable inputs are the same share one outcome (see :class:`_Memo`); it is never
    changed after it is built.
    """

    __slots__ = (
        "actual",
        "band",
        "basis",
        "claimed",
        "ctx",
        "memo",
        "met",
        "note",
        "policy",
        "raw",
        "rule",
        "score",
        "target",
        "tier",
        "weight",
    )

    def __init__(
        self,
        weight: Decimal | None,
        score: Decimal | None,
        claimed: Decimal | None,
        met: bool | None,
        rule: CompiledRule | None,
        raw: Decimal | None,
        tier: str | None,
        basis: str,
        band: tuple[Decimal, Decimal, bool, bool] | None,
        target: Node | None,
        actual: Node | None,
        policy: Policy | None,
        ctx: Ctx | None,
        note: tuple[str, str] | None,
    ) -> None:
        self.weight = weight
        self.score = score
        self.claimed = claimed
        self.met = met
        self.rule = rule
        self.raw = raw
        self.tier = tier
        self.basis = basis
        self.band = band
        self.target = target
        self.actual = actual
        self.policy = policy
        self.ctx = ctx
        self.note = note
        self.memo: dict[str, Any] = {}  # explanation, steps, JSON parts: built on first use

    def __reduce__(self) -> tuple[Any, ...]:
        # The rule is a set of closures: it travels as its index in the policy (which pickles as
        # the text of its files). The context is rebuilt from the cells, not pickled.
        rule_index = None
        if self.rule is not None and self.policy is not None:
            rule_index = next(i for i, r in enumerate(self.policy.rules) if r is self.rule)
        ctx_met = self.ctx.met if self.ctx is not None else _NO_CTX
        return (
            _restore_outcome,
            (
                self.policy,
                rule_index,
                self.weight,
                self.score,
                self.claimed,
                self.met,
                self.raw,
                self.tier,
                self.basis,
                self.band,
                self.target,
                self.actual,
                ctx_met,
                self.note,
            ),
        )


_NO_CTX = "-"


def _restore_outcome(
    policy: Policy | None,
    rule_index: int | None,
    weight: Decimal | None,
    score: Decimal | None,
    claimed: Decimal | None,
    met: bool | None,
    raw: Decimal | None,
    tier: str | None,
    basis: str,
    band: tuple[Decimal, Decimal, bool, bool] | None,
    target: Node | None,
    actual: Node | None,
    ctx_met: bool | str | None,
    note: tuple[str, str] | None,
) -> _Outcome:
    rule = policy.rules[rule_index] if policy is not None and rule_index is not None else None
    ctx = None
    if ctx_met != _NO_CTX and target is not None and actual is not None:
        ctx = _new_ctx(target, actual, weight, claimed)
        ctx.met = ctx_met if isinstance(ctx_met, bool) else None
        if rule is not None and (rule.score is not None or rule.tiers is not None):
            ctx.scored = score  # as _apply_rule left it for reasons and findings
    return _Outcome(
        weight, score, claimed, met, rule, raw, tier, basis, band, target, actual, policy, ctx, note
    )


_set = object.__setattr__


class IndicatorResult:
    """The score of one indicator row, with everything needed to explain it.

    ``score`` is None when the row could not be scored (see ``findings``); ``basis`` says how the
    score was reached: ``formula``, ``words``/``status``/``deadline`` (the actual's text chose a
    tier), ``claimed`` (the claimed score chose the tier), ``echo`` or ``unscored``.

    Results are immutable and pickle (the policy travels as the text of its rule files, once per
    pickle; the rule as its index). Rows with the same observable inputs share the scoring
    outcome, so a result is a few small references plus the row's own name, levels, location
    and findings.
    """

    __slots__ = ("_ctx", "_o", "findings", "level1", "level2", "name", "where")

    name: str
    findings: tuple[Finding, ...]
    level1: str
    level2: str
    where: str
    _o: _Outcome
    _ctx: Ctx | None

    def __init__(
        self,
        name: str,
        weight: Decimal | None,
        score: Decimal | None,
        claimed: Decimal | None,
        met: bool | None,
        findings: tuple[Finding, ...],
        rule: CompiledRule | None = None,
        raw: Decimal | None = None,
        tier: str | None = None,
        basis: str = "formula",
        band: tuple[Decimal, Decimal, bool, bool] | None = None,
        target: Node | None = None,
        actual: Node | None = None,
        level1: str = "",
        level2: str = "",
        where: str = "",
        policy: Policy | None = None,
        ctx: Ctx | None = None,
        note: tuple[str, str] | None = None,
    ) -> None:
        o = _Outcome(
            weight,
            score,
            claimed,
            met,
            rule,
            raw,
            tier,
            basis,
            band,
            target,
            actual,
            policy,
            ctx,
            note,
        )
        _set(self, "_o", o)
        _set(self, "_ctx", ctx)
        _set(self, "name", name)
        _set(self, "level1", level1)
        _set(self, "level2", level2)
        _set(self, "where", where)
        _set(self, "findings", tuple(findings))

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore_result,
            (self._o, self.name, self.level1, self.level2, self.where, self.findings),
        )

    def __repr__(self) -> str:
        o = self._o
        return (
            f"IndicatorResult(name={self.name!r}, weight={o.weight!r}, score={o.score!r}, "
            f"claimed={o.claimed!r}, met={o.met!r}, findings={self.findings!r}, "
            f"rule={o.rule.label if o.rule else None!r}, raw={o.raw!r}, tier={o.tier!r}, "
            f"basis={o.basis!r}, band={o.band!r}, target={o.target!r}, actual={o.actual!r}, "
            f"level1={self.level1!r}, level2={self.level2!r}, where={self.where!r}, "
            f"note={o.note!r})"
        )

    @property
    def weight(self) -> Decimal | None:
        return self._o.weight

    @property
    def score(self) -> Decimal | None:
        return self._o.score

    @property
    def claimed(self) -> Decimal | None:
        return self._o.claimed

    @property
    def met(self) -> bool | None:
        return self._o.met

    @property
    def rule(self) -> CompiledRule | None:
        return self._o.rule

    @property
    def raw(self) -> Decimal | None:
        return self._o.raw

    @property
    def tier(self) -> str | None:
        return self._o.tier

    @property
    def basis(self) -> str:
        return self._o.basis

    @property
    def band(self) -> tuple[Decimal, Decimal, bool, bool] | None:
        return self._o.band

    @property
    def target(self) -> Node | None:
        return self._o.target

    @property
    def actual(self) -> Node | None:
        return self._o.actual

    @property
    def policy(self) -> Policy | None:
        return self._o.policy

    @property
    def note(self) -> tuple[str, str] | None:
        return self._o.note

    @property
    def ctx(self) -> Ctx | None:
        """What the rule saw (built on first use for a result that shares its outcome)."""
        ctx = self._ctx
        if ctx is None and self._o.ctx is not None:
            ctx = _copy_ctx(self._o.ctx)
            ctx.name, ctx.level1, ctx.level2 = self.name, self.level1, self.level2
            _set(self, "_ctx", ctx)
        return ctx

    @property
    def counted(self) -> Decimal:
        """What this line adds to the total: the computed score, else the claimed one, else 0."""
        o = self._o
        if o.score is not None:
            return o.score
        return o.claimed if o.claimed is not None else Decimal(0)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    def _fields(self, lang: str) -> dict[str, str]:
        places = self.policy.places if self.policy else 2
        q = Decimal(1).scaleb(-places)
        ctx = self._o.ctx  # the quantities only: the same for every row sharing the outcome
        completion = ""
        if ctx is not None and ctx.aq is not None and ctx.tq:
            completion = f"{_q(ctx.aq / ctx.tq * 100, q):f}%"
        inclusive = ""
        if self.target is not None and self.target.kind in ("comparison", "quantity"):
            inc = getattr(self.target, "inclusive", True)
            inclusive = (
                ("含本数" if inc else "不含本数")
                if lang != "en"
                else ("inclusive" if inc else "exclusive")
            )
        band = ""
        if self.band is not None:
            lo, hi, lo_inc, hi_inc = self.band
            band = f"{'[' if lo_inc else '('}{lo:f}, {hi:f}{']' if hi_inc else ')'}"
        return {
            "actual": self.actual.render() if self.actual is not None else "",
            "target": self.target.render() if self.target is not None else "",
            "weight": _plain(self.weight),
            "score": _fmt(self.score) or "—",
            "completion": completion,
            "inclusive": inclusive,
            "rule": self.rule.name if self.rule else "",
            "tier": self.tier or "",
            "band": band,
            "claimed": format(_q(self.claimed, q), "f") if self.claimed is not None else "—",
            "name": self.name,
            "rate": "",
            "annual": "",
            "executed": "",
        }

    def explanation(self, lang: str = "zh") -> str:
        """One sentence saying how the score was reached (Chinese by default, ``lang="en"``).

        e.g. ``实际完成40人，目标≥45人（含本数），完成率88.89%，按比例得8.89分（满分10分）``.
        """
        # Built on first use and kept with the shared outcome: rows share an outcome only when
        # everything the sentence can mention (name included, if a template uses it) is equal.
        memo = self._o.memo
        key = "explanation:" + lang
        text = memo.get(key)
        if text is None:
            text = memo[key] = self._explain(lang)
        assert isinstance(text, str)
        return text

    def _explain(self, lang: str) -> str:
        f = self._fields(lang)
        en = lang == "en"
        if self.note is not None:
            return self.note[1] if en else self.note[0]
        if self.basis == "formula":
            template = None
            if self.rule is not None:
                key = "met" if self.met else "unmet"
                chosen = self.rule.explain.get(key) or self.rule.explain.get("always")
                if chosen is not None:
                    template = chosen[1] if en and chosen[1] else chosen[0]
            if template is None:
                template = _DEFAULT_EXPLAIN[("met" if self.met else "unmet", en)]
                if not f["inclusive"]:
                    template = template.replace("（{inclusive}）", "").replace(" ({inclusive})", "")
                if not f["completion"]:
                    template = template.replace("完成率{completion}，", "").replace(
                        "{completion} achieved, ", ""
                    )
            return template.format(**f)
        return _tier_sentence(self, f, en)

    def steps(self) -> tuple[Step, ...]:
        """The arithmetic behind the score: each formula, the values it used, the result."""
        memo = self._o.memo
        steps = memo.get("steps")
        if steps is None:
            steps = memo["steps"] = self._steps()
        assert isinstance(steps, tuple)
        return steps

    def _steps(self) -> tuple[Step, ...]:
        out: list[Step] = []
        # the shared context: a formula reads the name or levels only if they are in the key
        rule, ctx, policy = self.rule, self._o.ctx, self.policy
        if rule is None or ctx is None or policy is None:
            return ()
        values = []
        unit = _display_unit(ctx)
        for name, fn in rule.score_refs:
            try:
                value = fn(ctx)
            except EvalError:
                continue
            if unit is not None and name in _QUANTITY_REFS and isinstance(value, Decimal):
                # the policy computes in base units (90% is 0.9, 64.253万元 is 642530 元);
                # the trace shows them as the target cell writes them
                values.append((name, _value_text(value / unit.factor) + unit.symbol))
            else:
                values.append((name, _value_text(value)))
        if rule.met is not None and self.met is not None:
            out.append(Step("met", rule.met_text, tuple(values), "true" if self.met else "false"))
        if self.basis == "formula" and self.raw is not None:
            out.append(
                Step(
                    "score",
                    rule.score_text,
                    tuple(values),
                    _value_text(self.raw),
                    f"{_fmt(self.score)} ({policy.rounding}, {policy.places})",
                )
            )
        elif self.tier is not None:
            out.append(
                Step(
                    "tier",
                    f"score by tiers {rule.tiers}",
                    (("basis", self.basis),),
                    self.tier,
                    _fmt(self.score),
                )
            )
        return tuple(out)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        o = self._o
        key = "dict:" + lang
        part = o.memo.get(key)
        if part is None:
            places = o.policy.places if o.policy else 2
            q = Decimal(1).scaleb(-places)
            part = o.memo[key] = (
                _plain(o.weight) if o.weight is not None else None,
                _fmt(o.score),
                _fmt(_q(o.claimed, q)) if o.claimed is not None else None,
                o.rule.label if o.rule else None,
                self.explanation(lang),
                o.target.to_dict() if o.target is not None else None,
                o.actual.to_dict() if o.actual is not None else None,
            )
        weight, score, claimed, rule, explanation, target, actual = part
        return {
            "name": self.name,
            "level1": self.level1,
            "level2": self.level2,
            "weight": weight,
            "score": score,
            "claimed": claimed,
            "met": o.met,
            "rule": rule,
            "tier": o.tier,
            "basis": o.basis,
            "explanation": explanation,
            "steps": [s.to_dict() for s in self.steps()],
            "target": _fresh(target),
            "actual": _fresh(actual),
            "where": self.where,
            "findings": [f.to_dict(lang) for f in self.findings],
        }


_DEFAULT_EXPLAIN = {
    ("met", False): "实际完成{actual}，目标{target}（{inclusive}），已达到目标，得满分{weight}分",
    (
        "met",
        True,
    ): "Actual {actual} against target {target} ({inclusive}): met, full marks {weight}",
    (
        "unmet",
        False,
    ): "实际完成{actual}，目标{target}（{inclusive}），未达到目标，完成率{completion}，按规则「{rule}」得{score}分（满分{weight}分）",
    (
        "unmet",
        True,
    ): "Actual {actual} against target {target} ({inclusive}): not met, {completion} achieved, rule '{rule}' gives {score} of {weight}",
}


def _tier_sentence(r: IndicatorResult, f: dict[str, str], en: bool) -> str:
    basis = r.basis
    if en:
        head = {
            "words": "The actual '{actual}' reads as tier '{tier}' (band {band})",
            "status": "The actual '{actual}' reads as tier '{tier}' (band {band})",
            "deadline": "Completed {actual} against the deadline {target}: tier '{tier}' (band {band})",
            "claimed": "The actual does not name a tier; the claimed {claimed} lies in tier '{tier}' (band {band})",
            "echo": "The actual restates the target; taken as tier '{tier}' (band {band})",
        }[basis]
        if basis == "claimed":
            tail = ", kept as the evaluator's judgment: {score} of {weight}"
        elif r.claimed is None:
            tail = "; no score claimed, the tier's default point gives {score} of {weight}"
        elif r.score == r.claimed:
            tail = "; the claimed {claimed} lies in the band and is kept as the evaluator's judgment: {score} of {weight}"
        else:
            tail = "; the claimed {claimed} lies outside the band, the tier's default point gives {score} of {weight}"
    else:
        head = {
            "words": "实际完成情况「{actual}」属「{tier}」档（得分区间{band}）",
            "status": "实际完成情况「{actual}」属「{tier}」档（得分区间{band}）",
            "deadline": "实际完成时间{actual}，期限{target}，属「{tier}」档（得分区间{band}）",
            "claimed": "实际完成情况未对应到档次，按自评{claimed}分所在的「{tier}」档（得分区间{band}）认定",
            "echo": "实际完成情况复述了年度指标值，按「{tier}」档（得分区间{band}）认定",
        }[basis]
        if basis == "claimed":
            tail = "，保留自评得分作为评价人的判断，得{score}分（满分{weight}分）"
        elif r.claimed is None:
            tail = "，未填自评得分，按该档默认分值得{score}分（满分{weight}分）"
        elif r.score == r.claimed:
            tail = "，自评{claimed}分在区间内，保留为评价人的判断，得{score}分（满分{weight}分）"
        else:
            tail = "，自评{claimed}分不在区间内，按该档默认分值得{score}分（满分{weight}分）"
    return (head + tail).format(**f)


def _unreadable(ind: Indicator, field: str, err: TargetSyntaxError) -> Finding:
    label = "年度指标值" if field == "target" else "实际完成值"
    en_label = "target" if field == "target" else "actual"
    return _builtin(
        "UNREADABLE_CELL",
        f"{label}无法解析：{err.render()}",
        f"the {en_label} cell cannot be read: {err.message} at column {err.column}",
        ind.cell(field),
    )


def _format(template: str, fields: Mapping[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), dict(fields))
    except (KeyError, IndexError, ValueError):  # pragma: no cover - templates are checked at load
        return template


def _rule_finding(
    cf: CompiledFinding, r: IndicatorResult | None, fields: Mapping[str, str], where: str
) -> Finding:
    zh = _format(cf.zh, fields)
    en = _format(cf.en, fields) if cf.en else zh
    return Finding(cf.code, cf.severity, zh, en, where, cf.where)


def _quantity_base(node: Node | None) -> tuple[Decimal | None, str | None]:
    if node is None or node.kind == "range":
        return None, None
    q = node.quantity
    if q is None:
        return None, None
    return q.base, q.dimension


def _restore_result(
    o: _Outcome, name: str, level1: str, level2: str, where: str, findings: tuple[Finding, ...]
) -> IndicatorResult:
    return _result(o, name, level1, level2, where, findings)


def _result(
    o: _Outcome,
    name: str,
    level1: str,
    level2: str,
    where: str,
    findings: tuple[Finding, ...],
    ctx: Ctx | None = None,
) -> IndicatorResult:
    # The hot path of batch scoring: no __init__, no keyword arguments.
    r: IndicatorResult = _new(IndicatorResult)
    _set(r, "_o", o)
    _set(r, "_ctx", ctx)
    _set(r, "name", name)
    _set(r, "level1", level1)
    _set(r, "level2", level2)
    _set(r, "where", where)
    _set(r, "findings", findings)
    return r


_new = object.__new__
_CTX_SLOTS = Ctx.__slots__


def _copy_ctx(src: Ctx) -> Ctx:
    ctx = Ctx()
    for slot in _CTX_SLOTS:
        setattr(ctx, slot, getattr(src, slot))
    return ctx


def _new_ctx(
    tnode: Node,
    anode: Node,
    weight: Decimal | None,
    claimed: Decimal | None,
    level1: str = "",
    level2: str = "",
    name: str = "",
) -> Ctx:
    """The context an indicator rule sees, from the parsed cells (before any rule runs)."""
    ctx = Ctx()
    ctx.target = tnode
    ctx.actual = anode
    ctx.weight = weight
    ctx.claimed = claimed
    ctx.level1 = level1
    ctx.level2 = level2
    ctx.name = name
    ctx.tq, ctx.target_dim = _quantity_base(tnode)
    if isinstance(tnode, Range):
        ctx.tlow = tnode.low_quantity.base
        ctx.thigh = tnode.high_quantity.base
        ctx.target_dim = tnode.low_quantity.dimension
    ctx.aq, ctx.actual_dim = _quantity_base(anode)
    tquant = tnode.quantity if not isinstance(tnode, Range) else tnode.low_quantity
    aquant = anode.quantity
    if (
        tquant is not None
        and tquant.unit is None
        and aquant is not None
        and aquant.unit is not None
        and not isinstance(tnode, Range)
    ):
        # A target written as a bare number (``200``) takes the unit its actual states
        # (``200余人``), just as a bare actual takes the target's unit.
        ctx.tq = tquant.value * aquant.unit.factor
        ctx.target_dim = aquant.unit.dimension
    if ctx.aq is not None and ctx.aq < 0:
        ctx.aq = Decimal(0)  # a negative completion counts as 0 (scoring-rules §5 Q1)
    return ctx


class _Scored:
    """One indicator evaluated: the outcome and its findings, with the place where the reason
    check goes (the only part that reads the 偏差原因 text, so the rest can be shared)."""

    __slots__ = ("ctx", "exact", "findings", "outcome", "post", "pre", "reason")

    def __init__(
        self,
        outcome: _Outcome,
        findings: list[Finding],
        reason: str | None = None,
        at: int | None = None,
        ctx: Ctx | None = None,
        exact: bool = True,
    ) -> None:
        self.outcome = outcome
        self.findings = tuple(findings)
        split = len(findings) if at is None else at
        self.pre = self.findings[:split]
        self.post = self.findings[split:]
        self.reason = reason
        self.ctx = ctx
        # False when the findings already depend on the reason text (a rule failed after the
        # reason check): such an outcome cannot be shared between rows.
        self.exact = exact


_INEXACT = _Scored(
    _Outcome(
        None, None, None, None, None, None, None, "unscored", None, None, None, None, None, None
    ),
    [],
    exact=False,
)


class _Draft:
    """Where the reason check of a rule goes, and at what severity (set while the rule runs)."""

    __slots__ = ("at", "severity")

    def __init__(self) -> None:
        self.at: int | None = None
        self.severity: str | None = None


def score_indicator(policy: Policy, ind: Indicator | Mapping[str, Any]) -> IndicatorResult:
    """Score one indicator row under *policy*; never raises for bad cells (see findings).

    Rows whose observable inputs are the same (target and actual text, weight, claimed score, and
    the labels only when the policy's rules read them) share one evaluation: see :class:`_Memo`.
    """
    memo = _memo_of(policy)
    if not isinstance(ind, Indicator):
        if type(ind) is dict and "target" in ind and "actual" in ind and "weight" in ind:
            return _score_mapping(policy, memo, ind)
        ind = Indicator.from_dict(ind)
    w, s = ind.weight, ind.score
    scored = memo.lookup(
        ind.target,
        ind.actual,
        None if w is None else ("d", str(w)),
        None if s is None else ("d", str(s)),
        ind.name if memo.names else "",
        ind.level1 if memo.levels else "",
        ind.level2 if memo.levels else "",
    )
    if not scored.exact:
        return score_indicator_uncached(policy, ind)
    findings = scored.findings
    if findings and (ind.where or ind.cells):
        scored = _Scored(
            scored.outcome,
            [_restamp(f, ind) for f in findings],
            scored.reason,
            len(scored.pre),
        )
    return _assemble(
        scored, ind.name, ind.level1, ind.level2, ind.where, ind.reason, ind.cell("reason")
    )


def score_indicator_uncached(policy: Policy, ind: Indicator | Mapping[str, Any]) -> IndicatorResult:
    """:func:`score_indicator` without the shared-outcome memo (the reference the memo must equal)."""
    if not isinstance(ind, Indicator):
        ind = Indicator.from_dict(ind)
    scored = _evaluate(policy, ind, exact=True)
    return _assemble(
        scored,
        ind.name,
        ind.level1,
        ind.level2,
        ind.where,
        ind.reason,
        ind.cell("reason"),
        scored.ctx,
    )


def _restamp(f: Finding, ind: Indicator) -> Finding:
    """A shared finding located at this row: ``""`` is the row, a field name one of its cells."""
    w = f.where
    new = ind.cell(w) if w else ind.where
    return f if new == w else Finding(f.code, f.severity, f.zh, f.en, new, f.rule)


def _assemble(
    scored: _Scored,
    name: str,
    level1: str,
    level2: str,
    where: str,
    reason: str,
    reason_cell: str,
    ctx: Ctx | None = None,
) -> IndicatorResult:
    findings = scored.findings
    severity = scored.reason
    if severity is not None:
        extra: list[Finding] = []
        _check_reason(scored.outcome.policy, reason, reason_cell, severity, extra)
        if extra:
            findings = scored.pre + tuple(extra) + scored.post
    return _result(scored.outcome, name, level1, level2, where, findings, ctx)


def _evaluate(policy: Policy, ind: Indicator, exact: bool = False) -> _Scored:
    """Score *ind* except for its reason check. With ``exact`` the rare outcome that depends on
    the reason text is computed in full (the reference path); otherwise it is marked inexact."""
    findings: list[Finding] = []
    tnode: Target | None = None
    anode: Node | None = None
    try:
        tnode = parse_target(ind.target)
    except TargetSyntaxError as err:
        findings.append(_unreadable(ind, "target", err))
    try:
        anode = parse_actual(ind.actual, tnode) if tnode is not None else parse_actual(ind.actual)
    except TargetSyntaxError as err:
        findings.append(_unreadable(ind, "actual", err))
    if ind.weight is None:
        findings.append(
            _builtin(
                "WEIGHT_MISSING",
                "该指标没有分值，无法评分",
                "the indicator has no weight",
                ind.cell("weight"),
            )
        )
    if tnode is None or anode is None or ind.weight is None:
        return _finish_unscored(policy, ind, findings, tnode, anode)

    ctx = _new_ctx(tnode, anode, ind.weight, ind.score, ind.level1, ind.level2, ind.name)
    if ctx.aq is not None and ctx.target_dim is not None and ctx.actual_dim != ctx.target_dim:
        tu = tnode.quantity.unit if tnode.quantity is not None else None
        au = anode.quantity.unit if anode.quantity is not None else None
        tsym = tu.symbol if tu else "（无单位）"
        asym = au.symbol if au else "（无单位）"
        findings.append(
            _builtin(
                "UNIT_MISMATCH",
                f"实际完成值的单位「{asym}」与年度指标值的单位「{tsym}」不一致，无法比较",
                f"the actual's unit {asym!r} cannot be compared with the target's unit {tsym!r}",
                ind.cell("actual"),
            )
        )
        return _finish_unscored(policy, ind, findings, tnode, anode)

    rule: CompiledRule | None = None
    try:
        for r in policy.rules:
            if r.when is None or r.when(ctx):
                rule = r
                break
    except EvalError as err:
        findings.append(_policy_error(err, ind))
        return _finish_unscored(policy, ind, findings, tnode, anode)
    if rule is None:
        findings.append(
            _builtin(
                "NO_RULE",
                f"策略「{policy.name}」中没有适用于此行的规则（年度指标值：{tnode.render() or '空'}）",
                f"no rule of policy {policy.name!r} applies to this row",
                ind.where,
            )
        )
        return _finish_unscored(policy, ind, findings, tnode, anode)

    draft = _Draft()
    try:
        return _apply_rule(policy, rule, ind, ctx, findings, draft)
    except (EvalError, ArithmeticError) as err:
        if isinstance(err, EvalError):
            findings.append(_policy_error(err, ind, rule))
        else:
            findings.append(_overflow(ind, rule, err))
        if draft.severity is None:
            return _finish_unscored(policy, ind, findings, tnode, anode, rule)
        # The rule failed after its reason check: the findings (and the note taken from the
        # first error among them) depend on the reason text.
        if not exact:
            return _INEXACT
        assert draft.at is not None
        extra: list[Finding] = []
        _check_reason(policy, ind.reason, ind.cell("reason"), draft.severity, extra)
        findings[draft.at : draft.at] = extra
        return _finish_unscored(policy, ind, findings, tnode, anode, rule)


def _policy_error(err: EvalError, ind: Indicator, rule: CompiledRule | None = None) -> Finding:
    where_rule = str(err.loc) if err.loc is not None else (rule.where if rule else "")
    return Finding(
        "POLICY_ERROR",
        "error",
        f"评分规则{('「' + rule.name + '」') if rule else ''}无法应用：{err.zh}（{where_rule}）",
        f"rule {rule.name if rule else ''} failed: {err.en} ({where_rule})",
        ind.where,
        where_rule,
    )


def _overflow(ind: Indicator, rule: CompiledRule, err: ArithmeticError) -> Finding:
    # e.g. a weight of 1e30 cannot be rounded to 2 places within Decimal's 28 digits
    kind = type(err).__name__
    return Finding(
        "POLICY_ERROR",
        "error",
        f"评分规则「{rule.name}」无法应用：数值超出可计算的范围（{kind}，{rule.where}）",
        f"rule {rule.name} failed: a number is out of the computable range ({kind}, {rule.where})",
        ind.where,
        rule.where,
    )


def _finish_unscored(
    policy: Policy,
    ind: Indicator,
    findings: list[Finding],
    tnode: Node | None,
    anode: Node | None,
    rule: CompiledRule | None = None,
    ctx: Ctx | None = None,
    note: tuple[str, str] | None = None,
) -> _Scored:
    if ind.score is not None:
        findings.append(
            _builtin(
                "SCORE_UNVERIFIED",
                f"无法复核，按自评得分{_fmt(ind.score)}分计入总分",
                f"cannot be verified; the claimed {_fmt(ind.score)} is carried into the total",
                ind.cell("score"),
            )
        )
    _check_claim_bounds(ind, findings)
    if note is None:
        first = next(
            (f for f in findings if f.severity == "error"), findings[0] if findings else None
        )
        note = (
            (f"无法评分：{first.zh}", f"not scored: {first.en}")
            if first
            else ("无法评分", "not scored")
        )
    outcome = _Outcome(
        ind.weight,
        None,
        ind.score,
        None,
        rule,
        None,
        None,
        "unscored",
        None,
        tnode,
        anode,
        policy,
        ctx,
        note,
    )
    return _Scored(outcome, findings, ctx=ctx)


def _check_claim_bounds(ind: Indicator, findings: list[Finding]) -> None:
    if ind.score is None:
        return
    if ind.weight is not None and ind.score > ind.weight:
        findings.append(
            _builtin(
                "SCORE_ABOVE_WEIGHT",
                f"自评得分{_fmt(ind.score)}分超过分值{_plain(ind.weight)}分",
                f"claimed {_fmt(ind.score)} exceeds the weight {_plain(ind.weight)}",
                ind.cell("score"),
            )
        )
    if ind.score < 0:
        findings.append(
            _builtin(
                "SCORE_NEGATIVE",
                f"自评得分{_fmt(ind.score)}为负",
                "claimed score is negative",
                ind.cell("score"),
            )
        )


def _apply_rule(
    policy: Policy,
    rule: CompiledRule,
    ind: Indicator,
    ctx: Ctx,
    findings: list[Finding],
    draft: _Draft,
) -> _Scored:
    weight = ind.weight
    assert weight is not None
    if rule.met is not None:
        ctx.met = bool(rule.met(ctx))
    raw: Decimal | None = None
    score: Decimal | None = None
    tier = None
    basis = "formula"
    band = None
    if rule.score is not None:
        raw = rule.score(ctx)
        assert raw is not None
        score = policy.quantize(raw)
        if rule.met is None:
            ctx.met = score >= weight
    elif rule.tiers is not None:
        table = policy.tiers[rule.tiers]
        outcome = _score_tiers(policy, table, ind, ctx, findings)
        if outcome is None:
            return _finish_unscored(policy, ind, findings, ctx.target, ctx.actual, rule, ctx)
        score, tier, basis, band = outcome
        ctx.met = tier == table.top.name
    else:
        assert rule.unscored is not None
        zh, en = rule.unscored
        findings.append(Finding("NOT_SCORED", "warning", zh, en or zh, ind.where, rule.where))
        return _finish_unscored(
            policy,
            ind,
            findings,
            ctx.target,
            ctx.actual,
            rule,
            ctx,
            note=(f"无法评分：{zh}", f"not scored: {en or zh}"),
        )

    done = _Outcome(
        weight,
        score,
        ind.score,
        ctx.met,
        rule,
        raw,
        tier,
        basis,
        band,
        ctx.target,
        ctx.actual,
        policy,
        ctx,
        None,
    )
    ctx.scored = score
    result = _result(done, ind.name, ind.level1, ind.level2, ind.where, (), ctx)
    # A reason the rule requires (a deduction) is an error when missing; one that a finding
    # requires (e.g. a large over-achievement) takes that finding's severity.
    reason_severity: str | None = None
    if rule.reason_always or (rule.reason is not None and bool(rule.reason(ctx))):
        reason_severity = "error"
    fields: dict[str, str] | None = None
    for cf in rule.findings:
        if cf.when is None or cf.when(ctx):
            if fields is None:
                fields = result._fields("zh")
            findings.append(_rule_finding(cf, result, fields, ind.where))
            if cf.reason_required:
                reason_severity = _stronger(reason_severity, cf.severity)
    if reason_severity is not None:
        draft.at = len(findings)
        draft.severity = reason_severity
    _check_claim_bounds(ind, findings)
    if ind.score is not None and score is not None and abs(ind.score - score) > policy.tolerance:
        accepted = False
        for acc in rule.accepts:
            alt = policy.quantize(acc(ctx))
            if abs(ind.score - alt) <= policy.tolerance:
                accepted = True
                break
        if not accepted:
            findings.append(
                _builtin(
                    "SCORE_MISMATCH",
                    f"自评{_fmt(ind.score)}分，复核应得{_fmt(score)}分（{result.explanation('zh')}）",
                    f"claimed {_fmt(ind.score)}, computed {_fmt(score)} ({result.explanation('en')})",
                    ind.cell("score"),
                )
            )
    return _Scored(done, findings, draft.severity, draft.at, ctx)


def _stronger(a: str | None, b: str) -> str:
    if a is None:
        return b
    return a if SEVERITIES.index(a) <= SEVERITIES.index(b) else b


def _check_reason(
    policy: Policy | None, reason: str, cell: str, severity: str, findings: list[Finding]
) -> None:
    text = reason.strip()
    if not text:
        findings.append(
            _builtin(
                "REASON_MISSING",
                "未达到目标或偏离较大，须填写偏差原因分析及改进措施",
                "the target was missed or far exceeded: a reason and an improvement measure are required",
                cell,
                severity,
            )
        )
        return
    assert policy is not None
    if _norm(text) in policy.placeholders:
        findings.append(
            _builtin(
                "REASON_PLACEHOLDER",
                f"偏差原因「{text}」只是占位词，须说明原因和改进措施",
                f"the reason {text!r} is only a placeholder; state a cause and a measure",
                cell,
                severity,
            )
        )
        return
    cues = policy.reason_cues
    contradicting = [w for w in cues.get("contradicts", ()) if w in text]
    if contradicting:
        findings.append(
            _builtin(
                "REASON_CONTRADICTS",
                f"偏差原因称「{contradicting[0]}」，但该行未得满分或偏离目标",
                f"the reason says {contradicting[0]!r} although the row deviates from its target",
                cell,
            )
        )
    required = {k: v for k, v in cues.items() if k in ("cause", "measure")}
    if required:
        missing = [k for k, words in required.items() if not any(w in text for w in words)]
        if missing:
            names = {
                "cause": ("原因", "a cause"),
                "measure": ("改进措施", "an improvement measure"),
            }
            zh = "、".join(names.get(k, (k, k))[0] for k in missing)
            en = " and ".join(names.get(k, (k, k))[1] for k in missing)
            findings.append(
                _builtin(
                    "REASON_INCOMPLETE",
                    f"偏差原因未说明{zh}",
                    f"the reason does not state {en}",
                    cell,
                )
            )


# ----------------------------------------------------------------------------- the memo

MEMO_SIZE = 16384
"""How many distinct scoring outcomes each policy keeps (least recently used are dropped)."""


class _Memo:
    """Per-policy memo of scoring outcomes, keyed on exactly what the compiled policy observes.

    The outcome of a row depends on the target and actual texts, the weight and the claimed
    score — and on the row's name and levels only if the policy's rules read them (decided from
    the rule files: :attr:`Policy.row_fields`). The reason text is checked per row, and findings
    are re-located per row, so a shared outcome gives exactly what scoring the row alone gives.
    Bounded (LRU), thread-safe (``functools.lru_cache``).
    """

    __slots__ = ("levels", "lookup", "names")

    def __init__(self, policy: Policy, size: int) -> None:
        observed = policy.row_fields
        self.names = "name" in observed
        self.levels = "level1" in observed or "level2" in observed
        self.lookup = functools.lru_cache(maxsize=size)(functools.partial(_memo_miss, policy))


def _memo_of(policy: Policy) -> _Memo:
    memo = policy.runtime.get("memo")
    if memo is None:
        memo = policy.runtime.setdefault("memo", _Memo(policy, MEMO_SIZE))
    assert isinstance(memo, _Memo)
    return memo


def memo_info(policy: Policy) -> Any:
    """Hits, misses and size of the policy's outcome memo (``functools`` cache info)."""
    return _memo_of(policy).lookup.cache_info()


def memo_clear(policy: Policy) -> None:
    """Forget the policy's memoised outcomes (the parse caches are separate)."""
    _memo_of(policy).lookup.cache_clear()


def _memo_miss(
    policy: Policy,
    target: str,
    actual: str,
    weight: Any,
    score: Any,
    name: str,
    level1: str,
    level2: str,
) -> _Scored:
    ind = Indicator(
        name=name,
        target=target,
        actual=actual,
        weight=_key_decimal(weight, "weight"),
        score=_key_decimal(score, "score"),
        level1=level1,
        level2=level2,
    )
    return _evaluate(policy, ind)


def _key_decimal(key: Any, where: str) -> Decimal | None:
    if key is None:
        return None
    if type(key) is tuple:
        return to_decimal(float(key[1]), where=where) if key[0] == "f" else Decimal(key[1])
    return to_decimal(key, where=where)


def _num_key(value: Any, where: str) -> Any:
    """A memo key for a weight or score cell: the cell itself when that is exact, else the
    Decimal it reads as, written out (``5`` and ``5.0`` are different cells)."""
    t = type(value)
    if t is str or t is int or value is None:
        return value
    if t is float:
        return ("f", repr(value))  # repr round-trips exactly and keeps -0.0 apart from 0.0
    d = to_decimal(value, where=where)
    return None if d is None else ("d", str(d))


def _score_mapping(policy: Policy, memo: _Memo, row: Mapping[str, Any]) -> IndicatorResult:
    """Score a dict row (the ``indicators[]`` shape) without building an Indicator: the same
    result as ``score_indicator(policy, Indicator.from_dict(row))``."""
    # The hot path of score_rows: the cell normalisation of Indicator.from_dict, inlined.
    get = row.get
    name = get("name")
    name = name.strip() if type(name) is str else _text(name)
    level1 = get("level1")
    level1 = level1.strip() if type(level1) is str else _text(level1)
    level2 = get("level2")
    level2 = level2.strip() if type(level2) is str else _text(level2)
    target = get("target")
    actual = get("actual")
    weight = get("weight")
    score = get("score")
    scored = memo.lookup(
        target.strip() if type(target) is str else _text(target),
        actual.strip() if type(actual) is str else _text(actual),
        weight if type(weight) is int or type(weight) is str else _num_key(weight, "weight"),
        score
        if score is None or type(score) is int or type(score) is str
        else _num_key(score, "score"),
        name if memo.names else "",
        level1 if memo.levels else "",
        level2 if memo.levels else "",
    )
    if scored.reason is None and scored.exact:
        return _result(scored.outcome, name, level1, level2, "", scored.findings)
    if not scored.exact:
        return score_indicator_uncached(policy, row)
    reason = get("reason")
    reason = reason.strip() if type(reason) is str else _text(reason)
    return _assemble(scored, name, level1, level2, "", reason, "reason")


_PUNCT = str.maketrans("", "", "。.,，；;！!、")


def _norm(text: str) -> str:
    """*text* without whitespace and the punctuation that does not change its meaning."""
    return "".join(text.split()).translate(_PUNCT)


def _score_tiers(
    policy: Policy, table: TierTableRT, ind: Indicator, ctx: Ctx, findings: list[Finding]
) -> tuple[Decimal, str, str, tuple[Decimal, Decimal, bool, bool]] | None:
    weight = ind.weight
    assert weight is not None
    actual = ctx.actual
    target = ctx.target
    tier_name: str | None = None
    basis = "words"
    text = _norm(
        actual.text if hasattr(actual, "text") and isinstance(actual.text, str) else actual.render()
    )
    if text:
        tier_name = table.words.get(text)
    if tier_name is None and actual.kind == "outcome":
        tier_name = table.status.get(actual.status)
        basis = "status"
    if tier_name is None and isinstance(target, Deadline) and isinstance(actual, Deadline):
        role = "on_time" if _on_time(target, actual) else "late"
        tier_name = table.roles.get(role)
        basis = "deadline"

    def band_of(name: str) -> tuple[Decimal, Decimal, bool, bool]:
        t = table.tier(name)
        lo = policy.quantize(weight * (t.band.low or Decimal(0)))
        hi = policy.quantize(weight * (t.band.high if t.band.high is not None else Decimal(1)))
        return (lo, hi, t.band.low_inclusive, t.band.high_inclusive)

    def in_band(value: Decimal, b: tuple[Decimal, Decimal, bool, bool]) -> bool:
        lo, hi, lo_inc, hi_inc = b
        return (value > lo or (lo_inc and value == lo)) and (value < hi or (hi_inc and value == hi))

    def default_of(name: str) -> Decimal:
        t = table.tier(name)
        point = (
            t.default
            if t.default is not None
            else (t.band.high if t.band.high is not None else Decimal(1))
        )
        return policy.quantize(weight * point)

    claimed = ind.score
    shown = _q(claimed, Decimal(1).scaleb(-policy.places)) if claimed is not None else None
    if tier_name is not None:
        b = band_of(tier_name)
        if claimed is None:
            score = default_of(tier_name)
            if tier_name != table.top.name:
                findings.append(
                    _builtin(
                        "QUAL_SCORE_ESTIMATED",
                        f"未填自评得分，按「{tier_name}」档默认分值估计为{_fmt(score)}分",
                        f"no score claimed; estimated at the default point of tier {tier_name!r}: {_fmt(score)}",
                        ind.cell("score"),
                    )
                )
            return score, tier_name, basis, b
        if in_band(claimed, b):
            return policy.quantize(claimed), tier_name, basis, b
        score = default_of(tier_name)
        lo, hi, lo_inc, hi_inc = b
        band_text = f"{'[' if lo_inc else '('}{lo:f}, {hi:f}{']' if hi_inc else ')'}"
        findings.append(
            _builtin(
                "QUAL_SCORE_OUT_OF_BAND",
                f"实际完成情况属「{tier_name}」档，得分区间为{band_text}，自评{_fmt(shown)}分不在区间内",
                f"the actual reads as tier {tier_name!r} with band {band_text}; the claimed {_fmt(shown)} lies outside it",
                ind.cell("score"),
            )
        )
        return score, tier_name, basis, b
    if claimed is not None:
        for t in table.tiers:
            b = band_of(t.name)
            if in_band(claimed, b):
                findings.append(
                    _builtin(
                        "QUAL_TIER_FROM_SCORE",
                        f"未能从实际完成值判断档次，按自评{_fmt(shown)}分所在的「{t.name}」档认定",
                        f"the actual names no tier; the claimed {_fmt(shown)} places it in tier {t.name!r}",
                        ind.where,
                    )
                )
                return policy.quantize(claimed), t.name, "claimed", b
        findings.append(
            _builtin(
                "QUAL_SCORE_OUT_OF_BAND",
                f"自评{_fmt(shown)}分不在任何档次的得分区间内（满分{_plain(weight)}分）",
                f"the claimed {_fmt(shown)} lies in no tier's band (weight {_plain(weight)})",
                ind.cell("score"),
            )
        )
        return None
    echo = table.roles.get("echo")
    if echo is not None and _echoes(actual, target):
        score = default_of(echo)
        findings.append(
            _builtin(
                "QUAL_SCORE_ESTIMATED",
                f"实际完成情况复述了年度指标值，按「{echo}」档默认分值估计为{_fmt(score)}分",
                f"the actual restates the target; estimated at tier {echo!r}: {_fmt(score)}",
                ind.cell("score"),
            )
        )
        return score, echo, "echo", band_of(echo)
    findings.append(
        _builtin(
            "QUAL_TIER_UNKNOWN",
            f"无法从实际完成值「{actual.render()}」判断完成档次，且未填自评得分",
            f"the tier cannot be read from the actual {actual.render()!r} and no score is claimed",
            ind.cell("actual"),
        )
    )
    return None


def _echoes(actual: Node, target: Node) -> bool:
    """True when the actual restates a qualitative target: the same words, or the target's words
    inside a longer sentence (``有效提高`` + the target), or most of them (four fifths)."""
    if not isinstance(target, Qualitative | Deadline):
        return False
    a = _norm(actual.render())
    t = _norm(getattr(target, "text", None) or target.render())
    if not a or not t:
        return False
    return t in a or (a in t and len(a) * 5 >= len(t) * 4)


def _on_time(target: Deadline, actual: Deadline) -> bool:
    if target.month is None:
        return True
    a_year = actual.year if target.year is not None else None
    t_year = target.year if actual.year is not None else None
    if a_year is not None and t_year is not None and a_year != t_year:
        return a_year < t_year
    a_month = actual.month or target.month
    if target.relation == "before" and target.day is None:
        return a_month < target.month
    a_day = actual.day or 31
    t_day = target.day or 31
    return (a_month, a_day) <= (target.month, t_day)


# ----------------------------------------------------------------------------- budget


@attrs.frozen(slots=True, eq=False)
class BudgetResult:
    """The budget-execution score: the rate (percent, rounded), the score, what was claimed."""

    weight: Decimal
    score: Decimal | None
    claimed: Decimal | None
    rate: Decimal | None
    raw: Decimal | None
    annual: Decimal | None
    executed: Decimal | None
    findings: tuple[Finding, ...]
    rule: CompiledRule | None = None
    policy: Policy | None = attrs.field(default=None, repr=False)
    ctx: Ctx | None = attrs.field(default=None, repr=False)

    @property
    def counted(self) -> Decimal:
        if self.score is not None:
            return self.score
        return self.claimed if self.claimed is not None else Decimal(0)

    def __reduce__(self) -> tuple[Any, ...]:
        # the rule (closures) travels as its index among the policy's budget rules
        rule_index = None
        if self.rule is not None and self.policy is not None:
            rule_index = next(i for i, r in enumerate(self.policy.budget_rules) if r is self.rule)
        return (
            _restore_budget,
            (
                self.weight,
                self.score,
                self.claimed,
                self.rate,
                self.raw,
                self.annual,
                self.executed,
                self.findings,
                rule_index,
                self.policy,
                self.ctx,
            ),
        )

    def explanation(self, lang: str = "zh") -> str:
        if self.rate is None or self.score is None:
            first = next((f for f in self.findings if f.severity in ("error", "warning")), None)
            if lang == "en":
                return f"budget not scored: {first.en}" if first else "budget not scored"
            return f"预算执行未评分：{first.zh}" if first else "预算执行未评分"
        if lang == "en":
            return (
                f"Executed {_plain(self.executed)} of an annual budget of {_plain(self.annual)}: "
                f"rate {self.rate:f}%, rule '{self.rule.name if self.rule else ''}' gives {self.score:f} of {_plain(self.weight)}"
            )
        return (
            f"全年执行数{_plain(self.executed)}，全年预算数{_plain(self.annual)}，执行率{self.rate:f}%，"
            f"按规则「{self.rule.name if self.rule else ''}」得{self.score:f}分（满分{_plain(self.weight)}分）"
        )

    def steps(self) -> tuple[Step, ...]:
        if self.rule is None or self.ctx is None or self.raw is None:
            return ()
        values = []
        for name, fn in self.rule.score_refs:
            try:
                values.append((name, _value_text(fn(self.ctx))))
            except EvalError:
                continue
        return (
            Step(
                "score",
                self.rule.score_text,
                tuple(values),
                _value_text(self.raw),
                _fmt(self.score),
            ),
        )

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        places = self.policy.places if self.policy else 2
        q = Decimal(1).scaleb(-places)
        return {
            "rate": _fmt(self.rate),
            "score": _fmt(self.score),
            "claimed": _fmt(_q(self.claimed, q)) if self.claimed is not None else None,
            "weight": _plain(self.weight),
            "annual": _fmt(self.annual),
            "executed": _fmt(self.executed),
            "rule": self.rule.label if self.rule else None,
            "explanation": self.explanation(lang),
            "steps": [s.to_dict() for s in self.steps()],
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def _restore_budget(
    weight: Decimal,
    score: Decimal | None,
    claimed: Decimal | None,
    rate: Decimal | None,
    raw: Decimal | None,
    annual: Decimal | None,
    executed: Decimal | None,
    findings: tuple[Finding, ...],
    rule_index: int | None,
    policy: Policy | None,
    ctx: Ctx | None,
) -> BudgetResult:
    rule = (
        policy.budget_rules[rule_index] if policy is not None and rule_index is not None else None
    )
    return BudgetResult(
        weight, score, claimed, rate, raw, annual, executed, findings, rule, policy, ctx
    )


def score_budget(policy: Policy, budget: Budget | None) -> BudgetResult:
    """Score the 预算执行率 element of a form under *policy*."""
    findings: list[Finding] = []
    where = budget.where if budget is not None else "budget"
    weight = (
        budget.weight if budget is not None and budget.weight is not None else policy.budget_weight
    )
    claimed = budget.score if budget is not None else None
    annual = budget.annual if budget is not None else None
    executed = budget.executed if budget is not None else None
    if budget is not None and budget.rows:
        annual, executed = _check_rows(policy, budget, annual, executed, findings)
    if annual is None or executed is None:
        findings.append(
            _builtin(
                "BUDGET_MISSING",
                "缺少全年预算数或全年执行数，预算执行率无法评分",
                "the annual budget or the executed amount is missing; budget execution not scored",
                where,
            )
        )
        return BudgetResult(
            weight, None, claimed, None, None, annual, executed, tuple(findings), policy=policy
        )
    ctx = Ctx()
    ctx.weight = weight
    ctx.claimed = claimed
    ctx.annual = annual
    ctx.executed = executed
    ctx.initial = budget.initial if budget is not None else None
    ctx.rate = executed / annual if annual else None
    ctx.printed_rate = budget.rate / 100 if budget is not None and budget.rate is not None else None
    rate_pct = policy.quantize(ctx.rate * 100, "rate") if ctx.rate is not None else None
    cell = budget.cell if budget is not None else (lambda f: f"budget.{f}")
    if (
        budget is not None
        and budget.rate is not None
        and rate_pct is not None
        and abs(budget.rate - rate_pct) > policy.tolerance
    ):
        findings.append(
            _builtin(
                "RATE_MISPRINTED",
                f"填报执行率{_fmt(budget.rate)}%，按全年执行数/全年预算数应为{rate_pct:f}%",
                f"printed rate {_fmt(budget.rate)}% but executed/annual gives {rate_pct:f}%",
                cell("rate"),
            )
        )
    rule = None
    raw = score = None
    try:
        for r in policy.budget_rules:
            if r.when is None or r.when(ctx):
                rule = r
                break
        if rule is not None and rule.score is not None:
            if rule.met is not None:
                ctx.met = bool(rule.met(ctx))
            raw = rule.score(ctx)
            score = policy.quantize(raw) if raw is not None else None
            ctx.scored = score
        elif rule is not None and rule.unscored is not None:
            zh, en = rule.unscored
            findings.append(Finding("NOT_SCORED", "warning", zh, en or zh, where, rule.where))
        fields = {
            "rate": f"{rate_pct:f}%" if rate_pct is not None else "",
            "annual": _plain(annual),
            "executed": _plain(executed),
            "weight": _plain(weight),
            "score": _fmt(score) or "—",
            "claimed": _fmt(claimed) or "—",
            "rule": rule.name if rule else "",
        }
        reason_needed = False
        if rule is not None:
            reason_needed = rule.reason_always or (
                rule.reason is not None and bool(rule.reason(ctx))
            )
            for cf in rule.findings:
                if cf.when is None or cf.when(ctx):
                    findings.append(
                        _rule_finding(cf, None, {k: fields.get(k, "") for k in _ALL_FIELDS}, where)
                    )
                    reason_needed = reason_needed or cf.reason_required
        if reason_needed and budget is not None and not budget.reason.strip():
            findings.append(
                _builtin(
                    "REASON_MISSING",
                    "预算执行情况须说明原因（如执行率偏低或年中调整）",
                    "the budget execution needs an explanation (e.g. a low rate or a mid-year adjustment)",
                    cell("reason"),
                )
            )
        if claimed is not None and score is not None and abs(claimed - score) > policy.tolerance:
            alts = [policy.quantize(a(ctx)) for a in (rule.accepts if rule else ())]
            if not any(abs(claimed - alt) <= policy.tolerance for alt in alts):
                findings.append(
                    _builtin(
                        "SCORE_MISMATCH",
                        f"预算执行自评{_fmt(claimed)}分，复核应得{_fmt(score)}分（执行率{rate_pct}%）",
                        f"budget execution claimed {_fmt(claimed)}, computed {_fmt(score)} (rate {rate_pct}%)",
                        cell("score"),
                    )
                )
        if claimed is not None and claimed > weight:
            findings.append(
                _builtin(
                    "SCORE_ABOVE_WEIGHT",
                    f"预算执行自评{_fmt(claimed)}分超过分值{_plain(weight)}分",
                    f"claimed {_fmt(claimed)} exceeds the weight {_plain(weight)}",
                    cell("score"),
                )
            )
    except EvalError as err:
        loc = str(err.loc) if err.loc else (rule.where if rule else "")
        findings.append(
            Finding(
                "POLICY_ERROR",
                "error",
                f"预算规则无法应用：{err.zh}（{loc}）",
                f"budget rule failed: {err.en} ({loc})",
                where,
                loc,
            )
        )
        score = raw = None
    return BudgetResult(
        weight, score, claimed, rate_pct, raw, annual, executed, tuple(findings), rule, policy, ctx
    )


_ALL_FIELDS = (
    "actual", "target", "weight", "score", "completion", "inclusive", "rule", "tier", "band",
    "claimed", "name", "rate", "annual", "executed",
)  # fmt: skip


def _check_rows(
    policy: Policy,
    budget: Budget,
    annual: Decimal | None,
    executed: Decimal | None,
    findings: list[Finding],
) -> tuple[Decimal | None, Decimal | None]:
    sums: dict[str, Decimal | None] = {}
    for field in ("initial", "annual", "executed"):
        values = [getattr(r, field) for r in budget.rows]
        present = [v for v in values if v is not None]
        sums[field] = sum(present, Decimal(0)) if present else None
    rebuilt = False
    if (not annual) and sums["annual"]:
        annual = sums["annual"]
        rebuilt = True
    if (not executed) and sums["executed"] and (rebuilt or executed is None):
        executed = sums["executed"]
        rebuilt = True
    if rebuilt:
        findings.append(
            _builtin(
                "BUDGET_REBUILT",
                f"年度资金总额行为空或为0，按其中各行合计重建：全年预算数{_plain(annual)}，全年执行数{_plain(executed)}",
                f"the total row is blank or 0; rebuilt from the sub-rows: annual {_plain(annual)}, executed {_plain(executed)}",
                budget.where,
            )
        )
        return annual, executed
    for field, label, total in (
        ("initial", "年初预算数", budget.initial),
        ("annual", "全年预算数", annual),
        ("executed", "全年执行数", executed),
    ):
        s = sums[field]
        if s is not None and total is not None and abs(s - total) > policy.tolerance:
            findings.append(
                _builtin(
                    "BUDGET_ROWS_SUM",
                    f"年度资金总额的{label}{_plain(total)}不等于其中各行之和{_plain(s)}",
                    f"the total row's {field} {_plain(total)} differs from the sum of its sub-rows {_plain(s)}",
                    budget.cell(field),
                )
            )
    return annual, executed


# ----------------------------------------------------------------------------- forms


@attrs.frozen(slots=True)
class SectionResult:
    name: str
    weight: Decimal
    score: Decimal
    claimed: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": _plain(self.weight),
            "score": _fmt(self.score),
            "claimed": _fmt(self.claimed),
        }


@attrs.frozen(slots=True, eq=False)
class FormResult:
    """A whole form scored: budget, sections, lines, total, grade and every finding."""

    form: Form
    policy: Policy
    budget: BudgetResult
    indicators: tuple[IndicatorResult, ...]
    sections: tuple[SectionResult, ...]
    total: Decimal
    grade: str | None
    form_findings: tuple[Finding, ...]

    @property
    def claimed_total(self) -> Decimal | None:
        return self.form.total

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the form: budget, each indicator's, and the form-level ones."""
        out = list(self.budget.findings)
        for r in self.indicators:
            out.extend(r.findings)
        out.extend(self.form_findings)
        return tuple(out)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def ok(self) -> bool:
        """True when no error-level finding exists."""
        return self.count("error") == 0

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        places = self.policy.rounding_at.get("total", (self.policy.places, ""))[0]
        q = Decimal(1).scaleb(-places)
        return {
            "policy": {"name": self.policy.name, "version": self.policy.version},
            "project": self.form.project,
            "year": self.form.year,
            "department": self.form.department,
            "source": self.form.source,
            "total": _fmt(self.total),
            "claimed_total": _fmt(_q(self.form.total, q)) if self.form.total is not None else None,
            "grade": self.grade,
            "budget": self.budget.to_dict(lang),
            "sections": [s.to_dict() for s in self.sections],
            "indicators": [r.to_dict(lang) for r in self.indicators],
            "findings": [f.to_dict(lang) for f in self.findings],
            "counts": {s: self.count(s) for s in SEVERITIES},
        }


def _section_key(policy: Policy, level1: str) -> str | None:
    """The policy section a 一级指标 belongs to: exact name, else the name without 指标 inside it."""
    if level1 in policy.weights:
        return level1
    for name in policy.section_weights:
        stem = name[:-2] if name.endswith("指标") else name
        if stem and stem in level1:
            return name
    return None


def score_form(form: Form | Mapping[str, Any], policy: Policy | str = "central") -> FormResult:
    """Score a whole form: budget execution, every indicator, sections, total, grade, audit.

    >>> import jixiao
    >>> form = jixiao.read_form("examples/seed.json")  # doctest: +SKIP
    >>> jixiao.score_form(form).total  # doctest: +SKIP
    Decimal('95.71')
    """
    from jixiao.policy.loader import load_policy

    pol = load_policy(policy)
    if not isinstance(form, Form):
        form = Form.from_dict(form)
    budget = score_budget(pol, form.budget)
    results = tuple(score_indicator(pol, ind) for ind in form.indicators)
    extra: list[Finding] = []

    sections: dict[str, list[IndicatorResult]] = {}
    for r in results:
        sections.setdefault(r.level1 or "（未分类）", []).append(r)
    section_results = []
    for name, rows in sections.items():
        weight = sum((r.weight or Decimal(0) for r in rows), Decimal(0))
        claimed_values = [r.claimed for r in rows]
        claimed = (
            sum((c for c in claimed_values if c is not None), Decimal(0))
            if any(c is not None for c in claimed_values)
            else None
        )
        section_results.append(
            SectionResult(
                name,
                weight,
                pol.quantize(sum((r.counted for r in rows), Decimal(0)), "total"),
                pol.quantize(claimed, "total") if claimed is not None else None,
            )
        )

    weight_total = budget.weight + sum((r.weight or Decimal(0) for r in results), Decimal(0))
    if results and weight_total != 100:
        extra.append(
            _builtin(
                "WEIGHTS_TOTAL",
                f"预算执行率分值{_plain(budget.weight)}与各指标分值合计为{_plain(weight_total)}，应为100",
                f"the budget weight {_plain(budget.weight)} and the indicator weights add up to {_plain(weight_total)}, not 100",
                "indicators",
            )
        )
    _check_sections(pol, budget, section_results, extra)

    total = pol.quantize(budget.counted + sum((r.counted for r in results), Decimal(0)), "total")
    grade = pol.grade(total)
    claimed_total = form.total
    if claimed_total is not None and abs(claimed_total - total) > pol.tolerance:
        extra.append(
            _builtin(
                "TOTAL_MISMATCH",
                f"自评总分{_fmt(claimed_total)}分，复核总分{total:f}分",
                f"claimed total {_fmt(claimed_total)}, computed total {total:f}",
                form.total_where,
            )
        )
    claimed_lines = [r.claimed for r in results]
    if (
        claimed_total is not None
        and budget.claimed is not None
        and all(c is not None for c in claimed_lines)
    ):
        claimed_sum = budget.claimed + sum((c for c in claimed_lines if c is not None), Decimal(0))
        if abs(claimed_sum - claimed_total) > pol.tolerance:
            extra.append(
                _builtin(
                    "TOTAL_NOT_SUM",
                    f"自评总分{_fmt(claimed_total)}分不等于各行自评得分之和{_fmt(claimed_sum)}分",
                    f"the claimed total {_fmt(claimed_total)} is not the sum of the claimed lines {_fmt(claimed_sum)}",
                    form.total_where,
                )
            )
    claimed_grade = form.grade
    if claimed_grade and grade is not None and claimed_grade != grade:
        extra.append(
            _builtin(
                "GRADE_WRONG",
                f"填报等级「{claimed_grade}」与复核总分{total:f}分对应的等级「{grade}」不符",
                f"the grade {claimed_grade!r} does not match {grade!r} for the total {total:f}",
                "grade",
            )
        )
    return FormResult(
        form, pol, budget, results, tuple(section_results), total, grade, tuple(extra)
    )


def _check_sections(
    pol: Policy, budget: BudgetResult, sections: list[SectionResult], out: list[Finding]
) -> None:
    defaults = pol.section_weights
    if not sections or all(s.name == "（未分类）" for s in sections):
        return
    diffs_zh: list[str] = []
    diffs_en: list[str] = []
    seen: set[str] = set()
    for s in sections:
        key = _section_key(pol, s.name)
        if key is None:
            diffs_zh.append(f"{s.name} {_plain(s.weight)}（政策未设此项）")
            diffs_en.append(f"{s.name} {_plain(s.weight)} (not a section of the policy)")
            continue
        seen.add(key)
        if defaults.get(key) != s.weight:
            diffs_zh.append(f"{s.name} {_plain(s.weight)}（默认{_plain(defaults.get(key))}）")
            diffs_en.append(f"{s.name} {_plain(s.weight)} (default {_plain(defaults.get(key))})")
    for key, value in defaults.items():
        if key not in seen:
            diffs_zh.append(f"{key} 0（默认{_plain(value)}）")
            diffs_en.append(f"{key} 0 (default {_plain(value)})")
    if budget.weight != pol.budget_weight:
        diffs_zh.append(
            f"{pol.budget_section} {_plain(budget.weight)}（默认{_plain(pol.budget_weight)}）"
        )
        diffs_en.append(
            f"{pol.budget_section} {_plain(budget.weight)} (default {_plain(pol.budget_weight)})"
        )
    if diffs_zh:
        out.append(
            _builtin(
                "WEIGHTS_NONDEFAULT",
                "一级指标权重与政策默认值不同：" + "；".join(diffs_zh),
                "section weights differ from the policy's defaults: " + "; ".join(diffs_en),
                "indicators",
                severity=pol.deviation,
            )
        )


def score_rows(
    rows: Iterable[Indicator | Mapping[str, Any]],
    policy: Policy | str = "central",
    *,
    start: int = 0,
) -> Iterator[IndicatorResult]:
    """Score a stream of indicator rows (dicts in the ``indicators[]`` shape) lazily, in order.

    A row that cannot even be read as an indicator yields an unscored result with a finding
    located at ``rows[i]`` (counting from *start*, e.g. a partition's first row number); the
    stream never stops on a bad row. Memory stays flat however long the stream: nothing is kept
    but the bounded caches (parsed cells, shared outcomes).

    >>> import jixiao
    >>> rows = [{"target": "≥45人", "actual": "40人", "weight": 10}, {"target": "≥45人"}]
    >>> [(r.score, [f.code for f in r.findings]) for r in jixiao.score_rows(rows)]
    [(Decimal('8.89'), ['REASON_MISSING']), (None, ['UNREADABLE_CELL'])]
    """
    from jixiao.policy.loader import load_policy

    pol = load_policy(policy)
    memo = _memo_of(pol)
    for i, row in enumerate(rows, start):
        try:
            if type(row) is dict and "target" in row and "actual" in row and "weight" in row:
                result = _score_mapping(pol, memo, row)
            else:
                result = score_indicator(pol, row)
        except FormError as err:
            result = _row_failed(pol, row, i, err)
        except Exception as err:  # one row never stops the batch; the finding names the error
            result = _row_failed(pol, row, i, err)
        yield result


def _row_failed(pol: Policy, row: Any, i: int, err: Exception) -> IndicatorResult:
    where = f"rows[{i}]"
    if isinstance(err, FormError):
        finding = _builtin(
            "UNREADABLE_CELL", f"此行无法读取：{err}", f"row cannot be read: {err}", where
        )
    else:
        kind = type(err).__name__
        finding = _builtin(
            "POLICY_ERROR",
            f"此行评分失败：{kind}: {err}",
            f"scoring this row failed: {kind}: {err}",
            where,
        )
    name = str(row.get("name", "")) if isinstance(row, Mapping) else ""
    return IndicatorResult(
        name=name,
        weight=None,
        score=None,
        claimed=None,
        met=None,
        findings=(finding,),
        basis="unscored",
        where=where,
        policy=pol,
        note=(f"无法评分：{finding.zh}", f"not scored: {finding.en}"),
    )
