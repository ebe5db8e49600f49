"""Grades and rounding: a total on a grade boundary gets the grade that boundary opens, and every
line score, execution rate and total is rounded to the nearest value at the policy's places.

Both tie a declaration of the rule file to its documented meaning (docs/scoring-rules.md §9 G2:
``90(含)-100分为优``; §11: 四舍五入到2位小数), which no other property looks at: a band written
``优 (90, 100]`` / ``良 [80, 90]`` loads without error and scores every row the same, yet grades
a total of exactly 90 as 良; ``rounding 2 down`` truncates 8.888… to 8.88.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from jixiao.evaluate import score_form
from jixiao.policy.ast import Interval
from jixiao.policy.compiler import ROUNDING_MODES
from jixiao.policy.model import Policy
from jixiao.targets.ast import Amount, Comparison, Quantity
from jixiao.testing import seeds as grid
from jixiao.testing import strategies as js
from jixiao.testing.cases import BudgetCase, Case, FormCase
from jixiao.testing.results import Problem
from jixiao.testing.runner import (
    SearchConfig,
    budget_example,
    rows_example,
    run_budget,
    run_case,
    search,
    shown,
)

__all__ = ["NEAREST_MODES", "exact_variant", "p_grade_edges", "p_rounding"]

#: Rounding modes that round to the nearest value (they differ only on an exact half).
NEAREST_MODES = frozenset({"half_up", "half_even", "half_down"})

_MODE_NAMES = {
    "half_up": ("四舍五入", "half-up"),
    "half_even": ("四舍六入五成双", "half-even"),
    "half_down": ("五舍六入", "half-down"),
    "down": ("截断（舍去尾数）", "truncation"),
    "up": ("进一（有尾数即进位）", "rounding up"),
    "floor": ("向下取整", "floor"),
    "ceiling": ("向上取整", "ceiling"),
}


# ----------------------------------------------------------------------------- grades


def _grade_label(policy: Policy, name: str, band: Interval) -> str:
    loc = band.loc
    where = f"{loc.source}:{loc.line}" if loc.line else policy.path
    return f"grades {name} {band.render()} ({where})"  # as written in the policy file


def _grades_dict(policy: Policy) -> list[dict[str, str]]:
    return [{"grade": name, "band": band.render()} for name, band in policy.grades]


def p_grade_edges(policy: Policy, cfg: SearchConfig) -> Problem | None:
    """Every boundary between two grades belongs to the grade above it (``90(含)-100分为优``):
    a total exactly on it gets that grade, and a total one hundredth below it the grade below.
    Checked on every boundary the policy declares, through the form scorer's own grading."""
    del cfg  # the boundaries are finite: every one is checked, no search needed
    bands = sorted(policy.grades, key=lambda g: g[1].low if g[1].low is not None else Decimal(-1))
    quantum = Decimal(1).scaleb(-policy.rounding_at.get("total", (policy.places, ""))[0])
    for (below_name, below), (above_name, above) in itertools.pairwise(bands):
        edge = above.low
        if edge is None or not Decimal(0) < edge <= Decimal(100):
            continue
        got = policy.grade(edge)
        under = policy.grade(edge - quantum)
        if got == above_name and under == below_name:
            continue
        wrong_at_edge = got != above_name
        total = edge if wrong_at_edge else edge - quantum
        got_name = got if wrong_at_edge else under
        want = above_name if wrong_at_edge else below_name
        band_of = above if wrong_at_edge else below
        name_of = above_name if wrong_at_edge else below_name
        zh = (
            f"总分恰为{shown(total)}分时评为「{got_name}」，应为「{want}」"
            f"（{shown(edge)}(含)以上为「{above_name}」，以下为「{below_name}」）"
        )
        en = (
            f"a total of exactly {shown(total)} is graded {got_name!r}, not {want!r} "
            f"({shown(edge)} and above is {above_name!r}, below it {below_name!r})"
        )
        example = {"total": shown(total), "grades": _grades_dict(policy)}
        outcome = {"grade": got_name, "expected": want, "by_form": _form_grade(policy, total)}
        return Problem(zh, en, example, outcome, _grade_label(policy, name_of, band_of), "edge")
    return None


def _form_grade(policy: Policy, total: Decimal) -> str | None:
    """The grade :func:`jixiao.score_form` gives a form whose total is *total*: every point in
    the budget row, executed at the rate that makes the total (linear budget rules)."""
    weight = Decimal(100)
    budget = BudgetCase(Decimal(100), total, weight, Decimal(100))
    try:
        res = score_form(FormCase(budget, ()).to_form(), policy)
    except Exception:  # a form of one budget row may not be scoreable under every policy
        return None
    return res.grade if res.total == total else policy.grade(total)


# ----------------------------------------------------------------------------- rounding


def exact_variant(policy: Policy) -> Policy:
    """*policy* rounding every number half-up to 12 places: the scores before rounding.

    Its chain gains a marker entry, so its digest (and its evaluator memo) is its own and a
    pickled copy of the original never unpickles as this variant.
    """
    return attrs.evolve(
        policy,
        places=12,
        rounding="half_up",
        rounding_at={},
        chain=(*policy.chain, ("<exact rounding>", "# the scores before rounding\n")),
    )


def _mode_at(policy: Policy, at: str) -> tuple[int, str]:
    return policy.rounding_at.get(at, (policy.places, policy.rounding))


def _expected(policy: Policy, at: str, exact: Decimal) -> Decimal:
    places, mode = _mode_at(policy, at)
    rounding = ROUNDING_MODES[mode] if mode in NEAREST_MODES else ROUND_HALF_UP
    return exact.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _rounding_line(policy: Policy, at: str) -> str:
    """Where the rounding of *at* is declared: ``file:line`` of the last ``rounding`` line of
    the chain that sets it (read from the policy's own text), else the policy's path."""
    found = policy.path
    for display, text in policy.chain:
        for i, line in enumerate(text.splitlines(), 1):
            words = line.split("#", 1)[0].split()
            if words[:1] == ["rounding"] and (len(words) == 3 or words[1:2] == [at]):
                found = f"{display}:{i}"
    return found


def _mode_words(policy: Policy, at: str) -> tuple[str, str]:
    places, mode = _mode_at(policy, at)
    zh, en = _MODE_NAMES.get(mode, (mode, mode))
    return f"{zh}到{places}位小数", f"{en} to {places} places"


def _proportional_cases() -> SearchStrategy[Case]:
    """Rows whose proportional score has many decimals: ``≥45人`` done 40人 (8.888…), a cap
    of ``≤7人`` exceeded by 9人 (7.777…)."""
    return st.builds(
        _ratio_case,
        st.sampled_from((">=", "<=")),
        st.integers(2, 99),
        st.integers(1, 200),
        st.integers(1, 30),
    )


def _ratio_case(op: str, target: int, actual: int, weight: int) -> Case:
    unit = js.registered_unit("人")
    return Case(
        Comparison(op, Quantity(Decimal(target), unit)),  # type: ignore[arg-type]
        Amount(Quantity(Decimal(actual), unit)),
        Decimal(weight),
    )


_LINE_SEEDS = ((">=", 45, 40, 10), (">=", 3, 2, 10), (">=", 3, 1, 5), ("<=", 7, 9, 10))
_BUDGET_SEEDS = ((3, 2, 10), (7, 5, 10), (45, 40, 10), (3, 1, 5))


def _rate_cases() -> SearchStrategy[BudgetCase]:
    return st.builds(
        lambda a, e, w: BudgetCase(Decimal(a), Decimal(min(e, a)), Decimal(w), Decimal(a)),
        st.integers(2, 999),
        st.integers(1, 998),
        st.integers(1, 30),
    )


def p_rounding(policy: Policy, cfg: SearchConfig) -> Problem | None:
    """Each line score, execution rate and total is its exact value rounded to the nearest at
    the policy's places (half-up unless the file declares another to-nearest mode): a
    ``rounding … down`` (truncation), ``up``, ``floor`` or ``ceiling`` is caught on a row whose
    exact score has a third decimal."""
    exact = exact_variant(policy)

    def check_line(case: Case) -> Problem | None:
        got, raw = run_case(policy, case), run_case(exact, case)
        if got.score is None or raw.score is None:
            return None
        want = _expected(policy, "lines", raw.score)
        if got.score == want:
            return None
        return _line_problem(
            policy, "lines", got.score, raw.score, want, rows_example([case], [got]), got.rule
        )

    def check_budget(case: BudgetCase) -> Problem | None:
        got, raw = run_budget(policy, case), run_budget(exact, case)
        for at, g, r in (("rate", got.rate, raw.rate), ("lines", got.score, raw.score)):
            if g is None or r is None:
                continue
            want = _expected(policy, at, r)
            if g != want:
                return _line_problem(
                    policy, at, g, r, want, budget_example([case], [got]), got.rule
                )
        return None

    seeds = [_ratio_case(*s) for s in _LINE_SEEDS]
    problem = search(_proportional_cases(), check_line, cfg, seeds)
    if problem is not None:
        return problem
    budget_seeds = [
        BudgetCase(Decimal(a), Decimal(e), Decimal(w), Decimal(a)) for a, e, w in _BUDGET_SEEDS
    ]
    problem = search(_rate_cases(), check_budget, cfg, budget_seeds)
    if problem is not None:
        return problem
    return _total_problem(policy)


def _line_problem(
    policy: Policy,
    at: str,
    got: Decimal,
    raw: Decimal,
    want: Decimal,
    example: tuple[dict[str, object], dict[str, object]],
    rule: str | None,
) -> Problem:
    what_zh, what_en = {"lines": ("得分", "score"), "rate": ("执行率", "rate")}.get(
        at, ("总分", "total")
    )
    mode_zh, mode_en = _mode_words(policy, at)
    zh = (
        f"{what_zh}精确值为{shown(raw.normalize())}，四舍五入应为{shown(want)}，"
        f"按规则文件的“{mode_zh}”却得{shown(got)}"
    )
    en = (
        f"the exact {what_en} {shown(raw.normalize())} rounds half-up to {shown(want)}, but the "
        f"policy's {mode_en} gives {shown(got)}"
    )
    where = _rounding_line(policy, at)
    label = f"rounding ({where})" + (f"；{rule}" if rule else "")
    ex, out = example
    return Problem(zh, en, ex, out, label, at)


def _total_problem(policy: Policy) -> Problem | None:
    """The total of the seed forms: the sum of the rounded lines, rounded half-up at the
    total's places."""
    for form in grid.form_seeds(policy):
        try:
            res = score_form(form.to_form(), policy)
        except Exception:  # crashes are score_in_bounds' and total_bounds' to report
            return None
        lines = res.budget.counted + sum((r.counted for r in res.indicators), Decimal(0))
        want = _expected(policy, "total", lines)
        if res.total == want:
            continue
        mode_zh, mode_en = _mode_words(policy, "total")
        zh = f"各行得分之和为{shown(lines)}，四舍五入应为{shown(want)}，按“{mode_zh}”总分却为{shown(res.total)}"
        en = (
            f"the lines add up to {shown(lines)}, which rounds half-up to {shown(want)}, but the "
            f"policy's {mode_en} gives a total of {shown(res.total)}"
        )
        return Problem(
            zh,
            en,
            {"form": form.to_dict()},
            {"total": shown(res.total)},
            f"rounding ({_rounding_line(policy, 'total')})",
            "total",
        )
    return None
