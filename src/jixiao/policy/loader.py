"""Loading a policy: find the file(s), follow ``extends``, merge, check everything, compile.

Every problem found is reported at once, each with file:line:col, a caret and a hint.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from jixiao.catalog import BUILTIN_CODES
from jixiao.errors import Location, PolicyError, PolicyProblem
from jixiao.policy import ast as A
from jixiao.policy.compiler import (
    BODY_ONLY,
    BOOL,
    BUDGET_REFS,
    DOMAINS,
    INDICATOR_REFS,
    POINTS,
    ROUNDING_MODES,
    Ctx,
    ExprCompiler,
    Fn,
    Scope,
    TypeInfo,
    check_bands,
)
from jixiao.policy.model import CompiledFinding, CompiledRule, Policy, TierTableRT
from jixiao.policy.names import did_you_mean
from jixiao.policy.syntax import parse_policy_text
from jixiao.resources import rules_dir

__all__ = ["BUDGET_SECTION", "load_policy", "policy_from_chain", "shipped_policies"]

BUDGET_SECTION = "预算执行率"
MAX_EXTENDS = 16
MAX_RULES = 500

INDICATOR_INPUTS = ("target", "actual", "weight", "claimed", "reason", "level1", "level2", "name")
BUDGET_INPUTS = ("annual", "executed", "initial", "weight", "claimed", "rate", "reason")
FORM_INPUTS = ("total",)
EXPECTS = ("score", "met", "tier", "rate", "grade", "rule")
EXPLAIN_FIELDS = (
    "actual",
    "target",
    "weight",
    "score",
    "completion",
    "inclusive",
    "rule",
    "tier",
    "band",
    "claimed",
    "name",
    "rate",
    "annual",
    "executed",
)


def shipped_policies() -> tuple[str, ...]:
    """Names of the policies shipped in ``rules/`` (``central``, ``hubei`` …)."""
    return tuple(sorted(p.stem for p in rules_dir().glob("*.policy")))


def load_policy(spec: str | Path | Policy = "central") -> Policy:
    """Load a shipped policy by name (``"central"``, ``"hubei"`` …) or a rule file by path.

    >>> load_policy("central").name
    'central'
    """
    if isinstance(spec, Policy):
        return spec
    chain = _read_chain(str(spec))
    return policy_from_chain(chain)


def _display(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(rules_dir().resolve())
        return f"rules/{rel.as_posix()}"
    except ValueError:
        return str(path)


def _resolve(spec: str, base_dir: Path | None, loc: Location | None) -> Path:
    is_name = "/" not in spec and "\\" not in spec and not spec.endswith(".policy")
    if is_name:
        path = rules_dir() / f"{spec}.policy"
        if path.is_file():
            return path
        hint = did_you_mean(spec, shipped_policies()) or "内置策略 (shipped)：" + "、".join(
            shipped_policies()
        )
        raise PolicyError(
            [
                PolicyProblem(
                    f"没有名为「{spec}」的内置策略 (no shipped policy named {spec!r})",
                    loc or Location(spec),
                    hint,
                )
            ]
        )
    path = Path(spec)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise PolicyError(
            [
                PolicyProblem(
                    f"找不到策略文件「{spec}」 (policy file not found: {spec})",
                    loc or Location(spec),
                    "内置策略可直接用名称，如 central (shipped policies are loaded by name)",
                )
            ]
        )
    return path


def _read_chain(spec: str) -> tuple[tuple[str, str], ...]:
    """The files from the root base to *spec*, as (display path, text) pairs."""
    chain: list[tuple[str, str]] = []
    seen: list[str] = []
    shown: list[str] = []
    path = _resolve(spec, None, None)
    loc: Location | None = None
    while True:
        key = str(path.resolve())
        display = _display(path)
        if key in seen:
            cycle = " → ".join([*shown[seen.index(key) :], display])
            raise PolicyError(
                [
                    PolicyProblem(
                        f"extends 形成循环：{cycle} (extends cycle)", loc or Location(display)
                    )
                ]
            )
        if len(seen) >= MAX_EXTENDS:
            raise PolicyError(
                [
                    PolicyProblem(
                        f"extends 层数超过 {MAX_EXTENDS} (too many extends levels)",
                        loc or Location(display),
                    )
                ]
            )
        seen.append(key)
        shown.append(display)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise PolicyError(
                [
                    PolicyProblem(
                        f"无法读取策略文件 (cannot read the policy file): {err}", Location(display)
                    )
                ]
            ) from None
        chain.append((display, text))
        base = _extends_of(text, display)
        if base is None:
            break
        spec_b, loc = base
        path = _resolve(spec_b, path.parent, loc)
    return tuple(reversed(chain))


def _extends_of(text: str, display: str) -> tuple[str, Location] | None:
    parsed = _parse_cached(display, text)
    if parsed.extends is None:
        return None
    return parsed.extends, parsed.extends_loc or Location(display, 1, 1, 1, text)


@functools.lru_cache(maxsize=64)
def _parse_cached(display: str, text: str) -> A.PolicyFile:
    return parse_policy_text(text, display)


@functools.lru_cache(maxsize=64)
def policy_from_chain(chain: tuple[tuple[str, str], ...]) -> Policy:
    """Compile a policy from the texts of its files (base first). Used to unpickle policies."""
    files = [_parse_cached(display, text) for display, text in chain]
    return _Compiler(files, chain).build()


# ----------------------------------------------------------------------------- merging


@attrs.define
class _Merged:
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


def _merge_rules(
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


# ----------------------------------------------------------------------------- compiling


class _Compiler:
    def __init__(self, files: list[A.PolicyFile], chain: tuple[tuple[str, str], ...]) -> None:
        self.files = files
        self.chain = chain
        self.problems: list[PolicyProblem] = []

    def problem(
        self, message: str, loc: Location, hint: str | None = None, code: str = "policy"
    ) -> None:
        self.problems.append(PolicyProblem(message, loc, hint, code=code))

    def merge(self) -> _Merged:
        m = _Merged()
        for f in self.files:
            m.path = f.path
            m.first_loc = Location(f.path, 1, 1, 1, f.text)
            for attr in ("name", "version", "title", "source", "years", "rounding", "tolerance"):
                value = getattr(f, attr)
                if value is not None:
                    setattr(m, attr, value)
            if f.extends is None and f is not self.files[0]:  # pragma: no cover - chain order
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
            m.rules = _merge_rules(m.rules, f.rules, f.drops, self.problems)
            m.budget_rules = _merge_rules(
                m.budget_rules, f.budget_rules, f.budget_drops, self.problems
            )
            for table in f.tiers:
                base = m.tiers.get(table.name)
                m.tiers[table.name] = _merge_tiers(base, table) if base is not None else table
            if f.grades is not None:
                m.grades, m.grades_loc = f.grades, f.grades_loc
            if f.placeholders is not None:
                m.placeholders = f.placeholders
            if f.reason_cues is not None:
                m.reason_cues = f.reason_cues
            m.examples = f.examples  # examples belong to the file that states them
        return m

    def build(self) -> Policy:
        m = self.merge()
        top = m.first_loc or Location(m.path)
        if m.name is None:
            self.problem(
                '缺少 policy "名称" 声明 (the file must start with: policy "name")',
                top,
                code="syntax",
            )
        places, mode = m.rounding or (2, "half_up")
        if mode not in ROUNDING_MODES:
            mode = "half_up"
        if not 0 <= places <= 10:
            self.problem(f"舍入位数 {places} 超出 0–10 (rounding places must be 0–10)", top)
            places = 2
        ec = ExprCompiler(self.problems, mode)
        params = self.compile_lets(m, ec)
        self.check_weights(m)
        tiers = self.compile_tiers(m)
        grades = self.check_grades(m)
        if len(m.rules) + len(m.budget_rules) > MAX_RULES:
            self.problem(f"规则过多（上限 {MAX_RULES}） (too many rules)", top)
        rules = self.compile_rules(m.rules, INDICATOR_REFS, params, ec, tiers, budget=False)
        budget_rules = self.compile_rules(
            m.budget_rules, BUDGET_REFS, params, ec, tiers, budget=True
        )
        if not m.rules:
            self.problem("策略没有任何指标规则 (the policy has no indicator rules)", top)
        if not m.budget_rules:
            self.problem("策略没有 budget 规则 (the policy has no budget rules)", top)
        self.check_reachability(m.rules, "指标规则")
        self.check_reachability(m.budget_rules, "预算规则")
        codes = {f.code for r in (*rules, *budget_rules) for f in r.findings}
        self.check_examples(m, codes, tiers, grades)
        if self.problems:
            raise PolicyError(sorted(self.problems, key=_problem_order))
        assert m.name is not None
        return Policy(
            name=m.name,
            version=m.version or "",
            title=m.title or (m.name, None),
            source=m.source or "",
            years=m.years,
            places=places,
            rounding=mode,
            rounding_at=dict(m.rounding_at),
            tolerance=m.tolerance if m.tolerance is not None else Decimal("0.01"),
            params={k: v for k, (_t, v) in params.items()},
            weights={k: v for k, (v, _l) in m.weights.items()},
            budget_section=BUDGET_SECTION,
            deviation=m.deviation or "info",
            budget_rules=tuple(budget_rules),
            rules=tuple(rules),
            tiers=tiers,
            grades=grades,
            placeholders=frozenset(m.placeholders or ()),
            reason_cues=dict(m.reason_cues or ()),
            examples=m.examples,
            path=m.path,
            chain=self.chain,
        )

    # -- lets
    def compile_lets(self, m: _Merged, ec: ExprCompiler) -> dict[str, tuple[TypeInfo, Any]]:
        params: dict[str, tuple[TypeInfo, Any]] = {}
        reserved = set(INDICATOR_REFS) | set(BUDGET_REFS)
        for name, (expr, loc) in m.lets.items():
            if name in reserved:
                self.problem(
                    f"「{name}」是内置名称，不能用 let 重新定义 ({name!r} is built in)",
                    loc,
                    code="name",
                )
                continue
            fn, t = ec.compile(expr, Scope({}, params, where="let"))
            if t.kind == "error":
                continue
            try:
                value = fn(Ctx())
            except Exception as err:  # an EvalError in a constant expression
                self.problem(f"let {name} 无法求值 (cannot evaluate): {err}", loc)
                continue
            params[name] = (t, value)
        return params

    # -- weights
    def check_weights(self, m: _Merged) -> None:
        # point at the most derived file's entry: that is where an override broke the sum
        locs = [loc for _v, loc in m.weights.values()]
        loc = next((x for x in reversed(locs) if x.source == m.path), locs[0] if locs else None)
        loc = loc or m.first_loc or Location(m.path)
        if BUDGET_SECTION not in m.weights:
            self.problem(
                f"weights 中缺少「{BUDGET_SECTION}」 (weights must include {BUDGET_SECTION})",
                loc,
                did_you_mean(BUDGET_SECTION, m.weights),
                code="weights",
            )
        total = sum((v for v, _ in m.weights.values()), Decimal(0))
        if m.weights and total != 100:
            self.problem(
                f"各部分权重合计 {total.normalize():f}，应为 100 (weights add up to {total.normalize():f}, not 100)",
                loc,
                "；".join(f"{k} {v.normalize():f}" for k, (v, _) in m.weights.items()),
                code="weights",
            )
        for section, (value, wloc) in m.weights.items():
            if value < 0:
                self.problem(
                    f"权重不能为负 (a weight cannot be negative): {section}", wloc, code="weights"
                )

    # -- tiers
    def compile_tiers(self, m: _Merged) -> dict[str, TierTableRT]:
        out: dict[str, TierTableRT] = {}
        for table in m.tiers.values():
            if not table.tiers:
                self.problem(
                    f"档次表「{table.name}」没有任何档次 (tier table is empty)",
                    table.loc,
                    code="bands",
                )
                continue
            check_bands(
                [t.band for t in table.tiers],
                self.problems,
                table.loc,
                f"档次表「{table.name}」",
                cover=(Decimal(0), Decimal(1)),
                prefer=table.loc.source,
                percent=True,
            )
            names = [t.name for t in table.tiers]
            words: dict[str, str] = {}
            for tier in table.tiers:
                if names.count(tier.name) > 1:
                    self.problem(
                        f"档次「{tier.name}」重复 (tier named twice)", tier.loc, code="name"
                    )
                if (tier.band.low is not None and tier.band.low < 0) or (
                    tier.band.high is not None and tier.band.high > 1
                ):
                    self.problem(
                        f"档次「{tier.name}」的区间 {tier.band.render(percent=True)} 超出 [0%, 100%] "
                        "(a tier band is a share of the weight, within [0%, 100%])",
                        tier.band.loc,
                        code="bands",
                    )
                if tier.default is not None and not tier.band.contains(tier.default):
                    self.problem(
                        f"档次「{tier.name}」的默认分值 {tier.default * 100:f}% 不在其区间 {tier.band.render(percent=True)} 内 "
                        "(the default point must lie in its band)",
                        tier.loc,
                        code="bands",
                    )
                for w in tier.words:
                    key = _norm_word(w)
                    if key in words and words[key] != tier.name:
                        self.problem(
                            f"词语「{w}」同时属于「{words[key]}」和「{tier.name}」 (a word maps to two tiers)",
                            tier.loc,
                            code="bands",
                        )
                    words[key] = tier.name
            roles: dict[str, str] = {}
            for role, tier_name, loc in table.roles:
                self.check_tier_name(tier_name, names, loc)
                roles[role] = tier_name
            status: dict[str, str] = {}
            statuses = [d for d in DOMAINS["actual.status"] if d]
            for key, tier_name, loc in table.status:
                if key not in statuses:
                    self.problem(
                        f"未知的完成状态「{key}」 (unknown status {key!r})",
                        loc,
                        did_you_mean(key, statuses) or "可用 (known)：" + "、".join(statuses),
                        code="name",
                    )
                self.check_tier_name(tier_name, names, loc)
                status[key] = tier_name
            out[table.name] = TierTableRT(table.name, table.tiers, words, roles, status)
        return out

    def check_tier_name(self, tier_name: str, names: list[str], loc: Location) -> None:
        if tier_name not in names:
            self.problem(
                f"没有名为「{tier_name}」的档次 (no such tier)",
                loc,
                did_you_mean(tier_name, names),
                code="name",
            )

    # -- grades
    def check_grades(self, m: _Merged) -> tuple[tuple[str, A.Interval], ...]:
        if m.grades is None:
            self.problem(
                "策略缺少 grades（等级）定义 (the policy defines no grades)",
                m.first_loc or Location(m.path),
            )
            return ()
        check_bands(
            [iv for _, iv in m.grades],
            self.problems,
            m.grades_loc or Location(m.path),
            "等级 grades",
            cover=(Decimal(0), Decimal(100)),
        )
        return m.grades

    # -- rules
    def compile_rules(
        self,
        rules: list[A.Rule],
        refs: dict[str, Any],
        params: dict[str, tuple[TypeInfo, Any]],
        ec: ExprCompiler,
        tiers: Mapping[str, TierTableRT],
        *,
        budget: bool,
    ) -> list[CompiledRule]:
        out = []
        when_scope = Scope(refs, params, forbid=BODY_ONLY, where="规则条件 when")
        for rule in rules:
            where = f"{rule.loc.source}:{rule.loc.line}"
            when = (
                ec.expect(rule.when, when_scope, BOOL, "when 条件|a when condition")
                if rule.when is not None
                else None
            )
            met_stmts = [s for s in rule.stmts if isinstance(s, A.MetStmt)]
            scorers = [
                s for s in rule.stmts if isinstance(s, A.ScoreStmt | A.TiersStmt | A.UnscoredStmt)
            ]
            has_met = bool(met_stmts)
            body_forbid = frozenset({"scored"}) if has_met else frozenset({"met", "scored"})
            # the score formula may use met only when the rule states it; by the time reasons,
            # findings and accepts run, met is known (from the tier or from score == weight)
            score_scope = Scope(
                refs, params, forbid=body_forbid, where="没有 met when 的规则的得分公式"
            )
            body = Scope(refs, params, where="规则体")
            met_scope = Scope(
                refs, params, forbid=frozenset({"met", "scored"}), where="met when 条件"
            )
            if len(met_stmts) > 1:
                self.problem("一条规则只能有一个 met when (one met per rule)", met_stmts[1].loc)
            if len(scorers) != 1:
                loc = scorers[1].loc if scorers else rule.loc
                self.problem(
                    f"规则「{rule.name}」应恰有一个 score = …、score by tiers 或 unscored "
                    f"(a rule needs exactly one way to score; it has {len(scorers)})",
                    loc,
                )
            met = (
                ec.expect(met_stmts[0].cond, met_scope, BOOL, "met 条件|a met condition")
                if met_stmts
                else None
            )
            score_fn: Fn | None = None
            score_text = ""
            score_refs: tuple[tuple[str, Fn], ...] = ()
            tiers_name = None
            unscored = None
            for scorer in scorers[:1]:
                if isinstance(scorer, A.ScoreStmt):
                    score_fn = ec.expect(scorer.expr, score_scope, POINTS, "得分 score |the score")
                    score_text = scorer.text
                    score_refs = self.refs_of(scorer.expr, score_scope, ec)
                elif isinstance(scorer, A.TiersStmt):
                    if budget:
                        self.problem(
                            "预算规则不能用 score by tiers (budget rules score with a formula)",
                            scorer.loc,
                        )
                    elif scorer.table not in tiers:
                        self.problem(
                            f"没有名为「{scorer.table}」的档次表 (no tier table named {scorer.table!r})",
                            scorer.loc,
                            did_you_mean(scorer.table, tiers)
                            or "已定义 (defined)：" + "、".join(tiers),
                            code="name",
                        )
                    tiers_name = scorer.table
                else:
                    unscored = (scorer.zh, scorer.en)
            reason = None
            reason_always = False
            findings: list[CompiledFinding] = []
            accepts: list[Fn] = []
            explain: dict[str, tuple[str, str | None]] = {}
            for s in rule.stmts:
                if isinstance(s, A.ReasonStmt):
                    if s.cond is None:
                        reason_always = True
                    else:
                        f = ec.expect(s.cond, body, BOOL, "reason 条件|a reason condition")
                        reason = (lambda c, f=f: not f(c)) if s.unless else f
                elif isinstance(s, A.FindingStmt):
                    cond = (
                        ec.expect(s.cond, body, BOOL, "finding 条件|a finding condition")
                        if s.cond is not None
                        else None
                    )
                    self.check_template(s.zh, s.loc)
                    if s.en:
                        self.check_template(s.en, s.loc)
                    findings.append(
                        CompiledFinding(
                            s.severity,
                            s.code,
                            cond,
                            s.zh,
                            s.en,
                            s.reason_required,
                            f"{s.loc.source}:{s.loc.line}",
                        )
                    )
                elif isinstance(s, A.AcceptStmt):
                    accepts.append(ec.expect(s.expr, body, POINTS, "accept |an accepted score"))
                elif isinstance(s, A.ExplainStmt):
                    self.check_template(s.zh, s.loc)
                    if s.en:
                        self.check_template(s.en, s.loc)
                    explain[s.outcome] = (s.zh, s.en)
            out.append(
                CompiledRule(
                    name=rule.name,
                    where=where,
                    when=when,
                    met=met,
                    met_text=met_stmts[0].text if met_stmts else "",
                    score=score_fn,
                    score_text=score_text,
                    score_refs=score_refs,
                    tiers=tiers_name,
                    unscored=unscored,
                    reason=reason,
                    reason_always=reason_always,
                    findings=tuple(findings),
                    accepts=tuple(accepts),
                    explain=explain,
                )
            )
        return out

    def refs_of(self, expr: A.Expr, scope: Scope, ec: ExprCompiler) -> tuple[tuple[str, Fn], ...]:
        """The names a formula uses, each with a function reading its value (for the trace)."""
        names: dict[str, Fn] = {}
        stack: list[Any] = [expr]
        while stack:
            e = stack.pop()
            if isinstance(e, A.Ref):
                if e.dotted not in names and (e.dotted in scope.refs or e.dotted in scope.params):
                    sink: list[PolicyProblem] = []
                    fn, _t = ExprCompiler(sink).compile(e, scope)
                    if not sink:
                        names[e.dotted] = fn
            elif attrs.has(type(e)):
                for field in attrs.fields(type(e)):
                    value = getattr(e, field.name)
                    if isinstance(value, tuple):
                        for v in value:
                            stack.extend(v if isinstance(v, tuple) else (v,))
                    elif (
                        not isinstance(value, str | Decimal | bool | Location) and value is not None
                    ):
                        stack.append(value)
        return tuple(sorted(names.items()))

    def check_template(self, text: str, loc: Location) -> None:
        import string

        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError:
            self.problem("消息模板中的花括号不配对 (unbalanced braces in a message template)", loc)
            return
        for f in fields:
            if f not in EXPLAIN_FIELDS:
                self.problem(
                    f"消息模板中未知的占位符「{{{f}}}」 (unknown placeholder {{{f}}})",
                    loc,
                    did_you_mean(f, EXPLAIN_FIELDS)
                    or "可用 (known)：" + "、".join("{" + x + "}" for x in EXPLAIN_FIELDS),
                    code="name",
                )

    # -- reachability
    def check_reachability(self, rules: list[A.Rule], what: str) -> None:
        earlier: list[tuple[str, list[_Conj]]] = []
        single: dict[str, set[Any]] = {}
        for rule in rules:
            if rule.when is None:
                dnf: list[_Conj] | None = [_Conj({}, False)]
            else:
                dnf = _dnf(rule.when)
            if dnf is not None and dnf and all(c.empty() for c in dnf):
                self.problem(
                    f"{what}「{rule.name}」的条件自相矛盾，永远不会被使用 (this rule's condition can never hold)",
                    rule.when.loc if rule.when is not None else rule.loc,
                    code="unreachable",
                )
            elif dnf is not None:
                live = [c for c in dnf if not c.empty()]
                if live and all(_covered(c, earlier, single) for c in live):
                    by = next(
                        (
                            name
                            for name, conjs in earlier
                            if any(_implies(lc, ec) for lc in live for ec in conjs if not ec.opaque)
                        ),
                        earlier[0][0] if earlier else "",
                    )
                    self.problem(
                        f"{what}「{rule.name}」永远不会被使用：前面的规则（如「{by}」）已匹配它的所有情况 "
                        "(this rule can never fire: earlier rules already match every case it covers)",
                        rule.loc,
                        "把它移到前面，或收窄前面规则的条件 (move it up or narrow the earlier rule)",
                        code="unreachable",
                    )
            conjs = dnf or []
            earlier.append((rule.name, conjs))
            for c in conjs:
                if not c.opaque and len(c.sets) == 1 and not c.empty():
                    ((ref, values),) = c.sets.items()
                    single.setdefault(ref, set()).update(values)

    # -- examples
    def check_examples(
        self,
        m: _Merged,
        codes: set[str],
        tiers: Mapping[str, TierTableRT],
        grades: tuple[tuple[str, A.Interval], ...],
    ) -> None:
        known_codes = codes | set(BUILTIN_CODES)
        names = {ex.name for ex in m.examples}
        if len(names) != len(m.examples):
            seen: set[str] = set()
            for ex in m.examples:
                if ex.name in seen:
                    self.problem(
                        f"示例「{ex.name}」重名 (example named twice)", ex.loc, code="name"
                    )
                seen.add(ex.name)
        allowed = set(INDICATOR_INPUTS) | set(BUDGET_INPUTS) | set(FORM_INPUTS)
        for ex in m.examples:
            keys = {k for k, _, _ in ex.inputs}
            for key, _value, loc in ex.inputs:
                if key not in allowed:
                    self.problem(
                        f"示例中未知的输入「{key}」 (unknown example input {key!r})",
                        loc,
                        did_you_mean(key, allowed) or "可用 (known)：" + "、".join(sorted(allowed)),
                        code="name",
                    )
            if not keys & {"target", "annual", "total"}:
                self.problem(
                    "示例应给出 target（指标）、annual（预算）或 total（总分） "
                    "(an example needs target, annual or total)",
                    ex.loc,
                )
            for key, _value, loc in ex.expects:
                if key not in EXPECTS:
                    self.problem(
                        f"示例中未知的期望「{key}」 (unknown expectation {key!r})",
                        loc,
                        did_you_mean(key, EXPECTS) or "可用 (known)：" + "、".join(EXPECTS),
                        code="name",
                    )
            for code, _present, loc in ex.findings:
                if code not in known_codes:
                    self.problem(
                        f"未知的发现代码「{code}」 (unknown finding code {code!r})",
                        loc,
                        did_you_mean(code, known_codes),
                        code="name",
                    )


def _merge_tiers(base: A.TierTable, child: A.TierTable) -> A.TierTable:
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


def _problem_order(p: PolicyProblem) -> tuple[str, int, int]:
    return (p.location.source or "", p.location.line or 0, p.location.column or 0)


def _norm_word(word: str) -> str:
    return "".join(ch for ch in word if not ch.isspace() and ch not in "。.,，；;！!、")


# ----------------------------------------------------------------------------- reachability


@attrs.frozen
class _Conj:
    """A conjunction of constraints ``ref ∈ set``; ``opaque`` if it also has unknown conditions."""

    sets: dict[str, frozenset[Any]]
    opaque: bool

    def empty(self) -> bool:
        return any(not s for s in self.sets.values())


_BOOL_REFS = ("target.numeric", "actual.numeric", "target.inclusive", "target.declared")


def _domain(ref: str) -> frozenset[Any] | None:
    if ref in DOMAINS:
        return frozenset(DOMAINS[ref])
    if ref in _BOOL_REFS:
        return frozenset({True, False})
    return None


def _atom(e: A.Expr, negate: bool = False) -> list[_Conj]:
    opaque = [_Conj({}, True)]
    if isinstance(e, A.Ref) and e.dotted in _BOOL_REFS:
        return [_Conj({e.dotted: frozenset({not negate})}, False)]
    if isinstance(e, A.Cmp) and e.op in ("==", "!="):
        ref, const = (e.left, e.right) if isinstance(e.left, A.Ref) else (e.right, e.left)
        if isinstance(ref, A.Ref) and isinstance(const, A.Str | A.Bool):
            domain = _domain(ref.dotted)
            if domain is None:
                return opaque
            value = const.value
            if value not in domain:
                return opaque  # reported as an unknown value by the type checker
            positive = (e.op == "==") != negate
            return [
                _Conj(
                    {ref.dotted: frozenset({value}) & domain if positive else domain - {value}},
                    False,
                )
            ]
        return opaque
    if isinstance(e, A.In) and isinstance(e.item, A.Ref):
        domain = _domain(e.item.dotted)
        if domain is None or not all(isinstance(o, A.Str | A.Bool) for o in e.options):
            return opaque
        values = frozenset(o.value for o in e.options if isinstance(o, A.Str | A.Bool))
        if not values <= domain:
            return opaque
        positive = (not e.negate) != negate
        return [_Conj({e.item.dotted: values & domain if positive else domain - values}, False)]
    return opaque


def _and(a: list[_Conj], b: list[_Conj]) -> list[_Conj]:
    out = []
    for x, y in itertools.product(a, b):
        sets = dict(x.sets)
        for ref, values in y.sets.items():
            sets[ref] = sets[ref] & values if ref in sets else values
        out.append(_Conj(sets, x.opaque or y.opaque))
    return out


def _dnf(e: A.Expr, negate: bool = False, depth: int = 0) -> list[_Conj] | None:
    if depth > 32:
        return None
    if isinstance(e, A.Not):
        return _dnf(e.operand, not negate, depth + 1)
    if isinstance(e, A.And | A.Or):
        left = _dnf(e.left, negate, depth + 1)
        right = _dnf(e.right, negate, depth + 1)
        if left is None or right is None:
            return None
        conj = isinstance(e, A.And) != negate  # De Morgan
        result = _and(left, right) if conj else left + right
        return result if len(result) <= 64 else None
    return _atom(e, negate)


def _implies(later: _Conj, earlier: _Conj) -> bool:
    for ref, allowed in earlier.sets.items():
        have = later.sets.get(ref, _domain(ref) or frozenset())
        if not have <= allowed:
            return False
    return True


def _covered(c: _Conj, earlier: list[tuple[str, list[_Conj]]], single: dict[str, set[Any]]) -> bool:
    for _name, conjs in earlier:
        for e in conjs:
            if not e.opaque and _implies(c, e):
                return True
    for ref, values in single.items():
        have = c.sets.get(ref, _domain(ref) or frozenset())
        if have <= values:
            return True
    return False
