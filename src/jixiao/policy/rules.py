"""Compiling the rules of a policy (indicator and budget rules) into :class:`CompiledRule`."""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao.errors import Location, PolicyProblem
from jixiao.i18n import Msg
from jixiao.policy import ast as A
from jixiao.policy.checks import report
from jixiao.policy.expressions import ExprCompiler
from jixiao.policy.model import CompiledFinding, CompiledRule, TierTableRT
from jixiao.policy.names import did_you_mean, known, suggest
from jixiao.policy.refs import BODY_ONLY, Scope
from jixiao.policy.types import BOOL, POINTS, Fn, TypeInfo

__all__ = ["EXPLAIN_FIELDS", "check_template", "compile_rules", "refs_of"]

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


_WHEN = Msg("规则条件 when", "a rule's when condition")
_SCORE_WITHOUT_MET = Msg(
    "没有 met when 的规则的得分公式", "the score formula of a rule without met when"
)
_BODY = Msg("规则体", "a rule body")
_MET = Msg("met when 条件", "a met when condition")


def compile_rules(
    rules: list[A.Rule],
    refs: dict[str, Any],
    params: dict[str, tuple[TypeInfo, Any]],
    ec: ExprCompiler,
    tiers: Mapping[str, TierTableRT],
    *,
    budget: bool,
    problems: list[PolicyProblem],
) -> list[CompiledRule]:
    out = []
    when_scope = Scope(refs, params, forbid=BODY_ONLY, where=_WHEN, lenient_units=True)
    for rule in rules:
        where = f"{rule.loc.source}:{rule.loc.line}"
        when = (
            ec.expect(rule.when, when_scope, BOOL, Msg("when 条件", "a when condition"))
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
        score_scope = Scope(refs, params, forbid=body_forbid, where=_SCORE_WITHOUT_MET)
        body = Scope(refs, params, where=_BODY)
        met_scope = Scope(refs, params, forbid=frozenset({"met", "scored"}), where=_MET)
        if len(met_stmts) > 1:
            report(
                problems,
                Msg("一条规则只能有一个 met when", "a rule has at most one met when"),
                met_stmts[1].loc,
            )
        if len(scorers) != 1:
            loc = scorers[1].loc if scorers else rule.loc
            report(
                problems,
                Msg(
                    f"规则「{rule.name}」应恰有一个 score = …、score by tiers 或 unscored"
                    f"（现有 {len(scorers)} 个）",
                    f"the rule {rule.name!r} needs exactly one of score = …, score by tiers or "
                    f"unscored (it has {len(scorers)})",
                ),
                loc,
            )
        met = (
            ec.expect(met_stmts[0].cond, met_scope, BOOL, Msg("met 条件", "a met condition"))
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
                score_fn = ec.expect(
                    scorer.expr, score_scope, POINTS, Msg("得分 score ", "the score")
                )
                score_text = scorer.text
                score_refs = refs_of(scorer.expr, score_scope, ec)
            elif isinstance(scorer, A.TiersStmt):
                if budget:
                    report(
                        problems,
                        Msg(
                            "预算规则不能用 score by tiers",
                            "a budget rule cannot score by tiers: it scores with a formula",
                        ),
                        scorer.loc,
                    )
                elif scorer.table not in tiers:
                    report(
                        problems,
                        Msg(
                            f"没有名为「{scorer.table}」的档次表",
                            f"no tier table named {scorer.table!r}",
                        ),
                        scorer.loc,
                        suggest(scorer.table, tiers, "已定义", "defined")
                        if tiers
                        else Msg("策略没有定义任何档次表", "the policy defines no tier tables"),
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
                    f = ec.expect(s.cond, body, BOOL, Msg("reason 条件", "a reason condition"))
                    reason = (lambda c, f=f: not f(c)) if s.unless else f
            elif isinstance(s, A.FindingStmt):
                cond = (
                    ec.expect(s.cond, body, BOOL, Msg("finding 条件", "a finding condition"))
                    if s.cond is not None
                    else None
                )
                check_template(s.zh, s.loc, problems)
                if s.en:
                    check_template(s.en, s.loc, problems)
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
                accepts.append(ec.expect(s.expr, body, POINTS, Msg("accept ", "an accepted score")))
            elif isinstance(s, A.ExplainStmt):
                check_template(s.zh, s.loc, problems)
                if s.en:
                    check_template(s.en, s.loc, problems)
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
                name_en=rule.en,
            )
        )
    return out


def refs_of(expr: A.Expr, scope: Scope, ec: ExprCompiler) -> tuple[tuple[str, Fn], ...]:
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
                elif not isinstance(value, str | Decimal | bool | Location) and value is not None:
                    stack.append(value)
    return tuple(sorted(names.items()))


def check_template(text: str, loc: Location, problems: list[PolicyProblem]) -> None:
    """A message template holds text and ``{name}`` placeholders of known names only: no
    format spec (``{actual:>9}``), conversion (``{actual!r}``), attribute or index."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        report(
            problems,
            Msg("消息模板中的花括号不配对", "unbalanced braces in a message template"),
            loc,
        )
        return
    for _literal, f, spec, conversion in parts:
        if f is None:
            continue
        if spec or conversion:
            shown = (
                "{"
                + f
                + ("!" + conversion if conversion else "")
                + (":" + spec if spec else "")
                + "}"
            )
            report(
                problems,
                Msg(
                    f"消息模板的占位符只能是名称，不能带格式：「{shown[:40]}」",
                    "a placeholder is a name only, without a format spec or conversion: "
                    + shown[:40],
                ),
                loc,
                Msg(f"写成 {{{f}}}", f"write {{{f}}}"),
                code="name",
            )
            continue
        if f not in EXPLAIN_FIELDS:
            report(
                problems,
                Msg(
                    f"消息模板中未知的占位符「{{{f[:40]}}}」",
                    f"unknown placeholder {{{f[:40]}}} in a message template",
                ),
                loc,
                did_you_mean(f, EXPLAIN_FIELDS) or known("{" + x + "}" for x in EXPLAIN_FIELDS),
                code="name",
            )
