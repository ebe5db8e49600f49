"""Merging the files of an ``extends`` chain: later files override, add, drop and place."""

from __future__ import annotations

from decimal import Decimal

import attrs

from jixiao.errors import Location, PolicyProblem
from jixiao.policy import ast as A
from jixiao.policy.names import did_you_mean

__all__ = ["Merged", "merge_files", "merge_rules", "merge_tiers"]


@attrs.define
class Merged:
    name: str | None = None
    version: str | None = None
    title: tuple[str, str | None] | None = None
    source: str | None = None
    years: tuple[int, int | None] | None = None
    rounding: tuple[int, str] | None = None
    rounding_at: dict[str, tuple[int, str]] = attrs.Factory(dict)
    tolerance: Decimal | None = None
    lets: dict[str, tuple[A.Expr, Location]] = attrs.Factory(dict)
    weights: dict[str, tuple[Decimal, Location]] = attrs.Factory(dict)
    deviation: str | None = None
    rules: list[A.Rule] = attrs.Factory(list)
    budget_rules: list[A.Rule] = attrs.Factory(list)
    tiers: dict[str, A.TierTable] = attrs.Factory(dict)
    grades: tuple[tuple[str, A.Interval], ...] | None = None
    grades_loc: Location | None = None
    placeholders: tuple[str, ...] | None = None
    reason_cues: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    examples: tuple[A.Example, ...] = ()
    path: str = ""
    first_loc: Location | None = None


def merge_rules(
    current: list[A.Rule],
    new: tuple[A.Rule, ...],
    drops: tuple[tuple[str, Location], ...],
    problems: list[PolicyProblem],
) -> list[A.Rule]:
    rules = list(current)
    for name, loc in drops:
        names = [r.name for r in rules]
        if name not in names:
            problems.append(
                PolicyProblem(
                    f"没有名为「{name}」的规则可删除 (no rule named {name!r} to drop)",
                    loc,
                    did_you_mean(name, names),
                    code="name",
                )
            )
        rules = [r for r in rules if r.name != name]
    seen_here: dict[str, Location] = {}
    for rule in new:
        if rule.name in seen_here:
            problems.append(
                PolicyProblem(
                    f"规则「{rule.name}」重复定义（首次在 {seen_here[rule.name]}） (rule defined twice)",
                    rule.loc,
                    code="name",
                )
            )
            continue
        seen_here[rule.name] = rule.loc
        names = [r.name for r in rules]
        if rule.name in names and rule.placement is None:
            rules[names.index(rule.name)] = rule
            continue
        rules = [r for r in rules if r.name != rule.name]
        names = [r.name for r in rules]
        if rule.placement is None:
            rules.append(rule)
            continue
        where, anchor = rule.placement
        if anchor not in names:
            problems.append(
                PolicyProblem(
                    f"找不到规则「{anchor}」，无法放在其{'前' if where == 'before' else '后'} "
                    f"(no rule named {anchor!r} to place this rule {where})",
                    rule.loc,
                    did_you_mean(anchor, names),
                    code="name",
                )
            )
            rules.append(rule)
            continue
        i = names.index(anchor)
        rules.insert(i if where == "before" else i + 1, rule)
    return rules


def merge_files(files: list[A.PolicyFile], problems: list[PolicyProblem]) -> Merged:
    """Merge the files of an ``extends`` chain (base first) into one description."""
    m = Merged()
    for f in files:
        m.path = f.path
        m.first_loc = Location(f.path, 1, 1, 1, f.text)
        for attr in ("name", "version", "title", "source", "years", "rounding", "tolerance"):
            value = getattr(f, attr)
            if value is not None:
                setattr(m, attr, value)
        if f.extends is None and f is not files[0]:  # pragma: no cover - chain order
            pass
        for where, places_at, mode_at, _loc in f.rounding_at:
            m.rounding_at[where] = (places_at, mode_at)
        for name, expr, loc in f.lets:
            m.lets[name] = (expr, loc)
        for section, value, loc in f.weights:
            if value == 0:
                m.weights.pop(section, None)
            else:
                m.weights[section] = (value, loc)
        if f.deviation is not None:
            m.deviation = f.deviation
        m.rules = merge_rules(m.rules, f.rules, f.drops, problems)
        m.budget_rules = merge_rules(m.budget_rules, f.budget_rules, f.budget_drops, problems)
        for table in f.tiers:
            base = m.tiers.get(table.name)
            m.tiers[table.name] = merge_tiers(base, table) if base is not None else table
        if f.grades is not None:
            m.grades, m.grades_loc = f.grades, f.grades_loc
        if f.placeholders is not None:
            m.placeholders = f.placeholders
        if f.reason_cues is not None:
            m.reason_cues = f.reason_cues
        m.examples = f.examples  # examples belong to the file that states them
    return m


def merge_tiers(base: A.TierTable, child: A.TierTable) -> A.TierTable:
    """A child's table of the same name overrides tier by tier: a tier it restates takes the new
    band and default, and keeps the base's words unless it lists its own; roles merge."""
    child_tiers = {t.name: t for t in child.tiers}
    tiers = []
    for t in base.tiers:
        new = child_tiers.pop(t.name, None)
        if new is None:
            tiers.append(t)
        else:
            tiers.append(attrs.evolve(new, words=new.words or t.words))
    tiers.extend(child_tiers.values())
    roles = {r: (r, n, loc) for r, n, loc in base.roles}
    roles.update({r: (r, n, loc) for r, n, loc in child.roles})
    status = {k: (k, n, loc) for k, n, loc in base.status}
    status.update({k: (k, n, loc) for k, n, loc in child.status})
    return A.TierTable(
        child.name, tuple(tiers), tuple(roles.values()), tuple(status.values()), loc=child.loc
    )
