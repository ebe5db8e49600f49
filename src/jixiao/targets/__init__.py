"""The target-cell language: parse 年度指标值 and 实际完成值 cells into typed AST nodes."""

from __future__ import annotations

from jixiao.targets.ast import (
    OPS,
    Actual,
    Amount,
    Comparison,
    Deadline,
    Empty,
    Node,
    Op,
    Outcome,
    Qualitative,
    Quantity,
    Range,
    Target,
)
from jixiao.targets.parser import (
    cache_clear,
    cache_info,
    cache_resize,
    implied_unit,
    parse_actual,
    parse_actual_uncached,
    parse_target,
    parse_target_uncached,
)

__all__ = [
    "OPS",
    "Actual",
    "Amount",
    "Comparison",
    "Deadline",
    "Empty",
    "Node",
    "Op",
    "Outcome",
    "Qualitative",
    "Quantity",
    "Range",
    "Target",
    "cache_clear",
    "cache_info",
    "cache_resize",
    "implied_unit",
    "parse_actual",
    "parse_actual_uncached",
    "parse_target",
    "parse_target_uncached",
]
