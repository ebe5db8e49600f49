"""Loading a policy: find the file(s), follow ``extends``, merge, check everything, compile.

Every problem found is reported at once, each with file:line:col, a caret and a hint. The stages
live in their own modules: :mod:`~jixiao.policy.files` (files and ``extends``),
:mod:`~jixiao.policy.merge` (merging a chain), :mod:`~jixiao.policy.checks` (weights, grades,
reachability, examples), :mod:`~jixiao.policy.rules` (compiling rules); this module ties them
together and compiles lets and tier tables.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from jixiao.catalog import BUILTIN_CODES, SEVERITY_SETTABLE
from jixiao.errors import Location, PolicyError, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.bands import check_bands
from jixiao.policy.checks import (
    BUDGET_INPUTS,
    BUDGET_SECTION,
    EXPECTS,
    FORM_INPUTS,
    INDICATOR_INPUTS,
    check_examples,
    check_grades,
    check_reachability,
    check_score_bounds,
    check_weights,
    norm_word,
    problem_order,
)
from jixiao.policy.expressions import ExprCompiler
from jixiao.policy.files import MAX_EXTENDS, parse_cached, read_chain, shipped_policies
from jixiao.policy.merge import Merged, merge_files
from jixiao.policy.model import Policy, TierTableRT
from jixiao.policy.names import did_you_mean, suggest
from jixiao.policy.refs import BUDGET_REFS, DOMAINS, INDICATOR_REFS, Scope
from jixiao.policy.rules import EXPLAIN_FIELDS, compile_rules
from jixiao.policy.syntax import MAX_PLACES, MAX_RULES
from jixiao.policy.types import ROUNDING_MODES, Ctx, EvalError, TypeInfo
from jixiao.resources import rules_dir as rules_dir  # kept: tests and users reach it here

__all__ = [
    "BUDGET_INPUTS",
    "BUDGET_SECTION",
    "EXPECTS",
    "EXPLAIN_FIELDS",
    "FORM_INPUTS",
    "INDICATOR_INPUTS",
    "MAX_EXTENDS",
    "MAX_RULES",
    "PolicyBuilder",
    "load_policy",
    "policy_from_chain",
    "shipped_policies",
]


def load_policy(spec: str | Path | Policy = "central") -> Policy:
    """Load a shipped policy by name (``"central"``, ``"hubei"`` …) or a rule file by path.

    >>> load_policy("central").name
    'central'
    """
    if isinstance(spec, Policy):
        return spec
    chain = read_chain(str(spec))
    return policy_from_chain(chain)


@functools.lru_cache(maxsize=64)
def policy_from_chain(chain: tuple[tuple[str, str], ...]) -> Policy:
    """Compile a policy from the texts of its files (base first). Used to unpickle policies."""
    files = [parse_cached(display, text) for display, text in chain]
    return PolicyBuilder(files, chain).build()


class PolicyBuilder:
    """Merges, checks and compiles the parsed files of one ``extends`` chain into a Policy."""

    def __init__(self, files: list[A.PolicyFile], chain: tuple[tuple[str, str], ...]) -> None:
        self.files = files
        self.chain = chain
        self.problems: list[PolicyProblem] = []
        self.warnings: list[PolicyProblem] = []

    def problem(
        self, message: Msg, loc: Location, hint: Msg | None = None, code: str = "policy"
    ) -> None:
        self.problems.append(PolicyProblem.of(message, loc, hint, code=code))

    def build(self) -> Policy:
        m = merge_files(self.files, self.problems, self.warnings)
        top = m.first_loc or Location(m.path)
        if len(m.rules) + len(m.budget_rules) > MAX_RULES:
            # refused before any rule is compiled or checked
            count = len(m.rules) + len(m.budget_rules)
            self.problem(
                Msg(
                    f"规则过多（{count} 条，上限 {MAX_RULES}）",
                    f"too many rules ({count}, at most {MAX_RULES})",
                ),
                top,
                code="limits",
            )
            raise PolicyError(self.problems)
        places, mode = m.rounding or (2, "half_up")
        if mode not in ROUNDING_MODES:
            mode = "half_up"
        if not 0 <= places <= MAX_PLACES:  # pragma: no cover - refused when parsed
            places = 2
        ec = ExprCompiler(self.problems, mode)
        params = self.compile_lets(m, ec)
        check_weights(m, self.problems)
        tiers = self.compile_tiers(m)
        grades = check_grades(m, self.problems)
        rules = compile_rules(
            m.rules, INDICATOR_REFS, params, ec, tiers, budget=False, problems=self.problems
        )
        check_score_bounds(m.rules, params, self.warnings)
        check_score_bounds(m.budget_rules, params, self.warnings)
        budget_rules = compile_rules(
            m.budget_rules, BUDGET_REFS, params, ec, tiers, budget=True, problems=self.problems
        )
        if not m.rules:
            self.problem(Msg("策略没有任何指标规则", "the policy has no indicator rules"), top)
        if not m.budget_rules:
            self.problem(Msg("策略没有 budget 规则", "the policy has no budget rules"), top)
        check_reachability(m.rules, Msg("指标规则", "indicator rule"), self.problems)
        check_reachability(m.budget_rules, Msg("预算规则", "budget rule"), self.problems)
        codes = {f.code for r in (*rules, *budget_rules) for f in r.findings}
        self.check_severities(m)
        check_examples(m, codes, self.problems)
        if self.problems:
            raise PolicyError(sorted(self.problems, key=problem_order))
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
            severities={code: sev for code, (sev, _loc) in m.severities.items()},
            examples=m.examples,
            path=m.path,
            chain=self.chain,
            warnings=tuple(sorted(self.warnings, key=problem_order)),
            regions=m.regions,
            caps=dict(m.caps),
            not_applicable=frozenset(m.not_applicable),
            labels={
                **{t.name: t.en for table in tiers.values() for t in table.tiers if t.en},
                **{r.name: r.en for r in (*m.rules, *m.budget_rules) if r.en},
                **dict(m.grade_labels),
            },
        )

    # -- severities of built-in finding codes
    def check_severities(self, m: Merged) -> None:
        for code, (_severity, loc) in m.severities.items():
            if code in SEVERITY_SETTABLE:
                continue
            settable = sorted(SEVERITY_SETTABLE)
            if code in BUILTIN_CODES:
                message = Msg(
                    f"内置代码「{code}」的严重程度不可由策略设置",
                    f"the severity of the built-in code {code} is fixed",
                )
            else:
                message = Msg(
                    f"未知的内置代码「{code}」", f"unknown built-in finding code {code!r}"
                )
            self.problem(
                message,
                loc,
                suggest(code, settable, "可设置", "settable"),
                code="name",
            )

    # -- lets
    def compile_lets(self, m: Merged, ec: ExprCompiler) -> dict[str, tuple[TypeInfo, Any]]:
        params: dict[str, tuple[TypeInfo, Any]] = {}
        reserved = set(INDICATOR_REFS) | set(BUDGET_REFS)
        for name, (expr, loc) in m.lets.items():
            if name in reserved:
                self.problem(
                    Msg(
                        f"「{name}」是内置名称，不能用 let 重新定义",
                        f"{name!r} is a built-in name: let cannot redefine it",
                    ),
                    loc,
                    code="name",
                )
                continue
            fn, t = ec.compile(expr, Scope({}, params, where=Msg("let 定义", "a let definition")))
            if t.kind == "error":
                continue
            try:
                value = fn(Ctx())
            except Exception as err:  # an EvalError in a constant expression
                why = (err.zh, err.en) if isinstance(err, EvalError) else (str(err), str(err))
                self.problem(
                    Msg(
                        f"let {name} 无法求值：{why[0]}",
                        f"let {name} cannot be evaluated: {why[1]}",
                    ),
                    loc,
                )
                continue
            params[name] = (t, value)
        return params

    # -- tiers
    def compile_tiers(self, m: Merged) -> dict[str, TierTableRT]:
        out: dict[str, TierTableRT] = {}
        for table in m.tiers.values():
            if not table.tiers:
                self.problem(
                    Msg(
                        f"档次表「{table.name}」没有任何档次",
                        f"the tier table {table.name!r} is empty",
                    ),
                    table.loc,
                    code="bands",
                )
                continue
            band_problems: list[PolicyProblem] = []
            check_bands(
                [t.band for t in table.tiers],
                band_problems,
                table.loc,
                Msg(f"档次表「{table.name}」", f"tier table {table.name!r}"),
                cover=(Decimal(0), Decimal(1)),
                prefer=table.loc.source,
                percent=True,
            )
            for p in band_problems:
                if p.location.source != table.loc.source and table.loc.source == m.path:
                    # the derived file changed this table (a drop, a new band): say so there
                    p = attrs.evolve(p, location=table.loc)
                self.problems.append(p)
            names = [t.name for t in table.tiers]
            words: dict[str, str] = {}
            for tier in table.tiers:
                if names.count(tier.name) > 1:
                    self.problem(
                        Msg(f"档次「{tier.name}」重复", f"the tier {tier.name!r} is named twice"),
                        tier.loc,
                        code="name",
                    )
                if (tier.band.low is not None and tier.band.low < 0) or (
                    tier.band.high is not None and tier.band.high > 1
                ):
                    band = tier.band.render(percent=True)
                    self.problem(
                        Msg(
                            f"档次「{tier.name}」的区间 {band} 超出 [0%, 100%]",
                            f"the band {band} of the tier {tier.name!r} leaves [0%, 100%]: "
                            "a tier band is a share of the weight",
                        ),
                        tier.band.loc,
                        code="bands",
                    )
                if tier.default is not None and not tier.band.contains(tier.default):
                    band = tier.band.render(percent=True)
                    point = f"{tier.default * 100:f}%"
                    self.problem(
                        Msg(
                            f"档次「{tier.name}」的默认分值 {point} 不在其区间 {band} 内",
                            f"the default {point} of the tier {tier.name!r} is outside its band "
                            f"{band}",
                        ),
                        tier.loc,
                        code="bands",
                    )
                for w in tier.words:
                    key = norm_word(w)
                    if key in words and words[key] != tier.name:
                        self.problem(
                            Msg(
                                f"词语「{w}」同时属于「{words[key]}」和「{tier.name}」",
                                f"the word {w!r} is in two tiers: {words[key]!r} and {tier.name!r}",
                            ),
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
                        Msg(f"未知的完成状态「{key}」", f"unknown status {key!r}"),
                        loc,
                        suggest(key, statuses),
                        code="name",
                    )
                self.check_tier_name(tier_name, names, loc)
                status[key] = tier_name
            out[table.name] = TierTableRT(table.name, table.tiers, words, roles, status)
        return out

    def check_tier_name(self, tier_name: str, names: list[str], loc: Location) -> None:
        if tier_name not in names:
            self.problem(
                Msg(f"没有名为「{tier_name}」的档次", f"no tier named {tier_name!r}"),
                loc,
                did_you_mean(tier_name, names),
                code="name",
            )
