"""The generated inputs the properties work on, kept as syntax trees with their rendered cells.

A :class:`Case` is one indicator row built from a target and an actual *node*; the cells the
evaluator reads are their renderings (or a chosen surface form), so a counterexample can be shown
as the row a finance officer would have typed. :class:`BudgetCase` is the 项目资金 row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from jixiao.forms.model import Budget, Form, Indicator
from jixiao.targets.ast import Actual, Target

__all__ = ["BudgetCase", "Case", "FormCase", "dec"]


def dec(value: Decimal | None) -> str | None:
    """A Decimal as plain digits with no exponent and no trailing zeros (``1.50`` → ``1.5``)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


@attrs.frozen(slots=True)
class Case:
    """One indicator row: target and actual nodes, weight, claimed score, reason, section."""

    target: Target
    actual: Actual
    weight: Decimal
    claimed: Decimal | None = None
    reason: str = ""
    level1: str = "产出指标"
    level2: str = ""
    name: str = "指标1"
    target_text: str | None = None
    actual_text: str | None = None

    @property
    def target_cell(self) -> str:
        return self.target_text if self.target_text is not None else self.target.render()

    @property
    def actual_cell(self) -> str:
        return self.actual_text if self.actual_text is not None else self.actual.render()

    def to_indicator(self, where: str = "") -> Indicator:
        return Indicator(
            name=self.name,
            target=self.target_cell,
            actual=self.actual_cell,
            weight=self.weight,
            score=self.claimed,
            reason=self.reason,
            level1=self.level1,
            level2=self.level2,
            where=where,
        )

    def to_dict(self) -> dict[str, Any]:
        """The row in the ``indicators[]`` JSON shape of the form (design.md)."""
        out: dict[str, Any] = {
            "level1": self.level1,
            "name": self.name,
            "target": self.target_cell,
            "actual": self.actual_cell,
            "weight": dec(self.weight),
        }
        if self.level2:
            out["level2"] = self.level2
        if self.claimed is not None:
            out["score"] = dec(self.claimed)
        out["reason"] = self.reason
        return out


@attrs.frozen(slots=True)
class BudgetCase:
    """The 年度资金总额 row: 全年预算数 (annual), 全年执行数 (executed), weight, claimed score."""

    annual: Decimal
    executed: Decimal
    weight: Decimal
    initial: Decimal | None = None
    claimed: Decimal | None = None
    reason: str = ""

    def to_budget(self) -> Budget:
        return Budget(
            initial=self.initial,
            annual=self.annual,
            executed=self.executed,
            weight=self.weight,
            score=self.claimed,
            reason=self.reason,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.initial is not None:
            out["initial"] = dec(self.initial)
        out["annual"] = dec(self.annual)
        out["executed"] = dec(self.executed)
        out["weight"] = dec(self.weight)
        if self.claimed is not None:
            out["score"] = dec(self.claimed)
        if self.reason:
            out["reason"] = self.reason
        return out


@attrs.frozen(slots=True)
class FormCase:
    """A whole form: the budget row and the indicator rows (weights add up to 100)."""

    budget: BudgetCase
    rows: tuple[Case, ...]
    total: Decimal | None = None

    def to_form(self) -> Form:
        return Form(
            indicators=tuple(c.to_indicator(f"indicators[{i}]") for i, c in enumerate(self.rows)),
            budget=self.budget.to_budget(),
            total=self.total,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "budget": self.budget.to_dict(),
            "indicators": [c.to_dict() for c in self.rows],
        }
        if self.total is not None:
            out["total"] = dec(self.total)
        return out

    def permuted(self, order: tuple[int, ...]) -> FormCase:
        return attrs.evolve(self, rows=tuple(self.rows[i] for i in order))
