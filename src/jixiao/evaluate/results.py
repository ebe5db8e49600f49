"""The results of scoring: one indicator, the budget, a section, a whole form.

Results are small objects over a shared, immutable outcome; explanations, steps and JSON parts are
built on first use. They pickle without their closures (a rule travels as its index).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from jixiao.decimals import in_context
from jixiao.evaluate.findings import QUANTITY_REFS as _QUANTITY_REFS
from jixiao.evaluate.findings import (
    SEVERITIES,
    UNVERIFYING_CODES,
    VERIFIED_BASES,
    Finding,
    Step,
)
from jixiao.evaluate.findings import display_unit as _display_unit
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import fresh_copy as _fresh
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.findings import value_text as _value_text
from jixiao.forms.model import Form
from jixiao.policy.ast import Interval
from jixiao.policy.compiler import Ctx, EvalError
from jixiao.policy.model import CompiledRule, Policy
from jixiao.targets.ast import Amount, Comparison, Deadline, Node, Range


class Outcome:
    """What scoring decided for one indicator, apart from the row's labels and reason.

    Rows whose observable inputs are the same share one outcome (see :mod:`jixiao.evaluate.memo`); it is never
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
        band: Interval | None,
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


_Outcome = Outcome


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
    band: Interval | None,
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

    __slots__ = ("_ctx", "_o", "findings", "level1", "level2", "name", "row", "where")

    name: str
    findings: tuple[Finding, ...]
    row: int | None  # the row's number among the form's indicators (1 first), set by score_form
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
        band: Interval | None = None,
        target: Node | None = None,
        actual: Node | None = None,
        level1: str = "",
        level2: str = "",
        where: str = "",
        policy: Policy | None = None,
        ctx: Ctx | None = None,
        note: tuple[str, str] | None = None,
        row: int | None = None,
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
        _set(self, "row", row)

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore_result,
            (self._o, self.name, self.level1, self.level2, self.where, self.findings, self.row),
        )

    def __repr__(self) -> str:
        o = self._o
        return (
            f"IndicatorResult(name={self.name!r}, weight={o.weight!r}, score={o.score!r}, "
            f"claimed={o.claimed!r}, met={o.met!r}, findings={self.findings!r}, "
            f"rule={o.rule.label if o.rule else None!r}, raw={o.raw!r}, tier={o.tier!r}, "
            f"basis={o.basis!r}, band={o.band!r}, target={o.target!r}, actual={o.actual!r}, "
            f"level1={self.level1!r}, level2={self.level2!r}, where={self.where!r}, "
            f"note={o.note!r}, row={self.row!r})"
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
    def band(self) -> Interval | None:
        """A qualitative row's tier band in points (``[4.20, 5.60)`` of a weight of 7), or None."""
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

    @property
    def verified(self) -> bool:
        """True only when the score was computed from what the row's cells say; False when it
        rests on the claim (unscored, or a tier inferred from the claimed score), on words where
        a number belongs, on an ambiguous reading … — such a row always carries a warning or an
        error saying why (see ``UNVERIFYING_CODES`` and ``VERIFIED_BASES``)."""
        o = self._o
        return (
            o.score is not None
            and o.basis in VERIFIED_BASES
            and not any(f.code in UNVERIFYING_CODES for f in self.findings)
        )

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
            band = self.band.render(points=True)
        return {
            "actual": _actual_text(self.actual),
            "target": self.target.render() if self.target is not None else "",
            "weight": _plain(self.weight),
            "score": _fmt(self.score) or "—",
            "completion": completion,
            "inclusive": inclusive,
            "rule": self.rule.title(lang) if self.rule else "",
            "tier": (self.policy.label(self.tier, lang) if self.policy else self.tier)
            if self.tier
            else "",
            "band": band,
            "claimed": format(_q(self.claimed, q), "f") if self.claimed is not None else "—",
            "name": self.name,
            "rate": "",
            "annual": "",
            "executed": "",
        }

    @in_context
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
        en = lang == "en"
        if self.note is not None:
            return self.note[1] if en else self.note[0]
        return self._explain_scored(lang) + _reading_clause(self.actual, en)

    def _explain_scored(self, lang: str) -> str:
        f = self._fields(lang)
        en = lang == "en"
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

    @in_context
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

    @in_context
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
            "row": self.row,
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
            "verified": self.verified,
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


def _actual_text(actual: Node | None) -> str:
    """The actual as the explanation quotes it: for a quantity read out of a longer text, the
    quantity alone (the rest is quoted as the note)."""
    if actual is None:
        return ""
    if isinstance(actual, Amount) and actual.reading in ("extracted", "chosen"):
        return Amount(actual.amount, actual.approx).render()
    if isinstance(actual, Comparison) and actual.reading in ("extracted", "chosen"):
        return Comparison(actual.op, actual.amount).render()
    if isinstance(actual, Deadline) and actual.reading in ("extracted", "chosen"):
        return attrs.evolve(actual, prefix=None, suffix=None, goal=None).render()
    return actual.render()


def _reading_clause(actual: Node | None, en: bool) -> str:
    """What the explanation adds about how the actual was read: the note kept beside the
    quantity, the candidate picked, a fraction read as a percent, an approximation."""
    if isinstance(actual, Deadline) and actual.reading in ("extracted", "chosen"):
        rest = "…".join(t for t in (actual.prefix, actual.suffix) if t)
        date = _actual_text(actual)
        return (
            f" (the date {date} of the actual is used; note {rest!r})"
            if en
            else f"（按实际完成值中的日期{date}认定；说明「{rest}」）"
        )
    if not isinstance(actual, Amount | Comparison):
        return ""
    shown = actual.amount.render()
    reading = actual.reading
    parts: list[tuple[str, str]] = []
    if reading in ("extracted", "chosen"):
        rest = "…".join(t for t in (actual.label, actual.note) if t)
        if reading == "chosen":
            names = "、".join(q.render() for q in actual.candidates)
            parts.append(
                (
                    f"实际完成值中有多个数量（{names}），按「实际」「完成」后的{shown}计",
                    f"the actual names several quantities ({names}); {shown}, after 实际/完成, is used",
                )
            )
        else:
            parts.append(
                (f"按实际完成值中的{shown}计", f"scored from the {shown} the actual states")
            )
        if rest:
            parts.append((f"说明「{rest}」", f"note {rest!r}"))
    elif reading == "fraction":
        written = format(actual.amount.value.scaleb(-2).normalize(), "f")
        parts.append(
            (f"实际完成值「{written}」按比例读作{shown}", f"the bare {written} is read as {shown}")
        )
    core = _actual_text(actual)
    if isinstance(actual, Amount) and actual.approx == "about":
        parts.append(
            (f"「{core}」为约数，按{shown}计", f"{core!r} is approximate; {shown} is used")
        )
    elif (isinstance(actual, Amount) and actual.approx) or (
        isinstance(actual, Comparison) and actual.op != "="
    ):
        parts.append((f"「{core}」为界限，按{shown}计", f"{core!r} is a bound; {shown} is used"))
    if not parts:
        return ""
    if en:
        return " (" + "; ".join(p[1] for p in parts) + ")"
    return "（" + "；".join(p[0] for p in parts) + "）"


def _tier_sentence(r: IndicatorResult, f: dict[str, str], en: bool) -> str:
    basis = r.basis
    if en:
        head = {
            "words": "The actual '{actual}' reads as tier '{tier}' (band {band})",
            "status": "The actual '{actual}' reads as tier '{tier}' (band {band})",
            "deadline": "Completed {actual} against the deadline {target}: tier '{tier}' (band {band})",
            "claimed": "The actual does not name a tier; the claimed {claimed} lies in tier '{tier}' (band {band})",
            "echo": "The actual restates the target; taken as tier '{tier}' (band {band})",
            "scale": "The actual '{actual}' is grade '{actual}' of the scale {target}: tier '{tier}' (band {band})",
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
            "scale": "实际完成情况「{actual}」在等级量表「{target}」中，属「{tier}」档（得分区间{band}）",
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


def _quantity_base(node: Node | None) -> tuple[Decimal | None, str | None]:
    if node is None or node.kind == "range":
        return None, None
    q = node.quantity
    if q is None:
        return None, None
    return q.base, q.dimension


def _restore_result(
    o: _Outcome,
    name: str,
    level1: str,
    level2: str,
    where: str,
    findings: tuple[Finding, ...],
    row: int | None = None,
) -> IndicatorResult:
    return _result(o, name, level1, level2, where, findings, None, row)


def make_result(
    o: _Outcome,
    name: str,
    level1: str,
    level2: str,
    where: str,
    findings: tuple[Finding, ...],
    ctx: Ctx | None = None,
    row: int | None = None,
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
    _set(r, "row", row)
    return r


_result = make_result


_new = object.__new__


_CTX_SLOTS = Ctx.__slots__


def _copy_ctx(src: Ctx) -> Ctx:
    ctx = Ctx()
    for slot in _CTX_SLOTS:
        setattr(ctx, slot, getattr(src, slot))
    return ctx


def new_ctx(
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
    if ctx.aq is not None and ctx.aq < 0 and not (ctx.tq is not None and ctx.tq < 0):
        # a negative completion counts as 0 (scoring-rules §5 Q1), unless the target itself is
        # negative (≥-5%): then the sign is what is being measured
        ctx.aq = Decimal(0)
    return ctx


_new_ctx = new_ctx


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

    @property
    def verified(self) -> bool:
        """True when the budget score was computed from readable 全年预算数 and 全年执行数 cells."""
        return self.score is not None and not any(
            f.code in UNVERIFYING_CODES or f.code == "UNREADABLE_CELL" for f in self.findings
        )

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

    @in_context
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

    @in_context
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

    @in_context
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
            "verified": self.verified,
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


@attrs.frozen(slots=True)
class SectionResult:
    name: str
    weight: Decimal
    score: Decimal
    claimed: Decimal | None

    @in_context
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
    # True when the total has no basis (no indicator row could be verified, or there are no
    # rows): it is shown as a partial sum and no grade is given
    partial: bool = False

    @property
    def claimed_total(self) -> Decimal | None:
        return self.form.total

    @property
    def verified_rows(self) -> int:
        return sum(1 for r in self.indicators if r.verified)

    @property
    def unverified_rows(self) -> int:
        return len(self.indicators) - self.verified_rows

    @property
    def unverified_points(self) -> Decimal:
        """The points of the total that rest on unverified rows (claims kept, tiers inferred,
        words where a number belongs …), the budget line included when it is unverified."""
        points = sum((r.counted for r in self.indicators if not r.verified), Decimal(0))
        if not self.budget.verified:
            points += self.budget.counted
        return self.policy.quantize(points, "total")

    def verification(self) -> dict[str, Any]:
        """The summary every report shows: rows verified and unverified, and the points that
        rest on unverified claims."""
        return {
            "rows": len(self.indicators),
            "verified": self.verified_rows,
            "unverified": self.unverified_rows,
            "budget_verified": self.budget.verified,
            "unverified_points": _fmt(self.unverified_points),
        }

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

    @in_context
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
            "partial": self.partial,
            "claimed_total": _fmt(_q(self.form.total, q)) if self.form.total is not None else None,
            "grade": self.grade,
            "verification": self.verification(),
            "budget": self.budget.to_dict(lang),
            "sections": [s.to_dict() for s in self.sections],
            "indicators": [r.to_dict(lang) for r in self.indicators],
            "findings": [f.to_dict(lang) for f in self.findings],
            "counts": {s: self.count(s) for s in SEVERITIES},
        }
