"""The examples ``jixiao policy test`` runs: the file's own, and those it inherits through
``extends`` that still apply.

An inherited example still applies when nothing it depends on was rewritten by a file further
down the chain: the rule that scores it (and the rule that scored it in the file that states
it), the tier table of an expected tier, the grades of an expected grade, the rounding of an
expected score. Those run, and their failures count; the others are listed as no longer
applying, with what replaced them.
"""

from __future__ import annotations

import re

import attrs

from jixiao.evaluate.examples import ExampleOutcome, run_examples
from jixiao.i18n import Msg
from jixiao.policy.loader import policy_from_chain
from jixiao.policy.model import Policy

__all__ = ["Inherited", "inherited_examples"]


@attrs.frozen
class Inherited:
    """The examples of one file of the ``extends`` chain, run under the derived policy."""

    source: str
    applies: tuple[ExampleOutcome, ...]
    skipped: tuple[tuple[ExampleOutcome, Msg], ...]  # (outcome, why it no longer applies)


def _file(where: str) -> str:
    return where.rsplit(":", 1)[0] if ":" in where else where


def _rule_where(policy: Policy, name: object) -> str | None:
    for rule in (*policy.rules, *policy.budget_rules):
        if rule.name == name:
            return rule.where
    return None


def _why_not(
    base: Policy, derived: Policy, later: set[str], own: ExampleOutcome, got: ExampleOutcome
) -> Msg | None:
    """Why an example of *base* no longer applies under *derived*, or None if it still does."""
    rule_then, rule_now = own.got.get("rule"), got.got.get("rule")
    where_now = _rule_where(derived, rule_now)
    if rule_now is not None and where_now is not None and _file(where_now) in later:
        return Msg(
            f"规则「{rule_now}」已在 {where_now} 改写",
            f"the rule {rule_now!r} is rewritten at {where_now}",
        )
    if rule_then != rule_now:
        return Msg(
            f"原由规则「{rule_then}」评分，现由「{rule_now}」评分",
            f"scored by {rule_now!r} now, by {rule_then!r} where it was written",
        )
    if "grade" in own.got and derived.grades and derived.grades[0][1].loc.source in later:
        loc = derived.grades[0][1].loc
        return Msg(f"等级已在 {loc.source}:{loc.line} 改写", f"the grades are rewritten at {loc}")
    tier = got.got.get("tier") or own.got.get("tier")
    for name, table in derived.tiers.items():
        if (
            tier is not None
            and any(t.name == tier for t in table.tiers)
            and base.tiers.get(name) != table
        ):
            return Msg(
                f"档次表「{name}」已改写",
                f"the tier table {name!r} is rewritten",
            )
    changed = sorted(
        k for k in {*base.params, *derived.params} if base.params.get(k) != derived.params.get(k)
    )
    used = _rule_text(base, rule_then)
    for name in changed:
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", used):
            return Msg(f"参数 {name} 已改写", f"the parameter {name} is rewritten")
    if "score" in own.got or "rate" in own.got:
        rounding = (base.places, base.rounding, dict(base.rounding_at))
        if rounding != (derived.places, derived.rounding, dict(derived.rounding_at)):
            return Msg("舍入方式已改写", "the rounding is rewritten")
    return None


def _rule_text(policy: Policy, name: object) -> str:
    """The source text of rule *name* of *policy*: from its line to the closing brace."""
    where = _rule_where(policy, name)
    if where is None or ":" not in where:
        return ""
    source, line = where.rsplit(":", 1)
    for display, text in policy.chain:
        if display == source and line.isdigit():
            lines = text.splitlines()[int(line) - 1 :]
            end = next((i for i, ln in enumerate(lines) if ln.startswith("}")), len(lines))
            return "\n".join(lines[: end + 1])
    return ""


def inherited_examples(policy: Policy) -> list[Inherited]:
    """The examples of every file *policy* extends, run under *policy*, base file first; each
    either still applies (and passes or fails) or is skipped with the reason."""
    out = []
    chain = policy.chain
    for i in range(len(chain) - 1):
        base = policy_from_chain(chain[: i + 1])
        if not base.examples:
            continue
        later = {display for display, _ in chain[i + 1 :]}
        own = run_examples(base)
        here = run_examples(attrs.evolve(policy, examples=base.examples))
        applies, skipped = [], []
        for o, g in zip(own, here, strict=True):
            why = _why_not(base, policy, later, o, g)
            if why is None:
                applies.append(g)
            else:
                skipped.append((g, why))
        out.append(Inherited(chain[i][0], tuple(applies), tuple(skipped)))
    return out
