"""Running the ``example`` blocks of a policy file (``jixiao policy test``).

The policy layer only parses and checks examples; running one needs the evaluator, so it is here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from jixiao.errors import Location
from jixiao.evaluate.budget import score_budget
from jixiao.evaluate.indicators import score_indicator
from jixiao.forms.model import Budget, Indicator
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = ["ExampleOutcome", "run_examples", "run_policy_examples"]


@attrs.frozen
class ExampleOutcome:
    """One example: whether it passed and, if not, every expectation it broke."""

    name: str
    location: Location
    failures: tuple[str, ...]
    got: dict[str, Any]

    @property
    def passed(self) -> bool:
        return not self.failures


def _dec(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _same(expected: object, got: object) -> bool:
    if expected is None or got is None:
        return expected is got
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected == got
    if isinstance(expected, Decimal):
        try:
            return Decimal(str(got)) == expected
        except Exception:
            return False
    return str(expected) == str(got)


def run_policy_examples(policy: Policy | str | Path = "central") -> list[ExampleOutcome]:
    """Run the ``example`` blocks of a policy (a loaded one, a shipped name or a file) and return
    each one's outcome: what the Python API gives for ``jixiao policy test FILE``.

    >>> import jixiao
    >>> outcomes = jixiao.run_policy_examples("central")
    >>> all(o.passed for o in outcomes), outcomes[0].got["score"]
    (True, Decimal('9.71'))
    """
    return run_examples(load_policy(policy))


def run_examples(policy: Policy) -> list[ExampleOutcome]:
    """Run every example of *policy* and report each one's outcome."""
    outcomes = []
    for ex in policy.examples:
        inputs = {k: v for k, v, _ in ex.inputs}
        got: dict[str, Any] = {}
        codes: set[str] = set()
        if "total" in inputs:
            total = _dec(inputs["total"])
            assert total is not None
            got["grade"] = policy.grade(total)
        elif "annual" in inputs:
            budget = Budget(
                initial=_dec(inputs.get("initial")),
                annual=_dec(inputs.get("annual")),
                executed=_dec(inputs.get("executed")),
                weight=_dec(inputs.get("weight")),
                score=_dec(inputs.get("claimed")),
                rate=_dec(inputs.get("rate")),
                reason=str(inputs.get("reason") or ""),
            )
            b = score_budget(policy, budget)
            got = {"score": b.score, "rate": b.rate, "rule": b.rule.name if b.rule else None}
            codes = {f.code for f in b.findings}
        else:
            ind = Indicator(
                name=str(inputs.get("name") or ex.name),
                target=str(inputs.get("target") or ""),
                actual=str(inputs.get("actual") or ""),
                weight=_dec(inputs.get("weight")),
                score=_dec(inputs.get("claimed")),
                reason=str(inputs.get("reason") or ""),
                level1=str(inputs.get("level1") or ""),
                level2=str(inputs.get("level2") or ""),
                where=f"example {ex.name}",
            )
            r = score_indicator(policy, ind)
            got = {
                "score": r.score,
                "met": r.met,
                "tier": r.tier,
                "rule": r.rule.name if r.rule else None,
            }
            codes = {f.code for f in r.findings}
        failures = []
        for key, expected, _loc in ex.expects:
            value = got.get(key)
            if not _same(expected, value):
                failures.append(
                    f"期望 {key} = {_show(expected)}，实际为 {_show(value)} (expected {key} {_show(expected)}, got {_show(value)})"
                )
        for code, present, _loc in ex.findings:
            if present and code not in codes:
                failures.append(
                    f"期望出现发现 {code}，实际没有 (expected finding {code}; got {sorted(codes) or 'none'})"
                )
            if not present and code in codes:
                failures.append(f"不应出现发现 {code} (finding {code} should not occur)")
        got["findings"] = sorted(codes)
        outcomes.append(ExampleOutcome(ex.name, ex.loc, tuple(failures), got))
    return outcomes


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
