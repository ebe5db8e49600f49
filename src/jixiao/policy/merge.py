"""Merging the files of an ``extends`` chain: later files override, add, drop and place."""

from __future__ import annotations

from decimal import Decimal

import attrs

from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.names import did_you_mean

__all__ = ["Merged", "merge_files", "merge_rules", "merge_tiers"]


@attrs.define
class Merged:
    name: str = ""
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
    severities: dict[str, tuple[str, Location]] = attrs.Factory(dict)
    regions: tuple[str, ...] = ()
    grade_labels: tuple[tuple[str, str], ...] = ()
    caps: dict[str, Decimal] = attrs.Factory(dict)
    not_applicable: tuple[str, ...] = ()
    examples: tuple[A.Example, ...] = ()
    path: str = ""
    first_loc: Location | None = None


class _Order:
    """Rules in order as a doubly linked list keyed by name: replacing, dropping and placing a
    rule before or after another each take constant time, so merging a chain is linear."""

    _HEAD = ""  # rule names are never empty strings in the list below: the head is a sentinel

    def __init__(self, rules: list[A.Rule]) -> None:
        self.rule: dict[str, A.Rule] = {}
        self.nxt: dict[str, str | None] = {self._HEAD: None}
        self.prv: dict[str, str] = {}
        self.tail = self._HEAD
        for r in rules:
            self.append(r)

    def __contains__(self, name: str) -> bool:
        return name in self.rule

    def names(self) -> list[str]:
        return list(self.rule)

    def append(self, rule: A.Rule) -> None:
        self.insert_after(self.tail, rule)

    def insert_after(self, anchor: str, rule: A.Rule) -> None:
        key = "\x00" + rule.name
        after = self.nxt[anchor]
        self.nxt[anchor] = key
        self.prv[key] = anchor
        self.nxt[key] = after
        if after is not None:
            self.prv[after] = key
        else:
            self.tail = key
        self.rule[rule.name] = rule

    def remove(self, name: str) -> None:
        key = "\x00" + name
        before, after = self.prv.pop(key), self.nxt.pop(key)
        self.nxt[before] = after
        if after is not None:
            self.prv[after] = before
        else:
            self.tail = before
        del self.rule[name]

    def key(self, name: str) -> str:
        return "\x00" + name

    def to_list(self) -> list[A.Rule]:
        out = []
        at = self.nxt[self._HEAD]
        while at is not None:
            out.append(self.rule[at[1:]])
            at = self.nxt[at]
        return out


def amend_rule(base: A.Rule, amendment: A.Rule) -> A.Rule:
    """The inherited rule *base* changed by *amendment*: a restated ``when``, ``met``, way to
    score, ``reason required`` or set of ``accept`` replaces the base's (restating the way to
    score also drops the base's ``accept``s, which belong to its formula); a ``finding`` replaces
    the base's finding of the same code (or is added); an ``explain`` replaces the same outcome's.
    Everything else — findings, reasons, explanations — is kept."""
    stmts = list(base.stmts)
    kinds: list[tuple[type, ...]] = [
        (A.MetStmt,),
        (A.ScoreStmt, A.TiersStmt, A.UnscoredStmt),
        (A.ReasonStmt,),
        (A.AcceptStmt,),
    ]
    rescored = any(isinstance(s, kinds[1]) for s in amendment.stmts)
    if rescored and not any(isinstance(s, A.AcceptStmt) for s in amendment.stmts):
        # an accepted alternative belongs to the formula it rounds differently
        stmts = [s for s in stmts if not isinstance(s, A.AcceptStmt)]
    for kind in kinds:
        restated = [s for s in amendment.stmts if isinstance(s, kind)]
        if restated:
            at = next((i for i, s in enumerate(stmts) if isinstance(s, kind)), len(stmts))
            stmts = [s for s in stmts if not isinstance(s, kind)]
            stmts[at:at] = restated
    for s in amendment.stmts:
        if isinstance(s, A.FindingStmt | A.ExplainStmt):
            same = next(
                (
                    i
                    for i, old in enumerate(stmts)
                    if (
                        isinstance(s, A.FindingStmt)
                        and isinstance(old, A.FindingStmt)
                        and old.code == s.code
                    )
                    or (
                        isinstance(s, A.ExplainStmt)
                        and isinstance(old, A.ExplainStmt)
                        and old.outcome == s.outcome
                    )
                ),
                None,
            )
            if same is None:
                stmts.append(s)
            else:
                stmts[same] = s
    return attrs.evolve(
        base,
        when=amendment.when if amendment.when is not None else base.when,
        stmts=tuple(stmts),
        loc=amendment.loc,
    )


def _codes(rule: A.Rule) -> list[str]:
    return [s.code for s in rule.stmts if isinstance(s, A.FindingStmt)]


def merge_rules(
    current: list[A.Rule],
    new: tuple[A.Rule, ...],
    drops: tuple[tuple[str, Location], ...],
    problems: list[PolicyProblem],
    warnings: list[PolicyProblem] | None = None,
) -> list[A.Rule]:
    """Apply one file's rules and drops to the inherited list (in linear time).

    A rule with a new name is appended (or placed ``before``/``after`` a named rule); a rule with
    an inherited name replaces it in place (or moves it, when placed).
    """
    order = _Order(current)
    for name, loc in drops:
        if name not in order:
            problems.append(
                PolicyProblem.of(
                    Msg(f"没有名为「{name}」的规则可删除", f"no rule named {name!r} to drop"),
                    loc,
                    did_you_mean(name, order.names()),
                    code="name",
                )
            )
            continue
        order.remove(name)
    seen_here: dict[str, Location] = {}
    for rule in new:
        if rule.name in seen_here:
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"规则「{rule.name}」重复定义（首次在 {seen_here[rule.name]}）",
                        f"the rule {rule.name!r} is defined twice (first at {seen_here[rule.name]})",
                    ),
                    rule.loc,
                    code="name",
                )
            )
            continue
        seen_here[rule.name] = rule.loc
        if rule.amend:
            if rule.name not in order:
                problems.append(
                    PolicyProblem.of(
                        Msg(
                            f"没有名为「{rule.name}」的继承规则可修改",
                            f"no inherited rule named {rule.name!r} to amend",
                        ),
                        rule.loc,
                        did_you_mean(rule.name, order.names()),
                        code="name",
                    )
                )
                continue
            order.rule[rule.name] = amend_rule(order.rule[rule.name], rule)
            continue
        if rule.name in order and warnings is not None:
            lost = [c for c in _codes(order.rule[rule.name]) if c not in _codes(rule)]
            if lost:
                warnings.append(
                    PolicyProblem.of(
                        Msg(
                            f"规则「{rule.name}」替换了继承的同名规则，丢弃了其发现 {'、'.join(lost)}",
                            f"the rule {rule.name!r} replaces the inherited rule of that name and "
                            f"drops its findings {', '.join(lost)}",
                        ),
                        rule.loc,
                        Msg(
                            f'只改公式或条件请用 amend rule "{rule.name}" {{ … }}，保留其发现',
                            f'to change only the formula or the condition, write amend rule "{rule.name}" '
                            "{ … }: it keeps the findings",
                        ),
                        code="lint",
                    )
                )
        if rule.name in order and rule.placement is None:
            order.rule[rule.name] = rule
            continue
        if rule.name in order:
            order.remove(rule.name)
        if rule.placement is None:
            order.append(rule)
            continue
        where, anchor = rule.placement
        if anchor not in order:
            problems.append(
                PolicyProblem.of(
                    Msg(
                        f"找不到规则「{anchor}」，无法放在其{'前' if where == 'before' else '后'}",
                        f"no rule named {anchor!r} to place this rule {where}",
                    ),
                    rule.loc,
                    did_you_mean(anchor, order.names()),
                    code="name",
                )
            )
            order.append(rule)
            continue
        key = order.key(anchor)
        order.insert_after(order.prv[key] if where == "before" else key, rule)
    return order.to_list()


def merge_files(
    files: list[A.PolicyFile],
    problems: list[PolicyProblem],
    warnings: list[PolicyProblem] | None = None,
) -> Merged:
    """Merge the files of an ``extends`` chain (base first) into one description."""
    m = Merged()
    for f in files:
        m.path = f.path
        m.first_loc = Location(f.path, 1, 1, 1, f.text)
        # a policy names itself: name, version, title and source are never inherited, so a
        # file that extends central is never reported as central (the file's stem names it)
        m.name = f.name if f.name is not None else _stem(f.path)
        m.version = f.version
        m.title = f.title
        m.source = f.source
        m.regions = f.regions  # the regions a policy serves are its own, never inherited
        for attr in ("years", "rounding", "tolerance"):
            value = getattr(f, attr)
            if value is not None:
                setattr(m, attr, value)
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
        m.rules = merge_rules(m.rules, f.rules, f.drops, problems, warnings)
        m.budget_rules = merge_rules(
            m.budget_rules, f.budget_rules, f.budget_drops, problems, warnings
        )
        for table in f.tiers:
            base = m.tiers.get(table.name)
            m.tiers[table.name] = merge_tiers(base, table, problems)
        if f.not_applicable is not None:
            m.not_applicable = f.not_applicable
        for cap_name, cap_value, _cap_loc in f.caps:
            m.caps[cap_name] = cap_value
        for name, loc in f.tier_drops:
            if m.tiers.pop(name, None) is None:
                problems.append(
                    PolicyProblem.of(
                        Msg(
                            f"没有名为「{name}」的档次表可删除",
                            f"no tier table named {name!r} to drop",
                        ),
                        loc,
                        did_you_mean(name, m.tiers),
                        code="name",
                    )
                )
        if f.grades is not None:
            m.grades, m.grades_loc = f.grades, f.grades_loc
            m.grade_labels = f.grade_labels
        if f.placeholders is not None:
            m.placeholders = f.placeholders
        if f.reason_cues is not None:
            m.reason_cues = f.reason_cues
        for code, severity, loc in f.severities:
            m.severities[code] = (severity, loc)
        m.examples = f.examples  # examples belong to the file that states them
    return m


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[: -len(".policy")] if name.endswith(".policy") else name


def merge_tiers(
    base: A.TierTable | None, child: A.TierTable, problems: list[PolicyProblem] | None = None
) -> A.TierTable:
    """A child's table of the same name overrides tier by tier: a tier it restates takes the new
    band and default, and keeps the base's words unless it lists its own; roles merge.
    ``drop TIER`` removes an inherited tier; ``move "词" … to TIER`` moves words to a tier (from
    whichever tier had them), so a list is never restated to move one word."""
    sink: list[PolicyProblem] = [] if problems is None else problems
    if base is None:
        base = A.TierTable(child.name, (), loc=child.loc)
    child_tiers = {t.name: t for t in child.tiers}
    tiers = []
    for t in base.tiers:
        new = child_tiers.pop(t.name, None)
        if new is None:
            tiers.append(t)
        else:
            tiers.append(attrs.evolve(new, words=new.words or t.words, en=new.en or t.en))
    tiers.extend(child_tiers.values())
    for name, loc in child.drops:
        if not any(t.name == name for t in tiers):
            sink.append(
                PolicyProblem.of(
                    Msg(
                        f"档次表「{child.name}」中没有名为「{name}」的档次可删除",
                        f"the tier table {child.name!r} has no tier named {name!r} to drop",
                    ),
                    loc,
                    did_you_mean(name, [t.name for t in tiers]),
                    code="name",
                )
            )
        tiers = [t for t in tiers if t.name != name]
    for words, target, loc in child.moves:
        if not any(t.name == target for t in tiers):
            sink.append(
                PolicyProblem.of(
                    Msg(
                        f"档次表「{child.name}」中没有名为「{target}」的档次",
                        f"the tier table {child.name!r} has no tier named {target!r}",
                    ),
                    loc,
                    did_you_mean(target, [t.name for t in tiers]),
                    code="name",
                )
            )
            continue
        moved = set(words)
        tiers = [
            attrs.evolve(
                t,
                words=(
                    tuple(w for w in t.words if w not in moved)
                    + (tuple(dict.fromkeys(words)) if t.name == target else ())
                ),
            )
            for t in tiers
        ]
    roles = {r: (r, n, loc) for r, n, loc in base.roles}
    roles.update({r: (r, n, loc) for r, n, loc in child.roles})
    status = {k: (k, n, loc) for k, n, loc in base.status}
    status.update({k: (k, n, loc) for k, n, loc in child.status})
    return A.TierTable(
        child.name, tuple(tiers), tuple(roles.values()), tuple(status.values()), loc=child.loc
    )
