"""The syntax tree of a policy file: frozen attrs nodes, each with its source location.

Locations are excluded from equality so that two files that say the same thing compare equal.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import attrs

from jixiao.catalog import Severity
from jixiao.errors import Location

__all__ = [
    "AcceptStmt",
    "And",
    "Bands",
    "BinOp",
    "Bool",
    "Call",
    "Cmp",
    "Example",
    "ExplainStmt",
    "Expr",
    "FindingStmt",
    "If",
    "In",
    "Interval",
    "MetStmt",
    "Neg",
    "Not",
    "Num",
    "Or",
    "PolicyFile",
    "ReasonStmt",
    "Ref",
    "Rule",
    "ScoreStmt",
    "Stmt",
    "Str",
    "Tier",
    "TierTable",
    "TiersStmt",
    "UnscoredStmt",
    "children",
]


def _loc() -> Location:
    return attrs.field(factory=Location, eq=False, repr=False, kw_only=True)


# ---------------------------------------------------------------- expressions


@attrs.frozen(slots=True)
class Num:
    """A number literal; ``90%`` is 0.9, ``5万元`` carries its unit."""

    value: Decimal
    text: str
    unit: str | None = None
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Str:
    value: str
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Bool:
    value: bool
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Ref:
    """A name (``weight``, ``over_ratio``) or an attribute path (``target.op``)."""

    path: tuple[str, ...]
    loc: Location = _loc()

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@attrs.frozen(slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    loc: Location = _loc()


@attrs.frozen(slots=True)
class BinOp:
    op: str
    left: Expr
    right: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Neg:
    operand: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Cmp:
    op: str
    left: Expr
    right: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class In:
    item: Expr
    options: tuple[Expr, ...]
    negate: bool = False
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Not:
    operand: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class And:
    left: Expr
    right: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Or:
    left: Expr
    right: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class If:
    cond: Expr
    then: Expr
    otherwise: Expr
    loc: Location = _loc()


@attrs.frozen(slots=True)
class Interval:
    """A band: ``[80%, 100%]``, ``[0, 60%)``, ``[100%, inf)``; ``None`` is an infinite end.

    The one type of every band in jixiao: a tier's band and a grade's band as the policy writes
    them (shares of the weight, or points of the total), and a tier's band in points
    (:meth:`scaled`) as :attr:`jixiao.evaluate.IndicatorResult.band` gives it.
    """

    low: Decimal | None
    high: Decimal | None
    low_inclusive: bool
    high_inclusive: bool
    loc: Location = _loc()

    def contains(self, x: Decimal) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        return not (
            self.high is not None
            and (x > self.high or (x == self.high and not self.high_inclusive))
        )

    def scaled(self, weight: Decimal, quantize: Callable[[Decimal], Decimal]) -> Interval:
        """This band, written as shares of the weight, in points of *weight*: each end times the
        weight and rounded by *quantize* (the policy's rounding); an open low end is 0 points and
        an open high end the full weight.

        >>> Interval(Decimal("0.6"), Decimal("0.8"), True, False).scaled(Decimal(7), lambda d: d)
        Interval(low=Decimal('4.2'), high=Decimal('5.6'), low_inclusive=True, high_inclusive=False)
        """
        low = self.low if self.low is not None else Decimal(0)
        high = self.high if self.high is not None else Decimal(1)
        return Interval(
            quantize(weight * low),
            quantize(weight * high),
            self.low_inclusive,
            self.high_inclusive,
            loc=self.loc,
        )

    def render(self, percent: bool = False, *, points: bool = False) -> str:
        """``[60%, 80%)`` (*percent*), ``[0.6, 0.8)``, or with *points* the ends as stored
        (``[4.20, 5.60)``: a band in points keeps the places it was rounded to)."""

        def b(v: Decimal | None, inf: str) -> str:
            if v is None:
                return inf
            if percent:
                return f"{(v * 100).normalize():f}%"
            return f"{v:f}" if points else f"{v.normalize():f}"

        return (
            ("[" if self.low_inclusive else "(")
            + b(self.low, "-∞")
            + ", "
            + b(self.high, "∞")
            + ("]" if self.high_inclusive else ")")
        )


@attrs.frozen(slots=True)
class Bands:
    subject: Expr
    bands: tuple[tuple[Interval, Expr], ...]
    loc: Location = _loc()


Expr = Num | Str | Bool | Ref | Call | BinOp | Neg | Cmp | In | Not | And | Or | If | Bands


def children(e: Expr) -> tuple[Expr, ...]:
    """The expressions directly inside *e* (none for a literal or a name).

    >>> [type(c).__name__ for c in children(BinOp("*", Ref(("weight",)), Num(Decimal(2), "2")))]
    ['Ref', 'Num']
    """
    if isinstance(e, BinOp | Cmp | And | Or):
        return (e.left, e.right)
    if isinstance(e, Neg | Not):
        return (e.operand,)
    if isinstance(e, If):
        return (e.cond, e.then, e.otherwise)
    if isinstance(e, In):
        return (e.item, *e.options)
    if isinstance(e, Call):
        return tuple(e.args)
    if isinstance(e, Bands):
        return (e.subject, *(v for _band, v in e.bands))
    return ()


# ---------------------------------------------------------------- statements


@attrs.frozen(slots=True)
class MetStmt:
    cond: Expr
    text: str = attrs.field(default="", eq=False, kw_only=True)
    loc: Location = _loc()


@attrs.frozen(slots=True)
class ScoreStmt:
    expr: Expr
    text: str = attrs.field(default="", eq=False, kw_only=True)
    loc: Location = _loc()


@attrs.frozen(slots=True)
class TiersStmt:
    table: str
    loc: Location = _loc()


@attrs.frozen(slots=True)
class UnscoredStmt:
    zh: str
    en: str | None = None
    loc: Location = _loc()


@attrs.frozen(slots=True)
class ReasonStmt:
    cond: Expr | None = None
    unless: bool = False
    loc: Location = _loc()


@attrs.frozen(slots=True)
class FindingStmt:
    severity: Severity
    code: str
    cond: Expr | None
    zh: str
    en: str | None = None
    reason_required: bool = False
    loc: Location = _loc()


@attrs.frozen(slots=True)
class AcceptStmt:
    expr: Expr
    text: str = attrs.field(default="", eq=False, kw_only=True)
    loc: Location = _loc()


@attrs.frozen(slots=True)
class ExplainStmt:
    outcome: Literal["met", "unmet", "always"]
    zh: str
    en: str | None = None
    loc: Location = _loc()


Stmt = (
    MetStmt
    | ScoreStmt
    | TiersStmt
    | UnscoredStmt
    | ReasonStmt
    | FindingStmt
    | AcceptStmt
    | ExplainStmt
)


@attrs.frozen(slots=True)
class Rule:
    name: str
    when: Expr | None
    stmts: tuple[Stmt, ...]
    placement: tuple[str, str] | None = None
    loc: Location = _loc()
    # ``amend rule "…" { … }``: change an inherited rule, keeping what the amendment does not restate
    amend: bool = attrs.field(default=False, kw_only=True)
    en: str | None = attrs.field(default=None, kw_only=True)  # English label


# ---------------------------------------------------------------- tables and examples


@attrs.frozen(slots=True)
class Tier:
    name: str
    band: Interval
    default: Decimal | None
    words: tuple[str, ...] = ()
    loc: Location = _loc()
    en: str | None = attrs.field(default=None, kw_only=True)  # English label: 达成 "met"


@attrs.frozen(slots=True)
class TierTable:
    name: str
    tiers: tuple[Tier, ...]
    roles: tuple[tuple[str, str, Location], ...] = ()
    status: tuple[tuple[str, str, Location], ...] = ()
    loc: Location = _loc()
    # ``drop 未达成``: remove an inherited tier; ``move "基本完成" to 部分达成``: move words
    drops: tuple[tuple[str, Location], ...] = attrs.field(default=(), kw_only=True)
    moves: tuple[tuple[tuple[str, ...], str, Location], ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen(slots=True)
class Example:
    name: str
    inputs: tuple[tuple[str, object, Location], ...]
    expects: tuple[tuple[str, object, Location], ...]
    findings: tuple[tuple[str, bool, Location], ...]
    loc: Location = _loc()


@attrs.frozen
class PolicyFile:
    """Everything one file says, in order; ``extends`` is resolved by the loader."""

    path: str
    text: str
    name: str | None = None
    version: str | None = None
    extends: str | None = None
    extends_loc: Location | None = attrs.field(default=None, eq=False)
    title: tuple[str, str | None] | None = None
    source: str | None = None
    years: tuple[int, int | None] | None = None
    rounding: tuple[int, str] | None = None
    rounding_at: tuple[tuple[str, int, str, Location], ...] = ()
    tolerance: Decimal | None = None
    lets: tuple[tuple[str, Expr, Location], ...] = ()
    weights: tuple[tuple[str, Decimal, Location], ...] = ()
    deviation: Severity | None = None
    budget_rules: tuple[Rule, ...] = ()
    budget_drops: tuple[tuple[str, Location], ...] = ()
    rules: tuple[Rule, ...] = ()
    drops: tuple[tuple[str, Location], ...] = ()
    tiers: tuple[TierTable, ...] = ()
    grades: tuple[tuple[str, Interval], ...] | None = None
    grades_loc: Location | None = None
    placeholders: tuple[str, ...] | None = None
    reason_cues: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    severities: tuple[tuple[str, str, Location], ...] = ()
    regions: tuple[str, ...] = ()
    tier_drops: tuple[tuple[str, Location], ...] = ()
    grade_labels: tuple[tuple[str, str], ...] = ()
    # ``cap "成本指标" 5``, ``cap total 100`` ("" names the total)
    caps: tuple[tuple[str, Decimal, Location], ...] = ()
    not_applicable: tuple[str, ...] | None = None
    examples: tuple[Example, ...] = ()
    loc: Location = _loc()
