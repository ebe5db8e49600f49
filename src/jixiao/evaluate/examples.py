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
from jixiao.i18n import Msg
from jixiao.policy.loader import load_policy
from jixiao.policy.model import Policy

__all__ = ["ExampleOutcome", "run_examples", "run_policy_examples"]


@attrs.frozen
class ExampleOutcome:
    """One example: whether it passed and, if not, every expectation it broke (in both
    languages: :meth:`failure_texts` gives them in one)."""

    name: str
    location: Location
    failures: tuple[Msg, ...]
    got: dict[str, Any]

    @property
    def passed(self) -> bool:
        return not self.failures

    def failure_texts(self, lang: str = "zh") -> tuple[str, ...]:
        """Every expectation the example broke, in *lang*."""
        return tuple(f.text(lang) for f in self.failures)


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
        failures: list[Msg] = []
        for key, expected, _loc in ex.expects:
            value = got.get(key)
            if not _same(expected, value):
                want, have = _show(expected), _show(value)
                failures.append(
                    Msg(
                        f"期望 {key} = {want.zh}，实际为 {have.zh}",
                        f"expected {key} = {want.en}, got {have.en}",
                    )
                )
        for code, present, _loc in ex.findings:
            if present and code not in codes:
                failures.append(
                    Msg(
                        f"期望出现发现 {code}，实际没有（实际的发现：{'、'.join(sorted(codes)) or '无'}）",
                        f"expected the finding {code}, got {', '.join(sorted(codes)) or 'none'}",
                    )
                )
            if not present and code in codes:
                failures.append(Msg(f"不应出现发现 {code}", f"the finding {code} should not occur"))
        got["findings"] = sorted(codes)
        outcomes.append(ExampleOutcome(ex.name, ex.loc, tuple(failures), got))
    return outcomes


def _show(value: object) -> Msg:
    """A value as a policy's example writes it (``true``, ``false``); nothing as 无 / none."""
    if value is None:
        return Msg("无", "none")
    if isinstance(value, bool):
        return Msg("true", "true") if value else Msg("false", "false")
    if isinstance(value, Decimal):
        return Msg(format(value, "f"), format(value, "f"))
    return Msg(str(value), str(value))
