"""Property-based testing of scoring policies (needs the ``testing`` extra: hypothesis).

>>> from jixiao.testing import check_policy
>>> report = check_policy("central", max_examples=20)   # doctest: +SKIP
>>> report.ok                                           # doctest: +SKIP
True
"""

from __future__ import annotations

from jixiao.errors import MissingExtraError

try:
    import hypothesis as _hypothesis  # noqa: F401
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise MissingExtraError(
        "jixiao.testing 需要 hypothesis，请安装：pip install 'jixiao[testing]' "
        "(jixiao.testing needs hypothesis: pip install 'jixiao[testing]')"
    ) from _exc

from jixiao.testing.diff import Change, PolicyDiff, diff_policies
from jixiao.testing.properties import (
    PROPERTIES,
    PolicyReport,
    Violation,
    assert_policy_ok,
    check_policy,
    describe_property,
)
from jixiao.testing.strategies import (
    actuals,
    budgets,
    chinese_numerals,
    forms,
    indicators,
    numbers,
    quantities,
    target_texts,
    targets,
    units,
)

__all__ = [
    "PROPERTIES",
    "Change",
    "PolicyDiff",
    "PolicyReport",
    "Violation",
    "actuals",
    "assert_policy_ok",
    "budgets",
    "check_policy",
    "chinese_numerals",
    "describe_property",
    "diff_policies",
    "forms",
    "indicators",
    "numbers",
    "quantities",
    "target_texts",
    "targets",
    "units",
]
