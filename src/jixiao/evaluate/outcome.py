"""The outcome of scoring one indicator (what rows with the same inputs share) and the context
its rules see.

An :class:`Outcome` is what the evaluator decided for one row apart from the row's labels and
reason text; results (:mod:`jixiao.evaluate.results`) are small objects over one. :func:`new_ctx`
builds the context a rule reads from the parsed cells.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.policy.ast import Interval
from jixiao.policy.compiler import Ctx
from jixiao.policy.model import CompiledRule, Policy
from jixiao.targets.ast import Node, Range

__all__ = ["NO_CTX", "Outcome", "copy_ctx", "new_ctx", "quantity_base", "restore_outcome"]


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
        ctx_met = self.ctx.met if self.ctx is not None else NO_CTX
        return (
            restore_outcome,
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


#: What a pickled outcome says in place of a context it had none of
NO_CTX = "-"


def restore_outcome(
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
) -> Outcome:
    rule = policy.rules[rule_index] if policy is not None and rule_index is not None else None
    ctx = None
    if ctx_met != NO_CTX and target is not None and actual is not None:
        ctx = new_ctx(target, actual, weight, claimed)
        ctx.met = ctx_met if isinstance(ctx_met, bool) else None
        if rule is not None and (rule.score is not None or rule.tiers is not None):
            ctx.scored = score  # as _apply_rule left it for reasons and findings
    return Outcome(
        weight, score, claimed, met, rule, raw, tier, basis, band, target, actual, policy, ctx, note
    )


def unscored_outcome(
    weight: Decimal | None,
    claimed: Decimal | None,
    rule: CompiledRule | None,
    target: Node | None,
    actual: Node | None,
    policy: Policy | None,
    ctx: Ctx | None,
    note: tuple[str, str] | None,
) -> Outcome:
    """The outcome of a row that could not be scored (basis ``unscored``: no score, no met)."""
    return Outcome(
        weight, None, claimed, None, rule, None, None, "unscored", None, target, actual, policy, ctx,
        note,
    )  # fmt: skip


def quantity_base(node: Node | None) -> tuple[Decimal | None, str | None]:
    if node is None or node.kind == "range":
        return None, None
    q = node.quantity
    if q is None:
        return None, None
    return q.base, q.dimension


_CTX_SLOTS = Ctx.__slots__


def copy_ctx(src: Ctx) -> Ctx:
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
    ctx.tq, ctx.target_dim = quantity_base(tnode)
    if isinstance(tnode, Range):
        ctx.tlow = tnode.low_quantity.base
        ctx.thigh = tnode.high_quantity.base
        ctx.target_dim = tnode.low_quantity.dimension
    ctx.aq, ctx.actual_dim = quantity_base(anode)
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
