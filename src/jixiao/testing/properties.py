"""Properties every scoring policy should have, checked by generating inputs with hypothesis.

:func:`check_policy` runs each property as a hypothesis search over generated indicators, budgets
and forms, and reports every property the policy breaks with the counterexample hypothesis shrank
it to. Runs are deterministic: derandomized unless a seed is given, and never read or write the
example database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy

from jixiao.errors import PolicyProblem
from jixiao.evaluate import score_budget, score_form, score_indicator
from jixiao.policy.compiler import check_bands
from jixiao.policy.model import Policy, TierTableRT
from jixiao.policy.names import did_you_mean
from jixiao.targets.ast import (
    Actual,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    Target,
)
from jixiao.testing import _seeds
from jixiao.testing import strategies as js
from jixiao.testing._cases import BudgetCase, Case, FormCase, dec
from jixiao.testing._render import render_example

__all__ = [
    "PROPERTIES",
    "PolicyReport",
    "Violation",
    "assert_policy_ok",
    "check_policy",
    "describe_property",
]

T = TypeVar("T")

#: The property names, in the order they run. Stable: skip one with ``skip=[name]``.
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
)

_DESCRIPTIONS: dict[str, tuple[str, str]] = {
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
        "总分不超过100，且等于各行得分之和",
        "the total never exceeds 100 and equals the sum of its lines",
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
}


def describe_property(name: str, lang: str = "zh") -> str:
    """The one-sentence statement of a property (Chinese, or English with ``lang="en"``)."""
    zh, en = _DESCRIPTIONS[name]
    return en if lang == "en" else zh


# ----------------------------------------------------------------------------- results


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
        en = lang == "en"
        head = f"✗ {self.property} — {describe_property(self.property, lang)}"
        lines = [head, f"    {self.message(lang)}"]
        body = render_example(self.example, self.outcome, lang)
        if body:
            lines.append(body)
        if self.rule:
            lines.append(("    rule: " if en else "    规则：") + self.rule)
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "property": self.property,
            "description": describe_property(self.property, lang),
            "message": self.message(lang),
            "example": _jsonable(self.example),
            "outcome": _jsonable(self.outcome),
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
        en = lang == "en"
        head = f"{self.policy_name} ({self.policy_path})"
        lines = []
        if self.ok:
            lines.append(
                f"✓ {head}: all {len(self.checked)} properties hold"
                if en
                else f"✓ {head}：{len(self.checked)} 项性质全部成立"
            )
        else:
            lines.append(
                f"✗ {head}: {len(self.violations)} of {len(self.checked)} properties broken"
                if en
                else f"✗ {head}：{len(self.checked)} 项性质中有 {len(self.violations)} 项不成立"
            )
        for name in self.checked:
            if self.violation(name) is None:
                lines.append(f"  ✓ {name} — {describe_property(name, lang)}")
        for v in self.violations:
            lines.append("")
            lines.append("  " + v.render(lang).replace("\n", "\n  "))
        if self.skipped:
            lines.append("")
            lines.append(("skipped: " if en else "已跳过：") + ", ".join(self.skipped))
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return dec(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# ----------------------------------------------------------------------------- running


@attrs.frozen(slots=True)
class _Row:
    """What the policy made of one indicator or budget row."""

    score: Decimal | None
    met: bool | None = None
    rule: str | None = None
    tier: str | None = None
    codes: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    error: str | None = None
    rate: Decimal | None = None
    basis: str = ""
    rule_tiers: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": _f(self.score), "rule": self.rule}
        if self.met is not None:
            out["met"] = self.met
        if self.tier is not None:
            out["tier"] = self.tier
        if self.rate is not None:
            out["rate"] = _f(self.rate)
        out["findings"] = list(self.codes)
        if self.error is not None:
            out["error"] = self.error
        return out

    def first(self, code: str) -> str:
        for c, m in zip(self.codes, self.messages, strict=True):
            if c == code:
                return m
        return ""


def _score_case(policy: Policy, case: Case) -> _Row:
    try:
        r = score_indicator(policy, case.to_indicator())
    except Exception as err:  # a crash is itself a finding about the policy or the evaluator
        return _Row(None, error=f"{type(err).__name__}: {err}")
    return _Row(
        r.score,
        r.met,
        r.rule.label if r.rule is not None else None,
        r.tier,
        tuple(f.code for f in r.findings),
        tuple(f.zh for f in r.findings),
        basis=r.basis,
        rule_tiers=r.rule.tiers if r.rule is not None else None,
    )


def _score_budget(policy: Policy, case: BudgetCase) -> _Row:
    try:
        r = score_budget(policy, case.to_budget())
    except Exception as err:
        return _Row(None, error=f"{type(err).__name__}: {err}")
    return _Row(
        r.score,
        None,
        r.rule.label if r.rule is not None else None,
        codes=tuple(f.code for f in r.findings),
        messages=tuple(f.zh for f in r.findings),
        rate=r.rate,
    )


@attrs.frozen(slots=True)
class _Problem:
    zh: str
    en: str
    example: Mapping[str, Any]
    outcome: Mapping[str, Any]
    rule: str | None = None
    kind: str = ""


class _Found(Exception):
    def __init__(self, problem: _Problem) -> None:
        super().__init__(problem.en)
        self.problem = problem


_FOUND_KINDS: dict[str, type[_Found]] = {}


def _found(problem: _Problem) -> _Found:
    """An exception whose class names the kind of problem: hypothesis treats each class as a
    distinct bug and shrinks it on its own, so a shrunk example never drifts to another kind."""
    cls = _FOUND_KINDS.get(problem.kind)
    if cls is None:
        cls = type(f"_Found_{len(_FOUND_KINDS)}", (_Found,), {})
        _FOUND_KINDS[problem.kind] = cls
    return cls(problem)


@attrs.frozen(slots=True)
class _Config:
    max_examples: int
    seed: int | None


def _search(
    strategy: SearchStrategy[T],
    check: Callable[[T], _Problem | None],
    cfg: _Config,
    seeds: Iterable[T] = (),
    smaller: Callable[[T], Iterable[T]] | None = None,
) -> _Problem | None:
    """Run *check* on generated values; return the shrunk problem of the first failure, if any.

    When hypothesis finds nothing, the fixed *seeds* (see :mod:`jixiao.testing._seeds`) are
    tried too, so that a small example budget never misses a whole class of input. A failing
    seed is made smaller with *smaller* (simpler variants of a value) while it keeps failing
    the same way.
    """

    @settings(
        max_examples=cfg.max_examples,
        derandomize=cfg.seed is None,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )
    @given(strategy)
    def run(value: T) -> None:
        problem = check(value)
        if problem is not None:
            raise _found(problem)

    runner: Callable[[], None] = run
    if cfg.seed is not None:
        runner = hypothesis_seed(cfg.seed)(run)
    try:
        runner()
    except _Found as found:
        return found.problem
    except Unsatisfiable:
        pass
    for value in seeds:
        problem = check(value)
        if problem is not None:
            return _reduce(value, problem, check, smaller)
    return None


def _reduce(
    value: T,
    problem: _Problem,
    check: Callable[[T], _Problem | None],
    smaller: Callable[[T], Iterable[T]] | None,
) -> _Problem:
    """Greedy reduction of a failing seed: take the first simpler variant that fails alike."""
    if smaller is None:
        return problem
    for _ in range(50):
        for candidate in smaller(value):
            again = check(candidate)
            if again is not None and again.kind == problem.kind:
                value, problem = candidate, again
                break
        else:
            return problem
    return problem


def _fewer_rows(form: FormCase) -> Iterable[FormCase]:
    """*form* without one of its rows, weights spread again so that they add up to 100."""
    if len(form.rows) < 2:
        return
    for i in range(len(form.rows)):
        rows = form.rows[:i] + form.rows[i + 1 :]
        weights = js.apportion([1] * len(rows), Decimal(100) - form.budget.weight)
        yield attrs.evolve(
            form,
            rows=tuple(
                attrs.evolve(r, weight=w, claimed=None if r.claimed is None else min(r.claimed, w))
                for r, w in zip(rows, weights, strict=True)
            ),
        )


def _fewer_rows_ordered(
    value: tuple[FormCase, tuple[int, ...]],
) -> Iterable[tuple[FormCase, tuple[int, ...]]]:
    form, order = value
    for i, smaller in enumerate(_fewer_rows(form)):
        rest = [j - (j > i) for j in order if j != i]
        yield smaller, tuple(rest)


def _rows_example(
    cases: Sequence[Case], rows: Sequence[_Row]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"indicators": [c.to_dict() for c in cases]},
        {"results": [r.to_dict() for r in rows]},
    )


def _budget_example(
    cases: Sequence[BudgetCase], rows: Sequence[_Row]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"budgets": [c.to_dict() for c in cases]},
        {"results": [r.to_dict() for r in rows]},
    )


def _f(value: Decimal | None) -> str | None:
    return format(value, "f") if value is not None else None


def _s(value: Decimal | None) -> str:
    """A score or number as the evaluator gave it (``8.89``, ``10.00``), ``—`` for none."""
    return format(value, "f") if value is not None else "—"


# ----------------------------------------------------------------------------- strategies


def _policy_words(policy: Policy) -> tuple[str, ...]:
    """Every word of the policy's tier tables, and the usual completion words, shortest first."""
    words = {w for table in policy.tiers.values() for w in table.words}
    words.update(w for w, _ in js.OUTCOME_WORDS)
    return tuple(sorted(words, key=lambda w: (len(w), w)))


def _any_actual(policy: Policy) -> Callable[[Target], SearchStrategy[Actual]]:
    """Actuals that fit the target, and sometimes a blank cell or a word of the policy's tiers."""
    words = st.sampled_from(_policy_words(policy)).map(lambda w: Outcome(w, "done"))

    def actual(target: Target) -> SearchStrategy[Actual]:
        return st.one_of(js.actuals(target), words, st.just(Empty()))

    return actual


def _policy_claims(policy: Policy) -> Callable[[Decimal], SearchStrategy[Decimal | None]]:
    """Claimed scores that also sit on the edges and default points of the policy's tiers."""
    shares = set(js._CLAIM_SHARES)
    for table in policy.tiers.values():
        for t in table.tiers:
            shares.update(x for x in (t.band.low, t.band.high, t.default) if x is not None)
    ordered = tuple(sorted((x for x in shares if 0 <= x <= 1), reverse=True))
    return lambda weight: js.claimed_scores(weight, ordered)


_ALL_KINDS = ("comparison", "quantity", "range", "qualitative", "deadline", "empty")


def _numeric_targets() -> SearchStrategy[Target]:
    return js.targets(kinds=js.NUMERIC_KINDS)


def _top_words(policy: Policy) -> tuple[str, ...]:
    words: set[str] = set()
    for table in policy.tiers.values():
        top = table.top.name
        words.update(w for w, t in table.words.items() if t == top)
    return tuple(sorted(words, key=lambda w: (len(w), w)))


# ----------------------------------------------------------------------------- properties


def _p_score_in_bounds(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(case: Case) -> _Problem | None:
        row = _score_case(policy, case)
        return _bounds_problem(case.weight, row, lambda: _rows_example([case], [row]))

    cases = js.cases(
        js.targets(kinds=_ALL_KINDS),
        actual=_any_actual(policy),
        claim=_policy_claims(policy),
    )
    problem = _search(cases, check, cfg, _seeds.indicator_seeds([policy]))
    if problem is not None:
        return problem

    def check_budget(case: BudgetCase) -> _Problem | None:
        row = _score_budget(policy, case)
        return _bounds_problem(case.weight, row, lambda: _budget_example([case], [row]))

    budgets = st.one_of(st.just(policy.budget_weight), js.weights()).flatmap(
        lambda w: js.budget_cases(w)
    )
    seeds = _seeds.budget_seeds(_budget_weights(policy))
    return _search(budgets, check_budget, cfg, seeds)


def _budget_weights(policy: Policy) -> list[Decimal]:
    return sorted({policy.budget_weight, Decimal(1), Decimal(5)})


def _bounds_problem(
    weight: Decimal,
    row: _Row,
    example: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
) -> _Problem | None:
    if row.error is not None:
        kind = "crash"
        zh = f"评分时抛出异常：{row.error}"
        en = f"scoring raised {row.error}"
    elif "POLICY_ERROR" in row.codes:
        kind = "policy_error"
        msg = row.first("POLICY_ERROR")
        zh, en = f"规则无法应用：{msg}", f"a rule failed on this input: {msg}"
    elif "NO_RULE" in row.codes:
        kind = "no_rule"
        zh, en = "没有任何规则适用于这一行", "no rule of the policy applies to this row"
    elif row.score is not None and row.score > weight:
        kind = "above"
        zh = f"得{_s(row.score)}分，超过分值{_s(weight)}分"
        en = f"scores {_s(row.score)}, above the weight {_s(weight)}"
    elif row.score is not None and row.score < 0:
        kind = "negative"
        zh, en = f"得分为负：{_s(row.score)}", f"a negative score: {_s(row.score)}"
    else:
        return None
    ex, out = example()
    return _Problem(zh, en, ex, out, row.rule, kind)


def _met_actual(policy: Policy) -> Callable[[Target], SearchStrategy[Actual] | None]:
    words = _top_words(policy)

    def actual(target: Target) -> SearchStrategy[Actual] | None:
        met = js.met_actuals(target)
        if met is not None:
            return met
        if isinstance(target, Deadline) and target.month is not None:
            month = target.month
            return st.builds(
                Deadline,
                year=st.just(target.year),
                month=st.integers(1, month),
                written_day=st.integers(1, 28),
                relation=st.just("at"),
            )
        if isinstance(target, Qualitative) and words:
            return st.sampled_from(words).map(lambda w: Outcome(w, "done"))
        return None

    return actual


def _p_met_full_marks(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(case: Case) -> _Problem | None:
        row = _score_case(policy, case)
        if row.score is None or row.score == case.weight:
            return None
        zh = (
            f"实际{case.actual_cell}已达到目标{case.target_cell}，"
            f"却只得{_s(row.score)}分（满分{_s(case.weight)}分）"
        )
        en = (
            f"the actual {case.actual_cell} meets the target {case.target_cell} but scores "
            f"{_s(row.score)} of {_s(case.weight)}"
        )
        ex, out = _rows_example([case], [row])
        return _Problem(zh, en, ex, out, row.rule)

    strategy = js.cases(
        js.targets(kinds=("comparison", "quantity", "range", "qualitative", "deadline")),
        actual=_met_actual(policy),
        claimed=False,
    )
    return _search(strategy, check, cfg, _seeds.met_seeds([policy]))


def _direction(target: Target) -> tuple[Decimal, Decimal] | None:
    """The interval in which a numeric target is met: below it more is better, above it less."""
    if isinstance(target, Range):
        return (target.low, target.high)
    if isinstance(target, Comparison):
        if target.op in (">=", ">"):
            return (target.value, Decimal("Infinity"))
        if target.op in ("<=", "<"):
            return (Decimal("-Infinity"), target.value)
        return (target.value, target.value)
    if isinstance(target, Amount):
        return (target.value, Decimal("Infinity"))
    return None


def _pair_cases(target: Target) -> SearchStrategy[tuple[Case, Case]]:
    return st.tuples(js.actual_pairs(target), js.weights()).map(
        lambda p: (Case(target, p[0][0], p[1]), Case(target, p[0][1], p[1]))
    )


def _p_monotone(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(pair: tuple[Case, Case]) -> _Problem | None:
        low_case, high_case = pair
        band = _direction(low_case.target)
        if band is None:
            return None
        a = low_case.actual.quantity
        b = high_case.actual.quantity
        if a is None or b is None:
            return None
        lo, hi = band
        ra, rb = _score_case(policy, low_case), _score_case(policy, high_case)
        if ra.score is None or rb.score is None:
            return None
        if b.value <= hi and ra.score > rb.score:
            worse, better, bad = high_case, low_case, rb
            kind = ("完成更多", "more")
        elif a.value >= lo and rb.score > ra.score:
            worse, better, bad = low_case, high_case, ra
            kind = ("更少", "less")
        else:
            return None
        rw, rbt = (rb, ra) if worse is high_case else (ra, rb)
        zh = (
            f"目标{worse.target_cell}：实际{better.actual_cell}得{_s(rbt.score)}分，"
            f"实际{worse.actual_cell}（{kind[0]}）反而只得{_s(rw.score)}分"
        )
        en = (
            f"target {worse.target_cell}: the actual {better.actual_cell} scores {_s(rbt.score)} but "
            f"{worse.actual_cell} ({kind[1]}) only {_s(rw.score)}"
        )
        ex, out = _rows_example([low_case, high_case], [ra, rb])
        return _Problem(zh, en, ex, out, bad.rule, kind[1])

    strategy = _numeric_targets().flatmap(_pair_cases)
    return _search(strategy, check, cfg, _seeds.monotone_seeds())


# money first: 元 / 万元 is the rewriting that matters most on real forms
_FAMILY_UNITS = st.one_of(
    js.units("money"),
    st.sampled_from([js._u(w) for w in ("%", "‰", "米", "千克", "亩", "天")] + [None]),
)


def _rewrite(case: Case, tu: Any, au: Any) -> Case | None:
    """*case* with its target written in unit *tu* and its actual in unit *au*, or None."""
    t, a = case.target, case.actual
    new_t: Target
    if isinstance(t, Comparison | Amount):
        q = js.rescale(t.amount, tu)
        if q is None:
            return None
        new_t = attrs.evolve(t, amount=q)
    elif isinstance(t, Range):
        lo = js.rescale(Quantity(t.low, t.unit), tu)
        hi = js.rescale(Quantity(t.high, t.unit), tu)
        if lo is None or hi is None:
            return None
        new_t = attrs.evolve(t, low=lo.value, high=hi.value, unit=tu)
    else:
        return None
    if not isinstance(a, Amount):
        return None
    qa = js.rescale(a.amount, au)
    if qa is None:
        return None
    return attrs.evolve(case, target=new_t, actual=attrs.evolve(a, amount=qa))


def _implied(case: Case) -> Case | None:
    """*case* with the actual's unit left out, when it is the target's own unit."""
    a, q = case.actual, case.target.quantity
    unit = q.unit if q is not None else getattr(case.target, "unit", None)
    if not isinstance(a, Amount) or unit is None or a.unit != unit:
        return None
    return attrs.evolve(case, actual=attrs.evolve(a, amount=Quantity(a.value, None)))


def _unit_pairs() -> SearchStrategy[tuple[Case, Case]]:
    def rewrites(case: Case) -> SearchStrategy[tuple[Case, Case]]:
        q = case.target.quantity
        fam = js.family(q.unit if q is not None else None)

        def pick(choice: tuple[Any, Any]) -> SearchStrategy[tuple[Case, Case]]:
            tu, au = choice
            if (tu is None) != (au is None):
                au = tu  # a % target and a bare-number actual are not the same cell language
            other = _rewrite(case, tu, au)
            if other is None or other == case:
                return st.nothing()
            return st.just((case, other))

        # the target rewritten (the actual too, or not), or only the actual rewritten, or the
        # actual's unit left out because the target's implies it (≥90% / 95)
        rewrites = st.one_of(
            st.tuples(st.sampled_from(fam[1:] or fam), st.sampled_from(fam)),
            st.tuples(st.just(fam[0]), st.sampled_from(fam[1:] or fam)),
        ).flatmap(pick)
        implied = _implied(case)
        return rewrites if implied is None else st.one_of(rewrites, st.just((case, implied)))

    def actual(target: Target) -> SearchStrategy[Actual]:
        return st.sampled_from(js.REGIONS).flatmap(lambda r: js.actual_in(target, r))

    targets = js.targets(kinds=js.NUMERIC_KINDS, unit=_FAMILY_UNITS)
    base = js.cases(targets, actual=actual, claimed=False)
    return base.flatmap(rewrites)


def _p_unit_invariance(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(pair: tuple[Case, Case]) -> _Problem | None:
        one, other = pair
        r1, r2 = _score_case(policy, one), _score_case(policy, other)
        if (r1.score, r1.met) == (r2.score, r2.met) and ("UNIT_MISMATCH" in r1.codes) == (
            "UNIT_MISMATCH" in r2.codes
        ):
            return None
        zh = (
            f"写作「{one.target_cell} / {one.actual_cell}」得{_s(r1.score)}分，"
            f"改写为「{other.target_cell} / {other.actual_cell}」得{_s(r2.score)}分"
        )
        en = (
            f"written {one.target_cell} / {one.actual_cell} it scores {_s(r1.score)}; rewritten "
            f"as {other.target_cell} / {other.actual_cell} it scores {_s(r2.score)}"
        )
        ex, out = _rows_example([one, other], [r1, r2])
        rule = " / ".join(dict.fromkeys(r for r in (r1.rule, r2.rule) if r)) or None
        return _Problem(zh, en, ex, out, rule)

    return _search(_unit_pairs(), check, cfg, _unit_seeds())


def _unit_seeds() -> list[tuple[Case, Case]]:
    """Money and percentage targets of each comparator, rewritten in every unit of their family."""
    out = []
    for unit in ("万元", "%"):
        u = js._u(unit)
        for op in (">=", ">", "=", "<=", "<"):
            target = Comparison(op, Quantity(Decimal(10), u))
            for ratio in ("0.5", "1", "1.5"):
                actual = Amount(Quantity(js.tidy(Decimal(10) * Decimal(ratio)), u))
                case = Case(target, actual, Decimal(10))
                for tu in js.family(u):
                    for au in js.family(u):
                        if (tu is None) != (au is None) or (tu, au) == (u, u):
                            continue
                        other = _rewrite(case, tu, au)
                        if other is not None:
                            out.append((case, other))
    return out


def _form_summary(policy: Policy, form: FormCase) -> tuple[dict[str, Any], Any]:
    res = score_form(form.to_form(), policy)
    rows = [
        _Row(
            r.score,
            r.met,
            r.rule.label if r.rule else None,
            r.tier,
            tuple(sorted(f.code for f in r.findings)),
        )
        for r in res.indicators
    ]
    b = res.budget
    out = {
        "total": _f(res.total),
        "grade": res.grade,
        "budget": _Row(b.score, None, b.rule.label if b.rule else None, rate=b.rate).to_dict(),
        "results": [r.to_dict() for r in rows],
        "form_findings": sorted(f.code for f in res.form_findings),
    }
    return out, res


def _p_row_order(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(value: tuple[FormCase, tuple[int, ...]]) -> _Problem | None:
        form, order = value
        try:
            first, res = _form_summary(policy, form)
            _, res2 = _form_summary(policy, form)
            permuted = form.permuted(order)
            other, _ = _form_summary(policy, permuted)
        except Exception as err:
            zh = f"评分时抛出异常：{type(err).__name__}: {err}"
            en = f"scoring raised {type(err).__name__}: {err}"
            return _Problem(zh, en, {"form": form.to_dict()}, {}, None, "crash")
        if res.to_dict() != res2.to_dict():
            zh, en = "同一张表评了两次，结果不同", "the same form scored twice gives two results"
            return _Problem(zh, en, {"form": form.to_dict()}, first, None, "nondeterministic")
        moved = [other["results"][order.index(i)] for i in range(len(order))]
        same_rows = moved == first["results"]
        same = (
            same_rows
            and other["total"] == first["total"]
            and other["grade"] == first["grade"]
            and other["form_findings"] == first["form_findings"]
        )
        if same:
            return None
        zh = f"调换行序后总分由{first['total']}变为{other['total']}"
        en = f"reordering the rows changes the total from {first['total']} to {other['total']}"
        if not same_rows:
            i = next(i for i in range(len(order)) if moved[i] != first["results"][i])
            zh = f"调换行序后第{i + 1}行得分由{first['results'][i]['score']}变为{moved[i]['score']}"
            en = (
                f"reordering the rows changes row {i + 1}'s score from "
                f"{first['results'][i]['score']} to {moved[i]['score']}"
            )
        ex = {"form": form.to_dict(), "permuted": permuted.to_dict(), "order": list(order)}
        return _Problem(zh, en, ex, {**first, "permuted": other}, None, "order")

    strategy = js.form_cases(policy=policy, claimed=True).flatmap(
        lambda f: st.tuples(st.just(f), st.permutations(range(len(f.rows))).map(tuple))
    )
    seeds = [(f, tuple(reversed(range(len(f.rows))))) for f in _seeds.form_seeds(policy)]
    return _search(strategy, check, cfg, seeds, _fewer_rows_ordered)


def _p_total_bounds(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(form: FormCase) -> _Problem | None:
        try:
            summary, res = _form_summary(policy, form)
        except Exception as err:
            zh = f"评分时抛出异常：{type(err).__name__}: {err}"
            en = f"scoring raised {type(err).__name__}: {err}"
            return _Problem(zh, en, {"form": form.to_dict()}, {}, None, "crash")
        lines = res.budget.counted + sum((r.counted for r in res.indicators), Decimal(0))
        rule = None
        kind = "above"
        if res.total > 100:
            zh = f"总分{_s(res.total)}超过100"
            en = f"the total {_s(res.total)} exceeds 100"
            worst = max(
                res.indicators,
                key=lambda r: r.counted - (r.weight or Decimal(0)),
                default=None,
            )
            if worst is not None and worst.rule is not None:
                rule = worst.rule.label
        elif res.total < 0:
            kind = "negative"
            zh, en = f"总分{_s(res.total)}为负", f"the total {_s(res.total)} is negative"
        elif res.total != lines:
            kind = "sum"
            zh = f"总分{_s(res.total)}不等于各行得分之和{_s(lines)}"
            en = f"the total {_s(res.total)} is not the sum of its lines {_s(lines)}"
        else:
            return None
        return _Problem(zh, en, {"form": form.to_dict()}, summary, rule, kind)

    strategy = js.form_cases(policy=policy, claimed=True)
    return _search(strategy, check, cfg, _seeds.form_seeds(policy), _fewer_rows)


def _p_reason_required(policy: Policy, cfg: _Config) -> _Problem | None:
    def check(case: Case) -> _Problem | None:
        row = _score_case(policy, case)
        if row.score is None or row.score >= case.weight or "REASON_MISSING" in row.codes:
            return None
        zh = (
            f"得{_s(row.score)}分（满分{_s(case.weight)}分），偏差原因为空，"
            "却没有 REASON_MISSING 发现"
        )
        en = (
            f"scores {_s(row.score)} of {_s(case.weight)} with a blank reason, yet no "
            "REASON_MISSING finding"
        )
        ex, out = _rows_example([case], [row])
        return _Problem(zh, en, ex, out, row.rule)

    strategy = js.cases(
        js.targets(kinds=_ALL_KINDS[:-1]),
        actual=_any_actual(policy),
        claim=_policy_claims(policy),
        reason=st.just(""),
    )
    return _search(strategy, check, cfg, _seeds.indicator_seeds([policy]))


def _tier_label(table: TierTableRT) -> str:
    loc = table.tiers[0].loc if table.tiers else None
    where = f"{loc.source}:{loc.line}" if loc is not None and loc.line else "?"
    return f"档次表「{table.name}」 ({where})"


def _tier_dict(table: TierTableRT) -> dict[str, Any]:
    return {
        "name": table.name,
        "tiers": [
            {
                "name": t.name,
                "band": t.band.render(percent=True),
                "default": f"{(t.default * 100).normalize():f}%" if t.default is not None else None,
            }
            for t in table.tiers
        ],
    }


def _static_tier_problems(table: TierTableRT) -> list[str]:
    problems: list[PolicyProblem] = []
    loc = table.tiers[0].loc if table.tiers else None
    if loc is None:
        return ["档次表为空 (the tier table is empty)"]
    check_bands(
        [t.band for t in table.tiers],
        problems,
        loc,
        f"档次表「{table.name}」",
        cover=(Decimal(0), Decimal(1)),
    )
    out = [p.message for p in problems]
    for t in table.tiers:
        if t.default is not None and not t.band.contains(t.default):
            out.append(
                f"档次「{t.name}」的默认分值 {t.default * 100:f}% 不在其区间 "
                f"{t.band.render(percent=True)} 内 (the default point lies outside its band)"
            )
    return out


def _quantized_band(policy: Policy, weight: Decimal, t: Any) -> tuple[Decimal, Decimal, bool, bool]:
    lo = policy.quantize(weight * (t.band.low or Decimal(0)))
    hi = policy.quantize(weight * (t.band.high if t.band.high is not None else Decimal(1)))
    return lo, hi, t.band.low_inclusive, t.band.high_inclusive


def _clip(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), weight)


def _in(value: Decimal, band: tuple[Decimal, Decimal, bool, bool]) -> bool:
    lo, hi, lo_inc, hi_inc = band
    return (value > lo or (lo_inc and value == lo)) and (value < hi or (hi_inc and value == hi))


def _p_tier_bands(policy: Policy, cfg: _Config) -> _Problem | None:
    tables = [policy.tiers[k] for k in sorted(policy.tiers)]
    static: tuple[TierTableRT, list[str]] | None = None
    for table in tables:
        messages = _static_tier_problems(table)
        if messages:
            static = (table, messages)
            break
    if not tables:
        return None
    quantum = Decimal(1).scaleb(-policy.places)
    goal = Qualitative(js.QUALITATIVE_GOALS[0], declared=True)

    def edges(table: TierTableRT) -> list[Decimal]:
        out = {Decimal(0), Decimal(1)}
        for t in table.tiers:
            if t.band.low is not None:
                out.add(t.band.low)
            if t.band.high is not None:
                out.add(t.band.high)
        return sorted(out)

    def build(name: str) -> SearchStrategy[tuple[str, Case]]:
        table = policy.tiers[name]

        def case_of(args: tuple[Decimal, Decimal, int]) -> tuple[str, Case]:
            weight, edge, step = args
            claimed = _clip(policy.quantize(weight * edge) + step * quantum, weight)
            return name, Case(goal, Qualitative("见附件说明"), weight, claimed)

        return st.tuples(
            js.weights(), st.sampled_from(edges(table)), st.sampled_from((0, -1, 1))
        ).map(case_of)

    def check(value: tuple[str, Case]) -> _Problem | None:
        name, case = value
        table = policy.tiers[name]
        assert case.claimed is not None
        claimed, weight = case.claimed, case.weight
        holders = [t.name for t in table.tiers if _in(claimed, _quantized_band(policy, weight, t))]
        row = _score_case(policy, case)
        routed = row.rule_tiers == table.name and row.basis in ("claimed", "unscored", "")
        problem_zh = problem_en = ""
        kind = str(min(len(holders), 2))
        if len(holders) == 0:
            problem_zh = (
                f"自评{_s(claimed)}分（满分{_s(weight)}分）不属于档次表「{table.name}」的任何一档"
            )
            problem_en = f"a claimed {_s(claimed)} of {_s(weight)} is in no tier of {table.name!r}"
        elif len(holders) > 1:
            problem_zh = f"自评{_s(claimed)}分（满分{_s(weight)}分）同时属于" + "、".join(
                f"「{h}」" for h in holders
            )
            problem_en = f"a claimed {_s(claimed)} of {_s(weight)} is in tiers {', '.join(holders)}"
        elif routed and row.score is not None and row.tier != holders[0]:
            problem_zh = f"自评{_s(claimed)}分应属「{holders[0]}」档，评分却认定为「{row.tier}」档"
            problem_en = (
                f"a claimed {_s(claimed)} belongs to {holders[0]!r} but was scored as {row.tier!r}"
            )
        if not problem_zh:
            return None
        ex, out = _rows_example([case], [row])
        ex = {"tier_table": _tier_dict(table), **ex}
        return _Problem(problem_zh, problem_en, ex, out, _tier_label(table), kind)

    strategy = st.sampled_from([t.name for t in tables]).flatmap(build)
    seeds = [
        (
            t.name,
            Case(
                goal, Qualitative("见附件说明"), w, _clip(policy.quantize(w * e) + k * quantum, w)
            ),
        )
        for t in tables
        for w in (Decimal(10), Decimal(7))
        for e in edges(t)
        for k in (0, -1, 1)
    ]
    found = _search(strategy, check, cfg, seeds)
    if static is not None:
        table, static_messages = static
        zh = en = "；".join(static_messages)  # the loader's messages are bilingual already
        if found is not None:
            return attrs.evolve(
                found, zh=zh + "。例如：" + found.zh, en=en + ". For example: " + found.en
            )
        return _Problem(zh, en, {"tier_table": _tier_dict(table)}, {}, _tier_label(table))
    return found


def _p_budget_monotone(policy: Policy, cfg: _Config) -> _Problem | None:
    def pairs(case: BudgetCase) -> SearchStrategy[tuple[BudgetCase, BudgetCase]]:
        return (
            st.tuples(js.rates(), js.rates())
            .filter(lambda ab: ab[0] != ab[1])
            .map(
                lambda ab: (
                    attrs.evolve(case, executed=js.tidy(case.annual * min(ab))),
                    attrs.evolve(case, executed=js.tidy(case.annual * max(ab))),
                )
            )
        )

    def check(pair: tuple[BudgetCase, BudgetCase]) -> _Problem | None:
        low, high = pair
        r1, r2 = _score_budget(policy, low), _score_budget(policy, high)
        if r1.score is None or r2.score is None:
            kind = "unscored"
            bad = r1 if r1.score is None else r2
            zh = "预算执行没有得分：" + (bad.error or "；".join(bad.messages) or "无规则适用")
            en = "the budget execution is not scored: " + (
                bad.error or ", ".join(bad.codes) or "no rule"
            )
        elif r1.score > r2.score:
            kind = "decreasing"
            zh = (
                f"执行率{_s(r1.rate)}%得{_s(r1.score)}分，执行率升至{_s(r2.rate)}%反而只得"
                f"{_s(r2.score)}分"
            )
            en = (
                f"a rate of {_s(r1.rate)}% scores {_s(r1.score)} but a higher rate of "
                f"{_s(r2.rate)}% only {_s(r2.score)}"
            )
            bad = r2
        else:
            return None
        ex, out = _budget_example([low, high], [r1, r2])
        return _Problem(zh, en, ex, out, bad.rule, kind)

    weights = st.one_of(st.just(policy.budget_weight), js.weights())
    strategy = weights.flatmap(lambda w: js.budget_cases(w, zero_budget=False)).flatmap(pairs)
    return _search(strategy, check, cfg, _seeds.budget_pairs(_budget_weights(policy)))


_CHECKS: dict[str, Callable[[Policy, _Config], _Problem | None]] = {
    "score_in_bounds": _p_score_in_bounds,
    "met_full_marks": _p_met_full_marks,
    "monotone": _p_monotone,
    "unit_invariance": _p_unit_invariance,
    "row_order": _p_row_order,
    "total_bounds": _p_total_bounds,
    "reason_required": _p_reason_required,
    "tier_bands": _p_tier_bands,
    "budget_monotone": _p_budget_monotone,
}


def _names(names: Iterable[str], what: str) -> list[str]:
    out = []
    for name in names:
        if name not in PROPERTIES:
            hint = did_you_mean(name, PROPERTIES) or "可用 (known)：" + "、".join(PROPERTIES)
            raise ValueError(f"未知的性质「{name}」 (unknown property {name!r} in {what}); {hint}")
        out.append(name)
    return out


def _load(policy: Policy | str | Path) -> Policy:
    from jixiao.policy.loader import load_policy

    return load_policy(policy)


def check_policy(
    policy: Policy | str | Path,
    *,
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    max_examples: int = 200,
    seed: int | None = None,
) -> PolicyReport:
    """Check the properties of a policy (a :class:`jixiao.Policy`, a shipped name or a path).

    Each property is a hypothesis search of up to *max_examples* inputs; a broken one is
    reported with its shrunk counterexample. *skip* switches properties off by name; *only*
    runs just the ones named. Without a *seed* the run is derandomized (the same report every
    time); with one, hypothesis explores differently for each seed.

    >>> report = check_policy("central", max_examples=20)   # doctest: +SKIP
    >>> report.ok, report.checked[:2]                       # doctest: +SKIP
    (True, ('score_in_bounds', 'met_full_marks'))
    """
    pol = _load(policy)
    skipped = set(_names(skip, "skip"))
    wanted = _names(only, "only") if only is not None else list(PROPERTIES)
    if max_examples < 1:
        raise ValueError("max_examples must be at least 1")
    cfg = _Config(max_examples, seed)
    checked: list[str] = []
    violations: list[Violation] = []
    for name in PROPERTIES:
        if name not in wanted or name in skipped:
            continue
        checked.append(name)
        problem = _CHECKS[name](pol, cfg)
        if problem is not None:
            violations.append(
                Violation(
                    name, problem.zh, problem.en, problem.example, problem.outcome, problem.rule
                )
            )
    return PolicyReport(
        policy_name=pol.name,
        policy_path=pol.path,
        checked=tuple(checked),
        violations=tuple(violations),
        skipped=tuple(n for n in PROPERTIES if n in skipped),
        max_examples=max_examples,
        seed=seed,
    )


def assert_policy_ok(
    policy: Policy | str | Path,
    *,
    skip: Iterable[str] = (),
    only: Iterable[str] | None = None,
    max_examples: int = 200,
    seed: int | None = None,
    lang: str = "zh",
) -> PolicyReport:
    """Check a policy's properties and raise :class:`AssertionError` with the rendered report if
    any is broken. The three-line test of a rule file::

        from jixiao.testing import assert_policy_ok
        def test_my_policy():
            assert_policy_ok("rules/my.policy")
    """
    report = check_policy(policy, skip=skip, only=only, max_examples=max_examples, seed=seed)
    if not report.ok:
        raise AssertionError("\n" + report.render(lang))
    return report
