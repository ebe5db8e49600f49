"""The results of scoring: one indicator, the budget, a section, a whole form.

Results are small objects over a shared, immutable outcome (:mod:`jixiao.evaluate.outcome`);
explanations and steps (:mod:`jixiao.evaluate.explain`) and JSON parts are built on first use.
They pickle without their closures (a rule travels as its index).

Longer than 500 lines on purpose: the four result types are read together and each is mostly properties.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from jixiao.decimals import in_context
from jixiao.evaluate.explain import (
    budget_explanation,
    budget_steps,
    explain,
    fields_of,
    steps_of,
)
from jixiao.evaluate.findings import (
    SEVERITIES,
    UNVERIFYING_CODES,
    VERIFIED_BASES,
    Finding,
    Step,
)
from jixiao.evaluate.findings import fmt_decimal as _fmt
from jixiao.evaluate.findings import fresh_copy as _fresh
from jixiao.evaluate.findings import plain_number as _plain
from jixiao.evaluate.findings import quantize_shown as _q
from jixiao.evaluate.outcome import Outcome, copy_ctx, new_ctx
from jixiao.forms.model import Form
from jixiao.policy.ast import Interval
from jixiao.policy.compiler import Ctx
from jixiao.policy.model import CompiledRule, Policy
from jixiao.targets.ast import Node

__all__ = [
    "BudgetResult",
    "FormResult",
    "IndicatorResult",
    "Outcome",
    "SectionResult",
    "make_result",
    "new_ctx",
]

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
    _o: Outcome
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
        o = Outcome(
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
            ctx = copy_ctx(self._o.ctx)
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
        return fields_of(self._o, self.name, lang)

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
            text = memo[key] = explain(self._o, self.name, lang)
        assert isinstance(text, str)
        return text

    @in_context
    def steps(self) -> tuple[Step, ...]:
        """The arithmetic behind the score: each formula, the values it used, the result."""
        memo = self._o.memo
        steps = memo.get("steps")
        if steps is None:
            steps = memo["steps"] = steps_of(self._o)
        assert isinstance(steps, tuple)
        return steps

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


def _restore_result(
    o: Outcome,
    name: str,
    level1: str,
    level2: str,
    where: str,
    findings: tuple[Finding, ...],
    row: int | None = None,
) -> IndicatorResult:
    return _result(o, name, level1, level2, where, findings, None, row)


def make_result(
    o: Outcome,
    name: str,
    level1: str,
    level2: str,
    where: str,
    findings: tuple[Finding, ...],
    ctx: Ctx | None = None,
    row: int | None = None,
) -> IndicatorResult:
    # The hot path of batch scoring: no __init__, no keyword arguments, and each field set
    # through its slot (no attribute look-up by name: a third less time than setattr)
    r: IndicatorResult = _new(IndicatorResult)
    _set_o(r, o)
    _set_ctx(r, ctx)
    _set_name(r, name)
    _set_level1(r, level1)
    _set_level2(r, level2)
    _set_where(r, where)
    _set_findings(r, findings)
    _set_row(r, row)
    return r


_SLOTS = IndicatorResult.__dict__
_set_o = _SLOTS["_o"].__set__
_set_ctx = _SLOTS["_ctx"].__set__
_set_name = _SLOTS["name"].__set__
_set_level1 = _SLOTS["level1"].__set__
_set_level2 = _SLOTS["level2"].__set__
_set_where = _SLOTS["where"].__set__
_set_findings = _SLOTS["findings"].__set__
_set_row = _SLOTS["row"].__set__

_result = make_result


_new = object.__new__


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
        return budget_explanation(self, lang)

    @in_context
    def steps(self) -> tuple[Step, ...]:
        return budget_steps(self)

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
        come from unverified rows."""
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
