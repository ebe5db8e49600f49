"""The outcome diff between two policies: which kinds of input score differently, and how.

:func:`diff_policies` generates indicator rows and budget rows, scores each under both policies,
and groups the inputs whose outcome changes by (old rule, new rule, direction of the change,
class of input). Each group keeps the smallest example hypothesis can shrink it to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, Verbosity, find, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.strategies import SearchStrategy

from jixiao.i18n import Msg
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy
from jixiao.testing import seeds as grid
from jixiao.testing.cases import dec
from jixiao.testing.render import table

__all__ = ["Change", "PolicyDiff", "diff_policies", "grade_changes"]
import itertools

from jixiao.testing.diff_inputs import Input, Judged, Key, example_of, inputs, judge, simplify, size

_DIRECTIONS: dict[str, tuple[str, str]] = {
    "up": ("得分提高", "scores higher"),
    "down": ("得分降低", "scores lower"),
    "scored": ("新政策可评分", "now scored"),
    "unscored": ("新政策无法评分", "no longer scored"),
    "findings": ("得分不变，发现变化", "same score, different findings"),
    "grade": ("等级改变", "graded differently"),
}


_HEADS = {
    "total": (Msg("总分", "total"), Msg("原等级", "old grade"), Msg("新等级", "new grade")),
    "indicators": (
        Msg("年度指标值", "target"),
        Msg("实际完成值", "actual"),
        Msg("分值", "weight"),
        Msg("自评得分", "claimed"),
        Msg("原得分", "old"),
        Msg("新得分", "new"),
    ),
    "budgets": (
        Msg("全年预算数", "annual"),
        Msg("全年执行数", "executed"),
        Msg("执行率", "rate"),
        Msg("分值", "weight"),
        Msg("原得分", "old"),
        Msg("新得分", "new"),
    ),
}
_GRADES = Msg("    等级：", "    grades: ")
_RULE = Msg("    规则：", "    rule: ")
_FINDINGS = Msg("    发现：", "    findings: ")
_COUNT = Msg(
    "    （生成的输入中有 {count} 个属于此类）", "    ({count} generated inputs of this kind)"
)
_IDENTICAL = Msg(
    "{head}：{examples} 个生成的输入结果均未改变",
    "{head}: no generated input changes its outcome ({examples} inputs)",
)
_CHANGED = Msg(
    "{head}：{kinds} 类输入的结果改变（共检验 {examples} 个输入）",
    "{head}: {kinds} kinds of input change ({examples} inputs tried)",
)


@attrs.frozen(slots=True)
class Change:
    """One kind of input whose outcome differs between the two policies.

    ``kind`` describes the class of input (``反向指标·超出目标``), ``example`` is the smallest
    input of the class found (``{"indicators": [row]}`` or ``{"budgets": [row]}``), with its
    score and the rule that fired under each policy. ``count`` is how many generated inputs fell
    in the class.
    """

    kind: str
    kind_en: str
    direction: str
    example: Mapping[str, Any]
    old_score: Decimal | None
    new_score: Decimal | None
    old_rule: str | None
    new_rule: str | None
    old_findings: tuple[str, ...] = ()
    new_findings: tuple[str, ...] = ()
    count: int = 1

    def describe(self, lang: str = "zh") -> str:
        """The class of input and the direction: ``反向指标·超出目标：得分降低``."""
        zh, en = _DIRECTIONS[self.direction]
        if lang == "en":
            return f"{self.kind_en}: {en}"
        return f"{self.kind}：{zh}"

    def _findings_delta(self) -> tuple[list[str], list[str]]:
        old, new = set(self.old_findings), set(self.new_findings)
        return sorted(new - old), sorted(old - new)

    def render(self, lang: str = "zh") -> str:
        lines = [f"• {self.describe(lang)}"]
        ex = self.example
        head = [m.text(lang) for m in _HEADS[next((k for k in _HEADS if k in ex), "budgets")]]
        if "total" in ex:
            lines.append(table(head, [[str(ex["total"]), str(ex["old"]), str(ex["new"])]]))
            lines.append(_GRADES.text(lang) + f"{self.old_rule} → {self.new_rule}")
            return "\n".join(lines)
        if "indicators" in ex:
            row = ex["indicators"][0]
            cells = [row["target"], row["actual"], row["weight"], row.get("score")]
        else:
            row = ex["budgets"][0]
            annual, executed = Decimal(row["annual"]), Decimal(row["executed"])
            rate = f"{(executed / annual * 100).quantize(Decimal('0.01')):f}%" if annual else None
            cells = [row["annual"], row["executed"], rate, row.get("weight")]
        cells += [_s(self.old_score), _s(self.new_score)]
        lines.append(table(head, [[c if c not in (None, "") else "—" for c in cells]]))
        if self.old_rule == self.new_rule:
            lines.append(_RULE.text(lang) + str(self.old_rule))
        else:
            lines.append(_RULE.text(lang) + f"{self.old_rule} → {self.new_rule}")
        added, removed = self._findings_delta()
        if added or removed:
            parts = [f"+{c}" for c in added] + [f"-{c}" for c in removed]
            lines.append(_FINDINGS.text(lang) + " ".join(parts))
        lines.append(_COUNT.text(lang, count=self.count))
        return "\n".join(lines)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        added, removed = self._findings_delta()
        return {
            "kind": self.kind if lang != "en" else self.kind_en,
            "direction": self.direction,
            "description": self.describe(lang),
            "example": dict(self.example),
            "old_score": dec(self.old_score) if self.old_score is None else _s(self.old_score),
            "new_score": dec(self.new_score) if self.new_score is None else _s(self.new_score),
            "old_rule": self.old_rule,
            "new_rule": self.new_rule,
            "findings_added": added,
            "findings_removed": removed,
            "count": self.count,
        }


@attrs.frozen(slots=True)
class PolicyDiff:
    """Every kind of input whose outcome changes from policy *old* to policy *new*."""

    old_name: str
    new_name: str
    old_path: str
    new_path: str
    changes: tuple[Change, ...]
    examples: int = 0
    seed: int | None = None

    @property
    def identical(self) -> bool:
        """True when no generated input scored differently."""
        return not self.changes

    def render(self, lang: str = "zh") -> str:
        head = f"{self.old_name} ({self.old_path}) → {self.new_name} ({self.new_path})"
        fields = {"head": head, "examples": self.examples, "kinds": len(self.changes)}
        if self.identical:
            return _IDENTICAL.text(lang, **fields)
        lines = [_CHANGED.text(lang, **fields)]
        for c in self.changes:
            lines.append("")
            lines.append(c.render(lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "old": {"name": self.old_name, "path": self.old_path},
            "new": {"name": self.new_name, "path": self.new_path},
            "identical": self.identical,
            "examples": self.examples,
            "seed": self.seed,
            "changes": [c.to_dict(lang) for c in self.changes],
        }


def _s(value: Decimal | None) -> str:
    return format(value, "f") if value is not None else "—"


def _settings(max_examples: int, seed: int | None) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=seed is None,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )


def diff_policies(
    old: Policy | str | Path,
    new: Policy | str | Path,
    *,
    max_examples: int = 300,
    seed: int | None = None,
) -> PolicyDiff:
    """Every kind of input whose outcome changes between policy *old* and policy *new*.

    Generates *max_examples* indicator and budget rows, scores each under both policies, and
    groups the changed ones by (old rule, new rule, direction, class of input). Each group is
    then shrunk by hypothesis to its smallest member. Deterministic without a *seed*.

    >>> d = diff_policies("central", "jiangxi", max_examples=100)   # doctest: +SKIP
    >>> d.changes[0].describe()                                      # doctest: +SKIP
    '预算执行·执行率60%–80%：得分降低'
    """
    po, pn = load_policy(old), load_policy(new)
    strategy = inputs(po, pn)
    found: dict[Key, tuple[Judged, Input, int]] = {}
    seen = 0

    def visit(value: Input) -> None:
        nonlocal seen
        seen += 1
        judged = judge(po, pn, value)
        if judged is None:
            return
        prev = found.get(judged.key)
        if prev is None:
            found[judged.key] = (judged, value, 1)
        else:
            best = value if size(value) < size(prev[1]) else prev[1]
            found[judged.key] = (prev[0] if best is prev[1] else judged, best, prev[2] + 1)

    # the grid first: every class of input once, with round numbers
    for case in grid.indicator_seeds([po, pn]):
        visit(("indicator", case))
    for budget in grid.budget_seeds(sorted({po.budget_weight, pn.budget_weight})):
        visit(("budget", budget))

    @_settings(max_examples, seed)
    @given(strategy)
    def explore(value: Input) -> None:
        visit(value)

    runner: Callable[[], None] = explore
    if seed is not None:
        runner = hypothesis_seed(seed)(explore)
    with contextlib.suppress(Unsatisfiable):
        runner()

    changes = []
    shrink_budget = max(20, max_examples // 3)
    for key, (judged, value, count) in found.items():
        best_judged, best_value = _shrink(po, pn, strategy, key, judged, value, shrink_budget, seed)
        changes.append(_change(best_judged, best_value, count))
    changes.sort(
        key=lambda c: (c.example.get("budgets") is not None, -c.count, c.kind, c.direction)
    )
    changes += grade_changes(po, pn)
    return PolicyDiff(
        old_name=po.name,
        new_name=pn.name,
        old_path=po.path,
        new_path=pn.path,
        changes=tuple(changes),
        examples=seen,
        seed=seed,
    )


def _grade_where(policy: Policy, grade: str | None) -> str:
    for name, band in policy.grades:
        if name == grade:
            loc = band.loc
            where = f" ({loc.source}:{loc.line})" if loc.line else ""
            return f"{name} {band.render()}{where}"
    return "—" if grade is None else grade


def grade_changes(old: Policy, new: Policy) -> list[Change]:
    """Totals graded differently by *old* and *new*: every band edge of either policy, one
    hundredth either side of it and the middle between edges, grouped by (old grade, new
    grade), each group with its smallest total and the range of totals it covers."""
    quantum = Decimal("0.01")
    edges = {Decimal(0), Decimal(100)}
    for policy in (old, new):
        for _name, band in policy.grades:
            edges.update(x for x in (band.low, band.high) if x is not None)
    points: set[Decimal] = set()
    ordered = sorted(e for e in edges if 0 <= e <= 100)
    for a, b in itertools.pairwise(ordered):
        points.update((a, a + quantum, (a + b) / 2, b - quantum))
    points.update(ordered)
    groups: dict[tuple[str | None, str | None], list[Decimal]] = {}
    for total in sorted(p for p in points if 0 <= p <= 100):
        og, ng = old.grade(total), new.grade(total)
        if og != ng:
            groups.setdefault((og, ng), []).append(total)
    out = []
    for (og, ng), totals in groups.items():
        lo, hi = _s(min(totals)), _s(max(totals))
        span = lo if lo == hi else f"{lo}–{hi}"
        out.append(
            Change(
                kind=f"等级·总分{span}",
                kind_en=f"grade · totals {span}",
                direction="grade",
                example={"total": lo, "old": og or "—", "new": ng or "—"},
                old_score=min(totals),
                new_score=min(totals),
                old_rule=_grade_where(old, og),
                new_rule=_grade_where(new, ng),
                count=len(totals),
            )
        )
    return out


def _shrink(
    old: Policy,
    new: Policy,
    strategy: SearchStrategy[Input],
    key: Key,
    judged: Judged,
    value: Input,
    budget: int,
    seed: int | None,
) -> tuple[Judged, Input]:
    """The smallest input of the group *key*: hypothesis ``find`` from scratch, else *value*."""

    def same_group(v: Input) -> bool:
        j = judge(old, new, v)
        return j is not None and j.key == key

    # find() has no seed of its own: it always runs derandomized, so the shrunk example of a
    # group depends only on the group, whatever seed explored the inputs
    best = value
    try:
        smaller = find(strategy, same_group, settings=_settings(budget, None))
    except (NoSuchExample, Unsatisfiable):
        smaller = value
    if size(smaller) < size(best):
        best = smaller
    best = simplify(best, same_group)
    again = judge(old, new, best)
    assert again is not None
    return again, best


def _change(judged: Judged, value: Input, count: int) -> Change:
    return Change(
        kind=judged.kind[0],
        kind_en=judged.kind[1],
        direction=judged.key[3],
        example=example_of(value),
        old_score=judged.old.score,
        new_score=judged.new.score,
        old_rule=judged.old.rule,
        new_rule=judged.new.rule,
        old_findings=judged.old.findings,
        new_findings=judged.new.findings,
        count=count,
    )
